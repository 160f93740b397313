"""Building a publication's editions: check, assemble, render every format, keep the files as a
new draft version of each edition; with progress for a terminal or a web page."""

from collections.abc import Callable
from dataclasses import dataclass, field

from idm.publications import render, services
from idm.publications.document import MissingTranslations, assemble, check, notices
from idm.publications.models import Publication, Version

Progress = Callable[[float, str], None]


@dataclass
class BuildResult:
    built: dict[str, Version] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


def build(publication: Publication, languages: list[str], formats: list[str], actor,
          progress: Progress = lambda fraction, message: None, *,
          review: bool = False) -> BuildResult:
    """Builds each language that has every translation it needs as a new draft version; a
    language that lacks some is reported, field by field, and not built. A regular build holds
    final key messages and recommendations only; a `review` draft holds the drafts too, marked."""
    result = BuildResult(notices=notices(publication, review=review))
    steps = len(languages) * (len(formats) + 1)
    done = 0
    # Each edition of a regular build names the others built with it ("Also available in").
    building = () if review else tuple(language for language in languages
                                       if not check(publication, language))
    for language in languages:
        progress(done / steps, f"{language}: assembling")
        try:
            document = assemble(publication, language, review=review, building=building)
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
        result.built[language] = services.save_version(publication, language, document, files,
                                                       actor, review=review)
        progress(done / steps, f"{language}: done")
    progress(1.0, "done")
    return result
