"""`idm tags suggest FILE.csv`: for each statement, the SDG goals and GCM objectives it concerns."""

import json

from django.core.management.base import BaseCommand, CommandError

from idm.deliberation import tag_suggestions
from idm.deliberation.statement_files import read_statements
from idm.synthesis import tags


class Command(BaseCommand):
    help = "Suggests the SDG goals (1-17) and GCM objectives (1-23) that statements concern."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        suggest = sub.add_parser("suggest", help="read id,text rows; print each id's goals and objectives")
        suggest.add_argument("file", metavar="FILE.csv", help="columns id and text (CSV or XLSX)")
        suggest.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        suggest.add_argument("--threshold", type=float, default=tags.DEFAULT_THRESHOLD,
                             help="the score from which a goal or objective counts as concerned "
                                  f"(0 to 1, default {tags.DEFAULT_THRESHOLD})")

    def handle(self, *args, action, file, out, threshold, **options):
        if not 0 <= threshold <= 1:
            raise CommandError(f"--threshold must be between 0 and 1, not {threshold}")
        statements = [(row["id"], row["text"]) for row in read_statements(
            self, file, refused="no tag was suggested")]
        # Fitted once, then read from idm's data folder in a fraction of a second.
        suggester = tag_suggestions.suggester()
        suggestions = suggester.suggest([t for _, t in statements], threshold=threshold)
        if out == "json":
            self.stdout.write(json.dumps([_as_json(i, s) for (i, _), s in zip(statements, suggestions,
                                                                                strict=True)],
                                         ensure_ascii=False))
            return
        for (identifier, _), suggestion in zip(statements, suggestions, strict=True):
            self.stdout.write(_as_text(identifier, suggestion))


def _as_json(identifier: str, suggestion: tags.Suggestion) -> dict:
    return {
        "id": identifier,
        "sdg": [{"goal": t.number, "concerned": t.concerned, "score": t.score} for t in suggestion.sdg],
        "gcm": [{"objective": t.number, "concerned": t.concerned, "score": t.score} for t in suggestion.gcm],
        "sdg_targets": [{"target": t.code, "score": t.score} for t in suggestion.sdg_targets],
    }


def _as_text(identifier: str, suggestion: tags.Suggestion) -> str:
    def listed(tagged):
        concerned = [f"{t.number} ({t.score:.2f})"
                     for t in sorted(tagged, key=lambda t: -t.score) if t.concerned]
        return ", ".join(concerned) or "none"

    targets = ", ".join(t.code for t in suggestion.sdg_targets) or "none"
    return (f"{identifier}\n  SDG goals: {listed(suggestion.sdg)}\n  SDG targets closest: {targets}\n"
            f"  GCM objectives: {listed(suggestion.gcm)}")
