"""Consultations: votes of agree, disagree or pass on a dialogue's draft key messages, draft
recommendations and statements; the voters (registered participants, or anyone with the link) and
the analyses of their votes (opinion groups and consensus, synthesis/opinions.py)."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from idm.core.models import Job, StakeholderCategory
from idm.deliberation.models import KeyMessage, Recommendation, Statement
from idm.dialogues.models import Dialogue, Workshop


def new_consultation_link() -> str:
    return secrets.token_urlsafe(12)


def new_voter_key() -> str:
    return secrets.token_urlsafe(24)


class Consultation(models.Model):
    """Votes of agree, disagree or pass on a dialogue's draft key messages, draft recommendations
    and statements, and what they show: opinion groups and consensus across groups and across the
    stakeholder categories voters registered with (synthesis/opinions.py, consultations.py)."""

    class Voters(models.TextChoices):
        REGISTERED = "registered", _("Registered participants, through their private link")
        LINK = "link", _("Anyone with the link")

    dialogue = models.ForeignKey(Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE,
                                 related_name="consultations")
    workshop = models.ForeignKey(Workshop, verbose_name=_("workshop"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="consultations",
                                 help_text=_("Empty: the whole dialogue."))
    title = models.CharField(_("title"), max_length=300)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True,
                                     help_text=_("Empty: open until someone closes it."))
    voters = models.CharField(_("who may vote"), max_length=10, choices=Voters.choices,
                              default=Voters.REGISTERED)
    submissions = models.BooleanField(
        _("participants may submit statements"), default=True,
        help_text=_("A submitted statement is put to the vote once the secretariat accepts it."))
    link = models.CharField(_("link"), max_length=24, unique=True, default=new_consultation_link,
                            editable=False)
    illustrative = models.BooleanField(_("illustrative"), default=False,
                                       help_text=_("Made up for a demonstration."))
    source = models.CharField(_("source"), max_length=300, blank=True,
                              help_text=_("Where the votes come from when imported (a Pol.is export)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [models.CheckConstraint(
            condition=models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=models.F("opens_at")),
            name="consultation_closes_after_it_opens")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:manage", args=[self.pk])

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at and (self.closes_at is None or at < self.closes_at)

    def clean(self):
        if self.workshop_id and self.workshop.dialogue_id != self.dialogue_id:
            raise ValidationError({"workshop": _("This workshop belongs to another dialogue.")})


class ConsultationStatement(models.Model):
    """One statement put to the vote: a draft key message or recommendation, a statement from the
    floor, a participant's submission once accepted, or a comment of an imported Pol.is export."""

    class Kind(models.TextChoices):
        KEY_MESSAGE = "key-message", _("Draft key message")
        RECOMMENDATION = "recommendation", _("Draft recommendation")
        STATEMENT = "statement", _("Statement")
        SUBMISSION = "submission", _("Participant's submission")
        IMPORTED = "imported", _("Imported")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Put to the vote")
        REJECTED = "rejected", _("Not put to the vote")

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"),
                                     on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key_message = models.ForeignKey(KeyMessage, verbose_name=_("key message"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="consultation_items")
    recommendation = models.ForeignKey(Recommendation, verbose_name=_("recommendation"), null=True,
                                       blank=True, on_delete=models.CASCADE,
                                       related_name="consultation_items")
    statement = models.ForeignKey(Statement, verbose_name=_("statement"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="consultation_items")
    # A submission's or an imported comment's own words; the others show their source's text.
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACCEPTED, db_index=True)
    submitted_by = models.ForeignKey("Voter", verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="submissions")
    source_id = models.CharField(_("id in the source"), max_length=40, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["consultation", "order", "id"]
        verbose_name = _("statement put to the vote")
        verbose_name_plural = _("statements put to the vote")

    def __str__(self):
        return self.shown_text()[:80]

    def shown_text(self) -> str:
        """The words voters see, in the active language where the source has them."""
        if self.key_message_id:
            return self.key_message.title
        if self.recommendation_id:
            return self.recommendation.text
        if self.statement_id:
            return self.statement.text
        return self.text


class Voter(models.Model):
    """Someone who votes in a consultation: a registered participant, or a browser holding the
    consultation's link (known by a key kept in its cookie), or a participant of an imported
    export. Nobody else ever sees how a voter voted."""

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"),
                                     on_delete=models.CASCADE, related_name="voter_set")
    registration = models.ForeignKey("dialogues.Registration", verbose_name=_("registration"),
                                     null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="voters")
    key = models.CharField(max_length=40, unique=True, default=new_voter_key,
                           editable=False)
    category = models.ForeignKey(StakeholderCategory, verbose_name=_("stakeholder category"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    source_id = models.CharField(_("id in the source"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("first vote"), default=timezone.now)

    class Meta:
        ordering = ["consultation", "id"]
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [models.UniqueConstraint(
            fields=["consultation", "registration"], condition=models.Q(registration__isnull=False),
            name="one_voter_per_registration")]

    def __str__(self):
        return f"{self.consultation_id}/{self.pk}"


class Vote(models.Model):
    """A voter's vote on a statement: the latest one counts, so there is one per pair."""

    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(ConsultationStatement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["voter", "item"], name="one_vote_per_voter_and_statement"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]),
                                   name="vote_is_agree_disagree_or_pass"),
        ]
        indexes = [models.Index(fields=["item", "value"])]

    def __str__(self):
        return f"{self.voter_id} on {self.item_id}: {self.value}"


class ConsultationAnalysis(Job):
    """The opinion map, groups and consensus of a consultation's votes at one moment, worked out by
    a worker (deliberation/tasks.py) as votes arrive; a page shows the latest that is done."""

    STOPPED = gettext_noop("The worker stopped during the analysis (stopped or restarted): it runs "
                           "again with the next vote.")
    NOT_QUEUED = gettext_noop("The analysis could not be queued: %(error)s")

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"),
                                     on_delete=models.CASCADE, related_name="analyses")
    # Where the next analysis's clusters start (opinions.Clustering), so that groups carry over
    # from one analysis to the next as votes arrive, as in Pol.is.
    clustering = models.JSONField(_("clustering"), null=True, blank=True, editable=False)

    class Meta(Job.Meta):
        verbose_name = _("consultation analysis")
        verbose_name_plural = _("consultation analyses")
