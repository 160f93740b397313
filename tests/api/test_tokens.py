"""API tokens: made on the command line or in the admin, kept as a hash, never beyond their
user's role; a token's scopes decide what it may write; revoked or expired, it opens nothing.
Signed-in sessions work too, with Django's CSRF check on their writes."""

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from idm.api.models import ApiToken
from idm.core.models import AuditEntry
from tests.api.conftest import TokenClient, make_token

pytestmark = pytest.mark.integration

NEW_STATEMENT = {"text": "Cities lead.", "speaker_name": "A delegate", "kind": "floor"}


def command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api", "token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_the_key_once_and_keeps_its_hash(rapporteur):
    out, err = command("create", "--user", "rap", "--scope", "write:statements",
                       "--scope", "read:drafts", "--name", "capture app", "--expires-days", "30")
    key = out.strip()
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix + "_") and "shown this once only" in err
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.scopes == ["read:drafts", "write:statements"] and token.name == "capture app"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    # The key itself is nowhere in the database, nor in the audit log.
    secret = key.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert secret not in repr(cursor.fetchall())
    entry = AuditEntry.objects.get(object_type="api.apitoken")
    assert secret not in json.dumps(entry.changes) and token.key_hash not in json.dumps(
        entry.changes)

    listed, _err = command("list")
    assert token.prefix in listed and "rap" in listed and secret not in listed
    rows = json.loads(command("list", "--format", "json")[0])
    assert rows[0]["state"] == "active" and "key" not in rows[0]

    command("revoke", token.prefix.removeprefix("idm_"))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert json.loads(command("list", "--format", "json")[0])[0]["state"] == "revoked"


def test_a_token_never_grants_more_than_its_users_role(participant, rapporteur):
    with pytest.raises(CommandError, match="does not allow write:statements"):
        command("create", "--user", "part", "--scope", "write:statements")
    with pytest.raises(CommandError, match="does not allow write:agenda"):
        command("create", "--user", "rap", "--scope", "write:agenda")
    with pytest.raises(CommandError, match="no user"):
        command("create", "--user", "nobody")
    with pytest.raises(CommandError, match="No token has the prefix"):
        command("revoke", "deadbeef")
    assert not ApiToken.objects.exists()


def test_scopes_decide_what_a_token_writes(said, panel, rapporteur, participant):
    body = {**NEW_STATEMENT, "session": panel.pk}
    reader = TokenClient(make_token(rapporteur, "read:drafts").key)
    assert reader.post("/api/v1/statements/", body).status_code == 403
    writer = TokenClient(make_token(rapporteur, "write:statements").key)
    assert writer.post("/api/v1/statements/", body).status_code == 201
    # A participant's token, even given the scope behind the command's back: the role says no.
    made = make_token(participant)
    ApiToken.objects.filter(pk=made.token.pk).update(scopes=["write:statements"])
    assert TokenClient(made.key).post("/api/v1/statements/", body).status_code == 403
    # A rapporteur's token with the secretariat's scope: no more than the role either.
    made = make_token(rapporteur)
    ApiToken.objects.filter(pk=made.token.pk).update(scopes=["write:agenda"])
    response = TokenClient(made.key).patch(f"/api/v1/sessions/{panel.pk}/", {"room": "B"})
    assert response.status_code == 403
    # Without credentials: 401 with the Bearer challenge.
    response = Client().post("/api/v1/statements/", body, content_type="application/json")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_expired_and_unknown_tokens_open_nothing(said, rapporteur):
    revoked = make_token(rapporteur, "read:drafts")
    call_command("api", "token", "revoke", revoked.token.prefix, stdout=io.StringIO())
    expired = make_token(rapporteur, "read:drafts",
                         expires_at=timezone.now() - timedelta(seconds=1))
    inactive = make_token(rapporteur, "read:drafts")
    for key in (revoked.key, expired.key, "idm_00000000_unknown", "two words", "é"):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/statements/")
        assert response.status_code == 401, key
        assert "detail" in response.json()
    rapporteur.is_active = False
    rapporteur.save()
    assert TokenClient(inactive.key).get("/api/v1/statements/").status_code == 401


def test_a_token_notes_when_it_was_last_used(said, rapporteur):
    made = make_token(rapporteur, "read:drafts")
    assert made.token.last_used_at is None
    assert TokenClient(made.key).get("/api/v1/dialogues/").status_code == 200
    made.token.refresh_from_db()
    assert made.token.last_used_at is not None


def test_a_signed_in_session_writes_with_its_csrf_token(said, panel, secretariat):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(secretariat)
    body = json.dumps({**NEW_STATEMENT, "session": panel.pk})
    assert browser.post("/api/v1/statements/", body,
                        content_type="application/json").status_code == 403
    browser.get("/en/accounts/login/")  # any page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/statements/", body, content_type="application/json",
                            HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    # The session reads as the staff read the web pages: withheld names included.
    assert "Paul Moreau" in browser.get("/api/v1/statements/").content.decode()


def test_the_secretariat_makes_tokens_in_the_admin(secretariat_client, rapporteur, secretariat):
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("boss", password="pw-boss")
    make_token(boss, "write:agenda")
    page = secretariat_client.get("/en/admin/api/apitoken/")
    assert page.status_code == 200 and "boss" not in page.content.decode()
    response = secretariat_client.post("/en/admin/api/apitoken/add/", {
        "user": rapporteur.pk, "name": "capture", "scopes": ["write:statements"],
        "expires_at_0": "", "expires_at_1": ""}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=rapporteur)
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if token.prefix in m).rsplit(" ", 1)[1]
    assert hashlib.sha256(key.encode()).hexdigest() == token.key_hash
    change = secretariat_client.get(f"/en/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash in change and 'name="key_hash"' not in change
    # Beyond the user's role, the form refuses.
    response = secretariat_client.post("/en/admin/api/apitoken/add/", {
        "user": rapporteur.pk, "name": "too much", "scopes": ["write:agenda"],
        "expires_at_0": "", "expires_at_1": ""})
    assert response.status_code == 200 and "does not allow write:agenda" in \
        response.content.decode()
    assert ApiToken.objects.filter(user=rapporteur).count() == 1
    # Nor may the secretariat make a token that would act as a superuser.
    response = secretariat_client.post("/en/admin/api/apitoken/add/", {
        "user": boss.pk, "name": "impersonation", "scopes": [],
        "expires_at_0": "", "expires_at_1": ""})
    assert ApiToken.objects.filter(user=boss).count() == 1
