"""The built report, opened as a reader would: PDF pages and text, contents, abbreviations,
appendices, DOCX and EPUB text; no withheld name anywhere."""

import io
import re
import zipfile

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from idm.publications import build as builder
from idm.publications.document import check
from idm.publications.models import Version
from tests.publications.conftest import WITHHELD

pytestmark = pytest.mark.integration


def pdf_text(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_english_report_in_four_formats(publication, tmp_path):
    progress = []
    result = builder.build(publication, ["en"], ["pdf", "docx", "epub", "html"], None,
                           lambda fraction, message: progress.append((fraction, message)))
    assert result.ok and progress[-1] == (1.0, "done")
    assert [f for f, _m in progress] == sorted(f for f, _m in progress)
    edition = Version.objects.get(edition__publication=publication, edition__language="en")

    reader = PdfReader(edition.pdf.path)
    pages = pdf_text(reader)
    assert len(reader.pages) == edition.page_count >= 15
    assert "INTERNATIONAL DIALOGUE ON MIGRATION" in pages[0] and "No. 28" in pages[0]
    assert "Inclusive and Innovative Partnerships" in pages[0]
    imprint = pages[1]
    assert "ISBN 978-92-9068-774-0" in imprint and "ISSN 1726-2224" in imprint
    assert "Demonstration edition, built by idm from demonstration data" in imprint
    # The contents give each chapter, every key message's among them, with the page it starts
    # on; there, below the running head (on odd pages, the chapter's title), is its heading.
    contents = pages[2]
    chapters = ["Abbreviations and acronyms"] + [
        f"{s['number']}. {s['title']}" if s["number"] else s["title"]
        for s in edition.document["sections"]]
    assert len([c for c in chapters if c[0].isdigit()]) == 6
    assert chapters[-2:] == ["Final agenda, New York", "Final agenda, Geneva"]
    for title in chapters:
        match = re.search(re.escape(title) + r"[ .]*(\d+)", contents)
        assert match, title
        page = int(match.group(1))
        head = title if page % 2 else "International Dialogue on Migration No. 28"
        assert pages[page - 1].startswith(head), f"running head of page {page}"
        assert title in pages[page - 1][len(head):], f"{title} is not on page {page}"
    # Abbreviations found in the texts, each once, sorted.
    abbreviations = next(p for p in pages[3:] if "Abbreviations and acronyms" in p)
    assert "IOM International Organization for Migration" in abbreviations
    assert "RCPs regional consultative processes" in abbreviations
    assert abbreviations.count("IOM International") == 1
    # The appendices carry the agendas, sessions and speakers.
    geneva = " ".join(p for p in pages if "Final agenda, Geneva" in p or "Palais" in p)
    assert "Setting the scene" in geneva and "Azzouz Samri" in geneva
    assert "Over 600 participants – including 83 panelists" in " ".join(pages)

    word = docx.Document(edition.docx.path)
    docx_text = "\n".join(p.text for p in word.paragraphs)
    assert all(title in docx_text for title in ("Abbreviations and acronyms", "Conclusions",
                                                "Final agenda, Geneva"))
    assert "Partnerships are crucial to global governance of migration" in docx_text
    assert any(shape for shape in word.inline_shapes)  # the chart

    with zipfile.ZipFile(edition.epub.path) as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
        chapters = " ".join(epub.read(n).decode() for n in epub.namelist()
                            if n.endswith(".xhtml"))
    assert "Final agenda, New York" in chapters and "Building partnerships" in chapters

    html = edition.html.open("rb").read().decode()
    assert 'id="key-message-6"' in html and "data:image/svg+xml;base64," in html

    for text in (" ".join(pages), docx_text, chapters, html):
        for withheld in WITHHELD:
            assert withheld not in text
    assert "A participant from the category “Civil society”" in " ".join(pages)


def test_missing_translations_are_reported_field_by_field(publication):
    missing = [str(m) for m in check(publication, "fr")]
    assert "Key message 1: title is missing in Français" in missing
    assert "Workshop 2018-new-york: title is missing in Français" in missing
    assert "Publication: introduction is missing in Français" in missing
    assert not any("Geneva" in m and "venue" in m for m in missing)  # translated in the demo
    result = builder.build(publication, ["fr"], ["pdf"], None)
    assert not result.built and len(result.missing["fr"]) == len(missing)
    assert not Version.objects.filter(edition__publication=publication,
                                      edition__language="fr").exists()


def test_command_line_build_copies_files_and_names_what_is_missing(publication, tmp_path,
                                                                  capsys):
    with pytest.raises(CommandError, match="languages not built: es"):
        call_command("report", "build", "--dialogue", "28", "--lang", "en,es", "--format",
                     "pdf,html", "-o", str(tmp_path))
    captured = capsys.readouterr()
    assert (tmp_path / "idm-28-en.pdf").exists() and (tmp_path / "idm-28-en.html").exists()
    assert "es: not built" in captured.err
    assert "Key message 1: title is missing in Español" in captured.err
    assert "%|" not in captured.err  # no progress bar in a pipe


def test_the_chart_is_the_statistics_page_s_file(publication):
    from idm.dialogues import statistics

    result = builder.build(publication, ["en"], ["html"], None)
    figures = [b for s in result.built["en"].document["sections"] for b in s["blocks"]
               if b["type"] == "figure"]
    assert figures[0]["svg"] == statistics.chart_svg(
        statistics.for_dialogue(publication.dialogue), "category")


def test_a_report_without_participants_has_no_chart(reference):
    from idm.publications.models import Publication
    from tests.dialogues import factories

    dialogue = factories.dialogue(number=40)
    publication = Publication.objects.create(dialogue=dialogue, slug="x-40", title="T",
                                             title_en="T", year=2030)
    result = builder.build(publication, ["en"], ["pdf"], None)
    document = result.built["en"].document
    assert not [b for s in document["sections"] for b in s["blocks"] if b["type"] == "figure"]
    assert PdfReader(io.BytesIO(result.built["en"].pdf.read())).pages
