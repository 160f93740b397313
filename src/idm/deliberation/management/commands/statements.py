"""`idm statements import --session ID FILE`: a session's transcript, previewed, then imported."""

import sys

from django.core.management.base import BaseCommand, CommandError

from idm.core.command_files import read_input
from idm.deliberation import services
from idm.deliberation.models import Statement
from idm.dialogues.models import Session


class Command(BaseCommand):
    help = "Imports a session's transcript (DOCX or text, paragraphs 'Name (Organization): text')."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="preview, then import a transcript")
        imp.add_argument("--session", required=True, type=int, metavar="ID")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--attribution", choices=Statement.Attribution.values,
                         default=Statement.Attribution.ATTRIBUTED)
        imp.add_argument("--yes", action="store_true", help="import without asking")
        imp.add_argument("--dry-run", action="store_true", help="show the preview only")

    def handle(self, *args, action, session, file, attribution, yes, dry_run, **options):
        found = Session.objects.select_related("workshop").filter(pk=session).first()
        if found is None:
            raise CommandError(f"no session {session}")
        content, name = read_input(file)
        preview = services.preview_transcript(found, content, name)
        self.stdout.write(f"{found.workshop.slug}: {found.title}")
        for item in preview.items:
            who = item.person.full_name if item.person else f"{item.name} (from the floor)"
            paragraphs = f"{item.paragraph}" + (f"-{item.continued[-1]}" if item.continued else "")
            self.stdout.write(f"  ¶{paragraphs:<6} {who[:40]:<40} {item.language}  "
                              f"{item.text[:60]!r}")
        if preview.unmatched:
            self.stdout.write("not speakers of this session, recorded as from the floor: "
                              + ", ".join(preview.unmatched))
        for problem in preview.problems:
            self.stderr.write(f"paragraph {problem.paragraph}: {problem.message} "
                              f"{problem.excerpt[:60]!r}")
        if preview.problems:
            raise CommandError(f"{len(preview.problems)} problem(s) in {name}: nothing was saved")
        if dry_run:
            return
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("add --yes to import without a prompt")
            answer = input(f"Import {len(preview.items)} statements? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("nothing was saved")
        count = services.import_transcript(found, content, name, "idm statements import",
                                           attribution=attribution)
        self.stdout.write(self.style.SUCCESS(f"imported {count} statements into session "
                                             f"{found.pk}"))
