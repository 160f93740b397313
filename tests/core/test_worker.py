"""`idm worker`: a real worker process runs the work queued in the database, queue by queue, and
stops cleanly when asked."""

import signal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from idm.core.models import Country, StakeholderCategory
from idm.dialogues import participants
from idm.dialogues.models import Registration, Workshop
from tests.dialogues import factories
from tests.workers import Worker, use_the_database_queue, wait_for

pytestmark = pytest.mark.integration


def register(email: str) -> Registration:
    workshop = Workshop.objects.first() or factories.workshop(
        registration=Workshop.Registration.OPEN)
    return participants.register(workshop, participants.RegistrationData(
        email=email, family_name="Okoro", given_name="Ada",
        category=StakeholderCategory.objects.get(code="civil_society"),
        country=Country.objects.get(iso2="KE")))


def mail_status(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.mail_status


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_is_queued_and_stops_cleanly_on_sigterm(reference, settings,
                                                                       tmp_path):
    use_the_database_queue(settings)
    registration = register("ada@example.org")
    assert mail_status(registration) == "pending"

    worker = Worker(tmp_path)
    wait_for(lambda: mail_status(registration) == "sent", what="the e-mail sent")
    # An e-mail registered while the worker waits is sent too.
    later = register("ben@example.org")
    wait_for(lambda: mail_status(later) == "sent", what="the second e-mail sent")
    worker.process.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0, worker.output
    assert worker.output.count("Subject: Registration received: Test workshop") == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_takes_only_its_queues(reference, settings, tmp_path):
    use_the_database_queue(settings)
    registration = register("ada@example.org")
    assert Worker(tmp_path, "--queue", "reports", "--batch").wait() == 0
    assert mail_status(registration) == "pending"
    assert Worker(tmp_path, "--queue", "mail,default", "--batch").wait() == 0
    assert mail_status(registration) == "sent"


@pytest.mark.django_db
def test_wrong_queues_and_a_backend_without_worker_are_named(settings):
    with pytest.raises(CommandError, match="unknown queue reprots; the queues are default, "
                                           "reports, mail"):
        call_command("worker", "--queue", "reprots")
    with pytest.raises(CommandError, match="IDM_TASKS_BACKEND=immediate runs each task where it "
                                           "is queued: there is no worker to start"):
        settings.IDM_TASKS_BACKEND = "immediate"
        call_command("worker")


@pytest.mark.django_db(transaction=True)
def test_an_e_mail_left_running_by_a_killed_worker_is_sent_by_the_next(reference, settings,
                                                                         tmp_path):
    """What a worker killed outright (SIGKILL) leaves behind: its task claimed, running for ever
    in the database queue. The next worker puts it back and the e-mail goes."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    use_the_database_queue(settings)
    registration = register("ada@example.org")
    task = DBTaskResult.objects.get(queue_name="mail")
    started = timezone.now() - timedelta(seconds=settings.IDM_TASK_ABANDONED_SECONDS + 5)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["killed-worker"])
    # One that started a moment ago may still be sending: it is left alone.
    recent = register("ben@example.org")
    DBTaskResult.objects.filter(queue_name="mail").exclude(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["busy-worker"])

    worker = Worker(tmp_path, "--batch")
    assert worker.wait() == 0, worker.output
    assert "1 task(s) of a stopped worker put back in the queue" in worker.output
    assert mail_status(registration) == "sent"
    assert mail_status(recent) == "pending"
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
