"""`idm dialogue export|import`: a whole dialogue in one versioned archive, to move it to another
installation; an archive that is damaged, foreign or does not fit is refused whole
(publications/archive.py says what the archive holds and how an import matches it)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from idm.core.command_files import progress_bar
from idm.publications import archive

ACTOR = "idm dialogue import"


class Command(BaseCommand):
    help = ("Exports a dialogue with everything it needs into one archive, or imports one into "
            "this installation, all or nothing.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write dialogue N and everything it needs (people, "
                                               "statements, consultations, practices, the "
                                               "publication and its files) into one archive")
        export.add_argument("number", type=int, metavar="N")
        export.add_argument("-o", "--output", metavar="FILE",
                            help="archive to write (default: idm-dialogue-N.zip)")
        export.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        imp = sub.add_parser("import", help="recreate an archive's dialogue here; nothing is "
                                            "imported if anything is wrong")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--dry-run", action="store_true",
                         help="check the archive against this installation, import nothing")
        imp.add_argument("--format", choices=["text", "json"], default="text", dest="out")

    def handle(self, *args, action, **options):
        getattr(self, "handle_" + action)(**options)

    def handle_export(self, number, output, out, verbosity=1, **options):
        path = Path(output or f"idm-dialogue-{number}.zip")
        result = self._run(lambda progress: archive.export_dialogue(number, path, progress),
                           out, "exported")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if out == "json":
            self.stdout.write(json.dumps({
                "exported": True, "dialogue": result.dialogue, "file": str(result.path),
                "bytes": result.size, "counts": result.counts, "files": result.files,
                "warnings": result.warnings}))
            return
        rows = sum(result.counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"dialogue No. {result.dialogue}: {rows:,} rows of {len(result.counts)} kinds and "
            f"{_files(result.files)} written to {result.path} ({filesizeformat(result.size)})"))
        if verbosity > 1:
            for label, count in result.counts.items():
                self.stdout.write(f"  {label:<40} {count:>7,}")

    def handle_import(self, file, dry_run, out, verbosity=1, **options):
        result = self._run(lambda progress: archive.import_dialogue(
            Path(file), ACTOR, progress, dry_run=dry_run), out, "imported")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if out == "json":
            self.stdout.write(json.dumps({
                "imported": not dry_run, "dry_run": dry_run, "dialogue": result.dialogue,
                "created": result.created, "matched": result.matched, "files": result.files,
                "warnings": result.warnings}))
            return
        created, matched = sum(result.created.values()), sum(result.matched.values())
        if dry_run:
            self.stdout.write(self.style.SUCCESS(
                f"dialogue No. {result.dialogue} can be imported from {file}: {created:,} rows "
                f"to create, {matched:,} shared records found here; nothing was imported "
                "(--dry-run)"))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"dialogue No. {result.dialogue} imported from {file}: {created:,} rows "
                f"created, {matched:,} shared records found here and used as they are, "
                f"{_files(result.files)}"))
        if verbosity > 1:
            for label in sorted(set(result.created) | set(result.matched)):
                self.stdout.write(f"  {label:<40} {result.created.get(label, 0):>7,} created "
                                  f"{result.matched.get(label, 0):>7,} found here")

    def _run(self, work, out: str, done: str):
        """`work(progress)` with a bar on a terminal (nothing in a pipe); an ArchiveError becomes
        the command's error (said in JSON too with --format json)."""
        with progress_bar() as progress:
            try:
                return work(progress)
            except archive.ArchiveError as error:
                if out == "json":
                    self.stdout.write(json.dumps({done: False, "error": error.message},
                                                 ensure_ascii=False))
                raise CommandError(error.message) from None


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"
