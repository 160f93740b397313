"""`idm consultation import-polis DIR` loads a Pol.is export as a consultation and prints its id
last; `idm consultation analyze ID` prints its opinion groups, representative statements and
consensus statements, as text or JSON."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from idm.consultations import services as consultations
from idm.consultations.models import Consultation, ConsultationStatement
from idm.dialogues.models import Dialogue
from idm.synthesis.polis_export import ExportError


class Command(BaseCommand):
    help = "Consultations: import a Pol.is export, analyse the votes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import-polis", help="load a Pol.is export folder (comments.csv with "
                                                   "votes.csv or participants-votes.csv)")
        load.add_argument("folder", metavar="DIR")
        load.add_argument("--dialogue", type=int, metavar="N",
                          help="the dialogue it belongs to (default: the latest)")
        load.add_argument("--title", default="", help="default: the folder's name")
        analyze = sub.add_parser("analyze", help="print the groups, representative and consensus "
                                                 "statements")
        analyze.add_argument("consultation", type=int, metavar="ID")
        analyze.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, action, **options):
        if action == "import-polis":
            return self._import(options["folder"], options["dialogue"], options["title"])
        return self._analyze(options["consultation"], options["format"])

    def _import(self, folder, number, title):
        dialogues = Dialogue.objects.order_by("-number")
        dialogue = dialogues.filter(number=number).first() if number else dialogues.first()
        if dialogue is None:
            raise CommandError(f"no dialogue number {number}" if number else
                               "no dialogue yet: create one (or run `idm demo`) first")
        try:
            consultation = consultations.import_polis(Path(folder), dialogue, "idm consultation",
                                                      title=title)
        except (ExportError, consultations.ConsultationError) as error:
            raise CommandError(f"{error}; nothing was imported") from None
        counts = consultation.items.count(), consultation.voter_set.count()
        self.stderr.write(f"{counts[0]} statements and {counts[1]} participants imported into "
                          f"dialogue {dialogue.number}")
        self.stdout.write(str(consultation.pk))

    def _analyze(self, pk, format):
        consultation = Consultation.objects.filter(pk=pk).first()
        if consultation is None:
            raise CommandError(f"no consultation {pk}")
        report, _ = consultations.analyse(consultation)
        items = {i.pk: i for i in consultation.items.select_related("key_message", "recommendation",
                                                                      "statement")}
        result = as_printed(report, items)
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{consultation}: {report['votes']} votes by {report['voters']} participants "
                          f"on {report['items']} statements; {report['clustered']} in groups")
        for group in result["groups"]:
            self.stdout.write(f"\nGroup {group['id']} ({group['members']} participants)")
            for s in group["representative"]:
                self.stdout.write(f"  {s['direction']:8} {s['p_success']:.0%} (z {s['repness_test']:.2f}) "
                                  f"[{s['statement']}] {s['text'][:100]}")
        for direction in ("agree", "disagree"):
            self.stdout.write(f"\nConsensus ({direction})")
            for s in result["consensus"][direction]:
                self.stdout.write(f"  {s['p_success']:.0%} (z {s['p_test']:.2f}) [{s['statement']}] "
                                  f"{s['text'][:100]}")


def as_printed(report: dict, items: dict[int, ConsultationStatement]) -> dict:
    """The report with the ids of the source (a Pol.is export's) where there are some, and texts."""

    def statement(stats: dict) -> dict:
        item = items[stats["statement"]]
        return {**stats, "statement": item.source_id or str(item.pk), "text": item.shown_text()}

    return {
        "participants": [{"id": source or str(voter), "group": group}
                         for voter, source, _x, _y, group in report["participants"]],
        "groups": [{"id": g["id"], "members": g["members"],
                    "representative": [statement(s) for s in g["representative"]]} for g in report["groups"]],
        "consensus": {k: [statement(s) for s in v] for k, v in report["consensus"].items()},
    }
