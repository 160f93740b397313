"""The renderers of the document model: PDF through Typst, HTML through a Django template,
DOCX and EPUB through pandoc reading that HTML. One stylesheet per format in styles/."""

import base64
import copy
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc
from django.template.loader import render_to_string

from idm.core.charts import bar_chart_png
from idm.core.pdf import render_pdf
from idm.core.validators import without_control_characters

HERE = Path(__file__).resolve().parent
STYLES = HERE / "styles"
FORMATS = ("pdf", "docx", "epub", "html")


def to_pdf(document: dict) -> bytes:
    """Tagged, and declared PDF/UA-1: Typst refuses to build it if, say, a figure lacks its
    alternative text."""
    return render_pdf(HERE / "typst" / "report.typ", document, standard="ua-1")


def _with_figure_sources(document: dict, source) -> dict:
    """The figures' `src`: a data URI in the HTML file, a file for pandoc."""
    for section in document["sections"]:
        for block in section["blocks"]:
            if block["type"] == "figure":
                block["src"] = source(block)
    return document


def _data_uri(block: dict) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(block["svg"].encode()).decode()


def to_html(document: dict) -> bytes:
    """A standalone HTML file: its stylesheet inside, its figures as data URIs."""
    _with_figure_sources(document, _data_uri)
    html = render_to_string("publications/report_file.html", {
        "doc": document, "css": (HERE / "static" / "publications" / "report.css").read_text(
            encoding="utf-8")})
    return html.encode("utf-8")


def _pandoc(document: dict, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)

        def figure_file(block: dict) -> str:
            # Word shows SVG only with a PNG beside it; pandoc would need rsvg-convert for
            # that, so DOCX gets the chart drawn as a PNG, EPUB the SVG itself.
            if fmt == "docx":
                path = directory / f"{block['name']}.png"
                chart = block["chart"]
                path.write_bytes(bar_chart_png(chart["title"], chart["labels"],
                                               [tuple(s) for s in chart["series"]]))
            else:
                path = directory / f"{block['name']}.svg"
                path.write_text(block["svg"], encoding="utf-8")
            return str(path)

        _with_figure_sources(document, figure_file)
        html = render_to_string("publications/report_file.html", {"doc": document, "css": ""})
        output = directory / f"report.{fmt}"
        meta = document["meta"]
        arguments = [f"--metadata=title:{meta['series']} {meta['number_label']}: {meta['title']}",
                     f"--metadata=lang:{document['language']}",
                     f"--metadata=author:{meta['publisher']}", f"--resource-path={folder}"]
        if meta.get("review"):
            # Under the title, before the contents: the first thing a reader sees.
            arguments.append(f"--metadata=subtitle:{document['labels']['review_draft']}")
        if fmt == "docx":
            arguments.append(f"--reference-doc={STYLES / 'reference.docx'}")
        else:
            arguments += [f"--css={STYLES / 'epub.css'}", "--split-level=2",
                          f"--metadata=date:{meta['year']}"]
            if meta["isbn"]:
                arguments.append(f"--metadata=identifier:urn:isbn:{meta['isbn']}")
        arguments.append("--toc")
        # pandoc copies control characters (a vertical tab pasted into a text) into the EPUB's
        # XHTML, which XML cannot hold: no reader would open the book.
        pypandoc.convert_text(without_control_characters(html), fmt, format="html",
                              outputfile=str(output),
                              extra_args=[without_control_characters(a) for a in arguments])
        return output.read_bytes()


def to_docx(document: dict) -> bytes:
    return _pandoc(document, "docx")


def to_epub(document: dict) -> bytes:
    return _pandoc(document, "epub")


RENDERERS = {"pdf": to_pdf, "html": to_html, "docx": to_docx, "epub": to_epub}


def render_all(document: dict, formats: list[str], progress=lambda fmt: None) -> dict[str, bytes]:
    """Every format of one document at once: pandoc runs as its own process, so DOCX and EPUB
    build beside the PDF instead of after it."""
    with ThreadPoolExecutor(max_workers=len(formats)) as pool:
        futures = {fmt: pool.submit(RENDERERS[fmt], copy.deepcopy(document)) for fmt in formats}
        files = {}
        for fmt, future in futures.items():
            files[fmt] = future.result()
            progress(fmt)
    return files
