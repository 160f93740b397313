"""Translators' files: the dialogue's texts out as XLIFF 1.2, translations back in, checked whole,
the French edition built from them; the translation memory and TMX; the status page."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from translate.storage import tmx, xliff

from idm.core.models import AuditEntry
from idm.deliberation.models import KeyMessage
from idm.publications import build as builder
from idm.publications import document, exchange, services
from idm.publications.document import check
from idm.publications.models import MemorySegment
from idm.publications.render import FORMATS
from tests.publications.test_files import texts_of

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"


def exported(tmp_path, *args) -> xliff.xlifffile:
    path = tmp_path / "out.xlf"
    call_command("translations", "export", "--dialogue", "28", "--lang", "fr", *args,
                 "-o", str(path))
    return xliff.xlifffile.parsefile(str(path))


def unit_id(unit) -> str:
    return unit.xmlelement.get("id")


def french(source: str) -> str:
    """A stand-in translation a reader can recognize in every format, placeholders kept."""
    return f"(FR) {source}"


def filled(store, tmp_path, name="back.xlf", translate=french):
    for unit in store.units:
        unit.settarget(translate(unit.source), lang="fr")
    path = tmp_path / name
    path.write_bytes(bytes(store))
    return path


def test_the_round_trip_builds_the_french_edition(publication, tmp_path, capsys):
    assert check(publication, "fr")  # the demo has no French key messages yet
    store = exported(tmp_path, "--missing-only")
    root = store.document.getroot()
    assert root.get("version") == "1.2" and root.nsmap[None] == XLIFF_12
    ids = [unit_id(u) for u in store.units]
    title = KeyMessage.objects.get(number=1)
    assert f"deliberation.keymessage/{title.pk}/title" in ids
    assert f"deliberation.keymessage/{title.pk}/body/1" in ids  # a unit per paragraph
    assert any(i.startswith("deliberation.statement/") and "/quote/" in i for i in ids)
    assert "text/final_agenda" not in ids  # the catalogue translates the fixed texts already
    notes = {unit_id(u): u.getnotes() for u in store.units}
    assert "Where: Key message 1, title. At most 300 characters." in notes[
        f"deliberation.keymessage/{title.pk}/title"]

    path = filled(store, tmp_path)
    before = AuditEntry.objects.count()
    call_command("translations", "import", str(path))
    assert f"changed {len(ids)} unit(s)" in capsys.readouterr().out
    publication.refresh_from_db()
    assert check(publication, "fr") == []
    title.refresh_from_db()
    assert title.title_fr == french(title.title_en)

    # The same file again changes nothing.
    saved = AuditEntry.objects.count()
    assert saved > before
    call_command("translations", "import", str(path))
    assert "changed 0 unit(s)" in capsys.readouterr().out
    assert AuditEntry.objects.count() == saved

    version = builder.build(publication, ["fr"], list(FORMATS), None).built["fr"]
    found = texts_of(version)
    for key_message in KeyMessage.objects.filter(status="final"):
        for fmt, text in found.items():
            assert french(key_message.title_en) in text, (fmt, key_message.number)
    assert "Table des matières" in found["pdf"]  # the catalogue's fixed texts


def test_a_stale_unit_and_a_broken_placeholder_are_refused_by_id(publication, tmp_path):
    store = exported(tmp_path)
    agenda = next(u for u in store.units if unit_id(u) == "text/final_agenda")
    title = KeyMessage.objects.get(number=2)
    title_unit = f"deliberation.keymessage/{title.pk}/title"

    def translate(source):
        return "Ordre du jour final, %(ville)s" if "%(city)s" in source else french(source)

    path = filled(store, tmp_path, translate=translate)
    # The English changes after the export: that unit is stale.
    title.title_en = "Capacity development, rewritten after the export"
    title.save()
    before = AuditEntry.objects.count()
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(path.read_bytes(), path.name)
    problems = {(p.unit, p.field): p.message for p in refused.value.errors}
    assert list(problems) == [("text/final_agenda", "target")]
    assert "%(city)s" in problems[("text/final_agenda", "target")]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("translations", "import", str(path))
    assert AuditEntry.objects.count() == before and check(publication, "fr")

    # Placeholder kept: everything else is saved, the stale unit reported and left out.
    agenda.settarget("Ordre du jour final, %(city)s", lang="fr")
    path.write_bytes(bytes(store))
    incoming = exchange.read_translations(path.read_bytes(), path.name)
    assert [u.id for u in incoming.stale] == [title_unit]
    services.import_translations(incoming, None)
    title.refresh_from_db()
    publication.refresh_from_db()
    assert not title.title_fr
    assert [m.what for m in check(publication, "fr")] == ["Key message 2"]
    states = {f.text.key: f.state for f in exchange.status(publication, "fr")}
    assert states[title_unit] == "missing"
    assert states["text/final_agenda"] == "translated"
    titles = [s["title"] for s in document.assemble(publication, "fr", strict=False)["sections"]]
    assert "Ordre du jour final, (FR) Geneva" in titles


@pytest.mark.parametrize(("change", "unit", "field", "words"), [
    (lambda xml: xml.replace(b'original="idm:dialogue/28"', b'original="idm:dialogue/27"'),
     "file", "file", "no dialogue 27"),
    (lambda xml: xml.replace(b'target-language="fr"', b'target-language="de"'),
     "file", "file", "'de' is not one idm translates"),
    (lambda xml: xml.replace(b'id="text/contents"', b'id="text/not-a-text"'),
     "text/not-a-text", "id", "No text of dialogue 28"),
    (lambda xml: xml.replace(b"(FR) Contents</target>",
                             b'(FR) <g id="1">Contents</g></target>'),
     "text/contents", "target", "markup"),
    (lambda xml: xml.replace(b"(FR) Contents</target>", b"(FR)\n\nContents</target>"),
     "text/contents", "target", "blank line"),
    (lambda xml: xml.replace(b"(FR) Contents</target>", b"</target>"),
     "text/contents", "target", "empty"),
    (lambda xml: xml.replace(b'<?xml version="1.0" encoding="UTF-8"?>',
                             b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'),
     "file", "file", "document type"),
    (lambda xml: b"<xliff", "file", "file", "not an XLIFF 1.2 file"),
])
def test_each_problem_is_named_and_nothing_is_saved(publication, tmp_path, change, unit, field,
                                                    words):
    path = filled(exported(tmp_path), tmp_path)
    content = change(path.read_bytes())
    before = AuditEntry.objects.count()
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(content, "bad.xlf")
    problem = refused.value.errors[0]
    assert (problem.unit, problem.field) == (unit, field)
    assert words in problem.message
    assert AuditEntry.objects.count() == before


def test_too_long_for_its_field(publication, tmp_path):
    store = exported(tmp_path)
    title = KeyMessage.objects.get(number=1)
    path = filled(store, tmp_path, translate=lambda s: "x" * 301 if s == title.title_en
                  else french(s))
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(path.read_bytes(), path.name)
    assert [(p.unit, p.message) for p in refused.value.errors] == [(
        f"deliberation.keymessage/{title.pk}/title",
        "The translation has 301 characters; at most 300 fit.")]


def test_the_memory_fills_exact_matches_and_offers_close_ones(publication, tmp_path):
    title = KeyMessage.objects.get(number=1)
    services.add_to_memory([
        ("fr", title.title_en, "Les partenariats sont essentiels"),
        ("fr", title.title_en.replace("crucial", "vital"), "Les partenariats sont vitaux"),
    ], "earlier dialogue")
    store = exported(tmp_path, "--missing-only")
    unit = next(u for u in store.units if unit_id(u) == f"deliberation.keymessage/{title.pk}/title")
    target = unit.xmlelement.find(f"{{{XLIFF_12}}}target")
    assert target.text == "Les partenariats sont essentiels"
    assert (target.get("state"), target.get("state-qualifier")) == ("needs-review-translation",
                                                                    "leveraged-tm")
    assert "translation memory (earlier dialogue)" in unit.getnotes()
    alternatives = unit.xmlelement.findall(f"{{{XLIFF_12}}}alt-trans")
    assert [a.findtext(f"{{{XLIFF_12}}}target") for a in alternatives] == [
        "Les partenariats sont vitaux"]
    assert int(alternatives[0].get("match-quality").rstrip("%")) >= 75

    # An import keeps every pair; the memory goes out as TMX and seeds another installation.
    call_command("translations", "import", str(filled(store, tmp_path)))
    pairs = MemorySegment.objects.filter(language="fr").count()
    assert pairs > 100
    memory = tmp_path / "fr.tmx"
    call_command("translations", "memory", "--lang", "fr", "-o", str(memory))
    assert len(tmx.tmxfile.parsefile(str(memory)).units) == pairs
    MemorySegment.objects.all().delete()
    call_command("translations", "memory-import", str(memory))
    assert MemorySegment.objects.filter(language="fr").count() == pairs
    call_command("translations", "memory-import", str(memory))
    assert MemorySegment.objects.filter(language="fr").count() == pairs


def test_the_status_page_and_the_web_import(secretariat_client, participant, publication,
                                           tmp_path):
    client = Client()
    url = "/en/manage/dialogues/28/translations/fr/"
    page = secretariat_client.get(url)
    assert page.status_code == 200
    blocking = len(check(publication, "fr"))
    assert f"{blocking} texts block the French edition" in page.content.decode()
    assert "Key message 1" in page.content.decode()
    assert secretariat_client.get("/en/manage/dialogues/28/translations/de/").status_code == 404
    assert secretariat_client.get("/en/manage/dialogues/99/translations/fr/").status_code == 404
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(participant)
    assert client.get(url).status_code == 403
    assert client.get(url + "export/").status_code == 403

    download = secretariat_client.get(url + "export/?missing=1")
    assert download["Content-Disposition"] == 'attachment; filename="idm-28-fr-missing.xlf"'
    store = xliff.xlifffile.parsestring(download.content)
    path = filled(store, tmp_path)
    before = AuditEntry.objects.count()
    with path.open("rb") as upload:
        preview = secretariat_client.post(url + "import/", {"file": upload})
    assert preview.status_code == 200
    assert f"{len(store.units)} units change" in preview.content.decode()
    assert AuditEntry.objects.count() == before and check(publication, "fr")
    saved = secretariat_client.post(url + "import/", {"confirm": "1"}, follow=True)
    assert "Nothing blocks the French edition" in saved.content.decode()
    publication.refresh_from_db()
    assert check(publication, "fr") == []

    bad = tmp_path / "bad.xlf"
    bad.write_bytes(path.read_bytes().replace(b' id="', b' id="nothing/', 1))
    with bad.open("rb") as upload:
        refused = secretariat_client.post(url + "import/", {"file": upload})
    assert refused.status_code == 400
    assert "nothing was saved" in refused.content.decode()
    # A confirmation without a previewed file saves nothing.
    assert secretariat_client.post(url + "import/", {"confirm": "1"}).status_code == 302


def test_a_changed_english_makes_its_translation_stale_until_reviewed(publication, tmp_path):
    call_command("translations", "import", str(filled(exported(tmp_path), tmp_path)))
    key_message = KeyMessage.objects.get(number=3)
    body = f"deliberation.keymessage/{key_message.pk}/body"
    key_message.body_en += " One sentence more."
    key_message.save()
    states = {f.text.key: f.state for f in exchange.status(publication, "fr")}
    assert states[body] == "stale"

    # The texts to translate include it, its old translation to review; sent back untouched,
    # it stays stale; reviewed (changed), it is translated again.
    again = exported(tmp_path, "--missing-only")
    assert [unit_id(u) for u in again.units] == [f"{body}/1"]
    target = again.units[0].xmlelement.find(f"{{{XLIFF_12}}}target")
    assert target.get("state") == "needs-review-translation"
    untouched = tmp_path / "untouched.xlf"
    untouched.write_bytes(bytes(again))
    call_command("translations", "import", str(untouched))
    assert {f.text.key: f.state for f in exchange.status(publication, "fr")}[body] == "stale"
    call_command("translations", "import", str(filled(again, tmp_path)))
    assert {f.text.key: f.state for f in exchange.status(publication, "fr")}[body] == (
        "translated")
