"""A participant's personal data: the link that proves their e-mail address, what every app holds
about them (core/personal_data.py), their request for deletion and the secretariat's carrying it
out, and the anonymization of a closed dialogue's registrations. Each change runs in one
transaction and is audited without copying personal data into the audit log."""

import hashlib
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.core import personal_data as core_personal_data
from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.models import AuditEntry
from idm.core.personal_data import Anonymization, Collection, Erasure, Section, extra_field, record
from idm.dialogues import mail
from idm.dialogues.models import (
    DeletionRequest,
    Dialogue,
    IdentityChange,
    Person,
    Registration,
    RegistrationQuestion,
    SessionRole,
    Workshop,
    new_registration_token,
)

# The link to one's personal data works this long after it is sent, and is sent at most this
# often: whoever holds a private link may ask, and the e-mail goes to the registered address.
LINK_VALID = timedelta(hours=24)
LINK_INTERVAL = timedelta(minutes=10)
_SALT = "idm.dialogues.personal-data"

# What an anonymized person is called in the database; pages show Person.name, translated.
ANONYMOUS_NAME = "Anonymous"
ANONYMOUS_DOMAIN = "anonymized.invalid"  # RFC 2606: never delivered

PARTICIPANT = "participant (private link)"


class PersonalDataError(Exception):
    """An operation refused; the message says why."""


# The proof of the e-mail address ---------------------------------------------------------------
#
# A private link alone proves little: the registration form sends its author to the private page
# at once, whatever e-mail they typed, and a registration with someone else's address belongs to
# that someone (one person per e-mail). What idm holds about the person is shown only through a
# second link, e-mailed to the registration's address.


def _digest(registration: Registration) -> str:
    # The token and the address: a new private link or address makes old keys worthless.
    return hashlib.sha256(f"{registration.token}\n{registration.email}".encode()).hexdigest()


def data_key(registration: Registration) -> str:
    """The key of the e-mailed link: a timestamp and a signature of the registration's digest."""
    return signing.TimestampSigner(salt=_SALT).sign(_digest(registration)).split(":", 1)[1]


def check_data_key(registration: Registration, key: str) -> None:
    """Raises signing.SignatureExpired for an old key, signing.BadSignature for a wrong one."""
    signing.TimestampSigner(salt=_SALT).unsign(f"{_digest(registration)}:{key}",
                                               max_age=LINK_VALID)


def send_data_link(registration: Registration) -> bool:
    """E-mails the link to the participant's personal data to the registration's address; False
    when one went less than LINK_INTERVAL ago."""
    now = timezone.now()
    with transaction.atomic():
        # One conditional UPDATE: two clicks at once send one e-mail.
        sent = (Registration.objects
                .filter(pk=registration.pk, anonymized_at__isnull=True)
                .filter(Q(data_link_sent_at__isnull=True)
                        | Q(data_link_sent_at__lt=now - LINK_INTERVAL))
                .update(data_link_sent_at=now))
        if sent:
            pk = registration.pk
            transaction.on_commit(lambda: mail.send_data_link.enqueue(pk))
    return bool(sent)


# Gathering ------------------------------------------------------------------------------------


def gather(registration: Registration) -> Collection:
    """Everything idm holds about the registration's person, from every app."""
    person = registration.person
    registrations = list(person.registrations.select_related(
        "workshop__dialogue", "organization", "category", "country").order_by("created_at", "id"))
    return core_personal_data.collect(person, registrations, known_addresses(person,
                                                                             registrations))


def known_addresses(person: Person, registrations: list[Registration]) -> set[str]:
    """The addresses the person is known by: theirs and their registrations' (not the
    placeholders of anonymized ones)."""
    return {address.lower() for address in
            [person.email, *(r.email for r in registrations if r.anonymized_at is None)]
            if address}


def collect(collection: Collection) -> None:
    person = collection.person
    collection.add(Section("person", _("You, as recorded"), [record(
        person.full_name, person, ["honorific", "given_name", "family_name", "gender", "email"])]))
    collection.about(Person, [person.pk])

    registrations = collection.registrations
    questions = {str(q.pk): q.label for q in RegistrationQuestion.objects.filter(
        workshop__in={r.workshop_id for r in registrations})}
    collection.add(Section("registrations", _("Your registrations"), [record(
        registration.workshop.title, registration,
        ["email", "organization", "proposed_organization", "category", "country", "role",
         "consent_public", "needs", "language", "status", "created_at", "status_changed_at",
         "checked_in_at", "mail_status", "mail_error"],
        extra_field("workshop", _("workshop"), registration.workshop.slug),
        extra_field("answers", _("answers"), {questions.get(key, key): answer
                                              for key, answer in registration.answers.items()}),
    ) for registration in registrations]))
    collection.about(Registration, [r.pk for r in registrations])

    changes = list(person.identity_changes.all())
    collection.add(Section("identity_changes", _("Names proposed on registration forms"), [
        record(change.proposed_name, change, ["honorific", "given_name", "family_name",
                                               "gender", "status", "created_at", "decided_at"])
        for change in changes]))
    collection.about(IdentityChange, [c.pk for c in changes])

    roles = list(person.session_roles.select_related("session__workshop").order_by(
        "session__start"))
    collection.add(Section("session_roles", _("Your roles in sessions"), [record(
        role.session.title, role, ["role", "title", "organization_name"],
        extra_field("workshop", _("workshop"), role.session.workshop.slug),
        extra_field("start", _("start"), role.session.local_start)) for role in roles],
        note=_("Speakers are listed on the public agenda with the title and organization they "
               "had at the time.") if roles else ""))
    collection.about(SessionRole, [r.pk for r in roles])

    requests = list(person.deletion_requests.all())
    collection.add(Section("deletion_requests", _("Your requests for deletion"), [
        record(str(request_), request_, ["status", "requested_at", "done_at"])
        for request_ in requests]))
    collection.about(DeletionRequest, [r.pk for r in requests])


# Erasing and anonymizing ------------------------------------------------------------------------


def _anonymize_registrations(pks: list[int], *, keep_choices: bool) -> int:
    """Erases the contact details, free answers and private link of these registrations; keeps
    what statistics count: category, country, role, status, language, dates and check-in."""
    now = timezone.now()
    registrations = list(Registration.objects.filter(pk__in=pks, anonymized_at__isnull=True))
    kept_kinds = {RegistrationQuestion.Kind.CHOICE, RegistrationQuestion.Kind.YES_NO}
    kinds = dict(RegistrationQuestion.objects.filter(
        workshop__in={r.workshop_id for r in registrations}).values_list("pk", "kind"))
    for registration in registrations:
        registration.email = f"anonymous-{registration.pk}@{ANONYMOUS_DOMAIN}"
        registration.token = new_registration_token()
        registration.organization = None
        registration.proposed_organization = registration.needs = registration.mail_error = ""
        registration.consent_public = False
        registration.answers = {key: answer for key, answer in registration.answers.items()
                                if keep_choices and key.isdigit()
                                and kinds.get(int(key)) in kept_kinds}
        # An e-mail still queued about it finds itself superseded and is not sent.
        registration.mails_queued = F("mails_queued") + 1
        registration.data_link_sent_at = None
        registration.anonymized_at = now
    Registration.objects.bulk_update(registrations, [
        "email", "token", "organization", "proposed_organization", "needs", "mail_error",
        "consent_public", "answers", "mails_queued", "data_link_sent_at", "anonymized_at"],
        batch_size=500)
    core_personal_data.scrub_audit_log(Registration, [r.pk for r in registrations])
    return len(registrations)


def _anonymize_people(pks: list[int]) -> int:
    """Erases names and e-mails; the gender stays, for the statistics and panel balance."""
    done = Person.objects.filter(pk__in=pks, anonymized_at__isnull=True).update(
        honorific="", given_name="", family_name=ANONYMOUS_NAME, email="",
        anonymized_at=timezone.now())
    core_personal_data.scrub_audit_log(Person, pks)
    return done


def _delete_identity_changes(changes) -> int:
    pks = list(changes.values_list("pk", flat=True))
    core_personal_data.scrub_audit_log(IdentityChange, pks)
    # Deleted in bulk: the audit log's delete entries would copy the names.
    IdentityChange.objects.filter(pk__in=pks).delete()
    return len(pks)


def erase(erasure: Erasure) -> None:
    person = erasure.person
    pks = [r.pk for r in erasure.registrations]
    erasure.counts[gettext_noop("registrations anonymized")] += _anonymize_registrations(
        pks, keep_choices=False)
    erasure.counts[gettext_noop("proposed names deleted")] += _delete_identity_changes(
        IdentityChange.objects.filter(Q(person=person) | Q(registration_id__in=pks)))
    roles = SessionRole.objects.filter(person=person)
    if erasure.anonymize_person:
        # The organization stays (statistics count speakers by its category and country); the
        # title and the name printed with it would point to the person.
        blank = {f"{name}{suffix}": "" for name in ("title", "organization_name")
                 for suffix in ("", *(f"_{language}" for language in LANGUAGES))}
        # Not rewritten to the active language's column: every language's, and the raw one.
        erasure.counts[gettext_noop("roles in sessions made anonymous")] += (
            roles.rewrite(False).update(**blank))
        core_personal_data.scrub_audit_log(SessionRole, roles.values_list("pk", flat=True))
        erasure.counts[gettext_noop("people anonymized")] += _anonymize_people([person.pk])
    else:
        Person.objects.filter(pk=person.pk).update(email="")
        core_personal_data.scrub_audit_log(Person, [person.pk])
        erasure.counts[gettext_noop("e-mail addresses erased")] += 1
        erasure.kept.append(gettext_noop(
            "The name, title and organization on the agendas of the sessions where the person "
            "spoke: the public record of the dialogue."))


def anonymize(anonymization: Anonymization) -> None:
    """The dialogue's registrations lose their contact details; their people lose their names,
    except speakers (public on the agenda). A person also registered for another dialogue keeps
    that registration: their registrations here move to a new anonymous person of the same gender,
    so that each figure of this dialogue's statistics stays what it was."""
    people = set(anonymization.people)
    registrations = list(Registration.objects.filter(pk__in=anonymization.registrations)
                         .select_related("person"))
    speakers = set(SessionRole.objects.filter(
        person_id__in={r.person_id for r in registrations}).values_list("person_id", flat=True))
    replacements: dict[int, Person] = {}
    moved = []
    for registration in registrations:
        person = registration.person
        if person.pk in people or person.pk in speakers or person.anonymized_at is not None:
            continue
        if person.pk not in replacements:
            replacements[person.pk] = Person(family_name=ANONYMOUS_NAME, gender=person.gender,
                                             fictional=person.fictional,
                                             anonymized_at=timezone.now())
        registration.person = replacements[person.pk]
        moved.append(registration)
    Person.objects.bulk_create(replacements.values())
    for registration in moved:
        registration.person_id = registration.person.pk
    Registration.objects.bulk_update(moved, ["person"], batch_size=500)
    counts = anonymization.counts
    counts[gettext_noop("proposed names deleted")] += _delete_identity_changes(
        IdentityChange.objects.filter(registration_id__in=anonymization.registrations))
    counts[gettext_noop("registrations anonymized")] += _anonymize_registrations(
        anonymization.registrations, keep_choices=True)
    counts[gettext_noop("people anonymized")] += _anonymize_people(sorted(people))
    counts[gettext_noop("registrations moved to an anonymous person")] += len(moved)


def workshop_ended(workshop: Workshop) -> bool:
    """Its last day is over where it took place."""
    return timezone.localdate(timezone.now(), workshop.tz) > workshop.last_day


def blockers(dialogue: Dialogue) -> list[str]:
    return [_("The workshop “%(title)s” has not ended (its last day is %(day)s).") % {
        "title": workshop.title, "day": workshop.last_day.isoformat()}
        for workshop in dialogue.workshops.all() if not workshop_ended(workshop)]


# The participant's request, the secretariat's action ---------------------------------------------


def request_deletion(registration: Registration) -> tuple[DeletionRequest, bool]:
    """Records the participant's request and tells the secretariat; (request, whether new): a
    person has at most one request waiting."""
    with transaction.atomic():
        # Serializes two requests of the same person.
        person = Person.objects.select_for_update().get(pk=registration.person_id)
        waiting = person.deletion_requests.filter(status=DeletionRequest.Status.PENDING).first()
        if waiting is not None:
            return waiting, False
        request = core_services.save(DeletionRequest(
            person=person, registration=registration, language=registration.language),
            PARTICIPANT, validate=False)
        pk = request.pk
        transaction.on_commit(lambda: mail.send_deletion_notice.enqueue(pk))
    return request, True


def carry_out_deletion(request: DeletionRequest, actor, *,
                       keep_public_record: bool = True) -> DeletionRequest:
    """Erases what every app holds about the person, in one transaction.

    A speaker's public record (their name on agendas, the statements they made on the record in
    those sessions) stays when `keep_public_record`; otherwise the person is anonymized
    everywhere. The confirmation e-mail goes to the address the request was made from, which the
    request keeps until it is sent.
    """
    with transaction.atomic():
        # Only the request's row is locked: PostgreSQL locks no row of an outer join.
        request = (DeletionRequest.objects.select_for_update(of=("self",))
                   .select_related("registration").get(pk=request.pk))
        if request.status != DeletionRequest.Status.PENDING or request.person_id is None:
            raise PersonalDataError(_("This request has already been carried out."))
        person = Person.objects.select_for_update().get(pk=request.person_id)
        registrations = list(person.registrations.all())
        asked_from = request.registration
        address = (asked_from.email if asked_from is not None and asked_from.anonymized_at is None
                   else person.email)
        keep = keep_public_record and person.session_roles.exists()
        erasure = core_personal_data.erase(Erasure(person, registrations, not keep, actor,
                                                   emails=known_addresses(person, registrations)))
        request.status = DeletionRequest.Status.DONE
        request.done_at = timezone.now()
        request.done_by = actor if getattr(actor, "is_authenticated", False) else None
        request.kept_public_record = keep
        request.summary = {"erased": dict(erasure.counts), "kept": erasure.kept}
        request.confirmation_email = address
        request.mail_status = (DeletionRequest.MailStatus.PENDING if address
                               else DeletionRequest.MailStatus.NONE)
        core_services.save(request, actor, validate=False)
        core_services.record(actor, AuditEntry.Action.UPDATE, Person.objects.get(pk=person.pk), {
            "personal data": [None, f"erased (deletion request {request.pk})"]})
        if address:
            pk = request.pk
            transaction.on_commit(lambda: mail.send_deletion_confirmation.enqueue(pk))
    return request


# A closed dialogue ------------------------------------------------------------------------------


def anonymization_blockers(dialogue: Dialogue) -> list[str]:
    """Why the dialogue cannot be anonymized yet, from every app; empty when it can."""
    return core_personal_data.blockers(dialogue)


def anonymization_plan(dialogue: Dialogue) -> Anonymization:
    """What anonymizing the dialogue would do: its registrations not yet anonymized, and the
    people whose names would go (neither speakers nor registered for another dialogue)."""
    rows = list(Registration.objects.filter(workshop__dialogue=dialogue,
                                            anonymized_at__isnull=True)
                .values_list("pk", "person_id"))
    people = {person for _pk, person in rows}
    keep = set(SessionRole.objects.filter(person_id__in=people).values_list("person_id",
                                                                            flat=True))
    keep |= set(Registration.objects.filter(person_id__in=people, anonymized_at__isnull=True)
                .exclude(workshop__dialogue=dialogue).values_list("person_id", flat=True))
    keep |= set(Person.objects.filter(pk__in=people, anonymized_at__isnull=False)
                .values_list("pk", flat=True))
    return Anonymization(dialogue, [pk for pk, _person in rows], sorted(people - keep), None)


def anonymize_dialogue(dialogue: Dialogue, actor) -> Anonymization:
    """Anonymizes a closed dialogue's registrations, in one transaction; refused while a
    workshop has not ended (or another app says why not). Running it again changes nothing."""
    with transaction.atomic():
        # Two runs at once: the second waits, then finds nothing left to do.
        dialogue = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
        reasons = anonymization_blockers(dialogue)
        if reasons:
            raise PersonalDataError(" ".join(reasons))
        anonymization = anonymization_plan(dialogue)
        anonymization.actor = actor
        core_personal_data.anonymize(anonymization)
        if any(anonymization.counts.values()):
            core_services.record(actor, AuditEntry.Action.UPDATE, dialogue, {
                "anonymized": {key: count for key, count in anonymization.counts.items()
                               if count}})
    return anonymization
