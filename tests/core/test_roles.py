"""Roles: the secretariat manages, others may not; checked on the server for every page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.integration

SECRETARIAT_PAGES = [
    reverse("dialogues:manage"),
    reverse("dialogues:agenda-template", args=["xlsx"]),
]


def test_the_three_roles_exist_with_their_permissions(reference):
    secretariat = Group.objects.get(name="secretariat")
    codenames = set(secretariat.permissions.values_list("codename", flat=True))
    assert {"add_session", "change_workshop", "delete_sessionrole", "view_auditentry"} <= codenames
    assert "delete_auditentry" not in codenames and "change_auditentry" not in codenames
    rapporteur = set(Group.objects.get(name="rapporteur").permissions.values_list(
        "codename", flat=True))
    assert "view_session" in rapporteur and "change_session" not in rapporteur
    assert not Group.objects.get(name="participant").permissions.exists()


@pytest.mark.parametrize("url", SECRETARIAT_PAGES)
def test_visitors_are_sent_to_sign_in(client, reference, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", SECRETARIAT_PAGES)
def test_participants_are_refused(client, participant, url):
    client.force_login(participant)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", SECRETARIAT_PAGES)
def test_the_secretariat_gets_in(secretariat_client, url):
    assert secretariat_client.get(url).status_code == 200


def test_the_agenda_import_is_for_the_secretariat_only(client, participant, demo):
    url = reverse("dialogues:agenda-import", args=[28])
    assert client.post(url).status_code == 302
    client.force_login(participant)
    assert client.post(url).status_code == 403


def test_participants_cannot_open_the_admin(client, participant):
    client.force_login(participant)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
