"""Building a publication's editions: check, assemble, render every format, keep the files and
the page count; with progress for a terminal or a web page."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from idm.core import services as core_services
from idm.publications import render
from idm.publications.document import MissingTranslations, assemble
from idm.publications.models import Edition, Publication

Progress = Callable[[float, str], None]


@dataclass
class BuildResult:
    built: dict[str, dict[str, Edition]] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.missing


def build(publication: Publication, languages: list[str], formats: list[str], actor,
          progress: Progress = lambda fraction, message: None) -> BuildResult:
    """Builds each language that has every translation it needs; a language that lacks some
    is reported, field by field, and not built."""
    result = BuildResult()
    steps = len(languages) * (len(formats) + 1)
    done = 0
    for language in languages:
        progress(done / steps, f"{language}: assembling")
        try:
            document = assemble(publication, language)
        except MissingTranslations as error:
            result.missing[language] = [str(m) for m in error.missing]
            done += len(formats) + 1
            progress(done / steps, f"{language}: {len(error.missing)} translations missing")
            continue
        done += 1
        progress(done / steps, f"{language}: {', '.join(f.upper() for f in formats)}")

        def rendered(fmt: str, language: str = language) -> None:
            nonlocal done
            done += 1
            progress(done / steps, f"{language}: {fmt.upper()} ready")

        files = render.render_all(document, formats, rendered)
        result.built[language] = _save(publication, language, document, files, actor)
        progress(done / steps, f"{language}: done")
    progress(1.0, "done")
    return result


@transaction.atomic
def _save(publication: Publication, language: str, document: dict, files: dict[str, bytes],
          actor) -> Edition:
    edition, _created = Edition.objects.get_or_create(publication=publication, language=language)
    stem = f"{publication.slug}-{language}"
    for fmt, content in files.items():
        field_file = getattr(edition, fmt)
        if field_file:
            field_file.delete(save=False)
        field_file.save(f"{publication.slug}/{stem}.{fmt}", ContentFile(content), save=False)
    if "pdf" in files:
        edition.page_count = len(PdfReader(io.BytesIO(files["pdf"])).pages)
    for block_section in document["sections"]:
        for block in block_section["blocks"]:
            block.pop("src", None)
    edition.document = document
    edition.built_at = timezone.now()
    return core_services.save(edition, actor)


def publish(edition: Edition, actor) -> Edition:
    """Puts a built edition in the catalogue, dated today."""
    edition.status = Edition.Status.PUBLISHED
    edition.uploaded_at = edition.uploaded_at or timezone.localdate()
    return core_services.save(edition, actor)
