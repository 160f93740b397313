"""Reference data (GCM, SDG, stakeholder categories, countries), the audit log and the record
of background jobs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from modeltranslation.utils import get_language


class OfficialWording:
    """Reference texts (GCM, SDG) in the reader's language only where an official translation
    is known; otherwise the English text, which the pages mark as English (see
    templatetags/official_wording.py) instead of passing it off as a translation."""

    def wording(self, field: str, language: str | None = None) -> tuple[str, str]:
        """(text, the language it is in) of `field` for `language` (default: the active one)."""
        language = language or get_language()
        text = getattr(self, f"{field}_{language}", None)
        if text:
            return text, language
        return getattr(self, f"{field}_en") or "", "en"


class GcmObjective(OfficialWording, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_title = models.CharField(_("short title"), max_length=100)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["number"]
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")

    def __str__(self):
        return f"{self.number}. {self.short_title}"


class GuidingPrinciple(OfficialWording, models.Model):
    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["order"]
        verbose_name = _("GCM guiding principle")
        verbose_name_plural = _("GCM guiding principles")

    def __str__(self):
        return self.name


class SdgTarget(OfficialWording, models.Model):
    code = models.CharField(_("target"), max_length=8, unique=True)
    goal = models.PositiveSmallIntegerField(_("goal"))
    title = models.CharField(_("title"), max_length=300)
    verified = models.BooleanField(
        _("verified"), default=False,
        help_text=_("Checked against a public source; otherwise still to be verified."),
    )

    class Meta:
        ordering = ["goal", "code"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self):
        return f"{self.code} {self.title}"


class StakeholderCategory(models.Model):
    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["order"]
        verbose_name = _("stakeholder category")
        verbose_name_plural = _("stakeholder categories")

    def __str__(self):
        return self.name


class Country(models.Model):
    """An ISO 3166-1 country or territory with its UN M49 regions."""

    iso2 = models.CharField(_("ISO code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric code"), max_length=3)
    independent = models.BooleanField(_("independent State"), default=False,
                                      help_text=_("A sovereign State, not a territory."))
    name = models.CharField(_("name"), max_length=120)
    region_code = models.CharField(_("UN region code"), max_length=3, blank=True)
    region = models.CharField(_("UN region"), max_length=60, blank=True)
    subregion_code = models.CharField(_("UN sub-region code"), max_length=3, blank=True)
    subregion = models.CharField(_("UN sub-region"), max_length=60, blank=True)
    intermediate_region_code = models.CharField(
        _("UN intermediate region code"), max_length=3, blank=True
    )
    intermediate_region = models.CharField(_("UN intermediate region"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name


class AuditEntry(models.Model):
    """One change made through a service: who, when, what, and the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_name = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.object_repr}"


class SearchEntry(models.Model):
    """One searchable text (a statement, later a practice or a publication), its words folded
    (lower case, no accents) so that SQLite FTS5 and PostgreSQL full-text search agree.

    The engines' own indexes sit beside this table: an FTS5 table on SQLite, a generated
    tsvector column with a GIN index on PostgreSQL (see migration 0005).
    """

    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.BigIntegerField(_("object id"))
    words = models.TextField(_("words"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"],
                                               name="one_search_entry_per_object")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class Job(models.Model):
    """Work a worker does for a page (a report build, a synthesis run): the page's record of its
    progress, its heartbeat while it runs and its outcome (core/jobs.py runs and queues it)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # Kept in English in the database, translated on the page; a kind of job may say it its way.
    WAITING = gettext_noop("Waiting for a worker.")
    STOPPED = gettext_noop("The worker stopped (stopped or restarted): run it again.")
    NOT_QUEUED = gettext_noop("The work could not be queued: %(error)s")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker running the job writes it every few seconds; when it stops, the worker is gone.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # 1, then one more at each retry: a task of an earlier attempt no longer writes here.
    attempt = models.PositiveSmallIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
