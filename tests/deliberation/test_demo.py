"""The deliberation demo: real General Debate paragraphs kept apart, illustrative statements
by fictional speakers, six final key messages backed by both, as in the published No. 28."""

import pytest

from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import KeyMessage, Recommendation, ReferenceEvent, Statement

pytestmark = pytest.mark.integration

TITLES = [
    "Partnerships are crucial to global governance of migration",
    "Existing migration partnerships need to be developed further",
    "New models of inclusive partnerships need to be developed to engage new actors in "
    "international cooperation with migration",
    "While some partnerships have functioned well for many years, others need encouragement "
    "and support to ensure they operate such that the needs of States and migrants are met",
    "Capacity development will become increasingly important to the success of the Global "
    "Compact",
    "Building partnerships and capacity development must work closely together",
]


@pytest.fixture
def deliberation(demo):
    load_demo_deliberation(demo)
    return demo


def test_general_debate_paragraphs_are_reference_material(deliberation):
    event = ReferenceEvent.objects.get()
    assert event.title == "General debate of the 73rd UN General Assembly, September 2018"
    paragraphs = Statement.objects.filter(reference_event=event)
    assert paragraphs.count() == 403
    assert paragraphs.values("speaker_country").distinct().count() == 145
    assert not paragraphs.filter(session__isnull=False).exists()
    assert all(s.source.startswith("UNGDC, UN General Assembly 73th session (2018)")
               for s in paragraphs[:20])
    assert "doi:10.7910/DVN/0TJX8Y" in event.citation


def test_workshop_statements_are_illustrative_and_fictional(deliberation):
    in_sessions = Statement.objects.filter(session__isnull=False)
    assert in_sessions.count() == 24
    assert not in_sessions.filter(illustrative=False).exists()
    assert not in_sessions.filter(person__fictional=False).exists()


def test_six_final_key_messages_backed_by_both_kinds(deliberation):
    key_messages = list(KeyMessage.objects.order_by("number"))
    assert [k.title_en for k in key_messages] == TITLES
    assert not Recommendation.objects.exclude(status="final").exists()
    for key_message in key_messages:
        assert key_message.status == "final"
        kinds = {e.statement.reference_event_id is not None for e in key_message.evidence.all()}
        assert kinds == {True, False}, key_message.number


def test_recommendations_to_several_addressees(deliberation):
    addressees = set(Recommendation.objects.values_list("addressee", flat=True))
    assert {"states", "iom", "un-system", "civil-society", "private-sector"} <= addressees


def test_loading_again_adds_nothing(deliberation):
    counts = (Statement.objects.count(), KeyMessage.objects.count())
    load_demo_deliberation(deliberation)
    assert (Statement.objects.count(), KeyMessage.objects.count()) == counts
