"""A report may list the practices presented at the dialogue in an appendix and name, under each
key message, those it cites by their number there: in every format and language, only published
ones, each text going through the translators' exchange like the report's others."""

import pytest
from django.core.management import call_command
from translate.storage import xliff

from idm.core.models import StakeholderCategory
from idm.deliberation.models import KeyMessage
from idm.dialogues.models import Organization, Session
from idm.practices import services as practices
from idm.practices.demo import load_demo_practices
from idm.practices.models import Practice
from idm.publications import build as builder
from idm.publications import texts
from idm.publications.document import assemble, check
from idm.publications.render import FORMATS
from tests.publications.test_files import texts_of

pytestmark = pytest.mark.integration


def appendix(document: dict) -> list[dict]:
    found = [s for s in document["sections"] if s["id"] == "practices"]
    return found[0]["blocks"][0]["items"] if found else []


def citations(document: dict) -> dict[str, list[str]]:
    """The citation lines of each key message's chapter."""
    return {s["id"]: [b["text"] for b in s["blocks"] if b["type"] == "citation"]
            for s in document["sections"] if s["id"].startswith("key-message-")}


def test_the_appendix_lists_the_practices_and_key_messages_cite_them(publication, tmp_path):
    load_demo_practices(publication.dialogue)
    hidden = practices.save(Practice(title="Not yet reviewed", title_en="Not yet reviewed",
                                     summary="A submission.", type="policy", level="local",
                                     status=Practice.Status.SUBMITTED), None,
                            relations={"sessions": Session.objects.all()[:1]})
    publication.practices = False
    publication.save()
    assert appendix(assemble(publication, "en", strict=False)) == []

    publication.practices = True
    publication.save()
    document = assemble(publication, "en", strict=False)
    printed = appendix(document)
    titles = [p["title"] for p in printed]
    assert len(printed) == 6 and hidden.title not in titles
    assert titles == sorted(titles)  # numbered in the order of their English titles
    assert [s["id"] for s in document["sections"] if s["part"] == "appendices"][-1] == "practices"
    fair = next(p for p in printed if p["title"].startswith("Fair recruitment"))
    assert fair["illustrative"] and fair["presented_in"].startswith("New York, Panel 4")
    assert "Geneva, Panel 3" in fair["presented_in"]
    # Each key message names the practices that cite it, by number.
    for key_message in KeyMessage.objects.filter(dialogue=publication.dialogue, status="final"):
        cited = [p for p in printed if key_message.pk in p["key_messages"]]
        found = citations(document)[f"key-message-{key_message.number}"]
        if cited:
            assert found == ["Practices cited (see the appendix): " + "; ".join(
                f"{p['number']}. {p['title']}" for p in cited) + "."]
        else:
            assert found == []

    version = builder.build(publication, ["en"], list(FORMATS), None).built["en"]
    for fmt, text in texts_of(version).items():
        assert "Practices presented at the dialogue" in text, fmt
        assert fair["title"] in text and "Illustrative: made up for the demonstration." in text, fmt
        assert hidden.title not in text, fmt
    pdf = texts_of(version)["pdf"]
    assert pdf.count("Practices cited (see the appendix):") == sum(
        1 for lines in citations(document).values() if lines)


def test_a_practice_goes_through_the_translators_exchange(publication, tmp_path):
    load_demo_practices(publication.dialogue)
    implementer = Organization.objects.create(
        name="Harbour Town Council", name_en="Harbour Town Council",
        category=StakeholderCategory.objects.get(code="local_authority"))
    new = practices.save(Practice(title="Harbour welcome desks", title_en="Harbour welcome desks",
                                  summary_en="Desks at the port.\n\nOpen every day.",
                                  summary="Desks at the port.\n\nOpen every day.", type="policy",
                                  level="local", status=Practice.Status.PUBLISHED), None,
                         relations={"implementers": [implementer],
                                    "sessions": Session.objects.filter(
                                        workshop__dialogue=publication.dialogue)[:1]})
    publication.practices = False  # not printed: its translation is asked for, not required
    publication.save()
    assert not any("Harbour" in str(m) for m in check(publication, "fr"))
    assert any(f.key == f"practices.practice/{new.pk}/title" and f.missing and not f.blocks
               for f in texts.fields(publication, "fr"))
    publication.practices = True
    publication.save()
    missing = {str(m) for m in check(publication, "fr")}
    assert "Practice “Harbour welcome desks”: title is missing in Français" in missing
    assert "Practice “Harbour welcome desks”: summary is missing in Français" in missing

    path = tmp_path / "out.xlf"
    call_command("translations", "export", "--dialogue", "28", "--lang", "fr", "--missing-only",
                 "-o", str(path))
    store = xliff.xlifffile.parsefile(str(path))
    ids = {u.xmlelement.get("id"): u for u in store.units}
    assert {f"practices.practice/{new.pk}/title", f"practices.practice/{new.pk}/summary/1",
            f"practices.practice/{new.pk}/summary/2"} <= set(ids)
    for unit in store.units:
        unit.settarget({"Harbour welcome desks": "Guichets d’accueil portuaires"}.get(
            unit.source, f"(FR) {unit.source}"), lang="fr")
    back = tmp_path / "back.xlf"
    back.write_bytes(bytes(store))
    call_command("translations", "import", str(back))
    new.refresh_from_db()
    assert new.title_fr == "Guichets d’accueil portuaires"
    assert new.summary_fr == "(FR) Desks at the port.\n\n(FR) Open every day."
    assert not any("Harbour" in str(m) for m in check(publication, "fr"))
    # The registry finds it by its French words too.
    assert list(practices.matching(Practice.objects.all(), "portuaires")) == [new]
    french = appendix(assemble(publication, "fr", strict=False))
    assert "Guichets d’accueil portuaires" in [p["title"] for p in french]


def test_a_practice_without_english_is_named_before_any_edition_is_built(publication):
    load_demo_practices(publication.dialogue)
    french = practices.save(Practice(title_fr="Guichets d’accueil portuaires", summary_fr="Des guichets.",
                                     language="fr", type="policy", level="local",
                                     status=Practice.Status.PUBLISHED), None,
                            relations={"sessions": Session.objects.filter(
                                workshop__dialogue=publication.dialogue)[:1]})
    expected = "Practice “Guichets d’accueil portuaires”: title is missing in English"
    for language in ("en", "fr", "es"):
        # English is the source the translators start from: every edition waits for it.
        assert expected in {str(m) for m in check(publication, language)}, language
    titles = [p["title"] for p in appendix(assemble(publication, "en", strict=False))]
    assert titles == sorted(titles) and french.title_fr in titles  # sorted by the words it has
