"""The operations that change publications: queuing report builds, keeping a build as a new
version, publishing one, the rapporteur's abbreviations, translations coming back from translators
and the translation memory."""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from pypdf import PdfReader

from idm.core import jobs
from idm.core import services as core_services
from idm.deliberation.models import QuoteTranslation, text_key
from idm.publications import exchange
from idm.publications.exchange import Incoming
from idm.publications.models import (
    AbbreviationEntry,
    BuildJob,
    Edition,
    MemorySegment,
    Publication,
    ReportText,
    TranslatedUnit,
    Version,
)
from idm.publications.render import FORMATS
from idm.publications.texts import one_line

logger = logging.getLogger(__name__)

class BuildError(Exception):
    pass


def start_build(publication: Publication, languages: list[str], formats: list[str],
                review: bool, actor) -> BuildJob:
    """A new build of the report, queued for a worker."""
    from idm.publications.tasks import build_report  # its module imports this one

    job = BuildJob.objects.create(publication=publication, languages=",".join(languages),
                                  formats=",".join(formats), review=review, created_by=actor,
                                  message=BuildJob.WAITING)
    jobs.enqueue(job, build_report)
    return job


def retry_build(job: BuildJob) -> BuildJob:
    """Queues a failed build again, with the same languages and formats."""
    from idm.publications.tasks import build_report

    if not jobs.retry(job, build_report):
        raise BuildError(_("Only a failed build can be retried."))
    return job


class PublishError(Exception):
    """A version that cannot be published, and why, in the words the page shows."""


def _name(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return actor if isinstance(actor, str) else ""


def _locked_edition(publication: Publication, language: str, actor) -> Edition:
    """The edition, locked until the transaction ends: one build or publication at a time
    decides which version is which."""
    edition = Edition.objects.filter(publication=publication, language=language).first()
    if edition is None:
        edition = core_services.save(Edition(publication=publication, language=language), actor)
    return Edition.objects.select_for_update().get(pk=edition.pk)


@transaction.atomic
def save_version(publication: Publication, language: str, document: dict,
                 files: dict[str, bytes], actor, *, review: bool = False) -> Version:
    """Keeps a build as its edition's newest draft, beside the published version, which the
    public goes on seeing. The language's earlier draft of the same kind (review or not) is
    replaced; numbers are never reused, so "version 3" always names the same files."""
    edition = _locked_edition(publication, language, actor)
    number = (edition.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    for earlier in edition.versions.filter(status=Version.Status.DRAFT, review=review):
        _delete(earlier, actor)
    for section in document["sections"]:
        for block in section["blocks"]:
            block.pop("src", None)
    version = Version(edition=edition, number=number, review=review, built_by=_name(actor),
                      document=document)
    stem = f"{publication.slug}-{language}-v{number}" + ("-review-draft" if review else "")
    for fmt, content in files.items():
        getattr(version, fmt).save(f"{publication.slug}/{stem}.{fmt}", ContentFile(content),
                                   save=False)
    if "pdf" in files:
        version.page_count = len(PdfReader(io.BytesIO(files["pdf"])).pages)
    return core_services.save(version, actor)


def _delete(version: Version, actor) -> None:
    names = [getattr(version, fmt).name for fmt in FORMATS if getattr(version, fmt)]
    storage = version.pdf.storage
    core_services.delete(version, actor)
    # Only once the deletion is committed: a build that fails keeps the draft it would replace.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _describe(version: Version) -> dict:
    return {"number": version.number, "language": version.edition.get_language_display()}


@transaction.atomic
def publish(version: Version, actor) -> Version:
    """Puts a draft before the public in place of the version published before, which is kept,
    superseded. The edition's date of upload is the day a version of it was first published."""
    edition = Edition.objects.select_for_update().get(pk=version.edition_id)
    current = Version.objects.filter(pk=version.pk).select_related("edition").first()
    if current is None:
        raise PublishError(_("Version %(number)s of the %(language)s edition was replaced by a "
                             "newer build; publish that one.") % _describe(version))
    if current.review:
        raise PublishError(_(
            "Version %(number)s of the %(language)s edition is a review draft: it holds draft "
            "key messages and recommendations and can never be published. Build the edition "
            "without “review draft” and publish that version.") % _describe(current))
    if current.status == Version.Status.PUBLISHED:
        raise PublishError(_("Version %(number)s of the %(language)s edition is already "
                             "published.") % _describe(current))
    if current.status == Version.Status.SUPERSEDED:
        raise PublishError(_("Version %(number)s of the %(language)s edition was superseded by "
                             "a later version; build the edition again to publish it.")
                           % _describe(current))
    # The one published before steps down first: the database allows one published version.
    for previous in edition.versions.filter(status=Version.Status.PUBLISHED):
        previous.status = Version.Status.SUPERSEDED
        core_services.save(previous, actor)
    current.status = Version.Status.PUBLISHED
    current.published_at, current.published_by = timezone.now(), _name(actor)
    core_services.save(current, actor)
    if edition.uploaded_at is None:
        edition.uploaded_at = timezone.localdate()
        core_services.save(edition, actor)
    return current


@transaction.atomic
def save_abbreviation(publication: Publication, language: str, short: str, long: str,
                      removed: bool, actor) -> AbbreviationEntry:
    """The rapporteur's word on one abbreviation of a language's report: a long form to add or
    correct, or the abbreviation removed from the list."""
    short = short.strip()
    entry = (AbbreviationEntry.objects.select_for_update()
             .filter(publication=publication, language=language, short=short).first()
             or AbbreviationEntry(publication=publication, language=language, short=short))
    entry.long, entry.removed = long.strip(), removed
    return core_services.save(entry, actor)


# Translations -----------------------------------------------------------------------------------


@transaction.atomic
def import_translations(incoming: Incoming, actor) -> int:
    """Saves what a translation file brings (read and checked by `exchange.read_translations`),
    all or nothing: the texts, what each was translated from, and the memory's new pairs.
    Returns how many texts changed; importing the same file again changes none. A translation
    its field refuses is a problem of its units (TranslationFileError), and nothing is saved."""
    language = incoming.language
    by_text: dict[str, list] = {}
    for change in incoming.changes:
        by_text.setdefault(change.unit.field.key, []).append(change)
    changed_objects: dict[tuple, tuple] = {}
    problems = []
    for key, changes in by_text.items():
        text = changes[0].unit.field
        theirs = {c.unit.id: c.target for c in changes}
        translated = text.translated_units()
        value = "\n\n".join(theirs.get(unit_id) or translated[unit_id]
                             for unit_id, _english in text.units)
        try:
            if key.startswith("text/"):
                _save_report_text(incoming.publication, language, text, value, actor)
            elif key.startswith("abbreviation/"):
                save_abbreviation(incoming.publication, language, text.extra["short"], value,
                                  False, actor)
            elif text.name == "quote":
                _save_quote(text, language, value, actor)
            else:
                setattr(text.obj, f"{text.name}_{language}", value)
                _obj, texts_of_obj = changed_objects.setdefault(
                    (type(text.obj), text.obj.pk), (text.obj, []))
                texts_of_obj.append((text, list(theirs)))
        except ValidationError as error:
            problems.extend(_refused(error, list(theirs)))
    for obj, texts_of_obj in changed_objects.values():
        # Only the translated fields are checked: a translation is not refused for what
        # someone else changed elsewhere in the record.
        translated_fields = {f"{text.name}_{language}" for text, _units in texts_of_obj}
        try:
            obj.clean_fields(exclude=[f.name for f in obj._meta.fields
                                      if f.name not in translated_fields])
        except ValidationError as error:
            for text, unit_ids in texts_of_obj:
                messages = error.message_dict.get(f"{text.name}_{language}", [])
                problems.extend(exchange.Problem(unit_id, "target", message)
                                for unit_id in unit_ids for message in messages)
            continue
        core_services.save(obj, actor, validate=False)
    if problems:
        raise exchange.TranslationFileError(problems)
    arrived = incoming.changes + incoming.unchanged
    _record_sources(incoming, arrived, actor)
    add_to_memory([(language, c.unit.english, c.target) for c in arrived], incoming.origin)
    return len(by_text)


def _refused(error: ValidationError, unit_ids: list[str]) -> list:
    messages = [m for ms in error.message_dict.values() for m in ms] if hasattr(
        error, "error_dict") else error.messages
    return [exchange.Problem(unit_id, "target", message) for unit_id in unit_ids
            for message in messages]


def _save_report_text(publication, language: str, text, value: str, actor) -> None:
    own = ReportText.objects.filter(publication=publication, language=language,
                                    key=text.name).first()
    if value == text.catalogue:
        # The interface's own wording again: nothing of the publication's to keep.
        if own is not None:
            core_services.delete(own, actor)
        return
    own = own or ReportText(publication=publication, language=language, key=text.name)
    own.text = value
    core_services.save(own, actor)


def _save_quote(text, language: str, value: str, actor) -> None:
    statement = text.obj
    quote = (QuoteTranslation.objects.filter(statement=statement, language=language,
                                             source_key=text_key(text.english)).first()
             or QuoteTranslation(statement=statement, language=language, source=text.english))
    quote.text = value
    core_services.save(quote, actor)


def _record_sources(incoming: Incoming, arrived: list, actor) -> None:
    """What each translation was made from, for the status page's stale texts."""
    recorded = {unit: (source, target) for unit, source, target in TranslatedUnit.objects.filter(
        publication=incoming.publication, language=incoming.language).values_list(
        "unit", "source", "target")}
    for change in arrived:
        unit = change.unit
        if recorded.get(unit.id) == (unit.english, change.target) or not change.reviewed:
            continue
        TranslatedUnit.objects.update_or_create(
            publication=incoming.publication, language=incoming.language, unit=unit.id,
            defaults={"source": unit.english, "target": change.target,
                      "imported_at": timezone.now(), "imported_by": str(actor or "")})


def add_to_memory(pairs: list[tuple[str, str, str]], origin: str) -> int:
    """Keeps (language, English, translation) pairs in the memory; a pair it has is left as it
    is. Returns how many were new."""
    wanted = {}
    for language, english, target in pairs:
        if english.strip() and target.strip():
            wanted[(language, text_key(english), text_key(target))] = (english, target)
    if not wanted:
        return 0
    have = set(MemorySegment.objects.filter(
        language__in={k[0] for k in wanted}, source_key__in={k[1] for k in wanted})
        .values_list("language", "source_key", "target_key"))
    origin = Truncator(origin).chars(MemorySegment._meta.get_field("origin").max_length)
    new = [MemorySegment(language=language, source=one_line(english), source_key=key,
                         target=one_line(target), target_key=target_key, origin=origin)
           for (language, key, target_key), (english, target) in wanted.items()
           if (language, key, target_key) not in have]
    MemorySegment.objects.bulk_create(new, batch_size=500)
    return len(new)
