"""The statements a person made, in what idm holds about them; how a deletion or a closed
dialogue's anonymization changes their attribution (registered in apps.py)."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.core import personal_data as core_personal_data
from idm.core.personal_data import Anonymization, Collection, Erasure, Section, extra_field, record
from idm.deliberation.models import Statement
from idm.dialogues.models import SessionRole

ATTRIBUTED = Statement.Attribution.ATTRIBUTED
ANONYMOUS = Statement.Attribution.ANONYMOUS


def collect(collection: Collection) -> None:
    statements = list(Statement.objects.filter(person=collection.person)
                      .select_related("session__workshop", "reference_event")
                      .order_by("session__start", "reference_event__first_day", "order", "id"))
    records = []
    for statement in statements:
        where = statement.session.title if statement.session_id else statement.reference_event.title
        records.append(record(
            where, statement, ["attribution", "kind", "said_at", "language", "text",
                               "speaker_organization", "complete"],
            extra_field("where", _("where"), where)))
    collection.add(Section("statements", _("Statements attributed to you"), records, note=_(
        "Each statement's attribution policy decides what the public sees of its speaker: the "
        "name (attributed), at most the stakeholder category (not for attribution), or nothing "
        "(anonymous).") if records else ""))
    collection.about(Statement, [s.pk for s in statements])


def _on_the_record(person):
    """The person's attributed statements in the sessions where they were on the agenda: what
    they said on the record, as a speaker, before the public."""
    on_agenda = SessionRole.objects.filter(session_id=OuterRef("session_id"), person=person)
    return Statement.objects.filter(person=person, attribution=ATTRIBUTED).filter(
        Exists(on_agenda))


def erase(erasure: Erasure) -> None:
    person = erasure.person
    statements = Statement.objects.filter(person=person)
    if erasure.anonymize_person:
        # The words stay (the dialogue's record, others' evidence); the speaker does not.
        anonymous = statements.filter(attribution=ATTRIBUTED).update(attribution=ANONYMOUS)
        statements.update(speaker_organization="")
        core_personal_data.scrub_audit_log(Statement, statements.values_list("pk", flat=True))
        erasure.counts[gettext_noop("statements made anonymous")] += anonymous
        return
    kept = _on_the_record(person)
    elsewhere = statements.filter(attribution=ATTRIBUTED).exclude(pk__in=kept)
    erasure.counts[gettext_noop("statements made anonymous")] += elsewhere.update(
        attribution=ANONYMOUS)
    if count := kept.count():
        erasure.counts[gettext_noop("statements kept attributed (on the record)")] += count
        erasure.kept.append(gettext_noop(
            "The statements the person made on the record, attributed, in the sessions where "
            "they spoke."))


def anonymize(anonymization: Anonymization) -> None:
    """The statements of people whose names go stop being attributed; speakers' statements stay
    as their policy says."""
    statements = Statement.objects.filter(person_id__in=anonymization.people)
    anonymization.counts[gettext_noop("statements made anonymous")] += statements.filter(
        attribution=ATTRIBUTED).update(attribution=ANONYMOUS)
    statements.update(speaker_organization="")
    core_personal_data.scrub_audit_log(Statement, statements.values_list("pk", flat=True))
