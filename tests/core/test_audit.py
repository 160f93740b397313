"""Every change made through services, the admin included, lands in the audit log."""

import pytest
from django.urls import reverse

from idm.core import services
from idm.core.models import AuditEntry
from idm.dialogues.models import Person

pytestmark = pytest.mark.integration


def test_create_update_delete_are_recorded_with_their_changes(secretariat):
    person = services.save(Person(given_name="Ada", family_name="Okoro"), secretariat)
    person.family_name = "Okoro-Smith"
    services.save(person, secretariat)
    services.save(person, secretariat)  # nothing changed: nothing recorded
    services.delete(person, secretariat)
    entries = list(AuditEntry.objects.filter(object_type="dialogues.person").order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].changes["family_name"] == [None, "Okoro"]
    assert entries[1].changes == {"family_name": ["Okoro", "Okoro-Smith"]}
    assert all(e.actor == secretariat and e.actor_name == "sec" for e in entries)


def test_command_line_changes_name_the_command(reference):
    services.save(Person(family_name="Lee"), "idm agenda import")
    entry = AuditEntry.objects.get(object_type="dialogues.person")
    assert entry.actor is None and entry.actor_name == "idm agenda import"


def test_admin_changes_are_audited(secretariat_client, secretariat):
    response = secretariat_client.post(reverse("admin:dialogues_person_add"), {
        "honorific": "Dr", "given_name": "Mei", "family_name": "Tanaka", "gender": "",
        "email": "mei@example.org"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_type="dialogues.person", action="create")
    assert entry.actor == secretariat and entry.changes["email"] == [None, "mei@example.org"]


def test_the_audit_log_cannot_be_edited_in_the_admin(secretariat_client):
    services.save(Person(family_name="Lee"), "test")
    entry = AuditEntry.objects.get()
    assert secretariat_client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    response = secretariat_client.post(
        reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
