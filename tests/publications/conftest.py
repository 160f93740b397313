"""The demo's publication, built once per test that asks for it."""

import pytest

from idm.core.models import StakeholderCategory
from idm.deliberation import services as deliberation
from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import KeyMessage, Statement
from idm.dialogues.models import Session
from idm.publications.demo import create_publication

WITHHELD = ("Zebulon Quill", "Quill Foundation")


@pytest.fixture
def publication(population):
    load_demo_deliberation(population)
    publication = create_publication(population)
    # A Chatham House statement from the floor: its speaker is on no agenda, so any mention of
    # the name in a built file can only come from the quote.
    session = Session.objects.get(workshop__slug="2018-geneva", title_en__startswith="Panel 2")
    statement = deliberation.save_statement(Statement(
        session=session, speaker_name=WITHHELD[0], speaker_organization=WITHHELD[1],
        speaker_category=StakeholderCategory.objects.get(code="civil_society"), kind="floor",
        attribution="chatham-house", text="Training must reach the frontline, not only capitals."),
        None)
    deliberation.add_evidence(KeyMessage.objects.get(number=5), statement, None)
    return publication
