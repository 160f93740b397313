"""`idm translations export|import|status|memory|memory-import`: the files a secretariat sends to
translators (XLIFF 1.2, one per dialogue and language), what comes back, and the translation
memory as TMX."""

import json

from django.core.management.base import BaseCommand

from idm.core.command_files import or_refuse, read_input, write_output
from idm.core.languages import LANGUAGES
from idm.publications import exchange, services
from idm.publications.management.commands.report import publication_of
from idm.publications.models import Publication

ACTOR = "idm translations"
TRANSLATED = [code for code in LANGUAGES if code != "en"]


class Command(BaseCommand):
    help = "Exchanges a dialogue's texts with translators: XLIFF out and in, the memory as TMX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the texts of a dialogue to translate")
        status = sub.add_parser("status", help="the texts translated, missing and stale")
        for command in (export, status):
            command.add_argument("--dialogue", required=True, type=int, metavar="N")
            command.add_argument("--lang", required=True, choices=TRANSLATED)
        export.add_argument("--missing-only", action="store_true",
                            help="only the texts not translated yet")
        export.add_argument("--copy-source", action="store_true",
                            help="give each untranslated unit the English as its target, in "
                                 "state 'new', as OmegaT needs")
        export.add_argument("-o", "--output", metavar="FILE.xlf",
                            help="where to write (standard output by default)")
        status.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        load = sub.add_parser("import", help="save the translations an XLIFF file brings back")
        load.add_argument("file", metavar="FILE.xlf")
        load.add_argument("--dry-run", action="store_true",
                          help="check the file and say what it would change; save nothing")
        load.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        memory = sub.add_parser("memory", help="write the translation memory as TMX")
        memory.add_argument("--lang", required=True, choices=TRANSLATED)
        memory.add_argument("-o", "--output", metavar="FILE.tmx")
        seed = sub.add_parser("memory-import", help="add a TMX file's pairs to the memory")
        seed.add_argument("file", metavar="FILE.tmx")

    def handle(self, *args, action, **options):
        if action == "export":
            publication = publication_of(options["dialogue"])
            content = exchange.write_xliff(publication, options["lang"],
                                           missing_only=options["missing_only"],
                                           copy_source=options["copy_source"])
            write_output(self, content, options["output"], "", text=True)
        elif action == "status":
            self._status(publication_of(options["dialogue"]), options["lang"], options["out"])
        elif action == "import":
            self._import(options["file"], options["dry_run"], options["out"])
        elif action == "memory":
            write_output(self, exchange.write_tmx(options["lang"]), options["output"], "",
                         text=True)
        else:
            content, name = read_input(options["file"])
            pairs = or_refuse(self, lambda: exchange.read_tmx(content, name), name, "text")
            added = services.add_to_memory(pairs, name)
            self.stdout.write(self.style.SUCCESS(
                f"{name}: {len(pairs)} pair(s), {added} new in the memory"))

    def _import(self, file: str, dry_run: bool, out: str) -> None:
        content, name = read_input(file)
        incoming = or_refuse(self, lambda: exchange.read_translations(content, name), name,
                             out)
        changed = 0 if dry_run else or_refuse(
            self, lambda: services.import_translations(incoming, ACTOR), name, out)
        said = {"dialogue": incoming.publication.dialogue.number,
                "language": incoming.language, "imported": not dry_run,
                "changed_units": [c.unit.id for c in incoming.changes], "texts_changed": changed,
                "unchanged_units": len(incoming.unchanged),
                "stale_units": [u.id for u in incoming.stale],
                "untranslated_units": incoming.untranslated}
        if out == "json":
            self.stdout.write(json.dumps(said, ensure_ascii=False))
            return
        for unit in incoming.stale:
            self.stderr.write(f"stale: {unit.id} ({unit.where}): the English has changed since "
                              "the export; export again and translate the new English")
        if incoming.untranslated:
            self.stderr.write(f"untranslated: {len(incoming.untranslated)} unit(s)")
        verb = "would change" if dry_run else "changed"
        texts = len({c.unit.field.key for c in incoming.changes})
        self.stdout.write(self.style.SUCCESS(
            f"{name}: dialogue {said['dialogue']} ({incoming.language}): {verb} "
            f"{len(incoming.changes)} unit(s) in {texts} text(s); "
            f"{len(incoming.unchanged)} unchanged, {len(incoming.stale)} stale, "
            f"{len(incoming.untranslated)} untranslated"))

    def _status(self, publication: Publication, language: str, out: str) -> None:
        found = exchange.status(publication, language)
        if out == "json":
            self.stdout.write(json.dumps([{
                "text": f.text.key, "what": f.text.what, "field": f.text.name,
                "state": f.state, "blocks": f.blocks} for f in found], ensure_ascii=False))
            return
        counts = {state: sum(f.state == state for f in found)
                  for state in ("translated", "missing", "stale")}
        blocking = [f for f in found if f.blocks and f.state == "missing"]
        for f in found:
            if f.state != "translated":
                mark = " (blocks the edition)" if f.blocks and f.state == "missing" else ""
                self.stdout.write(f"{f.state}: {f.text.what}, {f.text.name}{mark}")
        self.stdout.write(f"{language}: {counts['translated']} translated, "
                          f"{counts['missing']} missing, {counts['stale']} stale; "
                          f"{len(blocking)} block the edition")
