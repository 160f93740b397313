"""The API never shows the public what the web withholds: names the attribution policy keeps
back, statements still being captured, drafts, unpublished practices and editions, participants
who did not agree to be listed, consultations and anyone's votes."""

import json

import pytest

from idm.consultations import services as consultations
from idm.consultations.models import Consultation
from tests.api.conftest import DRAFT_WORDS, WITHHELD, TokenClient, make_token

pytestmark = pytest.mark.integration


def text_of(client, path, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.content[:300])
    return response.content.decode()


def test_withheld_names_never_reach_the_public(client, said, messages, panel):
    pages = {
        "statements": text_of(client, "/api/v1/statements/"),
        "by session": text_of(client, "/api/v1/statements/", session=panel.pk),
        "search": text_of(client, "/api/v1/statements/", q="partnerships"),
        "key messages": text_of(client, "/api/v1/key-messages/"),
        "key message": text_of(client, f"/api/v1/key-messages/{messages['final'].pk}/"),
    }
    for policy in ("chatham-house", "anonymous"):
        pages[policy] = text_of(client, f"/api/v1/statements/{said[policy].pk}/")
    for name, body in pages.items():
        for withheld in WITHHELD:
            assert withheld not in body, f"{withheld} shown in {name}"
        assert '"internal":{' not in body.replace(" ", "")
    # The statements are there, and the attributed speaker by name, as on the web.
    assert "Amina Diallo, Director, Sahel Network" in pages["statements"]
    assert "ministry failed" in pages["statements"] and "undocumented" in pages["statements"]
    assert "A participant from the category “Civil society”" in pages["chatham-house"]
    assert "Sahel Network" not in pages["anonymous"] and "Civil society" not in pages["anonymous"]
    # The session's agenda is public, as on the web: its speakers are named there.
    assert "Paul Moreau" in text_of(client, f"/api/v1/sessions/{panel.pk}/")


def test_filters_find_no_more_than_the_policy_shows(client, said):
    found = json.loads(text_of(client, "/api/v1/statements/", speaker="Moreau"))
    assert found["count"] == 0
    found = json.loads(text_of(client, "/api/v1/statements/", speaker="Diallo"))
    assert [s["id"] for s in found["results"]] == [said["attributed"].pk]
    by_category = json.loads(text_of(client, "/api/v1/statements/", category="civil_society"))
    assert said["anonymous"].pk not in {s["id"] for s in by_category["results"]}


def test_a_read_drafts_token_sees_what_the_staff_see(client, said, messages, rapporteur,
                                                      secretariat):
    public = text_of(client, "/api/v1/key-messages/")
    assert DRAFT_WORDS not in public and "Partnerships are crucial" in public
    assert DRAFT_WORDS not in text_of(client, "/api/v1/recommendations/")
    assert client.get(f"/api/v1/key-messages/{messages['draft'].pk}/").status_code == 404
    assert said["incomplete"].pk not in {
        s["id"] for s in json.loads(text_of(client, "/api/v1/statements/"))["results"]}
    # The public is not told which draft a final recommendation follows.
    recommendation = json.loads(text_of(
        client, f"/api/v1/recommendations/{messages['recommendation'].pk}/"))
    assert recommendation["key_message"] is None

    drafts = TokenClient(make_token(rapporteur, "read:drafts").key)
    assert DRAFT_WORDS in text_of(drafts, "/api/v1/key-messages/")
    assert DRAFT_WORDS in text_of(drafts, "/api/v1/recommendations/")
    assert drafts.get(f"/api/v1/key-messages/{messages['draft'].pk}/").status_code == 200
    statements = json.loads(text_of(drafts, "/api/v1/statements/"))["results"]
    assert said["incomplete"].pk in {s["id"] for s in statements}
    chatham = next(s for s in statements if s["id"] == said["chatham-house"].pk)
    assert chatham["speaker"] == "Paul Moreau"
    assert chatham["internal"]["attribution"] == "chatham-house"
    assert json.loads(text_of(drafts, f"/api/v1/recommendations/"
                                      f"{messages['recommendation'].pk}/"))["key_message"] == \
        messages["draft"].pk

    # Staff without the scope see what the public sees: a token holds only what it was given.
    narrow = TokenClient(make_token(secretariat, "write:agenda").key)
    assert DRAFT_WORDS not in text_of(narrow, "/api/v1/key-messages/")
    for withheld in WITHHELD:
        assert withheld not in text_of(narrow, "/api/v1/statements/")


def test_a_participants_token_sees_no_drafts(client, messages, participant):
    # Made past the command's check: the role, read at each request, still says no.
    from idm.api.models import ApiToken

    made = make_token(participant)
    ApiToken.objects.filter(pk=made.token.pk).update(scopes=["read:drafts"])
    assert DRAFT_WORDS not in text_of(TokenClient(made.key), "/api/v1/key-messages/")


def test_unpublished_practices_and_editions_stay_hidden(client, practices, publication,
                                                         secretariat):
    listed = json.loads(text_of(client, "/api/v1/practices/"))
    assert [p["title"] for p in listed["results"]] == ["A published practice"]
    assert client.get(f"/api/v1/practices/{practices['submitted'].pk}/").status_code == 404

    catalogue = json.loads(text_of(client, "/api/v1/publications/"))["results"]
    assert [p["slug"] for p in catalogue] == ["idm-99"]
    editions = catalogue[0]["editions"]
    assert [(e["language"], e["version"]) for e in editions] == [("en", 1)]
    html = editions[0]["files"]["html"]
    assert html.endswith("/en/publications/idm-99/en/html/") and editions[0]["files"]["pdf"] is None
    # The link serves the published version, not the newer draft.
    assert b"published" in b"".join(client.get(html).streaming_content)
    assert client.get("/api/v1/publications/", {"language": "fr"}).json()["count"] == 0

    staff = TokenClient(make_token(secretariat, "read:drafts").key)
    assert len(json.loads(text_of(staff, "/api/v1/practices/"))["results"]) == 2


def test_participants_only_as_the_public_page_lists_them(client, participants, panel):
    body = text_of(client, f"/api/v1/workshops/{panel.workshop.slug}/participants/")
    assert json.loads(body)["results"] == [
        {"name": "Lina Listed", "organization": "", "country": "", "fictional": False}]
    for hidden in ("Hugo", "Hidden", "Wanda", "Waiting", "@example.org"):
        assert hidden not in body
    assert client.get("/api/v1/registrations/").status_code == 404


@pytest.fixture
def consultation(messages, panel, participants):
    consultation = consultations.create(
        panel.workshop.dialogue, None, title="Which messages?",
        voters=Consultation.Voters.REGISTERED, key_messages=[messages["final"]],
        recommendations=[], statements=[])
    voter = consultations.voter_for_registration(consultation, participants["listed"])
    item = consultation.items.get()
    consultations.cast(consultation, voter, item.pk, 1)
    return consultation


def test_consultations_are_for_the_staff_only(client, consultation, participant, rapporteur):
    path = f"/api/v1/consultations/{consultation.pk}/"
    assert client.get("/api/v1/consultations/").status_code == 401
    assert client.get(path).status_code == 401
    from idm.api.models import ApiToken

    made = make_token(participant)
    ApiToken.objects.filter(pk=made.token.pk).update(scopes=["read:consultations"])
    assert TokenClient(made.key).get(path).status_code == 403
    assert TokenClient(make_token(rapporteur, "read:drafts").key).get(path).status_code == 403

    staff = TokenClient(make_token(rapporteur, "read:consultations").key)
    listed = staff.get("/api/v1/consultations/").json()["results"]
    assert listed[0]["votes"] == 1 and listed[0]["voters_count"] == 1
    detail = staff.get(path).json()
    assert detail["items"][0]["votes"] == 1
    # Counts, never who voted how: no voter, registration or private link in the answer.
    body = json.dumps(detail)
    for private in ("Lina", "Listed", participants_token(consultation), consultation.link):
        assert private not in body


def participants_token(consultation) -> str:
    return consultation.voter_set.get().registration.token
