"""Chatham House statements show their speaker's category only where enough of the session's
speakers share it: in the demo, Minh Tranh-Delacroix is the one speaker from a regional
consultative process on New York's first panel, so that category would name him."""

import csv
import io
import re
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from idm.core.models import StakeholderCategory
from idm.deliberation import privacy, services
from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import KeyMessage, ReferenceEvent, Statement
from idm.dialogues.models import Session, SessionRole
from idm.publications.demo import create_publication
from idm.publications.document import assemble
from tests.deliberation.conftest import say
from tests.dialogues import factories

pytestmark = pytest.mark.integration

NAMED = "A participant from the category “{}”"
RCP = "Regional consultative process or inter-regional forum"


@pytest.fixture
def demo_panel(demo):
    """New York's first panel in the demo, with a Chatham House statement of a lone category
    (Minh Tranh-Delacroix's, RCP) and one from the floor of a category three speakers share
    (two academics on the agenda and this researcher), both backing a final key message."""
    load_demo_deliberation(demo)
    session = Session.objects.get(workshop__slug="2018-new-york",
                                  title_en__startswith="Panel 1:")
    lone = Statement.objects.get(session=session, attribution="chatham-house")
    assert lone.person.family_name == "Tranh-Delacroix" and lone.speaker_category.code == "rcp_irf"
    on_agenda = {(r.person.family_name, r.organization.category.code)
                 for r in session.roles.select_related("person", "organization__category")}
    assert [name for name, code in on_agenda if code == "rcp_irf"] == ["Tranh-Delacroix"]
    assert sorted(name for name, code in on_agenda if code == "academia") == [
        "Haddani", "Okonkwo-Lind"]
    shared = services.save_statement(Statement(
        session=session, speaker_name="A researcher", speaker_organization="Ilmenau Institute",
        speaker_category=StakeholderCategory.objects.get(code="academia"), kind="floor",
        attribution="chatham-house", text="Universities keep the data partnerships forget."),
        None)
    key_message = services.save_key_message(KeyMessage(
        dialogue=demo, number=7, title="What the panel said", title_en="What the panel said",
        body_en="Body.", status="final"), None)
    for statement in (lone, shared):
        services.add_evidence(key_message, statement, None)
    return session, lone, shared


def _article(html: str, statement: Statement) -> str:
    found = re.search(rf'id="statement-{statement.pk}">(.*?)</article>', html, re.S)
    assert found, f"statement {statement.pk} is not on the page"
    return found.group(1)


def _caption(html: str, statement: Statement) -> str:
    found = re.search(rf'<figcaption>— ([^<]*)[^\n]*statements/{statement.pk}/', html)
    assert found, f"statement {statement.pk} is not on the page"
    return found.group(1)


def test_a_lone_category_is_not_shown_anywhere(client, demo, demo_panel):
    session, lone, shared = demo_panel
    rcp, academia = NAMED.format(RCP), NAMED.format("Academia")
    pages = {
        "statement": client.get(reverse("deliberation:statement", args=[lone.pk])),
        "session": client.get(reverse("deliberation:session-statements", args=[session.pk])),
        "search": client.get(reverse("deliberation:search"), {"session": session.pk}),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert "A participant" in _article(html, lone), name
        assert rcp not in html, name
        assert name == "statement" or academia in _article(html, shared), name
    key_messages = client.get(reverse("deliberation:key-messages-public", args=[28]))
    html = key_messages.content.decode()
    assert _caption(html, lone).startswith("A participant, New York")
    assert _caption(html, shared).startswith(academia)
    assert rcp not in html

    response = client.get(reverse("deliberation:statements-csv", args=[28]))
    speakers = {int(row["number"]): row["speaker"] for row in
                csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert speakers[lone.pk] == "A participant" and speakers[shared.pk] == academia
    assert rcp not in speakers.values()

    document = assemble(create_publication(demo), "en")
    quotes = {block["statement"]: block["speaker"] for section in document["sections"]
              for block in section["blocks"] if block["type"] == "quote"}
    assert quotes[lone.pk] == "A participant" and quotes[shared.pk] == academia
    assert rcp not in quotes.values()


def test_the_category_filter_does_not_unmask_the_speaker(client, demo_panel):
    session, lone, shared = demo_panel
    search = reverse("deliberation:search")

    def found(code):
        category = StakeholderCategory.objects.get(code=code)
        return client.get(search, {"session": session.pk, "category": category.pk}
                          ).content.decode()

    assert "0 statements" in found("rcp_irf") and lone.text[:40] not in found("rcp_irf")
    academics = found("academia")
    assert shared.text in academics and NAMED.format("Academia") in academics


def test_staff_still_see_who_spoke(secretariat_client, demo_panel):
    session, lone, _shared = demo_panel
    rcp = StakeholderCategory.objects.get(code="rcp_irf")
    html = secretariat_client.get(reverse("deliberation:search"), {
        "session": session.pk, "category": rcp.pk}).content.decode()
    assert "1 statement" in html and "Minh Tranh-Delacroix" in _article(html, lone)


def test_the_minimum_is_a_setting(client, settings, demo_panel):
    _session, lone, shared = demo_panel
    settings.IDM_CHATHAM_HOUSE_MIN_GROUP = 1
    assert privacy.public_speaker(lone) == NAMED.format(RCP)
    settings.IDM_CHATHAM_HOUSE_MIN_GROUP = 4
    assert privacy.public_speaker(shared) == "A participant"
    html = client.get(reverse("deliberation:statement", args=[shared.pk])).content.decode()
    assert NAMED.format("Academia") not in html


def test_a_reference_event_counts_its_own_speakers(demo_panel):
    event = ReferenceEvent.objects.get()

    def written(category, name):
        return services.save_statement(Statement(
            reference_event=event, speaker_name=name, kind="written",
            speaker_category=StakeholderCategory.objects.get(code=category),
            attribution="chatham-house", text="A written contribution."), None)

    # The General Debate has 145 Member States, and no academic but this one.
    assert privacy.public_speaker(written("member_state", "A delegation")) == NAMED.format(
        "Member State")
    assert privacy.public_speaker(written("academia", "A professor")) == "A participant"


def test_the_same_person_twice_counts_once(panel):
    amina, paul, _lucia = panel.people
    # Three on the agenda from civil society; the count is of people, not of statements.
    statement = say(panel, paul, "First words.", "chatham-house")
    say(panel, paul, "More words.", "chatham-house")
    say(panel, amina, "Other words.", "chatham-house")
    assert privacy.speaker_groups([statement]) == {(panel.pk, None, statement.speaker_category_id): 3}


@pytest.mark.parametrize("page", ["session", "search", "key messages", "csv"])
def test_pages_count_groups_in_a_fixed_number_of_queries(client, panel, key_message, page):
    """A page of many Chatham House statements costs no more queries than a page of one."""
    network = panel.roles.first().organization
    people = panel.people

    def queries():
        url = {"session": reverse("deliberation:session-statements", args=[panel.pk]),
               "search": reverse("deliberation:search") + f"?session={panel.pk}",
               "key messages": reverse("deliberation:key-messages-public",
                                       args=[panel.workshop.dialogue.number]),
               "csv": reverse("deliberation:statements-csv",
                              args=[panel.workshop.dialogue.number])}[page]
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        assert NAMED.format("Civil society") in html
        return len(captured)

    for session in (panel, _another_session(panel)):
        services.add_evidence(key_message, say(session, people[0], "Words.", "chatham-house"),
                              None)
    one_each = queries()
    for session in (panel, _another_session(panel)):
        for person in people[1:]:
            services.add_evidence(key_message, say(session, person, "More.", "chatham-house"),
                                  None)
    assert network.category.code == "civil_society"
    assert queries() == one_each


def _another_session(panel):
    """A second panel with the same three speakers, so that groups span two sessions."""
    other = Session.objects.filter(title_en="Second panel").first()
    if other is None:
        other = factories.session(panel.workshop, date(2030, 10, 8), time(11), time(12),
                                  title_en="Second panel")
        other.save()
        for link in panel.roles.all():
            SessionRole.objects.create(session=other, person=link.person, role=link.role,
                                       organization=link.organization, order=link.order)
    return other
