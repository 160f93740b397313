"""The public catalogue (list, edition pages with schema.org data, reading pages, Atom feed),
which shows each edition's published version only, and the secretariat's report page (checks,
builds run by a worker with their progress and retries, versions and publishing, abbreviations)."""

import base64
import hashlib
import json
import re

from django import forms
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from idm.core import jobs, roles
from idm.core.languages import LANGUAGE_CHOICES, LANGUAGE_NAMES, LANGUAGES
from idm.core.spreadsheets import ImportFileError, read_upload
from idm.core.validators import without_control_characters
from idm.dialogues.models import Dialogue
from idm.publications import exchange, services
from idm.publications.document import check, notices, table_of_contents
from idm.publications.models import (
    AbbreviationEntry,
    BuildJob,
    MemorySegment,
    Publication,
    Version,
)
from idm.publications.render import FORMATS


def _published():
    """What the public sees: each edition's published version, never a draft."""
    return (Version.objects.filter(status=Version.Status.PUBLISHED)
            .select_related("edition__publication__dialogue__series")
            .prefetch_related("edition__publication__themes"))


# The public ------------------------------------------------------------------------------------


class CatalogueFilters(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    series = forms.ChoiceField(label=gettext_lazy("Series"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int,
                                  empty_value=None)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False,
                                 choices=[("", gettext_lazy("All"))] + LANGUAGE_CHOICES)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        all_label = _("All")
        publications = [v.edition.publication for v in editions]
        series = {p.dialogue.series.slug: p.dialogue.series.name for p in publications}
        self.fields["series"].choices = [("", all_label)] + sorted(series.items())
        years = sorted({p.year for p in publications}, reverse=True)
        self.fields["year"].choices = [("", all_label)] + [(y, y) for y in years]
        themes = sorted({t.name for p in publications for t in p.themes.all()})
        self.fields["theme"].choices = [("", all_label)] + [(t, t) for t in themes]


def catalogue(request):
    versions = _published()
    filters = CatalogueFilters(request.GET or None, editions=list(versions))
    if filters.is_valid():
        data = filters.cleaned_data
        for word in data["q"].split():
            versions = versions.filter(
                Q(edition__title__icontains=word) | Q(edition__publication__title__icontains=word)
                | Q(edition__publication__title_en__icontains=word)
                | Q(edition__publication__title_fr__icontains=word)
                | Q(edition__publication__title_es__icontains=word)
                | Q(edition__publication__abstract__icontains=word)
                | Q(edition__isbn__icontains=word))
        if data["series"]:
            versions = versions.filter(
                edition__publication__dialogue__series__slug=data["series"])
        if data["year"]:
            versions = versions.filter(edition__publication__year=data["year"])
        if data["language"]:
            versions = versions.filter(edition__language=data["language"])
        if data["theme"]:
            versions = versions.filter(edition__publication__themes__name=data["theme"])
    return render(request, "publications/catalogue.html", {
        "versions": versions.order_by("-edition__publication__year",
                                      "edition__publication__slug", "edition__language"),
        "filters": filters})


def _known(language: str, fmt: str = "pdf") -> None:
    """An unknown language or format is a page that does not exist, before any query."""
    if language not in LANGUAGE_NAMES or fmt not in FORMATS:
        raise Http404


def _published_version(slug: str, language: str) -> Version:
    _known(language)
    return get_object_or_404(_published(), edition__publication__slug=slug,
                             edition__language=language)


JSON_IN_SCRIPT = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def book_json_ld(request, version: Version) -> str:
    """schema.org Book data for search engines and library catalogues."""
    edition = version.edition
    publication = edition.publication
    data = {
        "@context": "https://schema.org", "@type": "Book",
        "name": edition.printed_title, "inLanguage": edition.language,
        "isbn": edition.isbn or None, "numberOfPages": version.page_count,
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
            if getattr(version, fmt)],
    }
    if edition.isbn_pdf:
        data["workExample"].append({"@type": "Book", "isbn": edition.isbn_pdf,
                                    "bookFormat": "https://schema.org/EBook"})
    cleaned = {k: v for k, v in data.items() if v not in (None, [], "")}
    # Safe inside <script>, as Django's json_script escapes it: with no "<" at all, neither a
    # closing tag nor "<!--<script>" (after which a browser reads the rest of the page as part
    # of the script) can appear in a title.
    return json.dumps(cleaned, ensure_ascii=False).translate(JSON_IN_SCRIPT)


def edition_page(request, slug: str, language: str):
    """Laid out as IOM's publications platform: metadata, title, other languages, abstract,
    contents, downloads."""
    version = _published_version(slug, language)
    edition = version.edition
    publication = edition.publication
    # Their languages and links only: not the themes the catalogue's filters need.
    others = [v.edition for v in _published().filter(edition__publication=publication)
              .exclude(edition=edition).prefetch_related(None).order_by("edition__language")]
    return render(request, "publications/edition.html", {
        "edition": edition, "version": version, "publication": publication, "others": others,
        "original_language": LANGUAGE_NAMES[publication.original_language],
        "abstract": getattr(publication, f"abstract_{language}") or "",
        "contents": table_of_contents(version.document) if version.document else [],
        "json_ld": book_json_ld(request, version)})


def reading_page(request, slug: str, language: str):
    version = _published_version(slug, language)
    if not version.document:
        raise Http404
    document = version.document
    for section in document["sections"]:
        for block in section["blocks"]:
            if block["type"] == "figure":
                block["src"] = reverse("publications:figure", args=[slug, language,
                                                                   block["name"]])
    return render(request, "publications/read.html", {"edition": version.edition,
                                                      "doc": document})


CONTENT_TYPES = {"pdf": "application/pdf", "epub": "application/epub+zip",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "html": "text/html; charset=utf-8"}


STYLE_ELEMENTS = re.compile(rb"<style>(.*?)</style>", re.S)


def _file_response(version: Version, fmt: str, filename: str) -> FileResponse:
    field_file = getattr(version, fmt)
    if not field_file:
        raise Http404
    response = FileResponse(field_file.open("rb"), as_attachment=fmt != "html",
                            filename=filename, content_type=CONTENT_TYPES[fmt])
    if fmt == "html":
        # The edition is one self-contained file with its styles inside: the policy allows those
        # styles by their hash, and nothing else inline (no script at all).
        with field_file.storage.open(field_file.name, "rb") as html:
            styles = STYLE_ELEMENTS.findall(html.read())
        hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(css).digest()).decode()}'"
                  for css in styles]
        response._csp_replace = {"style-src": hashes or ["'none'"], "script-src": ["'none'"]}
    return response


def edition_file(request, slug: str, language: str, fmt: str):
    """A file of the published version, for everyone."""
    _known(language, fmt)
    version = _published_version(slug, language)
    return _file_response(version, fmt, f"{slug}-{language}.{fmt}")


def version_file(request, slug: str, language: str, number: int, fmt: str):
    """A file of one version: drafts and superseded versions for the secretariat and rapporteurs
    only (a draft may hold what is not final), the published one for everyone."""
    _known(language, fmt)
    versions = Version.objects.select_related("edition__publication")
    if not roles.is_staff(request.user):
        versions = versions.filter(status=Version.Status.PUBLISHED)
    version = get_object_or_404(versions, edition__publication__slug=slug,
                                edition__language=language, number=number)
    kind = "-review-draft" if version.review else ""
    return _file_response(version, fmt, f"{slug}-{language}-v{number}{kind}.{fmt}")


def figure(request, slug: str, language: str, name: str):
    version = _published_version(slug, language)
    for section in version.document.get("sections", []):
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
        return _published().order_by("-published_at", "-pk")[:50]

    # A control character in a title or an abstract (a vertical tab pasted from a word
    # processor) is left out: XML cannot hold it, and Django would refuse the whole feed.
    def item_title(self, item):
        edition = item.edition
        dialogue = edition.publication.dialogue
        return without_control_characters(
            f"{dialogue.series.name} No. {dialogue.number}: {edition.printed_title} "
            f"({LANGUAGE_NAMES[edition.language]})")

    def item_description(self, item):
        return without_control_characters(
            getattr(item.edition.publication, f"abstract_{item.edition.language}") or "")

    def item_link(self, item):
        return item.edition.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


# The secretariat -----------------------------------------------------------------------------


class BuildForm(forms.Form):
    languages = forms.MultipleChoiceField(label=gettext_lazy("Languages"), choices=LANGUAGE_CHOICES,
                                          widget=forms.CheckboxSelectMultiple, initial=["en"])
    formats = forms.MultipleChoiceField(label=gettext_lazy("Formats"),
                                        choices=[(f, f.upper()) for f in FORMATS],
                                        widget=forms.CheckboxSelectMultiple, initial=FORMATS)
    review = forms.BooleanField(
        label=gettext_lazy("Review draft"), required=False,
        help_text=gettext_lazy("Also include the key messages and recommendations that are still "
                               "drafts, marked “(draft)”, with “Draft for review – not for "
                               "publication” on every page. A review draft can never be "
                               "published."))


@roles.secretariat_required
def report_page(request, number: int):
    dialogue = get_object_or_404(Dialogue, number=number)
    publication = get_object_or_404(Publication, dialogue=dialogue)
    form = BuildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.start_build(publication, data["languages"], data["formats"], data["review"],
                             request.user)
        return redirect("publications:report", number=number)
    jobs.fail_abandoned(BuildJob)
    missing = {code: check(publication, code) for code in LANGUAGES}
    return render(request, "publications/report.html", {
        "dialogue": dialogue, "publication": publication, "form": form,
        "notices": notices(publication),
        "missing": [(LANGUAGE_NAMES[c], items) for c, items in missing.items()],
        "editions": _editions_with_versions(publication), "jobs": publication.builds.all()[:5],
        "abbreviations": publication.abbreviations.all(),
        "translation_pages": [(c, LANGUAGE_NAMES[c]) for c in LANGUAGES if c != "en"]})


def _editions_with_versions(publication: Publication) -> list:
    """Each edition with the versions that matter now: the published one and the drafts."""
    editions = list(publication.editions.all())
    current = list(Version.objects.filter(edition__in=editions).exclude(
        status=Version.Status.SUPERSEDED).order_by("-number"))
    for edition in editions:
        edition.current_versions = [v for v in current if v.edition_id == edition.pk]
    return editions


@require_POST
@roles.secretariat_required
def publish(request, pk: int):
    version = get_object_or_404(Version.objects.select_related("edition__publication__dialogue"),
                                pk=pk)
    try:
        services.publish(version, request.user)
    except services.PublishError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Version %(number)s of the %(language)s edition is published: "
                                    "the catalogue shows it now.") % {
            "number": version.number, "language": version.edition.get_language_display()})
    return redirect("publications:report", number=version.edition.publication.dialogue.number)


@roles.secretariat_required
def build_status(request, pk: int):
    jobs.fail_abandoned(BuildJob)
    job = get_object_or_404(BuildJob, pk=pk)
    return JsonResponse({"status": job.status, "progress": job.progress,
                         # In the page's language when it is one of services.py's messages.
                         "message": _(job.message), "report": job.report})


@require_POST
@roles.secretariat_required
def retry_build(request, pk: int):
    job = get_object_or_404(BuildJob.objects.select_related("publication__dialogue"), pk=pk)
    try:
        services.retry_build(job)
    except services.BuildError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The build is queued again."))
    return redirect("publications:report", number=job.publication.dialogue.number)


class AbbreviationForm(forms.ModelForm):
    class Meta:
        model = AbbreviationEntry
        fields = ["language", "short", "long", "removed"]


@roles.staff_required
def abbreviations(request, number: int):
    """The rapporteur's word on the list: add, correct (same short form, new long form) or
    remove (tick removed) an abbreviation the texts define."""
    publication = get_object_or_404(Publication, dialogue__number=number)
    form = AbbreviationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_abbreviation(publication, data["language"], data["short"], data["long"],
                                   data["removed"], request.user)
        messages.success(request, _("Abbreviation saved."))
        return redirect("publications:abbreviations", number=number)
    found = {}
    # The newest version of each language: what the last build found.
    for version in (Version.objects.filter(edition__publication=publication)
                    .exclude(status=Version.Status.SUPERSEDED).exclude(document={})
                    .select_related("edition").order_by("number")):
        found[version.edition.language] = version.document.get("abbreviations", [])
    return render(request, "publications/abbreviations.html", {
        "publication": publication, "form": form, "entries": publication.abbreviations.all(),
        "found": [(LANGUAGE_NAMES[lang], items) for lang, items in found.items()]})


# Translations -----------------------------------------------------------------------------------

TRANSLATION_FILE_KEY = "idm-translation-file"
TRANSLATED_LANGUAGES = [code for code in LANGUAGES if code != "en"]


def _translation_target(number: int, language: str) -> Publication:
    if language not in TRANSLATED_LANGUAGES:
        raise Http404("no such language")
    return get_object_or_404(Publication.objects.select_related("dialogue__series"),
                             dialogue__number=number)


def _language_name(language: str) -> str:
    """The language as the reader calls it: "French" on an English page, "français" on a French
    one."""
    return get_language_info(language)["name_translated"]


@roles.secretariat_required
def translations(request, number: int, language: str):
    """Per dialogue and language: what is translated, missing and stale, what blocks the edition,
    the files for translators and what comes back."""
    publication = _translation_target(number, language)
    found = exchange.status(publication, language)
    counts = {state: sum(f.state == state for f in found)
              for state in ("translated", "missing", "stale")}
    return render(request, "publications/translations.html", {
        "dialogue": publication.dialogue, "publication": publication, "language": language,
        "language_name": _language_name(language), "counts": counts,
        # A stale text is printed as it is (outdated); a missing one stops the build.
        "blocking": sum(f.blocks and f.state == "missing" for f in found),
        "todo": [f for f in found if f.state != "translated"],
        "other_languages": [(c, LANGUAGE_NAMES[c]) for c in TRANSLATED_LANGUAGES],
        "memory": MemorySegment.objects.filter(language=language).count()})


@roles.secretariat_required
def translations_export(request, number: int, language: str):
    publication = _translation_target(number, language)
    missing_only = request.GET.get("missing") == "1"
    copy_source = request.GET.get("tool") == "omegat"
    content = exchange.write_xliff(publication, language, missing_only=missing_only,
                                   copy_source=copy_source)
    name = (f"{publication.slug}-{language}{'-missing' if missing_only else ''}"
            f"{'-omegat' if copy_source else ''}.xlf")
    response = HttpResponse(content, content_type="application/xliff+xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@roles.secretariat_required
def translations_import(request, number: int, language: str):
    """Upload, preview, then confirm: nothing is saved before the confirmation, and a
    confirmation saves what the preview showed or, if the texts changed since, shows it again."""
    publication = _translation_target(number, language)
    url = reverse("publications:translations", args=[number, language])
    if request.method != "POST":
        return redirect(url)
    if "confirm" in request.POST:
        return _confirm_translations(request, publication, language, url)
    request.session.pop(TRANSLATION_FILE_KEY, None)
    upload = request.FILES.get("file")
    if upload is None:
        return _translation_preview(request, publication, language, "", None, [exchange.Problem(
            "file", "file", _("Choose a file to upload."))])
    try:
        content = read_upload(upload)
        incoming = exchange.read_translations(content, upload.name)
    except ImportFileError as error:
        return _translation_preview(request, publication, language, upload.name, None,
                                    error.errors)
    if incoming.publication != publication or incoming.language != language:
        return _translation_preview(request, publication, language, upload.name, None, [
            exchange.Problem("file", "file", _(
                "This file is for dialogue %(number)s in %(language)s, not this page's.") % {
                "number": incoming.publication.dialogue.number,
                "language": _language_name(incoming.language)})])
    # The file's bytes as they came (any encoding), and what the preview showed.
    request.session[TRANSLATION_FILE_KEY] = {
        "publication": publication.pk, "language": language, "name": upload.name,
        "content": base64.b64encode(content).decode(), "shown": _what_it_does(incoming)}
    return _translation_preview(request, publication, language, upload.name, incoming, [])


def _what_it_does(incoming: exchange.Incoming) -> list:
    return [sorted(c.unit.id for c in incoming.changes), sorted(u.id for u in incoming.stale),
            sorted(c.unit.id for c in incoming.confirmations)]


def _confirm_translations(request, publication: Publication, language: str, url: str):
    stored = request.session.get(TRANSLATION_FILE_KEY) or {}
    if stored.get("publication") != publication.pk or stored.get("language") != language:
        messages.error(request, _("Upload the file again: nothing was saved."))
        return redirect(url)
    name = stored["name"]
    try:
        incoming = exchange.read_translations(base64.b64decode(stored["content"]), name)
        if _what_it_does(incoming) != stored["shown"]:
            messages.warning(request, _("The texts have changed since the preview: here is what "
                                        "the file does now. Nothing was saved."))
            stored["shown"] = _what_it_does(incoming)
            request.session[TRANSLATION_FILE_KEY] = stored
            return _translation_preview(request, publication, language, name, incoming, [])
        changed = services.import_translations(incoming, request.user)
    except ImportFileError as error:
        request.session.pop(TRANSLATION_FILE_KEY, None)
        return _translation_preview(request, publication, language, name, None, error.errors)
    request.session.pop(TRANSLATION_FILE_KEY, None)
    messages.success(request, ngettext(
        "%(count)s text translated from %(name)s.",
        "%(count)s texts translated from %(name)s.", changed) % {"count": changed, "name": name})
    return redirect(url)


def _translation_preview(request, publication: Publication, language: str, name: str,
                         incoming: exchange.Incoming | None, problems: list):
    return render(request, "publications/translations_import.html", {
        "dialogue": publication.dialogue, "publication": publication, "language": language,
        "language_name": _language_name(language), "incoming": incoming,
        "problems": problems[:200], "problem_count": len(problems), "name": name},
        status=400 if problems else 200)


@roles.secretariat_required
def translation_memory(request, language: str):
    """The memory of one language as TMX (GET), or a TMX's pairs added to it (POST)."""
    if language not in TRANSLATED_LANGUAGES:
        raise Http404("no such language")
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise exchange.TranslationFileError([exchange.Problem(
                    "file", "file", _("Choose a file to upload."))])
            pairs = exchange.read_tmx(read_upload(upload), upload.name)
        except ImportFileError as error:
            for problem in error.errors[:20]:
                messages.error(request, str(problem))
        else:
            added = services.add_to_memory([p for p in pairs if p[0] == language], upload.name)
            messages.success(request, _("%(added)s new pairs in the memory, from %(name)s.") % {
                "added": added, "name": upload.name})
        return redirect(request.POST.get("back") if url_has_allowed_host_and_scheme(
            request.POST.get("back"), allowed_hosts={request.get_host()})
            else reverse("publications:catalogue"))
    response = HttpResponse(exchange.write_tmx(language), content_type="application/x-tmx+xml")
    response["Content-Disposition"] = f'attachment; filename="idm-memory-{language}.tmx"'
    return response
