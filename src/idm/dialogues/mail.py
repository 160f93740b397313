"""E-mails to participants about their registration, in the participant's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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
    """Sends the e-mail for `event` once the transaction that caused it has committed."""
    pk = registration.pk
    transaction.on_commit(lambda: send_registration_mail(pk, event))


def send_registration_mail(registration_pk: int, event: str) -> None:
    from idm.dialogues.models import Registration

    registration = Registration.objects.select_related("workshop__dialogue", "person").get(
        pk=registration_pk)
    with translation.override(registration.language):
        subject, opening = MESSAGES[(event, registration.status)]
        workshop = registration.workshop
        body = render_to_string("dialogues/email/registration.txt", {
            "registration": registration, "workshop": workshop, "opening": opening,
            "private_link": settings.IDM_BASE_URL + registration.get_absolute_url(),
            "site_name": settings.IDM_SITE_NAME,
        })
        send_mail(str(subject) % {"workshop": workshop.title}, body,
                  settings.DEFAULT_FROM_EMAIL, [registration.email])
