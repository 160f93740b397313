"""Key messages and recommendations: evidence with quotes, its spread, revisions compared."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from idm.deliberation import services
from idm.deliberation.models import Recommendation
from tests.deliberation.conftest import say
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def test_evidence_with_a_quote_from_the_statement(said, key_message):
    statement = said["attributed"]
    services.add_evidence(key_message, statement, None, quote="with cities")
    with pytest.raises(services.DeliberationError, match="already supports it"):
        services.add_evidence(key_message, statement, None)
    with pytest.raises(ValidationError, match="quoted span is not in the statement"):
        services.add_evidence(key_message, said["anonymous"], None, quote="words never said")


def test_evidence_spread_and_unsupported_statements(said, key_message, panel):
    services.add_evidence(key_message, said["attributed"], None)
    services.add_evidence(key_message, said["chatham-house"], None)
    spread = services.evidence_spread(key_message)
    assert spread == {"categories": [("Civil society", 2)], "events": [("Geneva", 2)], "total": 2}
    unsupported = services.unsupported_statements(panel.workshop.dialogue)
    assert list(unsupported) == [said["anonymous"]]


def test_a_statement_from_another_dialogue_cannot_support(key_message, reference):
    other = factories.workshop(factories.dialogue(number=77), slug="elsewhere")
    session = factories.session(other, other.first_day, *factories.times(9, 10))
    session.save()
    statement = say(session, factories.person("Li"), "Elsewhere.")
    with pytest.raises(services.DeliberationError, match="another dialogue"):
        services.add_evidence(key_message, statement, None)


def test_revisions_are_kept_and_compared(secretariat_client, key_message):
    url = reverse("deliberation:key-message", args=[key_message.pk])
    data = {"form": "main", "number": 1, "status": "draft", "title_en": key_message.title_en,
            "body_en": "Partnerships matter to States.", "title_fr": "", "title_es": "",
            "body_fr": "", "body_es": ""}
    assert secretariat_client.post(url, data).status_code == 302
    data["body_en"] = "Partnerships matter to States and to migrants."
    secretariat_client.post(url, data)
    secretariat_client.post(url, data)  # unchanged: no new revision
    revisions = list(key_message.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert revisions[2].author_name == "sec"
    page = secretariat_client.get(reverse("deliberation:revisions",
                                          args=[revisions[1].pk, revisions[2].pk]))
    html = page.content.decode()
    assert "<del>States.</del>" in html and "<ins>migrants.</ins>" in html


def test_the_rapporteur_page_shows_spread_and_unsupported(secretariat_client, said, key_message,
                                                          panel):
    services.add_evidence(key_message, said["attributed"], None)
    html = secretariat_client.get(reverse("deliberation:key-messages",
                                          args=[panel.workshop.dialogue.number])).content.decode()
    assert "1 supporting statement" in html
    assert "2 statements support no key message yet" in html


def test_recommendations_follow_a_key_message_of_their_dialogue(key_message, panel):
    recommendation = services.save_recommendation(Recommendation(
        dialogue=panel.workshop.dialogue, addressee="states", text_en="Share data.",
        text="Share data.", key_message=key_message), None)
    assert recommendation.revisions.count() == 1
    other = Recommendation(dialogue=factories.dialogue(number=78), addressee="iom",
                           text_en="X", text="X", key_message=key_message)
    with pytest.raises(ValidationError):
        services.save_recommendation(other, None)
