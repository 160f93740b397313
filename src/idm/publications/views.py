"""The public catalogue (list, edition pages with schema.org data, reading pages, Atom feed)
and the secretariat's report page (checks, background builds with progress, abbreviations)."""

import json
import threading

from django import forms
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.db import close_old_connections, connections
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from idm.core import roles
from idm.core import services as core_services
from idm.dialogues.models import Dialogue
from idm.publications import build as builder
from idm.publications.document import check, table_of_contents
from idm.publications.models import LANGUAGES, AbbreviationEntry, BuildJob, Edition, Publication
from idm.publications.render import FORMATS

LANGUAGE_NAMES = dict(LANGUAGES)


def _published():
    return (Edition.objects.filter(status=Edition.Status.PUBLISHED)
            .select_related("publication__dialogue__series")
            .prefetch_related("publication__themes", "publication__editions"))


# The public ------------------------------------------------------------------------------------


class CatalogueFilters(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    series = forms.ChoiceField(label=gettext_lazy("Series"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int,
                                  empty_value=None)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False,
                                 choices=[("", gettext_lazy("All"))] + LANGUAGES)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        all_label = _("All")
        series = {e.publication.dialogue.series.slug: e.publication.dialogue.series.name
                  for e in editions}
        self.fields["series"].choices = [("", all_label)] + sorted(series.items())
        years = sorted({e.publication.year for e in editions}, reverse=True)
        self.fields["year"].choices = [("", all_label)] + [(y, y) for y in years]
        themes = sorted({t.name for e in editions for t in e.publication.themes.all()})
        self.fields["theme"].choices = [("", all_label)] + [(t, t) for t in themes]


def catalogue(request):
    editions = _published()
    filters = CatalogueFilters(request.GET or None, editions=list(editions))
    if filters.is_valid():
        data = filters.cleaned_data
        for word in data["q"].split():
            editions = editions.filter(
                Q(title__icontains=word) | Q(publication__title__icontains=word)
                | Q(publication__title_en__icontains=word)
                | Q(publication__title_fr__icontains=word)
                | Q(publication__title_es__icontains=word)
                | Q(publication__abstract__icontains=word) | Q(isbn__icontains=word))
        if data["series"]:
            editions = editions.filter(publication__dialogue__series__slug=data["series"])
        if data["year"]:
            editions = editions.filter(publication__year=data["year"])
        if data["language"]:
            editions = editions.filter(language=data["language"])
        if data["theme"]:
            editions = editions.filter(publication__themes__name=data["theme"])
    return render(request, "publications/catalogue.html", {
        "editions": editions.order_by("-publication__year", "publication__slug", "language"),
        "filters": filters})


def _edition(slug: str, language: str) -> Edition:
    return get_object_or_404(_published(), publication__slug=slug, language=language)


def book_json_ld(request, edition: Edition) -> str:
    """schema.org Book data for search engines and library catalogues."""
    publication = edition.publication
    data = {
        "@context": "https://schema.org", "@type": "Book",
        "name": edition.printed_title, "inLanguage": edition.language,
        "isbn": edition.isbn or None, "numberOfPages": edition.page_count,
        "datePublished": edition.uploaded_at.isoformat() if edition.uploaded_at else None,
        "publisher": {"@type": "Organization", "name": publication.publisher},
        "abstract": getattr(publication, f"abstract_{edition.language}") or None,
        "url": request.build_absolute_uri(edition.get_absolute_url()),
        "isPartOf": {"@type": "BookSeries", "name": publication.dialogue.series.name,
                     "issn": edition.issn or None},
        "position": str(publication.dialogue.number),
        "workExample": [
            {"@type": "Book", "bookFormat": "https://schema.org/EBook",
             "encodingFormat": mime, "url": request.build_absolute_uri(
                 reverse("publications:file", args=[publication.slug, edition.language, fmt]))}
            for fmt, mime in (("pdf", "application/pdf"), ("epub", "application/epub+zip"))
            if getattr(edition, fmt)],
    }
    if edition.isbn_pdf:
        data["workExample"].append({"@type": "Book", "isbn": edition.isbn_pdf,
                                    "bookFormat": "https://schema.org/EBook"})
    cleaned = {k: v for k, v in data.items() if v not in (None, [], "")}
    # Safe inside <script>: no closing tag can appear in JSON escaped this way.
    return json.dumps(cleaned, ensure_ascii=False).replace("</", "<\\/")


def edition_page(request, slug: str, language: str):
    """Laid out as IOM's publications platform: metadata, title, other languages, abstract,
    contents, downloads."""
    edition = _edition(slug, language)
    publication = edition.publication
    others = [e for e in publication.editions.all()
              if e.pk != edition.pk and e.status == Edition.Status.PUBLISHED]
    return render(request, "publications/edition.html", {
        "edition": edition, "publication": publication, "others": others,
        "original_language": LANGUAGE_NAMES[publication.original_language],
        "abstract": getattr(publication, f"abstract_{language}") or "",
        "contents": table_of_contents(edition.document) if edition.document else [],
        "json_ld": book_json_ld(request, edition)})


def reading_page(request, slug: str, language: str):
    edition = _edition(slug, language)
    if not edition.document:
        raise Http404
    document = edition.document
    for section in document["sections"]:
        for block in section["blocks"]:
            if block["type"] == "figure":
                block["src"] = reverse("publications:figure", args=[slug, language,
                                                                   block["name"]])
    return render(request, "publications/read.html", {"edition": edition, "doc": document})


def edition_file(request, slug: str, language: str, fmt: str):
    """A built file: published editions for everyone, drafts for the secretariat and rapporteurs
    only (a draft may hold draft key messages)."""
    if fmt not in FORMATS:
        raise Http404
    staff = roles.is_secretariat(request.user) or roles.has_role(request.user, roles.RAPPORTEUR)
    editions = Edition.objects.select_related("publication")
    if not staff:
        editions = editions.filter(status=Edition.Status.PUBLISHED)
    edition = get_object_or_404(editions, publication__slug=slug, language=language)
    field_file = getattr(edition, fmt)
    if not field_file:
        raise Http404
    return FileResponse(field_file.open("rb"), as_attachment=fmt != "html",
                        filename=f"{slug}-{language}.{fmt}",
                        content_type={"pdf": "application/pdf", "epub": "application/epub+zip",
                                      "docx": "application/vnd.openxmlformats-officedocument."
                                              "wordprocessingml.document",
                                      "html": "text/html; charset=utf-8"}[fmt])


def figure(request, slug: str, language: str, name: str):
    edition = _edition(slug, language)
    for section in edition.document.get("sections", []):
        for block in section["blocks"]:
            if block["type"] == "figure" and block["name"] == name:
                return HttpResponse(block["svg"], content_type="image/svg+xml")
    raise Http404


class CatalogueFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Publications")
    subtitle = gettext_lazy("The latest published editions")

    def link(self):
        return reverse("publications:catalogue")

    def items(self):
        return _published().order_by("-uploaded_at", "-pk")[:50]

    def item_title(self, item):
        return f"{item.publication.dialogue.series.name} No. {item.publication.dialogue.number}: " \
               f"{item.printed_title} ({LANGUAGE_NAMES[item.language]})"

    def item_description(self, item):
        return getattr(item.publication, f"abstract_{item.language}") or ""

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.built_at

    def item_updateddate(self, item):
        return item.built_at


# The secretariat -----------------------------------------------------------------------------


class BuildForm(forms.Form):
    languages = forms.MultipleChoiceField(label=gettext_lazy("Languages"), choices=LANGUAGES,
                                          widget=forms.CheckboxSelectMultiple, initial=["en"])
    formats = forms.MultipleChoiceField(label=gettext_lazy("Formats"),
                                        choices=[(f, f.upper()) for f in FORMATS],
                                        widget=forms.CheckboxSelectMultiple, initial=FORMATS)


def run_build(job_id: int) -> None:
    """The build of a job, in a thread of the web process, writing its progress as it goes."""
    close_old_connections()
    job = BuildJob.objects.select_related("publication", "created_by").get(pk=job_id)
    job.status = BuildJob.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(fraction: float, message: str) -> None:
        BuildJob.objects.filter(pk=job_id).update(progress=round(fraction * 100),
                                                  message=message[:300])

    try:
        result = builder.build(job.publication, job.languages.split(","),
                               job.formats.split(","), job.created_by, progress)
    except Exception as error:  # the page must learn of any failure
        BuildJob.objects.filter(pk=job_id).update(status=BuildJob.Status.FAILED,
                                                  message=str(error)[:300],
                                                  finished_at=timezone.now())
        raise
    else:
        BuildJob.objects.filter(pk=job_id).update(
            status=BuildJob.Status.DONE, progress=100, finished_at=timezone.now(),
            report={"built": {lang: e.page_count for lang, e in result.built.items()},
                    "missing": result.missing})
    finally:
        # This thread's own connection: closed, not left for the pool to find.
        connections.close_all()


def start_build(job: BuildJob) -> threading.Thread:
    thread = threading.Thread(target=run_build, args=[job.pk], daemon=True,
                              name=f"report-build-{job.pk}")
    thread.start()
    return thread


@roles.secretariat_required
def report_page(request, number: int):
    dialogue = get_object_or_404(Dialogue, number=number)
    publication = get_object_or_404(Publication, dialogue=dialogue)
    form = BuildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = BuildJob.objects.create(
            publication=publication, languages=",".join(form.cleaned_data["languages"]),
            formats=",".join(form.cleaned_data["formats"]), created_by=request.user)
        start_build(job)
        return redirect("publications:report", number=number)
    missing = {code: check(publication, code) for code, _name in LANGUAGES}
    return render(request, "publications/report.html", {
        "dialogue": dialogue, "publication": publication, "form": form,
        "missing": [(LANGUAGE_NAMES[c], items) for c, items in missing.items()],
        "editions": publication.editions.all(), "jobs": publication.builds.all()[:5],
        "abbreviations": publication.abbreviations.all()})


@roles.secretariat_required
def build_status(request, pk: int):
    job = get_object_or_404(BuildJob, pk=pk)
    return JsonResponse({"status": job.status, "progress": job.progress, "message": job.message,
                         "report": job.report})


class AbbreviationForm(forms.ModelForm):
    class Meta:
        model = AbbreviationEntry
        fields = ["language", "short", "long", "removed"]


@roles.role_required(roles.SECRETARIAT, roles.RAPPORTEUR)
def abbreviations(request, number: int):
    """The rapporteur's word on the list: add, correct (same short form, new long form) or
    remove (tick removed) an abbreviation the texts define."""
    publication = get_object_or_404(Publication, dialogue__number=number)
    form = AbbreviationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = AbbreviationEntry.objects.filter(
            publication=publication, language=data["language"],
            short=data["short"].strip()).first() or AbbreviationEntry(
            publication=publication, language=data["language"], short=data["short"].strip())
        entry.long, entry.removed = data["long"].strip(), data["removed"]
        core_services.save(entry, request.user)
        messages.success(request, _("Abbreviation saved."))
        return redirect("publications:abbreviations", number=number)
    found = {}
    for edition in publication.editions.exclude(document={}):
        found[edition.language] = edition.document.get("abbreviations", [])
    return render(request, "publications/abbreviations.html", {
        "publication": publication, "form": form, "entries": publication.abbreviations.all(),
        "found": [(LANGUAGE_NAMES[lang], items) for lang, items in found.items()]})
