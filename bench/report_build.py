"""Claim: the report of a dialogue, about 130 pages, builds in all four formats (PDF, DOCX,
EPUB, HTML) in under 3 seconds warm, and its PDF at least 10 times faster than WeasyPrint.

Peer: WeasyPrint rendering the report's own HTML file (the one idm builds, stylesheet inside)
to PDF, in the same run. The demo is scaled up to about 130 pages by giving every key message
more General Debate paragraphs as evidence.
Run: `.venv/bin/python bench/report_build.py` (installs nothing; `make bench` installs WeasyPrint).
"""

import copy
import io
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM_RUNS = 3


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def main():
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    database = bench_dir / "report.sqlite3"
    database.unlink(missing_ok=True)
    os.environ["IDM_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["IDM_DATA_DIR"] = str(bench_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "idm.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from pypdf import PdfReader

    from idm.deliberation import services as deliberation
    from idm.deliberation.demo import load_demo_deliberation
    from idm.deliberation.models import KeyMessage, Statement
    from idm.dialogues.demo import load_demo, load_demo_participants
    from idm.publications import render
    from idm.publications.demo import create_publication
    from idm.publications.document import assemble

    dialogue = load_demo()
    load_demo_participants(dialogue)
    load_demo_deliberation(dialogue)
    publication = create_publication(dialogue)
    paragraphs = list(Statement.objects.filter(reference_event__isnull=False).order_by("pk"))
    key_messages = list(KeyMessage.objects.order_by("number"))
    # Every General Debate paragraph backs two key messages: about 130 pages.
    for index, statement in enumerate(paragraphs):
        for key_message in (key_messages[index % 6], key_messages[(index + 3) % 6]):
            if not key_message.evidence.filter(statement=statement).exists():
                deliberation.add_evidence(key_message, statement, "bench")

    document = assemble(publication, "en")
    first_seconds, pdf = timed(lambda: render.to_pdf(copy.deepcopy(document)))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    html = render.to_html(copy.deepcopy(document))

    import weasyprint

    runs = iter(range(1_000))

    def all_formats():
        edited = copy.deepcopy(document)
        edited["meta"]["subtitle"] = f"Build {next(runs)}"
        render.render_all(edited, list(render.FORMATS))

    def typst_pdf():
        # A changed document each time, so Typst cannot answer from its memo of the last one.
        edited = copy.deepcopy(document)
        edited["meta"]["subtitle"] = f"Build {next(runs)}"
        render.to_pdf(edited)

    def weasy_pdf():
        weasyprint.HTML(string=html.decode(), base_url=str(bench_dir)).write_pdf()

    results = {}
    for name, function in (("all four formats", all_formats), ("PDF with Typst", typst_pdf),
                           ("PDF with WeasyPrint", weasy_pdf)):
        function()  # warm: fonts, templates, pandoc's first start
        results[name] = statistics.median(timed(function)[0] for _ in range(WARM_RUNS))
    per_format = {}
    for fmt in render.FORMATS:
        per_format[fmt] = statistics.median(
            timed(lambda f=fmt: render.RENDERERS[f](copy.deepcopy(document)))[0]
            for _ in range(WARM_RUNS))
    assembly = statistics.median(timed(lambda: assemble(publication, "en"))[0]
                                 for _ in range(WARM_RUNS))
    weasy_pages = len(PdfReader(io.BytesIO(
        weasyprint.HTML(string=html.decode()).write_pdf())).pages)
    print(f"report No. {dialogue.number}: {pages} pages (PDF by Typst), "
          f"{weasy_pages} pages from the same HTML by WeasyPrint {weasyprint.__version__}")
    print(f"assembling the document from the database: {assembly:6.2f} s")
    for fmt, seconds in per_format.items():
        print(f"  {fmt.upper():<5} {seconds:6.2f} s")
    print(f"all four formats, warm (median of {WARM_RUNS}): {results['all four formats']:6.2f} s "
          f"(goal: under 3 s)")
    print(f"PDF with Typst, first compile in the process: {first_seconds:6.2f} s")
    print(f"PDF with Typst:      {results['PDF with Typst']:6.2f} s (document edited each run)")
    print(f"PDF with WeasyPrint: {results['PDF with WeasyPrint']:6.2f} s")
    print(f"ratio WeasyPrint / Typst: {results['PDF with WeasyPrint'] / results['PDF with Typst']:.1f}x "
          "(goal: at least 10)")


if __name__ == "__main__":
    main()
