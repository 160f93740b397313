"""Statements: captured as they are typed, retried safely, tagged, found again."""

import json
import uuid

import pytest
from django.urls import reverse

from idm.core import search
from idm.core.models import AuditEntry, GcmObjective
from idm.deliberation import services
from idm.deliberation.models import Statement
from tests.deliberation.conftest import say

pytestmark = pytest.mark.integration


def post(client, session, **payload):
    return client.post(reverse("deliberation:capture-save", args=[session.pk]),
                       json.dumps(payload), content_type="application/json")


@pytest.fixture
def rapporteur_client(client, reference):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("rap", password="pw")
    user.groups.add(Group.objects.get(name="rapporteur"))
    client.force_login(user)
    return client


def test_capture_saves_as_it_is_typed_and_retries_are_harmless(rapporteur_client, panel):
    amina = panel.people[0]
    capture_id = str(uuid.uuid4())
    for text in ("Partner", "Partnerships with", "Partnerships with cities"):
        response = post(rapporteur_client, panel, client_id=capture_id, text=text,
                        person=amina.pk)
        assert response.json()["saved"] and not response.json()["complete"]
    # The same final request sent twice (a network hiccup) still makes one statement.
    for _ in range(2):
        response = post(rapporteur_client, panel, client_id=capture_id,
                        text="Partnerships with cities matter.", person=amina.pk, complete=True)
    assert response.json()["complete"] and response.json()["next_person"] == panel.people[1].pk
    statement = Statement.objects.get()
    assert (statement.text, statement.person, statement.complete) == (
        "Partnerships with cities matter.", amina, True)
    assert statement.speaker_category.code == "civil_society"  # from the agenda's organization
    assert search.matching(Statement.objects.all(), "statement", "cities").get() == statement


def test_a_half_typed_statement_is_not_public(client, rapporteur_client, panel):
    post(rapporteur_client, panel, client_id=str(uuid.uuid4()), text="Secret draft words",
         person=panel.people[0].pk)
    statement = Statement.objects.get()
    client.logout()
    assert client.get(reverse("deliberation:statement", args=[statement.pk])).status_code == 404
    page = client.get(reverse("deliberation:session-statements", args=[panel.pk]))
    assert "Secret draft words" not in page.content.decode()
    found = client.get(reverse("deliberation:search"), {"q": "secret"})
    assert "Secret draft words" not in found.content.decode()


def test_a_finished_statement_needs_a_speaker(rapporteur_client, panel):
    response = post(rapporteur_client, panel, client_id=str(uuid.uuid4()), text="Who said it?",
                    person=None, complete=True)
    assert response.status_code == 400
    assert "Name the speaker" in response.json()["errors"]["speaker_name"][0]
    response = post(rapporteur_client, panel, client_id=str(uuid.uuid4()),
                    text="From the floor.", person=None, speaker_name="A delegate",
                    kind="floor", complete=True)
    assert response.json()["saved"]


def test_capture_is_for_rapporteurs_and_the_secretariat(client, participant, panel):
    url = reverse("deliberation:capture", args=[panel.pk])
    assert client.get(url).status_code == 302
    client.force_login(participant)
    assert client.get(url).status_code == 403
    assert post(client, panel, client_id=str(uuid.uuid4()), text="x").status_code == 403


def test_the_next_speaker_follows_the_agenda(panel):
    amina, paul, lucia = panel.people
    assert services.next_speaker(panel).person == amina
    say(panel, amina, "First.")
    assert services.next_speaker(panel).person == paul
    say(panel, lucia, "Out of turn.")
    assert services.next_speaker(panel).person == amina


def test_tags_are_kept_and_audited(panel, secretariat_client):
    statement = say(panel, panel.people[0], "Cities need data.")
    url = reverse("deliberation:statement-edit", args=[statement.pk])
    objective = GcmObjective.objects.get(number=1)
    response = secretariat_client.post(url, {
        "person": panel.people[0].pk, "text": "Cities need data.", "language": "en",
        "kind": "remarks", "attribution": "attributed", "gcm_objectives": [objective.pk],
        "sdg_targets": [], "principles": [], "themes_text": "data, cities"})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert list(statement.gcm_objectives.all()) == [objective]
    assert sorted(t.name for t in statement.themes.all()) == ["cities", "data"]
    entry = AuditEntry.objects.filter(object_type="deliberation.statement",
                                      changes__has_key="tags").get()
    assert entry.changes["tags"][1] == ["GCM 1", "theme cities", "theme data"]
    found = secretariat_client.get(reverse("deliberation:search"), {"tag": "gcm:1"})
    assert "Cities need data." in found.content.decode()


def test_search_finds_french_and_spanish_without_accents(panel):
    say(panel, panel.people[0], "La migración segura y ordenada es posible.", language="es")
    say(panel, panel.people[1], "L'intégration des migrants réussit à l'échelle locale.",
        language="fr")
    statements = Statement.objects.all()
    assert search.matching(statements, "statement", "migracion").count() == 1
    assert search.matching(statements, "statement", "integration echelle").count() == 1
    assert search.matching(statements, "statement", "MIGRACIÓN segura").count() == 1


def test_admin_edits_and_deletions_follow_the_search_index(panel, secretariat_client):
    statement = say(panel, panel.people[0], "Cities need data.")
    url = reverse("admin:deliberation_statement_change", args=[statement.pk])
    form = secretariat_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"session": panel.pk, "person": panel.people[0].pk,
                 "text": "Villages need water.", "gcm_objectives": [], "principles": [],
                 "sdg_targets": [], "themes": [], "said_at_0": "", "said_at_1": "",
                 "created_at_0": "2030-10-08", "created_at_1": "10:00:00"})
    data.pop("speaker_category", None)
    data.pop("speaker_country", None)
    data.pop("created_by", None)
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    statements = Statement.objects.all()
    assert search.matching(statements, "statement", "villages").get() == statement
    assert not search.matching(statements, "statement", "cities").exists()
    secretariat_client.post(reverse("admin:deliberation_statement_delete",
                                    args=[statement.pk]), {"post": "yes"})
    from idm.core.models import SearchEntry

    assert not SearchEntry.objects.filter(object_id=statement.pk).exists()
