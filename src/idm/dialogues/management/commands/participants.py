"""`idm participants import|export|stats|badges|check-in|anonymize`: a workshop's participants from
the command line, and a closed dialogue's registrations anonymized."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from idm.core.command_files import read_input, run_import, write_output
from idm.core.languages import LANGUAGES
from idm.dialogues import badges, participant_files, participants, personal_data, statistics
from idm.dialogues.models import Dialogue, Workshop


def find_workshop(slug: str) -> Workshop:
    workshop = Workshop.objects.filter(slug=slug).first()
    if workshop is None:
        known = ", ".join(Workshop.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"no workshop '{slug}'; known workshops: {known}")
    return workshop


class Command(BaseCommand):
    help = ("Imports, exports and counts a workshop's participants; prints badges and check-in "
            "lists; anonymizes a closed dialogue's registrations.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV or XLSX participants file")
        imp.add_argument("--workshop", required=True, metavar="SLUG")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        export = sub.add_parser("export", help="export the participants")
        export.add_argument("--workshop", required=True, metavar="SLUG")
        export.add_argument("--format", choices=["csv", "xlsx"], required=True, dest="fmt")
        export.add_argument("--status", help="only this status, e.g. approved")
        export.add_argument("-o", "--output", metavar="FILE",
                            help="file to write; CSV goes to standard output without it")
        stats = sub.add_parser("stats", help="participants and speakers by category, region, ...")
        scope = stats.add_mutually_exclusive_group(required=True)
        scope.add_argument("--workshop", metavar="SLUG")
        scope.add_argument("--dialogue", type=int, metavar="N")
        stats.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        stats.add_argument("--lang", choices=LANGUAGES, default="en")
        for name, what in (("badges", "badge sheets"), ("check-in", "the check-in list")):
            pdf = sub.add_parser(name, help=f"print {what} of the approved participants (PDF)")
            pdf.add_argument("--workshop", required=True, metavar="SLUG")
            pdf.add_argument("--lang", choices=LANGUAGES, default="en")
            pdf.add_argument("-o", "--output", metavar="FILE")
        anonymize = sub.add_parser(
            "anonymize", help="replace the names, e-mails, free answers and private links of a "
                              "dialogue's registrations once every workshop has ended; the "
                              "statistics stay the same")
        anonymize.add_argument("--dialogue", type=int, required=True, metavar="N")
        anonymize.add_argument("--format", choices=["text", "json"], default="text", dest="out")

    def handle(self, *args, action, **options):
        getattr(self, "handle_" + action.replace("-", "_"))(**options)

    def handle_import(self, workshop, file, out, **options):
        found = find_workshop(workshop)
        content, name = read_input(file)
        run_import(self, lambda: participants.import_participants(found, content, name,
                                                              "idm participants import"),
                   name, out, lambda result: (
                       f"{result.created} new and {result.updated} updated registrations for "
                       f"{found.slug}; {result.merged_rows} duplicate rows merged"))

    def handle_export(self, workshop, fmt, status, output, **options):
        found = find_workshop(workshop)
        registrations = found.registrations.order_by("created_at", "id")
        if status:
            registrations = registrations.filter(status=status)
        content = participant_files.export_participants(registrations, found, fmt)
        write_output(self, content, output, f"participants-{found.slug}.{fmt}",
                     text=fmt == "csv")

    def handle_stats(self, workshop, dialogue, out, lang, **options):
        with translation.override(lang):
            if workshop:
                result = statistics.for_workshop(find_workshop(workshop))
            else:
                found = Dialogue.objects.filter(number=dialogue).first()
                if found is None:
                    raise CommandError(f"no dialogue No. {dialogue}")
                result = statistics.for_dialogue(found)
            if out == "json":
                self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
                return
            self.stdout.write(f"participants: {result.participants}")
            self.stdout.write(f"speakers: {result.speakers}")
            self.stdout.write(result.sentence)
            for dimension in statistics.DIMENSIONS:
                self.stdout.write(f"\nby {dimension.replace('_', ' ')}:")
                for row in result.table(dimension):
                    self.stdout.write(f"  {row.label:<50} {row.participants:>6} {row.speakers:>6}")
            self.stdout.write("\npanels (women / men / other):")
            for panel in result.panels:
                self.stdout.write(f"  {panel.start} {panel.session[:60]:<60} "
                                  f"{panel.women:>3} {panel.men:>3} {panel.other:>3}")

    def handle_anonymize(self, dialogue, out, **options):
        found = Dialogue.objects.filter(number=dialogue).first()
        if found is None:
            raise CommandError(f"no dialogue No. {dialogue}")
        try:
            result = personal_data.anonymize_dialogue(found, "idm participants anonymize")
        except personal_data.PersonalDataError as error:
            raise CommandError(str(error)) from error
        counts = {key: count for key, count in result.counts.items() if count}
        if out == "json":
            self.stdout.write(json.dumps({"dialogue": found.number, "anonymized": counts},
                                         indent=2))
        elif counts:
            for key, count in counts.items():
                self.stdout.write(f"{key}: {count}")
        else:
            self.stdout.write(f"nothing left to anonymize in dialogue No. {found.number}")

    def handle_badges(self, workshop, lang, output, **options):
        found = find_workshop(workshop)
        write_output(self, badges.badges_pdf(found, lang), output, f"badges-{found.slug}.pdf",
                     text=False)

    def handle_check_in(self, workshop, lang, output, **options):
        found = find_workshop(workshop)
        write_output(self, badges.checkin_pdf(found, lang), output,
                     f"check-in-{found.slug}.pdf", text=False)
