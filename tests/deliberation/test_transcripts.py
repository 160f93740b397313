"""Transcripts: paragraphs split and matched to speakers in a preview; nothing saved before
the confirmation, and nothing at all while a paragraph has a problem."""

import io

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from idm.deliberation.models import Statement

pytestmark = pytest.mark.integration

TRANSCRIPT = """Amina Diallo (Sahel Network): Partnerships must start with the cities.

They know who arrives and what they need.

Mr Moreau: Our ministry agrees with the first speaker.

Jane Smith (Ocean University): Data should be shared between partners.
"""


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_preview_splits_matches_and_lists_unknown_speakers(secretariat_client, panel):
    upload = io.BytesIO(TRANSCRIPT.encode())
    upload.name = "panel.txt"
    response = secretariat_client.post(reverse("deliberation:transcript", args=[panel.pk]),
                                       {"file": upload})
    preview = response.context["preview"]
    assert [(i.paragraph, i.name, i.person.family_name if i.person else None)
            for i in preview.items] == [(1, "Amina Diallo", "Diallo"),
                                        (3, "Mr Moreau", "Moreau"), (4, "Jane Smith", None)]
    assert preview.items[0].text.endswith("They know who arrives and what they need.")
    assert preview.unmatched == ["Jane Smith"]
    assert "Jane Smith" in response.content.decode()
    assert not Statement.objects.exists()  # a preview saves nothing

    response = secretariat_client.post(reverse("deliberation:transcript", args=[panel.pk]),
                                       {"confirm": "1", "attribution": "chatham-house"})
    assert response.status_code == 302
    saved = list(Statement.objects.order_by("order"))
    assert [s.speaker_display_internal for s in saved] == ["Amina Diallo", "Paul Moreau",
                                                           "Jane Smith"]
    assert saved[2].kind == "floor" and saved[2].speaker_organization == "Ocean University"
    assert {s.attribution for s in saved} == {"chatham-house"}


def test_a_bad_paragraph_shows_the_problem_and_saves_nothing(secretariat_client, panel):
    content = docx_bytes(["This opening line has no speaker at all",
                          "Amina Diallo: Partnerships matter.",
                          "Paul Moreau (Ministry):"])
    upload = io.BytesIO(content)
    upload.name = "panel.docx"
    response = secretariat_client.post(reverse("deliberation:transcript", args=[panel.pk]),
                                       {"file": upload})
    assert response.status_code == 400
    problems = [(p.paragraph, p.message) for p in response.context["preview"].problems]
    assert problems == [(1, "No speaker: begin with “Name (Organization): text”."),
                        (3, "No text after the speaker's name.")]
    html = response.content.decode()
    assert "2 problems: nothing will be saved until the file is corrected." in html
    assert "Import 1 statement" not in html
    response = secretariat_client.post(reverse("deliberation:transcript", args=[panel.pk]),
                                       {"confirm": "1"}, follow=True)
    assert "nothing was saved" in response.content.decode()
    assert not Statement.objects.exists()


def test_command_line_import(panel, tmp_path, capsys):
    path = tmp_path / "panel.docx"
    path.write_bytes(docx_bytes(TRANSCRIPT.split("\n\n")))
    call_command("statements", "import", "--session", str(panel.pk), str(path), "--yes")
    assert Statement.objects.count() == 3
    assert "not speakers of this session, recorded as from the floor: Jane Smith" in (
        capsys.readouterr().out)
    bad = tmp_path / "bad.txt"
    bad.write_text("no speaker here\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("statements", "import", "--session", str(panel.pk), str(bad), "--yes")
    assert Statement.objects.count() == 3


def preview_of(client, session, content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("deliberation:transcript", args=[session.pk]), {"file": upload})


def test_text_saved_as_unicode_or_on_an_old_mac_is_read(secretariat_client, panel):
    for content in (TRANSCRIPT.encode("utf-16"), TRANSCRIPT.replace("\n", "\r").encode("cp1252")):
        preview = preview_of(secretariat_client, panel, content, "panel.txt").context["preview"]
        assert [(i.paragraph, i.name) for i in preview.items] == [
            (1, "Amina Diallo"), (3, "Mr Moreau"), (4, "Jane Smith")]
        assert not preview.problems


def test_a_file_that_is_not_text_or_unpacks_too_much_is_refused_in_a_line(secretariat_client,
                                                                          panel, settings):
    bomb = docx_bytes(["Amina Diallo: " + "a" * 20_000_000])
    assert len(bomb) < 100_000
    for content, name, message in [
        (b"Amina Diallo: caf\x81\n", "panel.txt", "The file is not text in UTF-8, UTF-16 or "
                                                  "Windows-1252 (line 1)"),
        (bomb, "panel.docx", "The DOCX file unpacks to more than a document of its size does"),
    ]:
        response = preview_of(secretariat_client, panel, content, name)
        assert response.status_code == 400
        [problem] = response.context["preview"].problems
        assert problem.message.startswith(message) and len(problem.message) < 300
        assert len(response.content) < 50_000
    settings.IDM_IMPORT_MAX_BYTES = 100
    [problem] = preview_of(secretariat_client, panel, TRANSCRIPT.encode(),
                           "panel.txt").context["preview"].problems
    assert problem.message == (f"'panel.txt' is {len(TRANSCRIPT.encode())}\xa0bytes; the "
                               "largest file imported is 100\xa0bytes.")
    assert not Statement.objects.exists()
