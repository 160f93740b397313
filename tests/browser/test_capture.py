"""A rapporteur captures a live session, tags a statement, finds it and makes it evidence."""

import pytest

from idm.deliberation import services
from idm.deliberation.models import KeyMessage, KeyMessageEvidence, Statement
from idm.dialogues.models import Session
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser


def test_capture_tag_search_and_attach(rapporteur_page):
    page = rapporteur_page
    session = Session.objects.get(workshop__slug="2018-geneva", title_en__startswith="Panel 3")
    page.goto(f"/en/manage/sessions/{session.pk}/capture/")
    speakers = []
    texts = ["Regional processes let small administrations learn from their neighbours.",
             "Peer exchanges between border agencies cut costs for everyone involved.",
             "Consular networks should share a roster of interpreters across the region."]
    text = page.get_by_label("What was said")
    for words in texts:
        # The agenda's next speaker is proposed each time.
        speaker = services.next_speaker(session).person
        assert page.get_by_label("Speaker").input_value() == str(speaker.pk)
        speakers.append(speaker)
        text.fill(words)
        text.press("Control+Enter")
        page.locator("#captured li", has_text=words[:30]).wait_for()
        assert text.input_value() == ""
    statements = list(Statement.objects.filter(session=session, complete=True).order_by("order"))
    assert [s.text for s in statements][-3:] == texts
    assert [s.person for s in statements][-3:] == speakers

    page.locator("#captured li", has_text="Consular networks").get_by_role(
        "link", name="Edit and tag").click()
    page.get_by_label("14. Consular protection").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/manage/sessions/{session.pk}/capture/")
    tagged = Statement.objects.get(text=texts[2])
    assert list(tagged.gcm_objectives.values_list("number", flat=True)) == [14]

    page.goto("/en/search/")
    page.get_by_label("Words").fill("interpreters roster")
    page.get_by_label("Tag").select_option("gcm:14")
    page.get_by_role("button", name="Search").click()
    result = page.locator(f"#statement-{tagged.pk}")
    result.wait_for()
    assert result.locator("mark").all_inner_texts() == ["roster", "interpreters"]
    key_message = KeyMessage.objects.get(number=5)
    page.get_by_label("Add as evidence to").select_option(str(key_message.pk))
    page.get_by_placeholder("Quoted span (optional)").fill("share a roster of interpreters")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text(f"Statement {tagged.pk} now supports").wait_for()
    evidence = KeyMessageEvidence.objects.get(key_message=key_message, statement=tagged)
    assert evidence.quote == "share a roster of interpreters"


def test_typed_words_survive_a_lost_connection(rapporteur_page):
    page = rapporteur_page
    session = Session.objects.get(workshop__slug="2018-geneva", title_en__startswith="Panel 5")
    page.goto(f"/en/manage/sessions/{session.pk}/capture/")
    page.context.set_offline(True)
    page.get_by_label("What was said").fill("Words typed while the network was down.")
    page.get_by_text("Not saved yet: kept on this device").wait_for()
    page.context.set_offline(False)
    page.reload()  # the words come back from this browser and reach the server
    assert page.get_by_label("What was said").input_value() == (
        "Words typed while the network was down.")
    page.get_by_text("Saved", exact=True).wait_for()
    assert Statement.objects.filter(text="Words typed while the network was down.",
                                    complete=False).count() == 1


@pytest.mark.parametrize("path", ["/en/search/?q=migration", "/en/dialogues/28/key-messages/",
                                  "/fr/search/?q=diaspora"])
def test_no_serious_accessibility_violation_on_public_deliberation_pages(page, live_demo, path):
    from idm.deliberation.demo import load_demo_deliberation

    load_demo_deliberation(live_demo)
    page.goto(path)
    violations = serious_violations(page)
    assert not violations, violations


def test_no_serious_accessibility_violation_on_the_capture_page(rapporteur_page):
    session = Session.objects.get(workshop__slug="2018-geneva", title_en__startswith="Panel 5")
    rapporteur_page.goto(f"/en/manage/sessions/{session.pk}/capture/")
    violations = serious_violations(rapporteur_page)
    assert not violations, violations
