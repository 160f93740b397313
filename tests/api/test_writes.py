"""Writes go through the apps' services: validated as the pages validate, in one transaction,
audited under the token's user; what they cannot do is a 400 or a 409, never a 500."""

import pytest

from idm.core.models import AuditEntry
from idm.deliberation.models import KeyMessage, Recommendation, Revision, Statement
from idm.dialogues.models import Session
from tests.api.conftest import TokenClient, make_token
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def audited(user, action: str, object_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(actor=user, action=action, object_type=object_type))


def test_the_secretariat_builds_the_agenda(secretariat_api, panel, secretariat):
    workshop = panel.workshop
    response = secretariat_api.post("/api/v1/sessions/", {
        "workshop": workshop.slug, "kind": "keynote", "title_en": "Keynote",
        "title_fr": "Discours liminaire", "start": "2030-10-08T14:00:00+02:00",
        "end": "2030-10-08T15:00:00+02:00", "room": "Room XIX"})
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["start"] == "2030-10-08T12:00:00Z"
    assert made["local_start"] == "2030-10-08T14:00:00+02:00" and made["zone"] == "CEST, UTC+02:00"
    [entry] = audited(secretariat, "create", "dialogues.session")
    assert entry.object_id == str(made["id"])

    path = f"/api/v1/sessions/{made['id']}/"
    response = secretariat_api.patch(path, {"room": "Room XVIII", "start": "2030-10-08T08:30:00Z",
                                            "end": "2030-10-08T09:30:00Z"})
    assert response.status_code == 400 and "already used" in response.json()["room"][0]
    response = secretariat_api.patch(path, {"start": "2030-10-08T14:00:00"})
    assert response.status_code == 400 and "offset" in response.json()["start"][0]
    response = secretariat_api.patch(path, {"start": "2031-01-01T10:00:00Z",
                                            "end": "2031-01-01T11:00:00Z"})
    assert response.status_code == 400 and "outside the workshop" in response.json()["start"][0]
    response = secretariat_api.patch(path, {"title_es": "Discurso", "workshop": "elsewhere"})
    assert response.status_code == 400
    # Values of the type the schema gives, not ones REST framework would convert.
    for wrong in ({"description_en": 5}, {"illustrative": "true"}, {"order": "3"},
                  {"kind": 1}, {"start": 1700000000}, {"workshop": 5}):
        assert secretariat_api.patch(path, wrong).status_code == 400, wrong
    response = secretariat_api.patch(path, {"title_es": "Discurso"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200 and response.json()["title"] == "Discurso"
    assert len(audited(secretariat, "update", "dialogues.session")) == 1

    assert secretariat_api.delete(path).status_code == 204
    assert not Session.objects.filter(pk=made["id"]).exists()
    assert len(audited(secretariat, "delete", "dialogues.session")) == 1


def test_a_session_with_statements_is_not_deleted(secretariat_api, said, panel):
    response = secretariat_api.delete(f"/api/v1/sessions/{panel.pk}/")
    assert response.status_code == 409 and "statements" in response.json()["detail"]
    assert Statement.objects.filter(session=panel).count() == 4


def test_the_rapporteur_captures_and_tags_statements(rapporteur_api, panel, rapporteur):
    amina = panel.people[0]
    response = rapporteur_api.post("/api/v1/statements/", {
        "session": panel.pk, "person": amina.pk, "text": "Cities are where migrants live.",
        "attribution": "chatham-house", "gcm_objectives": [23], "sdg_targets": ["10.7"],
        "themes": ["cities"], "language": "en"})
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["gcm_objectives"] == [23] and made["themes"] == ["cities"]
    # The token reads drafts: it sees the name the public does not.
    assert made["speaker"] == "Amina Diallo" and made["internal"]["speaker_category"] == \
        "civil_society"
    statement = Statement.objects.get(pk=made["id"])
    assert statement.created_by == rapporteur and statement.order == 1
    assert len(audited(rapporteur, "create", "deliberation.statement")) == 1
    [tags] = audited(rapporteur, "update", "deliberation.statement")
    assert tags.changes["tags"][1] == ["GCM 23", "SDG 10.7", "theme cities"]

    path = f"/api/v1/statements/{made['id']}/"
    response = rapporteur_api.patch(path, {"text": "Cities are where migrants live and work.",
                                           "themes": []})
    assert response.status_code == 200
    assert response.json()["gcm_objectives"] == [23] and response.json()["themes"] == []
    outsider = factories.person("Outsider")
    for wrong in ({"person": outsider.pk}, {"gcm_objectives": [999]}, {"session": 10 ** 30},
                  {"language": "de"}, {"speaker_category": "nope\x00"}, {"themes": "x"}):
        assert rapporteur_api.patch(path, wrong).status_code == 400, wrong
    assert rapporteur_api.post("/api/v1/statements/", {"text": "Nowhere"}).status_code == 400
    assert rapporteur_api.delete(path).status_code == 204
    assert len(audited(rapporteur, "delete", "deliberation.statement")) == 1


def test_key_messages_recommendations_and_their_evidence(rapporteur_api, messages, said,
                                                         rapporteur):
    dialogue = messages["final"].dialogue
    response = rapporteur_api.post("/api/v1/key-messages/", {
        "dialogue": dialogue.number, "title_en": "Cities lead", "title_fr": "Les villes mènent",
        "status": "draft"})
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["number"] == 3 and made["status"] == "draft"
    key_message = KeyMessage.objects.get(pk=made["id"])
    assert Revision.objects.filter(key_message=key_message).count() == 1
    assert len(audited(rapporteur, "create", "deliberation.keymessage")) == 1

    path = f"/api/v1/key-messages/{made['id']}/"
    assert rapporteur_api.patch(path, {"number": 1}).status_code == 400  # taken
    assert rapporteur_api.post("/api/v1/key-messages/", {
        "dialogue": str(dialogue.number), "title_en": "A string for a number"}).status_code == 400
    response = rapporteur_api.patch(path, {"status": "final"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and response.json()["title"] == "Les villes mènent"
    assert Revision.objects.filter(key_message=key_message).count() == 2

    evidence = rapporteur_api.post(f"{path}evidence/", {
        "statement": said["attributed"].pk, "quote": "cities matter"})
    assert evidence.status_code == 201, evidence.content
    assert evidence.json()["evidence"][0]["quote"] == "cities matter"
    again = rapporteur_api.post(f"{path}evidence/", {"statement": said["attributed"].pk})
    assert again.status_code == 409
    wrong_quote = rapporteur_api.post(f"{path}evidence/", {
        "statement": said["anonymous"].pk, "quote": "words nobody said"})
    assert wrong_quote.status_code == 400
    incomplete = rapporteur_api.post(f"{path}evidence/", {"statement": said["incomplete"].pk})
    assert incomplete.status_code == 409
    evidence_id = evidence.json()["evidence"][0]["id"]
    assert rapporteur_api.delete(f"{path}evidence/{evidence_id}/").status_code == 204
    assert rapporteur_api.delete(f"{path}evidence/{evidence_id}/").status_code == 404

    other = factories.dialogue(number=98)
    elsewhere = KeyMessage.objects.create(dialogue=other, number=1, title_en="Elsewhere")
    response = rapporteur_api.post("/api/v1/recommendations/", {
        "dialogue": dialogue.number, "addressee": "states", "text_en": "Act.",
        "key_message": elsewhere.pk})
    assert response.status_code == 400 and "another dialogue" in response.json()["key_message"][0]
    response = rapporteur_api.post("/api/v1/recommendations/", {
        "dialogue": dialogue.number, "addressee": "states", "text_en": "Act.",
        "key_message": made["id"], "status": "final"})
    assert response.status_code == 201
    assert Recommendation.objects.get(pk=response.json()["id"]).revisions.count() == 1
    assert len(audited(rapporteur, "create", "deliberation.recommendation")) == 1


def test_nothing_is_written_without_the_scope_or_a_body(secretariat, panel):
    client = TokenClient(make_token(secretariat, "write:statements").key)
    response = client.post("/api/v1/sessions/", {"workshop": panel.workshop.slug})
    assert response.status_code == 403
    client = TokenClient(make_token(secretariat, "write:agenda").key)
    for body in ("not json", "[1, 2]", '{"workshop": null}'):
        response = client.generic("POST", "/api/v1/sessions/", body,
                                  content_type="application/json")
        assert response.status_code == 400, body
    response = client.generic("POST", "/api/v1/sessions/", "x=1",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert client.put(f"/api/v1/sessions/{panel.pk}/", "{}",
                      content_type="application/json").status_code == 405
