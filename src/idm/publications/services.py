"""The operations that change publications: keeping a build as a new version, publishing one."""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from idm.core import services as core_services
from idm.publications.models import AbbreviationEntry, Edition, Publication, Version
from idm.publications.render import FORMATS


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
