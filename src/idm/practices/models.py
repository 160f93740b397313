"""The registry of practices and partnerships presented at the dialogues: what each is, who
implements it, where, what it concerns (GCM objectives, guiding principles, SDG targets), where it
was presented (sessions, statements) and which key messages cite it; a partnership's
deliverables and yearly progress reports, from which its status light follows."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from idm.core.languages import LANGUAGE_CHOICES
from idm.core.models import Country, GcmObjective, GuidingPrinciple, SdgTarget
from idm.core.validators import no_control_characters
from idm.deliberation.models import KeyMessage, Statement
from idm.dialogues.models import Organization, Session

REPORTING_PERIOD = timedelta(days=365)  # a partnership reports its progress once a year
RED_AFTER = timedelta(days=2 * 365)  # this long overdue, its light is red


class Practice(models.Model):
    class Type(models.TextChoices):
        PARTNERSHIP = "partnership", _("Partnership")
        POLICY = "policy", _("Policy or practice")
        CAPACITY = "capacity", _("Capacity-development tool or training")
        INITIATIVE = "initiative", _("Initiative or platform")
        RCP = "rcp", _("Regional consultative process or inter-regional forum")

    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", _("Global")

    class Status(models.TextChoices):
        """Where the practice is in the secretariat's review: only published ones are public."""
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=300, validators=[no_control_characters])
    summary = models.TextField(_("summary"), max_length=3000, validators=[no_control_characters])
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    implementers = models.ManyToManyField(Organization, verbose_name=_("implementing organizations"),
                                          related_name="practices_implemented")
    partners = models.ManyToManyField(Organization, verbose_name=_("partners"), blank=True,
                                      related_name="practices_partnered")
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True,
                                       related_name="practices")
    worldwide = models.BooleanField(_("global"), default=False,
                                    help_text=_("Concerns the whole world rather than countries."))
    gcm_objectives = models.ManyToManyField(GcmObjective, verbose_name=_("GCM objectives"),
                                            blank=True, related_name="practices")
    principles = models.ManyToManyField(GuidingPrinciple, verbose_name=_("guiding principles"),
                                        blank=True, related_name="practices")
    sdg_targets = models.ManyToManyField(SdgTarget, verbose_name=_("SDG targets"), blank=True,
                                         related_name="practices")
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    inactive = models.BooleanField(_("inactive"), default=False,
                                   help_text=_("Stopped before its end, or no longer followed."))
    sessions = models.ManyToManyField(Session, verbose_name=_("presented in sessions"), blank=True,
                                      related_name="practices")
    statements = models.ManyToManyField(Statement, verbose_name=_("presented in statements"),
                                        blank=True, related_name="practices")
    key_messages = models.ManyToManyField(KeyMessage, verbose_name=_("cited by key messages"),
                                          blank=True, related_name="practices")
    resources = models.TextField(_("resources"), blank=True, validators=[no_control_characters],
                                 help_text=_("Partnerships: the money, staff or know-how committed."))
    status = models.CharField(_("review status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    review_message = models.TextField(_("message to the submitter"), blank=True, max_length=3000,
                                      validators=[no_control_characters])
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="practices_submitted")
    language = models.CharField(_("language of the submission"), max_length=2,
                                choices=LANGUAGE_CHOICES, default="en",
                                help_text=_("The submitter's language: their e-mails are in it."))
    proposed_organizations = models.TextField(
        _("organizations not in the list"), blank=True, max_length=1000,
        validators=[no_control_characters],
        help_text=_("Named by the submitter; the secretariat adds them as organizations."))
    # The GCM objectives and SDG targets the title and summary most likely concern, worked out
    # by a worker for the secretariat's review (deliberation/tag_suggestions.py).
    suggested_tags = models.JSONField(_("suggested tags"), default=dict, blank=True, editable=False)
    illustrative = models.BooleanField(_("illustrative"), default=False,
                                       help_text=_("Made up for a demonstration."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [models.Index(fields=["status", "type"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:practice", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end comes before the start.")})

    def status_light(self, today: date) -> str:
        """The registry's light, as the UN Partnerships for SDGs registry shows it: "inactive"
        (ended or stopped), "green" (progress reported within a year), "yellow" (a report is
        due), "red" (two years overdue); "" for what is not a partnership."""
        if self.type != self.Type.PARTNERSHIP:
            return ""
        if self.inactive or (self.ends_on is not None and self.ends_on < today):
            return "inactive"
        reported = [r.reported_on for r in self.progress_reports.all()]
        since = max(reported) if reported else self.starts_on
        if since is None:
            return "yellow"
        due = since + REPORTING_PERIOD
        if today <= due:
            return "green"
        return "red" if today - due >= RED_AFTER else "yellow"


class Link(models.Model):
    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.CASCADE,
                                 related_name="links")
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    url = models.URLField(_("address"), max_length=500, validators=[no_control_characters])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("link or document")
        verbose_name_plural = _("links and documents")

    def __str__(self):
        return self.title


class Deliverable(models.Model):
    """What a partnership commits to deliver, and by when (the SMART idea of the UN registry)."""
    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.CASCADE,
                                 related_name="deliverables")
    title = models.CharField(_("deliverable"), max_length=300, validators=[no_control_characters])
    due_on = models.DateField(_("due"))
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.CASCADE,
                                 related_name="progress_reports")
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("progress"), max_length=5000, validators=[no_control_characters])

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.practice} ({self.reported_on})"
