"""The filters of each list; an unknown dialogue, workshop or code is a 400, not an empty page.
The statements' speaker and category filters are the public search's own (deliberation.privacy):
they find no more than the attribution policy shows."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from idm.api.scopes import READ_DRAFTS, has_scope
from idm.consultations.models import Consultation
from idm.core.identifiers import IDS
from idm.core.languages import LANGUAGE_CHOICES
from idm.core.models import StakeholderCategory
from idm.deliberation import privacy
from idm.deliberation.models import KeyMessage, Recommendation, Statement
from idm.dialogues.models import Dialogue, Session, SessionRole, Workshop
from idm.practices import services as practice_services
from idm.practices.models import Practice
from idm.publications.models import Publication


class FilterSet(filters.FilterSet):
    """A parameter given empty is a mistake, not "all": only free text may be empty."""

    def is_valid(self):
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if self.data.get(name) == "" and not isinstance(declared, filters.CharFilter):
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's own reads "5.0" as 5, which the schema's integer is not."""

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else value
        if text and isinstance(text, str) and not re.fullmatch(r"-?[0-9]+", text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class IntFilter(filters.NumberFilter):
    """A whole number (a NumberFilter takes decimals)."""

    field_class = WholeNumberField


@extend_schema_field({"type": "integer", "minimum": IDS.start, "maximum": IDS.stop - 1})
class IdFilter(IntFilter):
    """An id: a number beyond the ids' range would fail the query rather than find nothing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", IDS.start)
        kwargs.setdefault("max_value", IDS.stop - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class DialogueNumberFilter(filters.ModelChoiceFilter):
    """A dialogue by its number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "dialogue")
        super().__init__(*args, to_field_name="number", queryset=Dialogue.objects.all(),
                         help_text=_("The dialogue's number: 28."), **kwargs)


@extend_schema_field({"type": "string", "minLength": 1})
class WorkshopSlugFilter(filters.ModelChoiceFilter):
    """A workshop by its short name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, to_field_name="slug", queryset=Workshop.objects.all(),
                         help_text=_("The workshop's short name: 2018-geneva."), **kwargs)


@extend_schema_field({"type": "string", "minLength": 1})
class CodeChoiceFilter(filters.ModelChoiceFilter):
    """An object by its code."""


TAG_HELP = _("gcm:3 (a GCM objective), principle:CODE, sdg:10.7 or theme:ID.")
TAG_LOOKUPS = {"gcm": "gcm_objectives__number", "principle": "principles__code",
               "sdg": "sdg_targets__code", "theme": "themes__pk"}


def validate_tag(value: str) -> None:
    kind, _sep, code = value.partition(":")
    if kind not in TAG_LOOKUPS or not code or (kind in ("gcm", "theme") and not (
            code.isascii() and code.isdigit() and int(code) in IDS)):
        raise forms.ValidationError(_("A tag is %(help)s") % {"help": TAG_HELP})


class DialogueFilter(FilterSet):
    year = IntFilter(field_name="year", min_value=1, max_value=32767)

    class Meta:
        model = Dialogue
        fields = ["year"]


class WorkshopFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="dialogue")

    class Meta:
        model = Workshop
        fields = ["dialogue"]


class SessionFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="workshop__dialogue")
    workshop = WorkshopSlugFilter(field_name="workshop")
    kind = filters.ChoiceFilter(choices=Session.Kind.choices)

    class Meta:
        model = Session
        fields = ["dialogue", "workshop", "kind"]


class SpeakerFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="session__workshop__dialogue")
    workshop = WorkshopSlugFilter(field_name="session__workshop")
    session = IdFilter(field_name="session_id")
    role = filters.ChoiceFilter(choices=SessionRole.Role.choices)

    class Meta:
        model = SessionRole
        fields = ["dialogue", "workshop", "session", "role"]


class StatementFilter(FilterSet):
    dialogue = DialogueNumberFilter(method="filter_dialogue")
    workshop = WorkshopSlugFilter(field_name="session__workshop")
    session = IdFilter(field_name="session_id")
    language = filters.ChoiceFilter(choices=Statement.Language.choices)
    kind = filters.ChoiceFilter(choices=Statement.Kind.choices)
    tag = filters.CharFilter(method="filter_tag", help_text=TAG_HELP, max_length=60,
                             validators=[validate_tag])
    category = CodeChoiceFilter(
        method="filter_category", to_field_name="code",
        queryset=StakeholderCategory.objects.all(),
        help_text=_("A stakeholder category's code; for the public, only statements whose "
                    "category the attribution policy shows."))
    speaker = filters.CharFilter(method="filter_speaker", max_length=200, help_text=_(
        "Words of the speaker's name; for the public, attributed statements only."))

    class Meta:
        model = Statement
        fields = ["dialogue", "workshop", "session", "language", "kind", "tag", "category",
                  "speaker"]

    def filter_dialogue(self, queryset, name, dialogue):
        return queryset.filter(Q(session__workshop__dialogue=dialogue)
                               | Q(reference_event__dialogue=dialogue))

    def _staff(self) -> bool:
        return self.request is not None and has_scope(self.request, READ_DRAFTS)

    def filter_tag(self, queryset, name, value):
        kind, _sep, code = value.partition(":")
        return queryset.filter(**{TAG_LOOKUPS[kind]: code}).distinct()

    def filter_category(self, queryset, name, category):
        if self._staff():
            return queryset.filter(speaker_category=category)
        return queryset.filter(privacy.public_category_filter(category))

    def filter_speaker(self, queryset, name, value):
        if not value.split():
            return queryset
        if self._staff():
            condition = Q()
            for word in value.split():
                condition &= (Q(person__family_name__icontains=word)
                              | Q(person__given_name__icontains=word)
                              | Q(speaker_name__icontains=word))
            return queryset.filter(condition)
        return queryset.filter(privacy.public_speaker_filter(value))


class KeyMessageFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="dialogue")
    status = filters.ChoiceFilter(choices=KeyMessage.Status.choices)

    class Meta:
        model = KeyMessage
        fields = ["dialogue", "status"]


class RecommendationFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="dialogue")
    addressee = filters.ChoiceFilter(choices=Recommendation.Addressee.choices)
    key_message = IdFilter(field_name="key_message_id")
    status = filters.ChoiceFilter(choices=KeyMessage.Status.choices)

    class Meta:
        model = Recommendation
        fields = ["dialogue", "addressee", "key_message", "status"]


class ConsultationFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="dialogue")
    workshop = WorkshopSlugFilter(field_name="workshop")

    class Meta:
        model = Consultation
        fields = ["dialogue", "workshop"]


class PracticeFilter(FilterSet):
    """The registry's facets (practices.services.FACETS), each narrowing the list."""

    type = filters.ChoiceFilter(choices=Practice.Type.choices, method="filter_facet")
    level = filters.ChoiceFilter(choices=Practice.Level.choices, method="filter_facet")
    objective = IntFilter(method="filter_facet", min_value=1, max_value=32767,
                                     help_text=_("A GCM objective's number."))
    principle = filters.CharFilter(method="filter_facet", max_length=50)
    region = filters.CharFilter(method="filter_facet", max_length=60)
    country = filters.CharFilter(method="filter_facet", max_length=2,
                                 help_text=_("An ISO 3166 code: CH."))
    category = filters.CharFilter(method="filter_facet", max_length=50,
                                  help_text=_("An implementer's stakeholder category code."))
    status = filters.ChoiceFilter(choices=Practice.Status.choices)

    class Meta:
        model = Practice
        fields = ["type", "level", "objective", "principle", "region", "country", "category",
                  "status"]

    def filter_facet(self, queryset, name, value):
        if name == "country":
            value = value.upper()
        return practice_services.filtered(queryset, {name: value})


class PublicationFilter(FilterSet):
    dialogue = DialogueNumberFilter(field_name="dialogue")
    year = IntFilter(field_name="year", min_value=1, max_value=32767)
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES, method="filter_language",
                                    help_text=_("Publications with an edition in this language."))

    class Meta:
        model = Publication
        fields = ["dialogue", "year", "language"]

    def filter_language(self, queryset, name, value):
        return queryset.filter(editions__language=value,
                               editions__versions__status="published").distinct()
