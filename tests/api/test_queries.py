"""A list costs the same number of queries however many items its page holds: no query per
statement, session, key message, practice or edition."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from idm.deliberation import services as deliberation
from idm.deliberation.models import KeyMessage
from idm.dialogues.models import SessionRole
from idm.practices import services as practice_services
from idm.practices.models import Practice
from tests.api.conftest import TokenClient, make_token, say
from tests.dialogues import factories

pytestmark = pytest.mark.integration

LISTS = ["/api/v1/statements/", "/api/v1/sessions/", "/api/v1/speakers/",
         "/api/v1/key-messages/", "/api/v1/recommendations/", "/api/v1/practices/",
         "/api/v1/publications/", "/api/v1/dialogues/", "/api/v1/workshops/"]


def counts(client) -> dict[str, int]:
    found = {}
    for path in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        found[path] = len(queries)
    return found


def more_of_everything(panel, said, messages):
    """A second session with its speakers and statements, another key message with evidence,
    another practice."""
    session = factories.session(panel.workshop, date(2030, 10, 9), time(10), time(11),
                                title_en="Second panel")
    session.save()
    for name in ("Ito", "Ba", "Kaur"):
        person = factories.person(name)
        SessionRole.objects.create(session=session, person=person, role="panelist",
                                   organization=panel.roles.first().organization)
        statement = say(session, person, f"{name} on partnerships.", "chatham-house")
        deliberation.add_evidence(messages["final"], statement, None)
    deliberation.save_key_message(KeyMessage(dialogue=panel.workshop.dialogue, number=3,
                                             title_en="Another", status="final"), None)
    practice_services.save(Practice(title_en="Another practice", summary_en="More.",
                                    type="policy", level="local", status="published"), None,
                           relations={"sessions": [session]})


def test_lists_do_not_query_per_item(client, said, messages, practices, publication, panel,
                                     secretariat):
    staff = TokenClient(make_token(secretariat, "read:drafts").key)
    staff.get("/api/v1/dialogues/")  # a token's first use writes when it was used; not per item
    before = counts(client), counts(staff)
    more_of_everything(panel, said, messages)
    after = counts(client), counts(staff)
    assert after == before
