"""The practices a person submitted with a user account of their e-mail address, in what idm
holds about them; a deletion unlinks them from the account (registered in apps.py)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.core.personal_data import Collection, Erasure, Section, extra_field, record
from idm.practices.models import Practice


def _submitted(emails: set[str]):
    if not emails:
        return Practice.objects.none()
    condition = Q()
    for address in emails:
        condition |= Q(submitted_by__email__iexact=address)
    return Practice.objects.filter(condition)


def collect(collection: Collection) -> None:
    practices = list(_submitted(collection.emails).select_related("submitted_by")
                     .order_by("created_at", "pk"))
    collection.add(Section("practices", _("Practices you submitted"), [record(
        practice.title, practice, ["title", "type", "status", "language", "created_at",
                                   "proposed_organizations", "review_message"],
        extra_field("account", _("submitted with the account"),
                    practice.submitted_by.get_username()))
        for practice in practices]))
    collection.about(Practice, [practice.pk for practice in practices])


def erase(erasure: Erasure) -> None:
    """A practice describes an organization's work, not its submitter: it stays in the registry
    (published or under review), no longer linked to the person's account."""
    unlinked = _submitted(erasure.emails).update(submitted_by=None)
    erasure.counts[gettext_noop("practices unlinked from the submitter")] += unlinked
    if unlinked:
        erasure.kept.append(gettext_noop(
            "The practices the person submitted, without their submitter: they describe "
            "organizations' work."))
