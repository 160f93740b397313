"""Production protections a secretariat relies on: argon2 password hashes, a login that stops
answering a password guesser, and a Content Security Policy on every page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.integration


def _login(client: Client, username: str, password: str):
    return client.post("/en/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(db):
    user = get_user_model().objects.create_user("hashed", password="a long pass phrase 42")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a long pass phrase 42")


def test_an_older_pbkdf2_hash_still_signs_in_and_is_upgraded(db):
    from django.contrib.auth.hashers import make_password

    user = get_user_model().objects.create_user("older")
    user.password = make_password("an older pass phrase", hasher="pbkdf2_sha256")
    user.save()
    response = _login(Client(), "older", "an older pass phrase")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_a_password_guesser_is_locked_out_and_others_are_not(db, settings):
    get_user_model().objects.create_user("target", password="the right pass phrase")
    get_user_model().objects.create_user("bystander", password="another pass phrase")
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(guesser, "target", f"guess {attempt}")
        assert response.status_code == 200, attempt
        assert "The username or the password is wrong" in response.content.decode()
    assert _login(guesser, "target", "one guess too many").status_code == 429
    # Now even the right password is refused from that address, with the page saying why.
    response = _login(guesser, "target", "the right pass phrase")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in guesser.session
    # The same person from another address, and another user from the guesser's, still sign in.
    assert _login(Client(REMOTE_ADDR="198.51.100.2"), "target", "the right pass phrase"
                  ).status_code == 302
    assert _login(guesser, "bystander", "another pass phrase").status_code == 302


def test_pages_carry_a_policy_without_inline_code(db):
    response = Client().get("/en/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
