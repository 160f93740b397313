"""Fixtures for deliberation: a session with speakers, statements under each policy."""


import pytest

from idm.deliberation import services
from idm.deliberation.models import KeyMessage, Statement
from tests.dialogues import factories


@pytest.fixture
def panel(reference):
    return factories.panel()


def say(session, person, text, attribution="attributed", **values):
    return services.save_statement(Statement(session=session, person=person, text=text,
                                             attribution=attribution, **values), None)


def one_under_each_policy(panel) -> dict:
    """One statement by each panelist, under each attribution policy."""
    amina, paul, lucia = panel.people
    return {
        "attributed": say(panel, amina, "Partnerships with cities matter most."),
        "chatham-house": say(panel, paul, "Our ministry failed at partnerships before.",
                             "chatham-house"),
        "anonymous": say(panel, lucia, "Partnerships ignore undocumented migrants.",
                         "anonymous"),
    }


@pytest.fixture
def said(panel):
    return one_under_each_policy(panel)


@pytest.fixture
def key_message(panel):
    return services.save_key_message(KeyMessage(
        dialogue=panel.workshop.dialogue, number=1, title_en="Partnerships are crucial",
        title="Partnerships are crucial", body_en="Body.", status="final"), None)
