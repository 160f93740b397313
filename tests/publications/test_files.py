"""Files that readers' tools accept and that read the same in every format: EPUBCheck passes the
EPUB, the PDF is tagged and declares PDF/UA-1 with its figure described, quotes are attributed
in words that read naturally, and every edition's appendices carry the demonstration's marks,
from the one agenda the agenda PDF prints too."""

import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from idm.dialogues.exports import pdf_data
from idm.dialogues.models import Session, SessionRole, Workshop
from idm.publications import build as builder
from idm.publications.render import FORMATS
from tests.conftest import require

pytestmark = pytest.mark.integration

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
# As the demo's No. 28 prints them: a panelist of a workshop, and a country at the General Debate.
ATTRIBUTIONS = [
    "— Mr Tomás Valdés Ferrer, Vice-Minister, Ministry of Labour and Migration of Examplia "
    "(New York, Panel 1: Partnerships are crucial to the global governance of migration)",
    "— Italy (General debate of the 73rd UN General Assembly, September 2018)",
]
ILLUSTRATIVE = "Illustrative session, made up for a demonstration."


@pytest.fixture
def edition(publication):
    return builder.build(publication, ["en"], list(FORMATS), None).built["en"]


def words(text: str) -> str:
    return " ".join(text.split())


def markup_text(markup: str) -> str:
    return words(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def texts_of(edition) -> dict[str, str]:
    """Each format's text, as a reader's tool gets it, whitespace made single spaces."""
    pdf = " ".join(page.extract_text() for page in PdfReader(edition.pdf.path).pages)
    word = docx.Document(edition.docx.path)
    docx_text = " ".join([p.text for p in word.paragraphs] + [
        cell.text for table in word.tables for row in table.rows for cell in row.cells])
    with zipfile.ZipFile(edition.epub.path) as epub:
        epub_text = " ".join(markup_text(epub.read(n).decode()) for n in epub.namelist()
                             if n.endswith(".xhtml"))
    html_text = markup_text(edition.html.open("rb").read().decode())
    # No space before a closing mark: the HTML puts tags there, the PDF does not.
    return {fmt: re.sub(r" ([).,])", r"\1", words(text)) for fmt, text in
            (("pdf", pdf), ("docx", docx_text), ("epub", epub_text), ("html", html_text))}


def test_quotes_and_appendices_read_the_same_in_every_format(edition):
    illustrative = Session.objects.filter(illustrative=True).count()
    fictional = SessionRole.objects.filter(person__fictional=True).count()
    assert illustrative and fictional
    for fmt, text in texts_of(edition).items():
        for attribution in ATTRIBUTIONS:
            assert attribution in text, (fmt, attribution)
        assert text.count(ILLUSTRATIVE) == illustrative, fmt
        assert text.count("(fictional)") == fictional, fmt
        assert "Panelist: Mr Vitor Cardoso, Adviser, Government of Brazil (demo) (fictional)" \
            in text, fmt


def test_the_appendices_are_the_agenda_pdf_s_agenda(edition):
    for workshop in Workshop.objects.all():
        appendix = next(s for s in edition.document["sections"]
                        if s["id"] == f"agenda-{workshop.slug}")["blocks"][0]
        printed = pdf_data(workshop, "en")
        for key in ("title", "dates", "place", "days"):
            assert appendix[key] == printed[key], key
        assert appendix["labels"].items() <= printed["labels"].items()


def test_the_epub_passes_epubcheck(edition, tmp_path):
    assert_epubcheck_passes(edition.epub.path, tmp_path)


def assert_epubcheck_passes(path: str, folder: Path) -> None:
    java = shutil.which("java")
    require(EPUBCHECK.exists() and java is not None,
            f"no EPUBCheck at {EPUBCHECK} (apt-get install epubcheck)")
    report = folder / "epubcheck.json"
    subprocess.run([java, "-jar", str(EPUBCHECK), path, "--json", str(report)],
                   capture_output=True, timeout=300)
    checked = json.loads(report.read_text())
    problems = [(m["severity"], m["ID"], m["message"], m["locations"][:1])
                for m in checked["messages"]]
    assert checked["checker"]["nFatal"] == checked["checker"]["nError"] == 0, problems
    assert checked["checker"]["nWarning"] == 0, problems


def structure(node):
    """Every element of a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            yield from structure(kid)
    elif hasattr(node, "get"):
        if "/S" in node:
            yield node
        if "/K" in node:
            yield from structure(node["/K"])


def test_the_pdf_is_tagged_and_declares_pdf_ua_1(edition):
    catalog = PdfReader(edition.pdf.path).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "en"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", metadata)
    elements = list(structure(catalog["/StructTreeRoot"]))
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 1
    assert figures[0]["/Alt"].startswith("Participants and speakers by stakeholder category. "
                                         "Member State: Participants ")
