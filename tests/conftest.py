"""Shared fixtures: reference data, the IDM 2018 demo, users by role, and the skip-or-fail rule."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from idm.core import roles
from idm.core.reference import load_reference_data, reference_data_loaded

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def require(condition: bool, reason: str) -> None:
    """Skips with `reason` when a service or file is missing; in CI (IDM_REQUIRE_SERVICES) fails."""
    if condition:
        return
    if os.environ.get("IDM_REQUIRE_SERVICES"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    require(path.exists(), f"{path} is not here (a user's clone has no ../shared)")
    return path


@pytest.fixture
def reference(db):
    """Reference data and role groups; transactional tests flush them, so they come back here."""
    if not reference_data_loaded():
        load_reference_data()
    roles.grant_role_permissions()


@pytest.fixture
def demo(reference):
    from idm.dialogues.demo import load_demo

    return load_demo()


@pytest.fixture
def population(demo):
    """The demo with its generated participants (over 600, 83 panelists)."""
    from idm.dialogues.demo import load_demo_participants

    load_demo_participants(demo)
    return demo


def _user(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if role == roles.SECRETARIAT:
        user.is_staff = True
        user.save()
    return user


@pytest.fixture
def secretariat(reference):
    return _user("sec", roles.SECRETARIAT)


@pytest.fixture
def participant(reference):
    return _user("part", roles.PARTICIPANT)


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request to /fr/ leaves French active in the thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    """Built files go to a folder of their own, not to var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _tasks_run_where_they_are_queued(settings):
    """Background tasks run at once, in the test's own process and database transaction; the tests
    of the worker itself (tests/workers.py) queue them in the database instead."""
    settings.TASKS = {"default": {**settings.TASKS["default"],
                                  "BACKEND": settings.TASK_BACKENDS["immediate"]}}


@pytest.fixture(autouse=True)
def _no_tag_suggestions(settings):
    """Saving a statement does not ask for its tag suggestions (the first fits a model for most of
    a minute); the tests of the suggestions turn them on."""
    settings.IDM_TAG_SUGGESTIONS = False


@pytest.fixture
def tag_suggester_cache(settings, tmp_path_factory):
    """One cache of the fitted tag suggester for the whole run: fitted once (under a minute), then
    read (synthesis/tags.py cached_suggester)."""
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "idm-data"
    return settings.DATA_DIR / "cache"


@pytest.fixture
def pages_queue_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """A test's request commits nothing (its transaction is the test's): what a page queues once
    its transaction commits is queued as the request ends, as it would be."""
    from django.test import Client

    post = Client.post

    def post_and_commit(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post_and_commit)
