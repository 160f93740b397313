"""E-mails to participants about their registration and their personal data, in the participant's
language, and to the secretariat about deletion requests; sent by a worker (`idm worker`) once the
change that caused them is saved, and tried again later while the mail server fails: a
registration never waits for, nor fails with, the mail server."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from idm.core import mail, roles
from idm.core.tasks import task

RECEIVED = "received"

# Subject and opening sentence of each e-mail; "received" depends on the registration's status.
MESSAGES = {
    ("received", "pending"): (
        _("Registration received: %(workshop)s"),
        _("We have received your registration. The secretariat will confirm it shortly.")),
    ("received", "approved"): (
        _("Registration confirmed: %(workshop)s"),
        _("Your registration is confirmed. We look forward to welcoming you.")),
    ("received", "waitlisted"): (
        _("On the waiting list: %(workshop)s"),
        _("The workshop is full. You are on the waiting list and will hear from us as soon "
          "as a place opens.")),
    ("approved", "approved"): (
        _("Registration approved: %(workshop)s"),
        _("Your registration has been approved. We look forward to welcoming you.")),
    ("rejected", "rejected"): (
        _("Registration not accepted: %(workshop)s"),
        _("We regret that we cannot accept your registration for this workshop.")),
    ("promoted", "pending"): (
        _("A place has opened: %(workshop)s"),
        _("A place has opened and you are off the waiting list. The secretariat will confirm "
          "your registration shortly.")),
    ("promoted", "approved"): (
        _("A place has opened: %(workshop)s"),
        _("A place has opened: your registration is confirmed.")),
    ("withdrawn", "withdrawn"): (
        _("Registration withdrawn: %(workshop)s"),
        _("Your registration has been withdrawn. Thank you for letting us know.")),
}


def notify(registration, event: str) -> None:
    """Queues the e-mail for `event` about the registration as it is now; a worker sends it once
    the transaction that caused it has committed. A newer e-mail about the same registration
    takes the place of one still waiting: it tells the current status and the same private
    link."""
    from idm.dialogues.models import Registration

    rows = Registration.objects.filter(pk=registration.pk)
    rows.update(mails_queued=F("mails_queued") + 1, mail_status=Registration.MailStatus.PENDING,
                mail_error="")
    number = rows.values_list("mails_queued", flat=True).get()
    status = registration.status
    transaction.on_commit(lambda: send_registration_mail.enqueue(registration.pk, event, status,
                                                                 number))


@task(queue_name="mail")
def send_registration_mail(registration_pk: int, event: str, status: str, number: int,
                           attempt: int = 1) -> str:
    """Sends e-mail `number` about a registration; when the mail server fails, notes why on the
    registration and tries again later, up to IDM_MAIL_ATTEMPTS tries."""
    from idm.dialogues.models import Registration

    registration = (Registration.objects.select_related("workshop__dialogue", "person")
                    .filter(pk=registration_pk).first())
    if registration is None or registration.mails_queued != number:
        return "superseded"
    rows = Registration.objects.filter(pk=registration_pk, mails_queued=number)

    def failed(reason: str, again: bool) -> None:
        rows.update(mail_status=(Registration.MailStatus.PENDING if again
                                 else Registration.MailStatus.FAILED), mail_error=reason)

    sent = mail.send_or_retry(
        lambda: _send(registration, event, status), attempt=attempt, on_failure=failed,
        what=f"registration {registration_pk}",
        retry=lambda when: send_registration_mail.using(run_after=when).enqueue(
            registration_pk, event, status, number, attempt + 1))
    if not sent:
        return "retrying"
    rows.update(mail_status=Registration.MailStatus.SENT, mail_error="")
    return "sent"


def _send(registration, event: str, status: str) -> None:
    with translation.override(registration.language):
        subject, opening = MESSAGES[(event, status)]
        workshop = registration.workshop
        body = render_to_string("dialogues/email/registration.txt", {
            "registration": registration, "workshop": workshop, "opening": opening,
            "private_link": settings.IDM_BASE_URL + registration.get_absolute_url(),
            "site_name": settings.IDM_SITE_NAME,
        })
        # A subject is one line, whatever the title holds: a line break in it (from a pasted
        # title or an imported agenda) would make every e-mail about the workshop fail.
        send_mail(str(subject) % {"workshop": " ".join(workshop.title.split())}, body,
                  settings.DEFAULT_FROM_EMAIL, [registration.email])


# Personal data -------------------------------------------------------------------------------


@task(queue_name="mail")
def send_data_link(registration_pk: int, attempt: int = 1) -> str:
    """Sends the link to the participant's personal data to the registration's address. The key
    is made here, when the e-mail goes: the queue never holds it."""
    from idm.dialogues.models import Registration
    from idm.dialogues.personal_data import LINK_VALID, data_key

    registration = (Registration.objects.select_related("workshop", "person")
                    .filter(pk=registration_pk, anonymized_at__isnull=True).first())
    if registration is None:
        return "nothing to send"

    def send():
        with translation.override(registration.language):
            link = settings.IDM_BASE_URL + reverse(
                "dialogues:personal-data", args=[registration.token, data_key(registration)])
            body = render_to_string("dialogues/email/personal_data_link.txt", {
                "registration": registration, "link": link,
                "hours": int(LINK_VALID.total_seconds() // 3600),
                "site_name": settings.IDM_SITE_NAME})
            send_mail(str(_("Your personal data: %(site)s")) % {"site": settings.IDM_SITE_NAME},
                      body, settings.DEFAULT_FROM_EMAIL, [registration.email])

    sent = mail.send_or_retry(
        send, attempt=attempt, what=f"the personal data of registration {registration_pk}",
        retry=lambda when: send_data_link.using(run_after=when).enqueue(registration_pk,
                                                                        attempt + 1))
    return "sent" if sent else "retrying"


def secretariat_addresses() -> list[str]:
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(groups__name=roles.SECRETARIAT) | Q(is_superuser=True))
             .exclude(email="").order_by("email"))
    return list(dict.fromkeys(users.values_list("email", flat=True)))


@task(queue_name="mail")
def send_deletion_notice(request_pk: int, attempt: int = 1) -> str:
    """Tells the secretariat that a participant asked for deletion; names no one (the page
    does, for those who may see it)."""
    from idm.dialogues.models import DeletionRequest

    request = DeletionRequest.objects.filter(pk=request_pk).first()
    addresses = secretariat_addresses()
    if request is None or not addresses:
        return "nothing to send"

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("dialogues/email/deletion_requested.txt", {
                "request": request, "site_name": settings.IDM_SITE_NAME,
                "link": settings.IDM_BASE_URL + reverse("dialogues:deletion-requests")})
            send_mail(str(_("Deletion request %(number)s")) % {"number": request.pk}, body,
                      settings.DEFAULT_FROM_EMAIL, addresses)

    sent = mail.send_or_retry(
        send, attempt=attempt, what=f"deletion request {request_pk}",
        retry=lambda when: send_deletion_notice.using(run_after=when).enqueue(request_pk,
                                                                              attempt + 1))
    return "sent" if sent else "retrying"


@task(queue_name="mail")
def send_deletion_confirmation(request_pk: int, attempt: int = 1) -> str:
    """Tells the participant their data is deleted, at the one address idm still holds for them;
    once sent, or after the last try, that address goes too."""
    from idm.dialogues.models import DeletionRequest

    request = DeletionRequest.objects.filter(pk=request_pk).first()
    if request is None or not request.confirmation_email:
        return "nothing to send"
    rows = DeletionRequest.objects.filter(pk=request_pk)

    def failed(reason: str, again: bool) -> None:
        if again:
            rows.update(mail_status=DeletionRequest.MailStatus.PENDING)
        else:
            rows.update(mail_status=DeletionRequest.MailStatus.FAILED, confirmation_email="")

    def send():
        with translation.override(request.language):
            body = render_to_string("dialogues/email/deletion_done.txt", {
                "request": request, "site_name": settings.IDM_SITE_NAME})
            send_mail(str(_("Your personal data is deleted: %(site)s")) % {
                "site": settings.IDM_SITE_NAME}, body, settings.DEFAULT_FROM_EMAIL,
                [request.confirmation_email])

    sent = mail.send_or_retry(
        send, attempt=attempt, on_failure=failed, what=f"deletion request {request_pk}",
        retry=lambda when: send_deletion_confirmation.using(run_after=when).enqueue(
            request_pk, attempt + 1))
    if not sent:
        return "retrying"
    rows.update(mail_status=DeletionRequest.MailStatus.SENT, confirmation_email="")
    return "sent"
