"""The public pages ask the database as often for ten items as for one: no query per session,
speaker, workshop or key message."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from idm.core.models import StakeholderCategory
from idm.deliberation import services as deliberation
from idm.deliberation.models import KeyMessage, Recommendation, Statement
from idm.dialogues.models import Organization, SessionRole, Workshop
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def dialogue(reference):
    return factories.dialogue(number=50)


def add_sessions(workshop: Workshop, count: int) -> None:
    """`count` sessions with two speakers each, from an organization, with a statement each."""
    category = StakeholderCategory.objects.get(code="academia")
    for n in range(count):
        session = factories.session(workshop, date(2030, 10, 8), time(8 + n % 12, 0),
                                    time(8 + n % 12, 30), title_en=f"Session {n}",
                                    room=f"Room {n}")
        session.save()
        for k in range(2):
            organization = Organization.objects.create(name_en=f"University {n}-{k}",
                                                       name=f"University {n}-{k}",
                                                       category=category)
            person = factories.person(f"Speaker{n}-{k}", given_name="Ana")
            SessionRole.objects.create(session=session, person=person, role="panelist",
                                       title_en="Professor", organization=organization, order=k)
            deliberation.save_statement(Statement(session=session, person=person,
                                                  text=f"Statement {n}-{k}."), None)


def add_workshops(dialogue, count: int, prefix: str) -> None:
    for n in range(count):
        add_sessions(factories.workshop(dialogue, slug=f"{prefix}-{n}", title_en=f"Workshop {n}"),
                     1)


def add_key_messages(dialogue, count: int) -> None:
    statements = list(Statement.objects.filter(session__workshop__dialogue=dialogue))
    for n in range(count):
        key_message = deliberation.save_key_message(KeyMessage(
            dialogue=dialogue, number=n + 1, title_en=f"Message {n}", title=f"Message {n}",
            body_en="Body.", status="final"), None)
        for statement in statements[:3]:
            deliberation.add_evidence(key_message, statement, None)
        deliberation.save_recommendation(Recommendation(
            dialogue=dialogue, addressee="states", text_en=f"Do {n}.", text=f"Do {n}.",
            key_message=key_message, status="final"), None)


def test_the_agenda_page(client, dialogue):
    one = factories.workshop(dialogue, slug="test-one")
    ten = factories.workshop(dialogue, slug="test-ten")
    add_sessions(one, 1)
    add_sessions(ten, 10)
    for view in ("dialogues:agenda", "dialogues:agenda-print", "dialogues:speakers"):
        assert queries(client, reverse(view, args=["test-ten"])) == queries(
            client, reverse(view, args=["test-one"])), view


def test_the_dialogue_page(client, reference):
    one, ten = factories.dialogue(number=51), factories.dialogue(number=52)
    add_workshops(one, 1, "one")
    add_workshops(ten, 10, "ten")
    assert queries(client, reverse("dialogues:dialogue", args=[52])) == queries(
        client, reverse("dialogues:dialogue", args=[51]))


def test_the_key_messages_page(client, reference):
    one, ten = factories.dialogue(number=53), factories.dialogue(number=54)
    for dialogue, count, slug in ((one, 1, "km-one"), (ten, 10, "km-ten")):
        add_sessions(factories.workshop(dialogue, slug=slug), 3)
        add_key_messages(dialogue, count)
    assert queries(client, reverse("deliberation:key-messages-public", args=[54])) == queries(
        client, reverse("deliberation:key-messages-public", args=[53]))
