"""Series, dialogues, workshops, sessions, people, organizations and who plays which role where."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from idm.core.identifiers import validate_issn
from idm.core.models import Country, StakeholderCategory


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("Unknown time zone '%(value)s'. Use an IANA name such as Europe/Zurich "
              "or America/New_York."),
            code="unknown_time_zone", params={"value": value},
        )


class Series(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    issn_en = models.CharField(_("ISSN (English)"), max_length=9, blank=True,
                               validators=[validate_issn])
    issn_fr = models.CharField(_("ISSN (French)"), max_length=9, blank=True,
                               validators=[validate_issn])
    issn_es = models.CharField(_("ISSN (Spanish)"), max_length=9, blank=True,
                               validators=[validate_issn])

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.name

    def issn(self, language: str) -> str:
        return getattr(self, f"issn_{language}", "")


class Dialogue(models.Model):
    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.PROTECT,
                               related_name="dialogues")
    number = models.PositiveIntegerField(
        _("number"), unique=True, help_text=_("The dialogue is named by this number: 28."))
    year = models.PositiveIntegerField(_("year"))
    theme = models.CharField(_("theme"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")

    def __str__(self):
        return gettext("No. %(number)s (%(year)s): %(theme)s") % {
            "number": self.number, "year": self.year, "theme": self.theme}

    def get_absolute_url(self):
        return reverse("dialogues:dialogue", args=[self.number])


class Workshop(models.Model):
    dialogue = models.ForeignKey(Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE,
                                 related_name="workshops")
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("short name"), unique=True,
                            help_text=_("Names the workshop in addresses and commands: 2018-geneva."))
    city = models.CharField(_("city"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone],
        help_text=_("IANA name of the venue's time zone, such as Europe/Zurich."))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        ordering = ["first_day", "slug"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self):
        return f"{self.title} ({self.city}, {self.first_day:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("dialogues:agenda", args=[self.slug])

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day comes before the first day.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]

    def local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tz)

    def aware(self, day: date, clock: time) -> datetime:
        """A wall-clock time at the venue as an aware datetime."""
        return datetime.combine(day, clock, tzinfo=self.tz)


class Session(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening session")
        SETTING_THE_SCENE = "setting-the-scene", _("Setting the scene")
        PANEL = "panel", _("Panel")
        KEYNOTE = "keynote", _("Keynote")
        SIDE_EVENT = "side-event", _("Side event")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing session")
        OTHER = "other", _("Other")

    workshop = models.ForeignKey(Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE,
                                 related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PANEL)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.CharField(
        _("room"), max_length=100, blank=True,
        help_text=_("Two sessions cannot use the same room at the same time."))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Orders sessions that start at the same time."))
    illustrative = models.BooleanField(
        _("illustrative"), default=False,
        help_text=_("Not part of the real agenda: made up for a demonstration."))
    source_note = models.CharField(
        _("source note"), max_length=300, blank=True,
        help_text=_("Where the facts of this session come from, or what is not known."))

    class Meta:
        ordering = ["start", "order", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="session_ends_after_start"),
        ]

    def __str__(self):
        if self.start and self.workshop_id:
            return f"{self.workshop.local(self.start):%Y-%m-%d %H:%M} {self.title}"
        return self.title

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The session ends before it starts.")
        if self.start and self.workshop_id:
            workshop = self.workshop
            day = workshop.local(self.start).date()
            last = workshop.local(self.end).date() if self.end else day
            if day < workshop.first_day or last > workshop.last_day:
                errors["start"] = _(
                    "The session falls outside the workshop's days (%(first)s to %(last)s).") % {
                    "first": workshop.first_day.isoformat(), "last": workshop.last_day.isoformat()}
        if not errors and self.room.strip() and self.workshop_id:
            clash = (
                Session.objects.filter(workshop_id=self.workshop_id, room__iexact=self.room.strip(),
                                       start__lt=self.end, end__gt=self.start)
                .exclude(pk=self.pk).first()
            )
            if clash:
                local = self.workshop.local
                errors["room"] = _(
                    "%(room)s is already used from %(start)s to %(end)s by “%(title)s”.") % {
                    "room": self.room, "start": f"{local(clash.start):%H:%M}",
                    "end": f"{local(clash.end):%H:%M}", "title": clash.title}
        if errors:
            raise ValidationError(errors)

    @cached_property
    def local_start(self) -> datetime:
        return self.workshop.local(self.start)

    @cached_property
    def local_end(self) -> datetime:
        return self.workshop.local(self.end)

    @property
    def offset_minutes(self) -> int:
        """The venue's offset from UTC at the start, for the reader's-time script."""
        return int(self.local_start.utcoffset().total_seconds() // 60)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    category = models.ForeignKey(StakeholderCategory, verbose_name=_("stakeholder category"),
                                 on_delete=models.PROTECT, related_name="organizations")
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey("self", verbose_name=_("part of"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children")
    fictional = models.BooleanField(_("fictional"), default=False,
                                    help_text=_("Made up for the demonstration."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Person(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    honorific = models.CharField(_("honorific"), max_length=40, blank=True,
                                 help_text=_("Ms, Mr, Dr, H.E. Ms ..."))
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    email = models.EmailField(_("email"), blank=True)
    fictional = models.BooleanField(_("fictional"), default=False,
                                    help_text=_("Made up for the demonstration."))

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.name) if part)


class SessionRole(models.Model):
    """A person in a session, with the title and organization they had at the time."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MODERATOR = "moderator", _("Moderator")
        KEYNOTE = "keynote", _("Keynote speaker")
        PANELIST = "panelist", _("Panelist")
        REMARKS = "remarks", _("Remarks")
        PRESENTATION = "presentation", _("Presentation")
        VIDEO_MESSAGE = "video-message", _("Video message")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="roles")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="session_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("title at the time"), max_length=300, blank=True,
                             help_text=_("As printed on the agenda: Director General."))
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="session_roles")
    organization_name = models.CharField(
        _("organization at the time"), max_length=300, blank=True,
        help_text=_("As printed on the agenda; filled from the organization when left empty."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_role_per_person",
                                    violation_error_message=_(
                                        "This person is already linked to this session.")),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        if self.organization_id:
            for language in ("en", "fr", "es"):
                field = f"organization_name_{language}"
                if not getattr(self, field, ""):
                    setattr(self, field, getattr(self.organization, f"name_{language}", ""))
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # Say who is linked twice, not just that a constraint failed.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            if self.person_id and self.session_id:
                raise ValidationError({"person": gettext(
                    "%(person)s is already linked to the session “%(session)s”.") % {
                    "person": self.person, "session": self.session.title}}) from error
            raise

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.title, self.organization_name) if part)
