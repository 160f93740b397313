"""E-mails to the person who submitted a practice: received, and each step of the secretariat's
review with its message, in the submitter's language, sent by a worker once the change is saved."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from idm.core import mail
from idm.core.tasks import task

# Subject and opening sentence for each review status.
MESSAGES = {
    "submitted": (_("Practice received: %(title)s"),
                  _("Thank you: we have received your practice. The secretariat will review it "
                    "and write to you.")),
    "under_review": (_("Practice under review: %(title)s"),
                     _("The secretariat is reviewing your practice.")),
    "published": (_("Practice published: %(title)s"),
                  _("Your practice is published in the registry.")),
    "rejected": (_("Practice not published: %(title)s"),
                 _("We regret that we cannot publish your practice in the registry.")),
}


def notify_submitter(practice) -> None:
    """Queues the e-mail that tells the submitter where their practice is, with the
    secretariat's message, once the change is committed; nothing for a practice that no user
    submitted (recorded or imported by the secretariat)."""
    if practice.submitted_by_id is None:
        return
    pk, status, message = practice.pk, practice.status, practice.review_message
    transaction.on_commit(lambda: send_review_mail.enqueue(pk, status, message))


@task(queue_name="mail")
def send_review_mail(practice_pk: int, status: str, message: str, attempt: int = 1) -> str:
    """Sends the review e-mail as it was when queued; tried again while the mail server fails,
    unless the practice's decision has changed since: the newer one has its own e-mail, and an
    older one arriving after it would mislead."""
    from idm.practices.models import Practice

    practice = Practice.objects.select_related("submitted_by").filter(pk=practice_pk).first()
    if practice is None or practice.submitted_by is None or not practice.submitted_by.email:
        return "no one to write to"
    if (practice.status, practice.review_message) != (status, message):
        return "superseded"
    sent = mail.send_or_retry(
        lambda: _send(practice, status, message), attempt=attempt, what=f"practice {practice_pk}",
        retry=lambda when: send_review_mail.using(run_after=when).enqueue(
            practice_pk, status, message, attempt + 1))
    return "sent" if sent else "retrying"


def _send(practice, status: str, message: str) -> None:
    from idm.practices.models import Practice

    user = practice.submitted_by
    with translation.override(practice.language):
        subject, opening = MESSAGES[status]
        title = getattr(practice, f"title_{practice.language}") or practice.title
        body = render_to_string("practices/email/review.txt", {
            "name": user.get_full_name() or user.get_username(), "opening": opening,
            "title": title, "message": message,
            "status": Practice.Status(status).label,
            "published": status == Practice.Status.PUBLISHED,
            "link": settings.IDM_BASE_URL + practice.get_absolute_url(),
            "mine": settings.IDM_BASE_URL + reverse("practices:mine"),
            "site_name": settings.IDM_SITE_NAME,
        })
        # A subject is one line, whatever the title holds.
        send_mail(str(subject) % {"title": " ".join(title.split())}, body,
                  settings.DEFAULT_FROM_EMAIL, [user.email])
