"""Publications, their editions per language with each build's version, abbreviations and builds."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from idm.core.identifiers import validate_isbn, validate_issn
from idm.core.languages import LANGUAGE_CHOICES
from idm.core.models import Job
from idm.deliberation.models import Theme
from idm.dialogues.models import Dialogue


class Publication(models.Model):
    """The numbered report of a dialogue."""

    dialogue = models.OneToOneField(Dialogue, verbose_name=_("dialogue"),
                                    on_delete=models.PROTECT, related_name="publication")
    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    introduction = models.TextField(_("introduction"), blank=True,
                                    help_text=_("Paragraphs separated by blank lines."))
    conclusions = models.TextField(_("conclusions"), blank=True,
                                   help_text=_("Paragraphs separated by blank lines."))
    publisher = models.CharField(_("publisher"), max_length=200,
                                 default="International Organization for Migration (IOM)")
    publisher_address = models.TextField(_("publisher's address"), blank=True)
    year = models.PositiveIntegerField(_("year"))
    rights = models.CharField(_("copyright or licence line"), max_length=300, blank=True)
    original_language = models.CharField(_("original language"), max_length=2,
                                         choices=LANGUAGE_CHOICES, default="en")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True,
                                    related_name="publications")
    demonstration = models.BooleanField(
        _("demonstration"), default=False,
        help_text=_("Built from demonstration data: the imprint page says so."))
    consultation_figures = models.BooleanField(
        _("print consultation figures"), default=False,
        help_text=_("Under each key message and recommendation put to a consultation of "
                    "participants: its votes and group-informed consensus, from the consultation's "
                    "latest analysis."))
    practices = models.BooleanField(
        _("print practices"), default=False,
        help_text=_("Lists in an appendix the published practices presented at the dialogue or "
                    "cited by its key messages, and names under each key message those it "
                    "cites."))

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return f"{self.dialogue.series.name} No. {self.dialogue.number}: {self.title}"


class Edition(models.Model):
    """A publication in one language: its identifiers. What it contains is in its versions, one
    per build; the public sees the published one."""

    publication = models.ForeignKey(Publication, verbose_name=_("publication"),
                                    on_delete=models.CASCADE, related_name="editions")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=300, blank=True,
                             help_text=_("As printed in this language; the publication's title "
                                         "in this language when left empty."))
    isbn = models.CharField(_("ISBN"), max_length=17, blank=True, validators=[validate_isbn])
    isbn_pdf = models.CharField(_("ISBN (PDF)"), max_length=17, blank=True,
                                validators=[validate_isbn])
    issn = models.CharField(_("ISSN"), max_length=9, blank=True, validators=[validate_issn])
    reference_number = models.CharField(_("reference number"), max_length=40, blank=True)
    uploaded_at = models.DateField(_("date of upload"), null=True, blank=True,
                                   help_text=_("Set when a version is first published."))

    class Meta:
        ordering = ["publication", "language"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [models.UniqueConstraint(fields=["publication", "language"],
                                               name="one_edition_per_language")]

    def __str__(self):
        return f"{self.publication} ({self.language})"

    def get_absolute_url(self):
        return reverse("publications:edition", args=[self.publication.slug, self.language])

    @property
    def printed_title(self) -> str:
        return self.title or getattr(self.publication, f"title_{self.language}") or ""


class Version(models.Model):
    """One build of an edition: its files and the document they were made from. A build makes a
    draft; publishing it puts it before the public and supersedes the version published before.
    A review draft also holds draft key messages and recommendations, marked, and is never
    published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE,
                                related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    review = models.BooleanField(
        _("review draft"), default=False,
        help_text=_("Holds draft key messages and recommendations, marked as drafts; never "
                    "published."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    built_by = models.CharField(_("built by"), max_length=150, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.CharField(_("published by"), max_length=150, blank=True)
    page_count = models.PositiveIntegerField(_("number of pages"), null=True, blank=True,
                                             help_text=_("Read from the built PDF."))
    pdf = models.FileField(_("PDF"), upload_to="editions/", blank=True)
    docx = models.FileField(_("DOCX"), upload_to="editions/", blank=True)
    epub = models.FileField(_("EPUB"), upload_to="editions/", blank=True)
    html = models.FileField(_("HTML"), upload_to="editions/", blank=True)
    document = models.JSONField(_("document"), default=dict, blank=True, editable=False,
                                help_text=_("The assembled report the files were built from."))

    class Meta:
        ordering = ["edition", "-number"]
        verbose_name = _("edition version")
        verbose_name_plural = _("edition versions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="one_version_per_number"),
            # The status is the one record of what the public sees: at most one per edition.
            models.UniqueConstraint(fields=["edition"], condition=models.Q(status="published"),
                                    name="one_published_version_per_edition"),
            models.CheckConstraint(condition=~models.Q(review=True, status="published"),
                                   name="review_draft_never_published"),
        ]

    def __str__(self):
        kind = " review draft" if self.review else ""
        return f"{self.edition} v{self.number}{kind} ({self.status})"

    @property
    def files(self) -> list[str]:
        """The formats this version has, in the order the pages list them."""
        return [fmt for fmt in ("pdf", "epub", "docx", "html") if getattr(self, fmt)]


class AbbreviationEntry(models.Model):
    """The rapporteur's word on an abbreviation of one language's report: added, corrected or
    removed from what the texts define."""

    publication = models.ForeignKey(Publication, verbose_name=_("publication"),
                                    on_delete=models.CASCADE, related_name="abbreviations")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    short = models.CharField(_("short form"), max_length=20)
    long = models.CharField(_("long form"), max_length=300, blank=True)
    removed = models.BooleanField(_("removed"), default=False,
                                  help_text=_("Leave this abbreviation out of the list."))

    class Meta:
        ordering = ["publication", "language", "short"]
        verbose_name = _("abbreviation")
        verbose_name_plural = _("abbreviations")
        constraints = [models.UniqueConstraint(fields=["publication", "language", "short"],
                                               name="one_entry_per_abbreviation")]

    def __str__(self):
        return f"{self.short}: {self.long}"


class BuildJob(Job):
    """One build of a report, run by a worker (publications/tasks.py)."""

    STOPPED = gettext_noop(
        "The worker stopped during the build (stopped or restarted): retry the build.")
    NOT_QUEUED = gettext_noop("The build could not be queued: %(error)s")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE,
                                    related_name="builds")
    languages = models.CharField(max_length=20)
    formats = models.CharField(max_length=40)
    review = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")

    def __str__(self):
        return f"{self.publication.slug} {self.languages} {self.formats} {self.status}"


class ReportText(models.Model):
    """One of the report's fixed texts ("Contents", "Final agenda, %(city)s") as a translator
    wrote it for this publication, in place of the interface's own translation."""

    publication = models.ForeignKey(Publication, verbose_name=_("publication"),
                                    on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    key = models.CharField(_("text"), max_length=40)
    text = models.TextField(_("translation"))

    class Meta:
        ordering = ["publication", "language", "key"]
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [models.UniqueConstraint(fields=["publication", "language", "key"],
                                               name="one_report_text_per_language")]

    def __str__(self):
        return f"{self.key} ({self.language})"


class TranslatedUnit(models.Model):
    """What an imported translation was made from: the English of one unit of an exchange file,
    so the status page can say when the English has changed since (the translation is stale)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE,
                                    related_name="translated_units")
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES)
    unit = models.CharField(max_length=120)
    source = models.TextField()
    # The translation the file brought: changed since (by hand), it was reviewed.
    target = models.TextField(blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "language", "unit"],
                                               name="one_record_per_unit")]

    def __str__(self):
        return f"{self.unit} ({self.language})"


class MemorySegment(models.Model):
    """A translation memory entry: an English text and its translation, from an imported file or
    a TMX. Exports offer them for the same or similar English."""

    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    source = models.TextField(_("English"))
    source_key = models.CharField(max_length=64, db_index=True, editable=False)
    target = models.TextField(_("translation"))
    target_key = models.CharField(max_length=64, editable=False)
    origin = models.CharField(_("origin"), max_length=200, blank=True,
                              help_text=_("Where the pair comes from: a dialogue's file, a TMX."))
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["language", "-created_at"]
        verbose_name = _("translation memory segment")
        verbose_name_plural = _("translation memory")
        constraints = [models.UniqueConstraint(fields=["language", "source_key", "target_key"],
                                               name="one_memory_pair")]

    def __str__(self):
        return f"{self.source[:40]} → {self.target[:40]} ({self.language})"
