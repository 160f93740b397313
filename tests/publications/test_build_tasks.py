"""Report builds started from the report page run as tasks: their progress and errors show on the
page, a failed build is retried by the secretariat, and a build whose worker is killed ends up
failed and retryable, never "running" forever."""

import signal
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from idm.deliberation.demo import load_demo_deliberation
from idm.dialogues.demo import load_demo
from idm.publications.demo import create_publication
from idm.publications.models import BuildJob, Version
from tests.workers import Worker, use_the_database_queue, wait_for

# What a page queues runs as its request ends (tests/conftest.py).
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("pages_queue_on_commit")]

REPORT = reverse("publications:report", args=[28])
WORKER_STOPPED = ("The worker stopped during the build (stopped or restarted): retry the "
                  "build.")


@pytest.fixture
def publication(reference):
    dialogue = load_demo()
    load_demo_deliberation(dialogue)
    return create_publication(dialogue)


def status(client, job) -> dict:
    response = client.get(reverse("publications:build-status", args=[job.pk]))
    assert response.status_code == 200
    return response.json()


def retry(client, job):
    return client.post(reverse("publications:build-retry", args=[job.pk]))


def build_on_the_page(client, **form) -> BuildJob:
    response = client.post(REPORT, {"languages": ["en"], "formats": ["html"], **form})
    assert response.status_code == 302 and response["Location"] == REPORT
    return BuildJob.objects.latest("created_at")


def test_a_failed_build_shows_its_error_and_the_secretariat_retries_it(
        secretariat_client, publication, settings, tmp_path):
    # The disk the files go to is not a folder: every build fails until that is mended.
    (tmp_path / "not-a-folder").write_text("")
    good_media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path / "not-a-folder"
    job = build_on_the_page(secretariat_client)
    assert status(secretariat_client, job)["status"] == "failed"
    error = status(secretariat_client, job)["message"]
    assert "not-a-folder" in error
    page = secretariat_client.get(REPORT).content.decode()
    assert error in page.replace("&#x27;", "'")
    assert f'action="{reverse("publications:build-retry", args=[job.pk])}"' in page

    settings.MEDIA_ROOT = good_media
    response = retry(secretariat_client, job)
    assert response.status_code == 302 and response["Location"] == REPORT
    job.refresh_from_db()
    assert (job.status, job.attempt, job.progress) == ("done", 2, 100)
    assert job.report["versions"] == {"en": 1}
    assert Version.objects.get(edition__language="en", number=1).html
    assert "The build is queued again." in secretariat_client.get(REPORT).content.decode()


def test_only_the_secretariat_retries_and_only_a_failed_build(client, participant,
                                                               secretariat_client, publication):
    job = build_on_the_page(secretariat_client)
    assert job.status == "done"
    assert retry(secretariat_client, job).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("done", 1)
    assert "Only a failed build can be retried." in secretariat_client.get(REPORT).content.decode()
    assert secretariat_client.get(reverse("publications:build-retry",
                                          args=[job.pk])).status_code == 405
    assert retry(secretariat_client, BuildJob(pk=job.pk + 1000)).status_code == 404

    BuildJob.objects.filter(pk=job.pk).update(status="failed")
    secretariat_client.logout()
    response = retry(client, job)
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
    client.force_login(participant)
    assert retry(client, job).status_code == 403
    assert client.get(reverse("publications:build-status", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("failed", 1)


def test_a_running_build_whose_heartbeat_stopped_is_failed_and_a_live_one_is_not(
        secretariat_client, publication, settings):
    settings.IDM_TASK_LEASE_SECONDS = 60
    now = timezone.now()
    silent = BuildJob.objects.create(publication=publication, languages="en", formats="pdf",
                                     status="running", heartbeat_at=now - timedelta(seconds=61))
    alive = BuildJob.objects.create(publication=publication, languages="en", formats="pdf",
                                    status="running", heartbeat_at=now - timedelta(seconds=50))
    assert status(secretariat_client, silent) | {"report": None} == {
        "status": "failed", "progress": 0, "message": WORKER_STOPPED, "report": None}
    assert status(secretariat_client, alive)["status"] == "running"
    page = secretariat_client.get(REPORT).content.decode()
    assert reverse("publications:build-retry", args=[silent.pk]) in page
    assert reverse("publications:build-retry", args=[alive.pk]) not in page


@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_is_killed_fails_and_its_retry_finishes(
        secretariat_client, publication, settings, tmp_path):
    use_the_database_queue(settings)
    settings.IDM_TASK_LEASE_SECONDS = 3
    job = build_on_the_page(secretariat_client, formats=["pdf", "docx"])
    assert status(secretariat_client, job) == {
        "status": "queued", "progress": 0, "message": "Waiting for a worker.", "report": {}}

    worker = Worker(tmp_path, IDM_TASK_LEASE_SECONDS="3")
    try:
        wait_for(lambda: status(secretariat_client, job)["status"] == "running",
                 what="the build started")
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait()
    finally:
        worker.stop()
    job.refresh_from_db()
    assert job.status == "running", "the build ended before the worker was killed"

    # Within the lease the build may still be alive; past it, it is failed.
    failed = wait_for(lambda: (s := status(secretariat_client, job))["status"] == "failed" and s,
                      timeout=10, what="the build failed")
    assert failed["message"] == WORKER_STOPPED
    page = secretariat_client.get(REPORT).content.decode()
    assert WORKER_STOPPED in page and "Retry" in page

    assert retry(secretariat_client, job).status_code == 302
    assert status(secretariat_client, job)["status"] == "queued"
    # A short lease: a live worker's heartbeat keeps its build alive through its long steps.
    settings.IDM_TASK_LEASE_SECONDS = 0.6
    second = Worker(tmp_path, "--batch", IDM_TASK_LEASE_SECONDS="0.6")
    seen = []
    while second.process.poll() is None:
        seen.append(status(secretariat_client, job)["status"])
        time.sleep(0.02)  # as a page polls: now and then, not in a loop that holds the database
    assert second.wait() == 0, second.output
    # What the page saw, in order, without repeats, and what the worker said, if it went wrong.
    changes = [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s]
    assert "running" in changes and "failed" not in changes, (changes, second.output)
    done = status(secretariat_client, job)
    assert (done["status"], done["progress"]) == ("done", 100), done
    assert done["report"]["built"]["en"] > 10 and done["report"]["versions"] == {"en": 1}
    assert Version.objects.get(edition__language="en").pdf.name.endswith("idm-28-en-v1.pdf")


@pytest.mark.django_db(transaction=True)
def test_builds_left_by_the_web_server_threads_are_failed_by_the_upgrade(publication):
    from tests.publications.test_migrations import migrate

    old = migrate([("publications", "0004_remove_edition_built_files")])
    try:
        jobs = old.get_model("publications", "BuildJob").objects
        for state in ("queued", "running", "done", "failed"):
            jobs.create(publication_id=publication.pk, languages="en", formats="pdf",
                        status=state, message=state)
    finally:
        migrate()
    assert sorted(BuildJob.objects.values_list("status", "message")) == sorted([
        ("done", "done"), ("failed", "failed"), ("failed", WORKER_STOPPED),
        ("failed", WORKER_STOPPED)])
