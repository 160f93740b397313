"""Fixtures for deliberation: a session with speakers, statements under each policy."""

from datetime import date, time

import pytest

from idm.core.models import StakeholderCategory
from idm.deliberation import services
from idm.deliberation.models import KeyMessage, Statement
from idm.dialogues.models import Organization, SessionRole
from tests.dialogues import factories


@pytest.fixture
def panel(reference):
    workshop = factories.workshop(first_day=date(2030, 10, 8), last_day=date(2030, 10, 9))
    session = factories.session(workshop, date(2030, 10, 8), time(10), time(11),
                                title_en="Panel on partnerships")
    session.save()
    civil = StakeholderCategory.objects.get(code="civil_society")
    network = Organization.objects.create(name_en="Sahel Network", name="Sahel Network",
                                          category=civil)
    people = [factories.person("Diallo", given_name="Amina"),
              factories.person("Moreau", given_name="Paul"),
              factories.person("Reyes", given_name="Lucia")]
    for order, person in enumerate(people):
        SessionRole.objects.create(session=session, person=person, role="panelist",
                                   title_en="Director", organization=network, order=order)
    session.people = people
    return session


def say(session, person, text, attribution="attributed", **values):
    return services.save_statement(Statement(session=session, person=person, text=text,
                                             attribution=attribution, **values), None)


@pytest.fixture
def said(panel):
    """One statement under each attribution policy."""
    amina, paul, lucia = panel.people
    return {
        "attributed": say(panel, amina, "Partnerships with cities matter most."),
        "chatham-house": say(panel, paul, "Our ministry failed at partnerships before.",
                             "chatham-house"),
        "anonymous": say(panel, lucia, "Partnerships ignore undocumented migrants.",
                         "anonymous"),
    }


@pytest.fixture
def key_message(panel):
    return services.save_key_message(KeyMessage(
        dialogue=panel.workshop.dialogue, number=1, title_en="Partnerships are crucial",
        title="Partnerships are crucial", body_en="Body.", status="final"), None)
