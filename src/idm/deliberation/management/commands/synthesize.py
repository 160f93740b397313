"""`idm synthesize`: the themes in a dialogue's, a workshop's or a session's statements, or in a
file of statements, printed as text or JSON; nothing is written to the database."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from idm.deliberation import workbench
from idm.deliberation.models import SynthesisRun
from idm.deliberation.statement_files import read_statements
from idm.dialogues.models import Dialogue, Session, Workshop
from idm.synthesis import themes as library


class Command(BaseCommand):
    help = ("Finds the themes in what was said, offline: in a dialogue (--dialogue N, optionally "
            "--workshop SLUG or --session ID) or in a CSV or XLSX file of statements (--file, "
            "columns id,text and optionally language,category,workshop,session).")

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--dialogue", type=int, metavar="N")
        source.add_argument("--file", metavar="STATEMENTS.csv")
        parser.add_argument("--workshop", metavar="SLUG")
        parser.add_argument("--session", type=int, metavar="ID")
        parser.add_argument("--themes", type=int, metavar="K",
                            help="how many themes (default: as the statements fall)")
        parser.add_argument("--engine", choices=SynthesisRun.Engine.values,
                            default=SynthesisRun.Engine.TFIDF)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, dialogue, file, workshop, session, themes, engine, seed, format,
               **options):
        if themes is not None and themes < 1:
            raise CommandError("--themes must be 1 or more")
        if file:
            if workshop or session:
                raise CommandError("--workshop and --session choose statements of a dialogue, "
                                   "not of a file")
            inputs = self._from_file(file)
        else:
            inputs = self._from_dialogue(dialogue, workshop, session)
        texts = {i.id: i for i in inputs}
        with tqdm(total=100, unit="%", disable=not sys.stderr.isatty(),
                  file=sys.stderr) as bar:
            def progress(fraction: float, message: str) -> None:
                bar.set_description(message)
                bar.update(round(fraction * 100) - bar.n)

            found = library.find_themes(inputs, themes=themes, seed=seed, engine=engine,
                                        progress=progress)
        if format == "json":
            self.stdout.write(json.dumps({"statements": len(inputs), **found.to_dict()},
                                         ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{len(inputs)} statements, {len(found.themes)} themes, "
                          f"{len(found.unassigned)} fit none (engine {found.engine}, "
                          f"seed {found.seed})")
        for number, theme in enumerate(found.themes, 1):
            self.stdout.write("")
            self.stdout.write(f"Theme {number}: {theme.label}")
            self.stdout.write(f"  {len(theme.members)} statements, coherence "
                              f"{theme.coherence:.2f}")
            for name, spread in (("categories", theme.categories),
                                 ("workshops", theme.workshops)):
                if spread:
                    self.stdout.write(f"  {name}: " + ", ".join(
                        f"{key} {count}" for key, count in sorted(
                            spread.items(), key=lambda kv: (-kv[1], kv[0]))))
            for statement_id in theme.representatives:
                words = " ".join(texts[statement_id].text.split())
                self.stdout.write(f"  [{statement_id}] {words[:200]}"
                                  + ("…" if len(words) > 200 else ""))

    def _from_dialogue(self, number, slug, session_id) -> list[library.Statement]:
        dialogue = Dialogue.objects.filter(number=number).first()
        if dialogue is None:
            raise CommandError(f"no dialogue {number}")
        workshop = session = None
        if slug:
            workshop = Workshop.objects.filter(dialogue=dialogue, slug=slug).first()
            if workshop is None:
                raise CommandError(f"no workshop '{slug}' in dialogue {number}")
        if session_id is not None:
            session = Session.objects.filter(workshop__dialogue=dialogue, pk=session_id).first()
            if session is None:
                raise CommandError(f"no session {session_id} in dialogue {number}")
        return [workbench.as_input(s) for s in workbench.statements_of(dialogue, workshop,
                                                                         session)]

    def _from_file(self, file: str) -> list[library.Statement]:
        return [library.Statement(**row) for row in read_statements(
            self, file, refused="no theme was looked for")]
