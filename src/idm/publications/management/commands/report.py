"""`idm report build|check|publish`: a dialogue's report in each language and format, with a
progress bar on a terminal; missing translations are listed field by field, never filled in.
A build makes a draft version; `publish` puts a language's newest draft before the public."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from idm.core.command_files import progress_bar
from idm.core.languages import LANGUAGES
from idm.publications import build as builder
from idm.publications import services
from idm.publications.document import check, notices
from idm.publications.models import Publication, Version
from idm.publications.render import FORMATS

ACTOR = "idm report"


def _choices(value: str, allowed, what: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise CommandError(f"unknown {what} {', '.join(unknown) or '(none)'}; use "
                           f"{','.join(allowed)}")
    return chosen


class Command(BaseCommand):
    help = "Builds a dialogue's report: PDF (Typst), DOCX and EPUB (pandoc), HTML; publishes it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("build", "build the report's editions as new draft versions"),
                           ("check", "list the translations a language lacks"),
                           ("publish", "publish each language's newest draft version")):
            command = sub.add_parser(name, help=text)
            command.add_argument("--dialogue", required=True, type=int, metavar="N")
            command.add_argument("--lang", default="en", help="en,fr,es")
        for name in ("build", "check"):
            sub.choices[name].add_argument(
                "--review-draft", action="store_true", dest="review",
                help="include draft key messages and recommendations, marked as drafts on "
                     "every page; a review draft is never published")
        build = sub.choices["build"]
        build.add_argument("--format", default=",".join(FORMATS), dest="formats",
                           help="pdf,docx,epub,html")
        build.add_argument("-o", "--output", metavar="DIR",
                           help="also copy the built files into this folder")

    def handle(self, *args, action, dialogue, lang, **options):
        publication = publication_of(dialogue)
        languages = _choices(lang, LANGUAGES, "language")
        if action == "check":
            return self._check(publication, languages, options["review"])
        if action == "publish":
            return self._publish(publication, languages)
        return self._build(publication, languages, options)

    def _check(self, publication: Publication, languages: list[str], review: bool) -> None:
        for notice in notices(publication, review=review):
            self.stdout.write(f"warning: {notice}")
        missing = {language: check(publication, language, review=review)
                   for language in languages}
        for language, items in missing.items():
            self.stdout.write(f"{language}: {len(items)} missing")
            for item in items:
                self.stdout.write(f"  {item}")
        if any(missing.values()):
            raise CommandError("translations are missing")

    def _publish(self, publication: Publication, languages: list[str]) -> None:
        for language in languages:
            draft = Version.objects.filter(
                edition__publication=publication, edition__language=language,
                status=Version.Status.DRAFT, review=False).order_by("-number").first()
            if draft is None:
                raise CommandError(f"{language}: no draft to publish; build it first "
                                   f"(idm report build --dialogue "
                                   f"{publication.dialogue.number} --lang {language})")
            try:
                services.publish(draft, ACTOR)
            except services.PublishError as error:
                raise CommandError(f"{language}: {error}") from error
            self.stdout.write(f"{language}: version {draft.number} published")

    def _build(self, publication: Publication, languages: list[str], options: dict) -> None:
        formats = _choices(options["formats"], FORMATS, "format")
        review = options["review"]
        with progress_bar() as progress:
            result = builder.build(publication, languages, formats, ACTOR, progress,
                                   review=review)
        for notice in result.notices:
            self.stderr.write(f"warning: {notice}")
        output = Path(options["output"]) if options.get("output") else None
        if output:
            output.mkdir(parents=True, exist_ok=True)
        kind = "review draft (never published)" if review else "draft"
        for language, version in result.built.items():
            self.stdout.write(f"{language}: version {version.number}, {kind}")
            for fmt in formats:
                field_file = getattr(version, fmt)
                line = f"{language} {fmt.upper():<4} {field_file.path}"
                if output:
                    suffix = "-review-draft" if review else ""
                    target = output / f"{publication.slug}-{language}{suffix}.{fmt}"
                    shutil.copyfile(field_file.path, target)
                    line = f"{language} {fmt.upper():<4} {target}"
                if fmt == "pdf":
                    line += f" ({version.page_count} pages)"
                self.stdout.write(line)
        for language, items in result.missing.items():
            self.stderr.write(f"{language}: not built, {len(items)} translation(s) missing:")
            for item in items:
                self.stderr.write(f"  {item}")
        if result.missing:
            raise CommandError("languages not built: " + ", ".join(result.missing))


def publication_of(number: int) -> Publication:
    """The publication of dialogue No. `number`, or the command's error saying there is none."""
    publication = Publication.objects.filter(dialogue__number=number).first()
    if publication is None:
        raise CommandError(f"dialogue No. {number} has no publication yet; create it in the "
                           "admin (Publications)")
    return publication
