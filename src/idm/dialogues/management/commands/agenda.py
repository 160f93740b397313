"""`idm agenda export|import|template`: a workshop's agenda as ICS, CSV, XLSX or PDF, and back."""

from django.core.management.base import BaseCommand, CommandError

from idm.core.command_files import read_input, run_import, write_output
from idm.core.languages import LANGUAGES
from idm.dialogues import exports, services
from idm.dialogues.management.commands.participants import find_workshop
from idm.dialogues.models import Dialogue

TEXT_FORMATS = ("ics", "csv")


class Command(BaseCommand):
    help = "Exports a workshop's agenda, imports an agenda file into a dialogue, writes a template."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="export a workshop's agenda")
        export.add_argument("--workshop", required=True, metavar="SLUG")
        export.add_argument("--format", required=True, choices=exports.FORMATS, dest="fmt")
        export.add_argument("--lang", default="en", choices=LANGUAGES,
                            help="language of the ICS and PDF (CSV and XLSX carry all three)")
        export.add_argument("-o", "--output", metavar="FILE",
                            help="file to write; ICS and CSV go to standard output without it")
        imp = sub.add_parser("import", help="import a CSV or XLSX agenda into a dialogue")
        imp.add_argument("--dialogue", required=True, type=int, metavar="N")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--replace", action="store_true",
                         help="update the agenda of workshops that already have one: sessions "
                              "are matched by session_id (or start and title) and kept")
        imp.add_argument("--delete-sessions-with-statements", action="store_true",
                         dest="delete_with_statements",
                         help="with --replace, also delete sessions the file no longer has when "
                              "they have statements (the statements go with them)")
        imp.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        template = sub.add_parser("template", help="write an empty agenda file with its columns")
        template.add_argument("--format", choices=["csv", "xlsx"], default="xlsx", dest="fmt")
        template.add_argument("-o", "--output", metavar="FILE")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_export(self, workshop, fmt, lang, output, **options):
        found = find_workshop(workshop)
        content = exports.export_agenda(found, fmt, lang)
        write_output(self, content, output, exports.filename(found, fmt, lang),
                     text=fmt in TEXT_FORMATS)

    def handle_template(self, fmt, output, **options):
        write_output(self, exports.template(fmt), output, f"agenda-template.{fmt}",
                     text=fmt in TEXT_FORMATS)

    def handle_import(self, dialogue, file, replace, delete_with_statements, out, **options):
        found = Dialogue.objects.filter(number=dialogue).first()
        if found is None:
            raise CommandError(f"no dialogue No. {dialogue}; create it first (idm admin or "
                               "the Manage page)")
        content, name = read_input(file)
        run_import(self, lambda: services.import_agenda(
            found, content, name, "idm agenda import", replace=replace,
            delete_with_statements=delete_with_statements), name, out, _summary)


def _summary(result) -> str:
    line = (f"imported {result.sessions} sessions ({result.sessions_kept} of them kept and "
            f"updated) and {result.speakers} speakers into {result.workshops} workshop(s); "
            f"{result.people_created} new people, {result.organizations_created} new "
            f"organizations; {result.sessions_deleted} sessions deleted")
    if result.deleted_with_sessions:
        line += " with " + ", ".join(f"{count} {name}" for name, count in
                                     result.deleted_with_sessions.items())
    return line
