"""Series, dialogues, workshops, sessions, people, organizations and who plays which role where."""

import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from idm.core.identifiers import validate_issn
from idm.core.languages import LANGUAGE_CHOICES, LANGUAGES
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

    class Registration(models.TextChoices):
        CLOSED = "closed", _("Closed")
        OPEN = "open", _("Open to anyone")
        INVITATION = "invitation", _("By invitation link")

    registration = models.CharField(_("registration"), max_length=12,
                                    choices=Registration.choices, default=Registration.CLOSED)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True,
        help_text=_("Places for pending and approved participants; past it, new registrations "
                    "wait. Empty: no limit."))
    requires_approval = models.BooleanField(
        _("requires approval"), default=True,
        help_text=_("New registrations wait for the secretariat's approval."))
    invitation_code = models.CharField(
        _("invitation code"), max_length=40, blank=True,
        help_text=_("The secret part of the invitation link; made when left empty."))

    class Meta:
        ordering = ["first_day", "slug"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self):
        return f"{self.title} ({self.city}, {self.first_day:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self.invitation_code:
            self.invitation_code = secrets.token_urlsafe(18)
        super().save(*args, **kwargs)

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
        errors = self.time_errors()
        if not errors and self.room.strip() and self.workshop_id:
            clash = self.room_clash()
            if clash:
                local = self.workshop.local
                errors["room"] = _(
                    "%(room)s is already used from %(start)s to %(end)s by “%(title)s”.") % {
                    "room": self.room, "start": f"{local(clash.start):%H:%M}",
                    "end": f"{local(clash.end):%H:%M}", "title": clash.title}
        if errors:
            raise ValidationError(errors)

    def room_clash(self) -> "Session | None":
        return (Session.objects.filter(workshop_id=self.workshop_id,
                                       room__iexact=self.room.strip(),
                                       start__lt=self.end, end__gt=self.start)
                .exclude(pk=self.pk).first())

    def time_errors(self) -> dict:
        """The times' own faults: an end before the start, a day outside the workshop's."""
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
        return errors

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
    region = models.CharField(_("region"), max_length=200, blank=True,
                              help_text=_("The region it covers, for a regional process or body."))
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
    # Set when the person's name and e-mail were erased (a deletion request, or a closed
    # dialogue anonymized): the record stays, so that statistics count them as before.
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True,
                                         editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # One person per e-mail, so that a person registered for two workshops counts once.
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""),
                                    name="one_person_per_email",
                                    violation_error_message=_(
                                        "Another person already has this e-mail.")),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if self.anonymized_at is not None:
            return pgettext("person", "Anonymous")
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
            for language in LANGUAGES:
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


class RegistrationQuestion(models.Model):
    """A question the secretariat adds to one workshop's registration form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One of a list")
        YES_NO = "yes-no", _("Yes or no")

    workshop = models.ForeignKey(Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE,
                                 related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True,
                               help_text=_("For a list: one choice per line, in the same order "
                                           "in every language."))
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["workshop", "order", "id"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self):
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("A list needs at least two choices.")})


def new_registration_token() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """One person's registration for one workshop."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        SPEAKER = "speaker", _("Speaker")
        OBSERVER = "observer", _("Observer")
        MEDIA = "media", _("Media")
        ORGANIZER = "organizer", _("Organizer")

    class MailStatus(models.TextChoices):
        NONE = "", _("None sent")
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    # Statuses that hold one of the workshop's places.
    SEATED = (Status.PENDING, Status.APPROVED)

    workshop = models.ForeignKey(Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE,
                                 related_name="registrations")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="registrations")
    email = models.EmailField(_("email"))
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="registrations")
    proposed_organization = models.CharField(
        _("new organization"), max_length=300, blank=True,
        help_text=_("An organization the participant named that is not in the list yet."))
    category = models.ForeignKey(StakeholderCategory, verbose_name=_("stakeholder category"),
                                 on_delete=models.PROTECT, related_name="registrations")
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="registrations")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices,
                            default=Role.PARTICIPANT)
    consent_public = models.BooleanField(
        _("listed publicly"), default=False,
        help_text=_("Agreed to appear in the public list of participants."))
    needs = models.TextField(_("accessibility or interpretation needs"), blank=True)
    language = models.CharField(_("language"), max_length=2, default="en",
                                choices=LANGUAGE_CHOICES)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    token = models.CharField(_("private link"), max_length=40, unique=True,
                             default=new_registration_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # The newest e-mail about the registration (dialogues/mail.py): a worker sends it, and tries
    # again later while the mail server fails.
    mail_status = models.CharField(_("e-mail"), max_length=8, choices=MailStatus.choices,
                                   blank=True, default=MailStatus.NONE, editable=False)
    mail_error = models.CharField(_("e-mail error"), max_length=300, blank=True, editable=False)
    mails_queued = models.PositiveIntegerField(_("e-mails queued"), default=0, editable=False)
    # When the link to the participant's personal data was last e-mailed: once in a while only,
    # since whoever holds the private link may ask (personal_data.py).
    data_link_sent_at = models.DateTimeField(_("personal data link sent at"), null=True,
                                             blank=True, editable=False)
    # Set when its contact details, answers and private link were erased; what statistics
    # count (category, country, role, status, check-in) stays.
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True,
                                         editable=False)

    class Meta:
        ordering = ["workshop", "created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "email"], name="one_registration_per_email",
                                    violation_error_message=_(
                                        "This e-mail is already registered for this workshop.")),
        ]
        indexes = [models.Index(fields=["workshop", "status", "created_at"])]

    def __str__(self):
        return f"{self.person} – {self.workshop.slug} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("dialogues:registration", args=[self.token])

    @property
    def organization_name(self) -> str:
        return self.organization.name if self.organization else self.proposed_organization

    @property
    def registered_name(self) -> str:
        """The name as the participant typed it: the person's, unless it differed from the
        record (then an identity change holds it, whatever the secretariat decided)."""
        try:
            return self.identity_change.proposed_name
        except ObjectDoesNotExist:
            return self.person.full_name


class IdentityChange(models.Model):
    """A person's name as someone typed it on a public form, when it differs from the record.

    The public form never changes a person (a stranger could rename a speaker); the secretariat
    accepts the change, which then renames the person everywhere, or refuses it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn with the registration")

    # The fields a public form may propose; the person's title and organization are never
    # among them (they are the agenda's, as they were at the time).
    FIELDS = ("honorific", "given_name", "family_name", "gender")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="identity_changes")
    registration = models.OneToOneField(Registration, verbose_name=_("registration"), null=True,
                                        blank=True, on_delete=models.CASCADE,
                                        related_name="identity_change")
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Person.Gender.choices,
                              blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("identity change")
        verbose_name_plural = _("identity changes")

    def __str__(self):
        return f"{self.person} → {self.proposed_name}"

    @property
    def proposed_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.given_name, self.family_name)
                        if part)

    def differences(self) -> list[tuple[str, str, str]]:
        """(field label, on record, proposed) for each field the change would alter."""
        return [(str(Person._meta.get_field(name).verbose_name), getattr(self.person, name),
                 getattr(self, name)) for name in self.FIELDS
                if getattr(self, name) and getattr(self, name) != getattr(self.person, name)]


class DeletionRequest(models.Model):
    """A participant's request that idm delete what it holds about them, made through their
    private link after proving their e-mail address, and carried out by the secretariat
    (personal_data.py). Once done, it holds no personal data: counts of what was erased."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To carry out")
        DONE = "done", _("Carried out")

    class MailStatus(models.TextChoices):
        NONE = "", _("None sent")
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="deletion_requests")
    registration = models.ForeignKey(Registration, verbose_name=_("asked through"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("carried out by"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    kept_public_record = models.BooleanField(
        _("public record kept"), default=False,
        help_text=_("The person's name stayed on agendas and on the statements they made on "
                    "the record."))
    summary = models.JSONField(_("what was erased"), default=dict, blank=True, editable=False)
    # The address the confirmation goes to: kept only until it is sent (or finally fails), once
    # every other copy is erased.
    confirmation_email = models.EmailField(_("confirmation to"), blank=True, editable=False)
    language = models.CharField(_("language"), max_length=2, default="en",
                                choices=LANGUAGE_CHOICES)
    mail_status = models.CharField(_("confirmation e-mail"), max_length=8,
                                   choices=MailStatus.choices, blank=True,
                                   default=MailStatus.NONE, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="pending"),
                                    name="one_pending_deletion_request_per_person"),
        ]

    def __str__(self):
        return gettext("Deletion request %(number)s") % {"number": self.pk}
