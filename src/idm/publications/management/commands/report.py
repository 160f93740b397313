"""`idm report build|check`: a dialogue's report in each language and format, with a progress
bar on a terminal; missing translations are listed field by field, never filled in."""

import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from idm.publications import build as builder
from idm.publications.document import check
from idm.publications.models import Publication
from idm.publications.render import FORMATS


def _choices(value: str, allowed, what: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise CommandError(f"unknown {what} {', '.join(unknown) or '(none)'}; use "
                           f"{','.join(allowed)}")
    return chosen


class Command(BaseCommand):
    help = "Builds a dialogue's report: PDF (Typst), DOCX and EPUB (pandoc), HTML."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("build", "build the report's editions"),
                           ("check", "list the translations a language lacks")):
            command = sub.add_parser(name, help=text)
            command.add_argument("--dialogue", required=True, type=int, metavar="N")
            command.add_argument("--lang", default="en", help="en,fr,es")
        build = sub.choices["build"]
        build.add_argument("--format", default=",".join(FORMATS), dest="formats",
                           help="pdf,docx,epub,html")
        build.add_argument("-o", "--output", metavar="DIR",
                           help="also copy the built files into this folder")

    def _publication(self, number: int) -> Publication:
        publication = Publication.objects.filter(dialogue__number=number).first()
        if publication is None:
            raise CommandError(f"dialogue No. {number} has no publication yet; create it in the "
                               "admin (Publications)")
        return publication

    def handle(self, *args, action, dialogue, lang, **options):
        publication = self._publication(dialogue)
        languages = _choices(lang, ["en", "fr", "es"], "language")
        if action == "check":
            missing = {language: check(publication, language) for language in languages}
            for language, items in missing.items():
                self.stdout.write(f"{language}: {len(items)} missing")
                for item in items:
                    self.stdout.write(f"  {item}")
            if any(missing.values()):
                raise CommandError("translations are missing")
            return
        formats = _choices(options["formats"], FORMATS, "format")
        # A bar on a terminal, nothing in a pipe.
        bar = tqdm(total=100, disable=not sys.stderr.isatty(), file=sys.stderr,
                   bar_format="{l_bar}{bar}| {postfix}")

        def progress(fraction: float, message: str) -> None:
            bar.n = round(fraction * 100)
            bar.set_postfix_str(message)
            bar.refresh()

        try:
            result = builder.build(publication, languages, formats, "idm report build", progress)
        finally:
            bar.close()
        output = Path(options["output"]) if options.get("output") else None
        if output:
            output.mkdir(parents=True, exist_ok=True)
        for language, edition in result.built.items():
            for fmt in formats:
                field_file = getattr(edition, fmt)
                line = f"{language} {fmt.upper():<4} {field_file.path}"
                if output:
                    target = output / f"{edition.publication.slug}-{language}.{fmt}"
                    shutil.copyfile(field_file.path, target)
                    line = f"{language} {fmt.upper():<4} {target}"
                if fmt == "pdf":
                    line += f" ({edition.page_count} pages)"
                self.stdout.write(line)
        for language, items in result.missing.items():
            self.stderr.write(f"{language}: not built, {len(items)} translation(s) missing:")
            for item in items:
                self.stderr.write(f"  {item}")
        if result.missing:
            raise CommandError("languages not built: " + ", ".join(result.missing))
