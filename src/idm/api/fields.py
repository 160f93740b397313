"""Fields the serializers share: objects named by slug or number, times that say their offset,
and values of exactly the JSON type the schema gives (REST framework would read 5 as "5",
"true" as true)."""

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from idm.core.identifiers import IDS


class NamedRelatedField(serializers.SlugRelatedField):
    """An object named by a slug, a number or a code; a NUL or an integer out of range names
    nothing (the database would refuse the query rather than find nothing)."""

    def to_internal_value(self, data):
        target = self.get_queryset().model._meta.get_field(self.slug_field)
        expected = int if isinstance(target, models.IntegerField) else str
        if isinstance(data, bool) or not isinstance(data, expected):
            self.fail("invalid")
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        if isinstance(data, int) and data not in IDS:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """An object named by its id, which must be a whole number in the ids' range."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if data not in IDS:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class Text(serializers.CharField):
    """Text, and only text: a number sent for a title is a mistake, not a title."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Choice(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    """true or false, not "yes" or 1."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class WholeNumber(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """A moment with its offset (`Z` or `+02:00`): a bare clock time would leave open which
    city's it is."""

    default_error_messages = {"naive": _("Give the offset: 2018-10-08T10:00:00+02:00 or "
                                         "2018-10-08T08:00:00Z."),
                              "text": _("Give the moment as text: 2018-10-08T08:00:00Z.")}

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("text")
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # a date that does not exist; the parent says so
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)
