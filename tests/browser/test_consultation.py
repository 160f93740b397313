"""Three registered participants vote on the demo's key messages from their phones, through their
private links, while the rapporteur's results page follows the votes: a real worker analyses them
and the page changes by itself."""

import pytest

from idm.consultations import services
from idm.consultations.models import Consultation, Vote
from idm.core.models import StakeholderCategory
from idm.dialogues.models import Dialogue
from tests.browser.conftest import serious_violations
from tests.dialogues import factories
from tests.workers import Worker, use_the_database_queue

pytestmark = pytest.mark.browser

# What each participant thinks of the six key messages, in order: agree, disagree or pass.
VOTES = {"member_state": ["Agree", "Agree", "Disagree", "Agree", "Pass / unsure", "Agree"],
         "civil_society": ["Agree", "Disagree", "Agree", "Agree", "Agree", "Disagree"],
         "private_sector": ["Agree", "Agree", "Agree", "Pass / unsure", "Agree", "Agree"]}


def test_three_participants_vote_and_the_results_follow(rapporteur_page, browser, live_server,
                                                        settings, tmp_path):
    use_the_database_queue(settings)  # a real worker analyses the votes
    dialogue = Dialogue.objects.get(number=28)  # the demo, loaded for the signed-in rapporteur
    geneva = dialogue.workshops.get(slug="2018-geneva")
    consultation = services.create(dialogue, None, title="Six key messages, live", workshop=geneva,
                                   key_messages=dialogue.key_messages.order_by("number"),
                                   voters=Consultation.Voters.REGISTERED)
    registrations = {code: factories.registration(geneva, category=StakeholderCategory.objects.get(code=code))
                     for code in VOTES}  # approved
    results = rapporteur_page
    results.goto(f"/en/manage/consultations/{consultation.pk}/results/")
    assert results.get_by_text("No analysis yet").is_visible()

    worker = Worker(tmp_path, "--queue", "consultations", "--interval", "0.2")
    contexts = []
    try:
        for number, (code, votes) in enumerate(VOTES.items(), start=1):
            context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                          viewport={"width": 390, "height": 844})
            contexts.append(context)
            phone = context.new_page()
            phone.set_default_timeout(15000)
            phone.goto(registrations[code].get_absolute_url())
            phone.get_by_role("link", name="Consultations: vote on the dialogue's drafts").click()
            phone.get_by_role("link", name="Six key messages, live").click()
            if number == 1:
                assert serious_violations(phone) == []
            for done, vote in enumerate(votes):
                assert phone.locator("#progress-text").inner_text() == f"{done} of 6 statements voted"
                phone.get_by_role("button", name=vote, exact=True).click()
            assert phone.locator("#all-voted").is_visible()
            # The results page reloads itself when the worker's analysis of the new votes is done.
            results.locator("#votes-so-far").filter(has_text=str(6 * number)).wait_for(timeout=30000)
            people = "participant" if number == 1 else "participants"
            results.get_by_text(f"{6 * number} votes by {number} {people}").wait_for(timeout=30000)
    finally:
        worker.stop()
        for context in contexts:
            context.close()
    assert Vote.objects.filter(item__consultation=consultation).count() == 18
    # Everyone agreed with the first key message: the consensus says so, by name.
    first = dialogue.key_messages.get(number=1).title
    assert first in results.locator("#consensus").inner_text()
    assert results.locator("#opinion-map svg").count() == 1
    assert "Civil society" in results.locator("#categories").inner_text()
    assert serious_violations(results) == []
    # The key message's own page shows its figures to the rapporteur.
    results.goto(f"/en/manage/key-messages/{dialogue.key_messages.get(number=1).pk}/")
    assert "3 of 3 agree" in results.locator("#consultation-figures").inner_text()
