"""Registration e-mails go through the task queue: a mail server that is down never fails a
registration; the e-mail waits, is tried again by a worker and sent once the server is back."""

import socket
import time

import pytest
from django.core import mail
from django.urls import reverse

from idm.core.models import StakeholderCategory
from idm.dialogues import participants
from idm.dialogues.models import Registration, Workshop
from tests.dialogues import factories
from tests.dialogues.test_registration import form_data
from tests.workers import Worker, use_the_database_queue, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def workshop(reference):
    return factories.workshop(registration=Workshop.Registration.OPEN, capacity=10)


def closed_port() -> int:
    """A port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_down() -> dict:
    return {"IDM_EMAIL_HOST": "127.0.0.1", "IDM_EMAIL_PORT": str(closed_port()),
            "IDM_EMAIL_TLS": "false", "IDM_EMAIL_TIMEOUT": "5"}


def register(workshop) -> Registration:
    return participants.register(workshop, participants.RegistrationData(
        email="ada@example.org", family_name="Okoro", given_name="Ada",
        category=StakeholderCategory.objects.get(code="civil_society")))


def register_on_the_form(client, workshop) -> Registration:
    response = client.post(reverse("dialogues:register", args=[workshop.slug]), form_data())
    registration = Registration.objects.get(email="amina@example.org")
    assert response.status_code == 302 and response["Location"] == registration.get_absolute_url()
    return registration


@pytest.mark.django_db(transaction=True)
def test_a_registration_is_saved_while_the_mail_server_is_down_and_its_e_mail_follows(
        client, workshop, settings, tmp_path):
    use_the_database_queue(settings)
    registration = register_on_the_form(client, workshop)
    assert registration.mail_status == "pending"

    down = Worker(tmp_path, "--batch", IDM_MAIL_RETRY_SECONDS="1", **smtp_down())
    assert down.wait() == 0, down.output
    registration.refresh_from_db()
    assert registration.mail_status == "pending"
    assert registration.mail_error.startswith("ConnectionRefusedError:"), registration.mail_error

    time.sleep(1.2)  # the retry's wait; then the mail server is back (the console here)
    back = Worker(tmp_path, "--batch")
    assert back.wait() == 0, back.output
    registration.refresh_from_db()
    assert (registration.mail_status, registration.mail_error) == ("sent", "")
    assert "Subject: Registration received: Test workshop" in back.output
    assert "To: amina@example.org" in back.output


@pytest.mark.django_db(transaction=True)
def test_an_e_mail_that_never_goes_is_marked_not_sent_with_the_reason(workshop, settings,
                                                                      tmp_path):
    use_the_database_queue(settings)
    registration = register(workshop)
    worker = Worker(tmp_path, IDM_MAIL_RETRY_SECONDS="0.2", IDM_MAIL_ATTEMPTS="3", **smtp_down())
    try:
        wait_for(lambda: Registration.objects.get(pk=registration.pk).mail_status == "failed",
                 what="the e-mail given up")
    finally:
        worker.stop()
    registration.refresh_from_db()
    assert registration.mail_error.startswith("ConnectionRefusedError:")
    assert worker.output.count("not sent (try") == 2
    assert "not sent after 3 tries" in worker.output


@pytest.mark.django_db(transaction=True)
def test_a_newer_e_mail_takes_the_place_of_one_still_waiting(workshop, settings, tmp_path):
    use_the_database_queue(settings)
    registration = register(workshop)
    participants.change_status(registration, "approve", None)
    worker = Worker(tmp_path, "--batch")
    assert worker.wait() == 0, worker.output
    assert "Subject: Registration approved: Test workshop" in worker.output
    assert "Registration received" not in worker.output
    registration.refresh_from_db()
    assert registration.mail_status == "sent"


def test_without_a_worker_a_failed_e_mail_is_marked_at_once_and_the_registration_kept(
        client, workshop, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_on_the_form(client, workshop)
    registration.refresh_from_db()
    assert registration.status == "pending" and registration.mail_status == "failed"
    assert registration.mail_error.startswith("ConnectionRefusedError:")
    assert mail.outbox == []
