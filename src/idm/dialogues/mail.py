"""E-mails to participants about their registration, in the participant's language, sent by a
worker (`idm worker`) once the change that caused them is saved, and tried again later while
the mail server fails: a registration never waits for, nor fails with, the mail server."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from idm.core import mail
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
        send_mail(str(subject) % {"workshop": workshop.title}, body,
                  settings.DEFAULT_FROM_EMAIL, [registration.email])
