"""`idm practices import|export`: the practices registry as CSV, XLSX or JSON files."""

from django.core.management.base import BaseCommand

from idm.core.command_files import read_input, run_import, write_output
from idm.practices import files
from idm.practices.models import Practice


class Command(BaseCommand):
    help = "Imports and exports the practices registry (CSV, XLSX or JSON), all or nothing."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV, XLSX or JSON practices file: a row "
                                            "with an id updates that practice, one without creates one")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        export = sub.add_parser("export", help="export the practices")
        export.add_argument("--format", choices=files.FORMATS, required=True, dest="fmt")
        export.add_argument("--status", choices=[*Practice.Status.values, "all"], default="all",
                            help="only the practices of this review status (default: all)")
        export.add_argument("-o", "--output", metavar="FILE",
                            help="file to write; CSV and JSON go to standard output without it")

    def handle(self, *args, action, **options):
        getattr(self, "handle_" + action)(**options)

    def handle_import(self, file, out, **options):
        content, name = read_input(file)
        run_import(self, lambda: files.import_practices(content, name, "idm practices import"),
                   name, out, lambda result: (f"{result.created} new and {result.updated} "
                                              "updated practices"))

    def handle_export(self, fmt, status, output, **options):
        practices = Practice.objects.all()
        if status != "all":
            practices = practices.filter(status=status)
        write_output(self, files.export_practices(practices, fmt), output, f"practices.{fmt}",
                     text=fmt != "xlsx")
