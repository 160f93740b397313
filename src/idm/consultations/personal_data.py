"""A participant's votes and submissions, in what idm holds about them; a deletion or a closed
dialogue's anonymization unlinks them from the registration (registered in apps.py)."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.consultations.models import Consultation, ConsultationStatement, Vote, Voter
from idm.core import personal_data as core_personal_data
from idm.core.personal_data import Anonymization, Collection, Erasure, Section, extra_field, record


def collect(collection: Collection) -> None:
    voters = Voter.objects.filter(registration__in=[r.pk for r in collection.registrations])
    votes = (Vote.objects.filter(voter__in=voters)
             .select_related("voter__consultation", "item__key_message",
                             "item__recommendation", "item__statement")
             .order_by("cast_at", "id"))
    collection.add(Section("votes", _("Your votes"), [record(
        vote.voter.consultation.title, vote, ["value", "cast_at"],
        extra_field("consultation", _("consultation"), vote.voter.consultation.title),
        extra_field("statement", _("statement"), vote.item.shown_text()))
        for vote in votes], note=_(
            "Nobody else sees how you voted: results count votes, never voters.")
        if votes else ""))
    submissions = list(ConsultationStatement.objects.filter(submitted_by__in=voters)
                       .select_related("consultation").order_by("created_at", "id"))
    collection.add(Section("consultation_submissions", _("Statements you submitted to a vote"), [
        record(item.consultation.title, item, ["text", "status", "created_at"],
               extra_field("consultation", _("consultation"), item.consultation.title))
        for item in submissions]))
    collection.about(ConsultationStatement, [item.pk for item in submissions])


def erase(erasure: Erasure) -> None:
    """Votes stay (results and analyses are what they were); their link to the person goes.
    Submissions nobody voted on go; those others voted on stay, anonymous."""
    voters = Voter.objects.filter(registration__in=[r.pk for r in erasure.registrations])
    submissions = ConsultationStatement.objects.filter(submitted_by__in=voters)
    unvoted = list(submissions.annotate(voted=Count("votes")).filter(voted=0)
                   .values_list("pk", flat=True))
    core_personal_data.scrub_audit_log(ConsultationStatement,
                                       submissions.values_list("pk", flat=True))
    ConsultationStatement.objects.filter(pk__in=unvoted).delete()
    erasure.counts[gettext_noop("submissions deleted")] += len(unvoted)
    erasure.counts[gettext_noop("voters unlinked from the person")] += voters.update(
        registration=None)


def anonymize(anonymization: Anonymization) -> None:
    """Votes and submissions stay, as the consultation's record; the voters no longer lead to
    a registration."""
    anonymization.counts[gettext_noop("voters unlinked from the person")] += (
        Voter.objects.filter(registration__in=anonymization.registrations)
        .update(registration=None))


def blockers(dialogue) -> list[str]:
    """An open consultation still takes its participants' votes through their private links."""
    return [_("The consultation “%(title)s” is still open: close it first.") % {
        "title": consultation.title}
        for consultation in Consultation.objects.filter(dialogue=dialogue)
        if consultation.is_open()]
