"""Statements (who said what, under which attribution policy), themes, key messages and
recommendations with the statements that support them, their revisions, and the synthesis runs
that find themes in what was said."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from idm.core.languages import LANGUAGE_CHOICES
from idm.core.models import Country, GcmObjective, GuidingPrinciple, Job, SdgTarget, StakeholderCategory
from idm.dialogues.models import Dialogue, Person, Session, Workshop


class ReferenceEvent(models.Model):
    """Where reference material comes from when it was not said at one of the dialogue's
    workshops: a UN General Assembly debate, a consultation, a written call for input."""

    dialogue = models.ForeignKey(Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE,
                                 related_name="reference_events")
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("short name"), unique=True)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    citation = models.TextField(_("source and citation"), blank=True)
    url = models.URLField(_("source address"), blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("reference event")
        verbose_name_plural = _("reference events")

    def __str__(self):
        return self.title


class Theme(models.Model):
    """A free theme a rapporteur tags statements with."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class Statement(models.Model):
    class Kind(models.TextChoices):
        REMARKS = "remarks", _("Remarks")
        FLOOR = "floor", _("Intervention from the floor")
        WRITTEN = "written", _("Written submission")
        NOTE = "note", _("Rapporteur's note")

    class Attribution(models.TextChoices):
        ATTRIBUTED = "attributed", _("Attributed")
        NOT_FOR_ATTRIBUTION = "chatham-house", _("Not for attribution (Chatham House rule)")
        ANONYMOUS = "anonymous", _("Anonymous")

    class Language(models.TextChoices):
        EN = "en", _("English")
        FR = "fr", _("French")
        ES = "es", _("Spanish")
        OTHER = "other", _("Other")

    session = models.ForeignKey(Session, verbose_name=_("session"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="statements")
    reference_event = models.ForeignKey(ReferenceEvent, verbose_name=_("reference event"),
                                        null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="statements")
    person = models.ForeignKey(Person, verbose_name=_("speaker"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="statements",
                               help_text=_("A person linked to the session."))
    speaker_name = models.CharField(_("speaker's name"), max_length=200, blank=True,
                                    help_text=_("For someone from the floor or a delegation."))
    speaker_organization = models.CharField(_("speaker's organization"), max_length=300,
                                            blank=True)
    speaker_category = models.ForeignKey(StakeholderCategory,
                                         verbose_name=_("speaker's stakeholder category"),
                                         null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="statements")
    speaker_country = models.ForeignKey(Country, verbose_name=_("speaker's country"), null=True,
                                        blank=True, on_delete=models.PROTECT,
                                        related_name="statements")
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices,
                                default=Language.EN)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REMARKS)
    said_at = models.DateTimeField(_("time"), null=True, blank=True)
    attribution = models.CharField(_("attribution policy"), max_length=15,
                                   choices=Attribution.choices, default=Attribution.ATTRIBUTED)
    complete = models.BooleanField(
        _("complete"), default=True,
        help_text=_("Still being typed during a live session when not complete; only complete "
                    "statements are public."))
    illustrative = models.BooleanField(_("illustrative"), default=False,
                                       help_text=_("Made up for a demonstration."))
    source = models.CharField(_("source"), max_length=300, blank=True,
                              help_text=_("Where the text comes from: a transcript, a corpus."))
    order = models.PositiveIntegerField(_("order"), default=0)
    client_id = models.UUIDField(_("capture id"), default=uuid.uuid4, unique=True,
                                 editable=False)
    gcm_objectives = models.ManyToManyField(GcmObjective, verbose_name=_("GCM objectives"),
                                            blank=True, related_name="statements")
    principles = models.ManyToManyField(GuidingPrinciple, verbose_name=_("guiding principles"),
                                        blank=True, related_name="statements")
    sdg_targets = models.ManyToManyField(SdgTarget, verbose_name=_("SDG targets"), blank=True,
                                         related_name="statements")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True,
                                    related_name="statements")
    # Worked out in the background from the words (tag_suggestions.py); never edited by hand.
    suggested_tags = models.JSONField(_("suggested tags"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("captured by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("captured at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["session", "reference_event", "order", "id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(session__isnull=False, reference_event__isnull=True)
                           | models.Q(session__isnull=True, reference_event__isnull=False)),
                name="statement_in_a_session_or_a_reference_event"),
        ]
        indexes = [models.Index(fields=["session", "order"]),
                   models.Index(fields=["complete", "attribution"])]

    def __str__(self):
        return f"{self.speaker_display_internal}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("deliberation:statement", args=[self.pk])

    def clean(self):
        if bool(self.session_id) == bool(self.reference_event_id):
            raise ValidationError(_("A statement belongs to a session or to a reference event."))
        if self.person_id is None and not self.speaker_name and self.kind != self.Kind.NOTE:
            raise ValidationError({"speaker_name": _(
                "Name the speaker: a person of the session, or someone from the floor.")})

    @property
    def speaker_display_internal(self) -> str:
        """The speaker as staff see them, whatever the attribution policy."""
        if self.person_id:
            return self.person.full_name
        return self.speaker_name or str(_("Rapporteur"))

    @property
    def dialogue_id(self):
        if self.session_id:
            return self.session.workshop.dialogue_id
        return self.reference_event.dialogue_id


class Evidence(models.Model):
    """A statement that supports a key message or a recommendation, with the words that do."""

    statement = models.ForeignKey(Statement, verbose_name=_("statement"),
                                  on_delete=models.CASCADE, related_name="+")
    quote = models.TextField(_("quoted span"), blank=True,
                             help_text=_("The words of the statement that support it; empty for "
                                         "the whole statement."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def clean(self):
        if self.quote and self.statement_id and self.quote.strip() not in self.statement.text:
            raise ValidationError({"quote": _("The quoted span is not in the statement's text.")})


class KeyMessage(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    dialogue = models.ForeignKey(Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE,
                                 related_name="key_messages")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=5, choices=Status.choices,
                              default=Status.DRAFT)
    statements = models.ManyToManyField(Statement, through="KeyMessageEvidence",
                                        related_name="key_messages", blank=True)

    class Meta:
        ordering = ["dialogue", "number"]
        verbose_name = _("key message")
        verbose_name_plural = _("key messages")
        constraints = [models.UniqueConstraint(fields=["dialogue", "number"],
                                               name="one_key_message_per_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("deliberation:key-message", args=[self.pk])


class KeyMessageEvidence(Evidence):
    key_message = models.ForeignKey(KeyMessage, verbose_name=_("key message"),
                                    on_delete=models.CASCADE, related_name="evidence")
    statement = models.ForeignKey(Statement, verbose_name=_("statement"),
                                  on_delete=models.CASCADE, related_name="key_message_evidence")

    class Meta(Evidence.Meta):
        verbose_name = _("evidence for a key message")
        verbose_name_plural = _("evidence for key messages")
        constraints = [models.UniqueConstraint(fields=["key_message", "statement"],
                                               name="statement_once_per_key_message")]

    def __str__(self):
        return f"{self.key_message_id} ← {self.statement_id}"


class Recommendation(models.Model):
    class Addressee(models.TextChoices):
        STATES = "states", _("States")
        IOM = "iom", _("IOM")
        UN_SYSTEM = "un-system", _("The UN system")
        CIVIL_SOCIETY = "civil-society", _("Civil society")
        PRIVATE_SECTOR = "private-sector", _("The private sector")
        MIGRANT_DIASPORA = "migrants-diasporas", _("Migrant and diaspora organizations")
        ALL = "all", _("All stakeholders")
        OTHER = "other", _("Other")

    dialogue = models.ForeignKey(Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE,
                                 related_name="recommendations")
    addressee = models.CharField(_("addressed to"), max_length=20, choices=Addressee.choices)
    text = models.TextField(_("text"))
    key_message = models.ForeignKey(KeyMessage, verbose_name=_("follows from the key message"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="recommendations")
    status = models.CharField(_("status"), max_length=5, choices=KeyMessage.Status.choices,
                              default=KeyMessage.Status.DRAFT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    statements = models.ManyToManyField(Statement, through="RecommendationEvidence",
                                        related_name="recommendations", blank=True)

    class Meta:
        ordering = ["dialogue", "addressee", "order", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.get_addressee_display()}: {self.text[:80]}"

    def get_absolute_url(self):
        return reverse("deliberation:recommendation", args=[self.pk])


class RecommendationEvidence(Evidence):
    recommendation = models.ForeignKey(Recommendation, verbose_name=_("recommendation"),
                                       on_delete=models.CASCADE, related_name="evidence")
    statement = models.ForeignKey(Statement, verbose_name=_("statement"),
                                  on_delete=models.CASCADE,
                                  related_name="recommendation_evidence")

    class Meta(Evidence.Meta):
        verbose_name = _("evidence for a recommendation")
        verbose_name_plural = _("evidence for recommendations")
        constraints = [models.UniqueConstraint(fields=["recommendation", "statement"],
                                               name="statement_once_per_recommendation")]

    def __str__(self):
        return f"{self.recommendation_id} ← {self.statement_id}"


class Revision(models.Model):
    """A key message or a recommendation as it was after one change: its texts and status."""

    key_message = models.ForeignKey(KeyMessage, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="revisions")
    recommendation = models.ForeignKey(Recommendation, null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    content = models.JSONField(_("content"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(_("by (as recorded)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"r{self.number} {self.created_at:%Y-%m-%d %H:%M} {self.author_name}"


class QuoteTranslation(models.Model):
    """Words of a statement, as a report quotes them, in another language: a translator's text for
    an edition in that language. `source` keeps the words translated, so a changed quote shows
    as untranslated rather than printing an old translation."""

    statement = models.ForeignKey(Statement, verbose_name=_("statement"),
                                  on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    source = models.TextField(_("words translated"))
    source_key = models.CharField(max_length=64, editable=False)
    text = models.TextField(_("translation"))

    class Meta:
        verbose_name = _("translated quote")
        verbose_name_plural = _("translated quotes")
        constraints = [models.UniqueConstraint(fields=["statement", "language", "source_key"],
                                               name="one_translation_per_quote")]

    def __str__(self):
        return f"{self.statement_id} ({self.language}): {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.source_key = text_key(self.source)
        super().save(*args, **kwargs)


def text_key(text: str) -> str:
    """One key for texts that differ only in spacing: how quotes and memory segments are found."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


class SynthesisRun(Job):
    """Themes found in what was said in a dialogue, a workshop or a session (synthesis/themes.py),
    run by a worker (deliberation/tasks.py). A merge or a split of themes is a new run made from
    its parent's, so the rapporteur can go back to any earlier one."""

    class Engine(models.TextChoices):
        TFIDF = "tfidf", _("Words and phrases (TF-IDF)")
        WORDLLAMA = "wordllama", _("Sentence vectors (WordLlama)")

    STOPPED = gettext_noop("The worker stopped during the synthesis (stopped or restarted): run "
                           "it again.")
    NOT_QUEUED = gettext_noop("The synthesis could not be queued: %(error)s")

    dialogue = models.ForeignKey(Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE,
                                 related_name="synthesis_runs")
    workshop = models.ForeignKey(Workshop, verbose_name=_("workshop"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="synthesis_runs")
    session = models.ForeignKey(Session, verbose_name=_("session"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="synthesis_runs")
    themes_asked = models.PositiveSmallIntegerField(
        _("number of themes"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Leave empty to let the statements decide."))
    engine = models.CharField(_("engine"), max_length=10, choices=Engine.choices,
                              default=Engine.TFIDF)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    parent = models.ForeignKey("self", verbose_name=_("made from"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children")
    # {"merge": [3, 5]} or {"split": 2, "parts": null}: what this run changes in its parent's.
    operation = models.JSONField(_("change"), default=dict, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("synthesis run")
        verbose_name_plural = _("synthesis runs")

    def __str__(self):
        return f"{self.scope} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("deliberation:synthesis-run", args=[self.pk])

    @property
    def scope(self) -> str:
        if self.session_id:
            return self.session.title
        if self.workshop_id:
            return self.workshop.title
        return self.dialogue.theme

    @property
    def themes(self) -> list[dict]:
        return self.report.get("themes", [])

    def theme(self, number: int) -> dict | None:
        return next((t for t in self.themes if t["number"] == number), None)

