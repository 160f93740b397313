"""Registration of participants: places, the waiting list and its e-mails, the names a public
form proposes (identity changes), and the secretariat's participants files; each operation runs
in one transaction and is audited."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.core.reference import ReferenceLookup
from idm.core.spreadsheets import ImportFileError, RowError, validation_errors
from idm.dialogues import mail
from idm.dialogues.models import (
    IdentityChange,
    Organization,
    Person,
    Registration,
    Workshop,
)
from idm.dialogues.participant_files import QUESTION_PREFIX, columns_for, read_participants
from idm.dialogues.services import PERSON_FIELD_COLUMNS


class RegistrationError(Exception):
    """A registration or a change of status that cannot be made; the message says why."""


@dataclass
class RegistrationData:
    email: str
    family_name: str
    category: StakeholderCategory
    given_name: str = ""
    honorific: str = ""
    gender: str = ""
    organization: Organization | None = None
    proposed_organization: str = ""
    country: Country | None = None
    role: str = Registration.Role.PARTICIPANT
    consent_public: bool = False
    needs: str = ""
    language: str = "en"
    answers: dict | None = None


def publicly_listed(workshop: Workshop):
    """The approved participants who agreed to be listed, and nothing else about anyone: the
    public participants page and the API list these."""
    return (workshop.registrations
            .filter(status=Registration.Status.APPROVED, consent_public=True)
            .select_related("person", "organization", "country")
            .order_by("person__family_name", "person__given_name", "pk"))


def _seated(workshop: Workshop) -> int:
    return workshop.registrations.filter(status__in=Registration.SEATED).count()


def _has_free_place(workshop: Workshop) -> bool:
    return workshop.capacity is None or _seated(workshop) < workshop.capacity


def _lock(workshop: Workshop) -> Workshop:
    """Serializes changes to one workshop's places (a row lock on PostgreSQL; SQLite's
    IMMEDIATE transactions already serialize every writer), and reads its capacity afresh."""
    workshop.capacity, workshop.requires_approval = (
        Workshop.objects.select_for_update().filter(pk=workshop.pk)
        .values_list("capacity", "requires_approval").get())
    return workshop


def _registrant(email: str, data: RegistrationData, actor) -> tuple[Person, dict]:
    """The person a public registration is for, and the names typed if they differ from the
    record: those become an identity change for the secretariat, never a change of the person."""
    typed = {name: getattr(data, name).strip() for name in IdentityChange.FIELDS}
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        try:
            # A savepoint: another registration may create the same person at the same moment.
            with transaction.atomic():
                return core_services.save(Person(email=email, **typed), actor,
                                          validate=False), {}
        except IntegrityError:
            person = Person.objects.get(email__iexact=email)
    if any(value and value != getattr(person, name) for name, value in typed.items()):
        return person, typed
    return person, {}


def register(workshop: Workshop, data: RegistrationData, actor=None) -> Registration:
    """Registers a person: pending (or approved) while places remain, waitlisted after.

    Never exceeds the capacity and never registers one e-mail twice for a workshop, however
    many registrations arrive at once. Never changes an existing person: names that differ from
    the record wait for the secretariat as an identity change.
    """
    email = data.email.strip().lower()
    actor = actor or "registration form"
    with transaction.atomic():
        # The person first: it needs no place, so the workshop stays locked for less time.
        person, proposed = _registrant(email, data, actor)
        registration = Registration(
            workshop=workshop, person=person, email=email, organization=data.organization,
            proposed_organization=data.proposed_organization.strip(), category=data.category,
            country=data.country, role=data.role, consent_public=data.consent_public,
            needs=data.needs.strip(), language=data.language, answers=data.answers or {})
        add_registration(registration, actor)
        if proposed:
            core_services.save(IdentityChange(person=person, registration=registration,
                                              **proposed), actor, validate=False)
    return registration


def add_registration(registration: Registration, actor) -> Registration:
    """Saves a new registration with the status its workshop's places give it, and tells the
    participant; every way of adding one (form, admin) comes through here."""
    with transaction.atomic():
        workshop = _lock(registration.workshop)
        email = registration.email.strip().lower()
        if workshop.registrations.filter(email=email).exists():
            raise RegistrationError(_(
                "%(email)s is already registered for this workshop. The e-mail we sent has "
                "your private link.") % {"email": email})
        if not _has_free_place(workshop):
            registration.status = Registration.Status.WAITLISTED
        elif workshop.requires_approval:
            registration.status = Registration.Status.PENDING
        else:
            registration.status = Registration.Status.APPROVED
        try:
            with transaction.atomic():
                # Checked above under the lock; the database's unique constraint stands guard.
                core_services.save(registration, actor, validate=False)
        except IntegrityError as error:
            raise RegistrationError(_(
                "%(email)s is already registered for this workshop.") % {"email": email}) from error
        mail.notify(registration, mail.RECEIVED)
    return registration


# What each action does: the statuses it accepts, the status it gives, whether it needs a place.
ACTIONS = {
    "approve": ((Registration.Status.PENDING, Registration.Status.WAITLISTED,
                 Registration.Status.REJECTED), Registration.Status.APPROVED),
    "reject": ((Registration.Status.PENDING, Registration.Status.WAITLISTED,
                Registration.Status.APPROVED), Registration.Status.REJECTED),
    "promote": ((Registration.Status.WAITLISTED,), None),
    "withdraw": ((Registration.Status.PENDING, Registration.Status.APPROVED,
                  Registration.Status.WAITLISTED), Registration.Status.WITHDRAWN),
}
ACTION_MAIL = {"approve": "approved", "reject": "rejected", "promote": "promoted",
               "withdraw": "withdrawn"}


def change_status(registration: Registration, action: str, actor) -> Registration:
    """Approves, rejects, promotes or withdraws one registration, then fills freed places."""
    with transaction.atomic():
        workshop = _lock(registration.workshop)
        registration = Registration.objects.select_related("person").get(pk=registration.pk)
        _apply(registration, workshop, action, actor)
        fill_free_places(workshop, actor)
    return registration


def change_many(registrations, action: str, actor) -> tuple[int, list[str]]:
    """The same action on many registrations, in one transaction; returns (done, refusals)."""
    done, refused = 0, []
    with transaction.atomic():
        workshops = {}
        for registration in registrations:
            workshop = workshops.setdefault(registration.workshop_id, _lock(registration.workshop))
            registration = Registration.objects.select_related("person").get(pk=registration.pk)
            try:
                _apply(registration, workshop, action, actor)
                done += 1
            except RegistrationError as error:
                refused.append(f"{registration.person}: {error}")
        for workshop in workshops.values():
            fill_free_places(workshop, actor)
    return done, refused


def _apply(registration: Registration, workshop: Workshop, action: str, actor) -> None:
    accepted, target = ACTIONS[action]
    if registration.status not in accepted:
        raise RegistrationError(_("cannot %(action)s a registration that is %(status)s.") % {
            "action": _action_label(action), "status": registration.get_status_display().lower()})
    if action == "promote":
        target = (Registration.Status.PENDING if workshop.requires_approval
                  else Registration.Status.APPROVED)
    needs_place = (target in Registration.SEATED
                   and registration.status not in Registration.SEATED)
    if needs_place and not _has_free_place(workshop):
        raise RegistrationError(_("no free place: the capacity of %(capacity)s is reached.") % {
            "capacity": workshop.capacity})
    registration.status = target
    registration.status_changed_at = timezone.now()
    core_services.save(registration, actor)
    if action == "withdraw":
        # A name proposed with the registration goes with it.
        for change in IdentityChange.objects.filter(registration=registration,
                                                    status=IdentityChange.Status.PENDING):
            _decide(change, IdentityChange.Status.WITHDRAWN, actor)
    mail.notify(registration, ACTION_MAIL[action])


def _action_label(action: str) -> str:
    return {"approve": _("approve"), "reject": _("reject"), "promote": _("promote"),
            "withdraw": _("withdraw")}[action]


def fill_free_places(workshop: Workshop, actor) -> int:
    """Promotes waitlisted registrations, first come first served, while places are free."""
    if workshop.capacity is None:
        free = workshop.registrations.filter(status=Registration.Status.WAITLISTED).count()
    else:
        free = max(0, workshop.capacity - _seated(workshop))
    waiting = list(workshop.registrations.filter(status=Registration.Status.WAITLISTED)
                   .select_related("person").order_by("created_at", "id")[:free])
    for registration in waiting:
        _apply(registration, workshop, "promote", actor)
    return len(waiting)



# Identity changes proposed by public registrations ------------------------------------------


def accept_identity_change(change: IdentityChange, actor) -> Person:
    """Renames the person as proposed: the agenda, statements and report follow."""
    with transaction.atomic():
        change = IdentityChange.objects.select_for_update().select_related("person").get(
            pk=change.pk)
        if change.status != IdentityChange.Status.PENDING:
            raise RegistrationError(_("This change is already %(status)s.") % {
                "status": change.get_status_display().lower()})
        person = change.person
        for name, value in _proposed_values(change).items():
            setattr(person, name, value)
        core_services.save(person, actor)
        _decide(change, IdentityChange.Status.ACCEPTED, actor)
    return person


def refuse_identity_change(change: IdentityChange, actor) -> IdentityChange:
    """Keeps the person as recorded; the registration keeps the name it was made with."""
    with transaction.atomic():
        change = IdentityChange.objects.select_for_update().get(pk=change.pk)
        if change.status != IdentityChange.Status.PENDING:
            raise RegistrationError(_("This change is already %(status)s.") % {
                "status": change.get_status_display().lower()})
        return _decide(change, IdentityChange.Status.REFUSED, actor)


def _proposed_values(change: IdentityChange) -> dict:
    return {name: getattr(change, name) for name in IdentityChange.FIELDS
            if getattr(change, name)}


def _decide(change: IdentityChange, status: str, actor) -> IdentityChange:
    change.status = status
    change.decided_at = timezone.now()
    change.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    return core_services.save(change, actor, validate=False)


@dataclass
class ParticipantImportResult:
    created: int
    updated: int
    merged_rows: int


def import_participants(workshop: Workshop, content: bytes, filename: str,
                        actor) -> ParticipantImportResult:
    """Creates or updates the registrations of a participants file, all or nothing.

    Rows are matched to registrations by e-mail; the file's statuses are taken as they are
    (no e-mail is sent), but the capacity still holds. The file is the secretariat's own: its
    names update the people they name. Everything is checked first, then written in bulk, so
    that the workshop stays locked for seconds, not minutes.
    """
    plans = read_participants(content, filename, workshop)
    reference = ReferenceLookup()
    organizations = {}
    for organization in Organization.objects.all():
        for name in (organization.acronym, *(getattr(organization, f"name_{lang}")
                                             for lang in LANGUAGES)):
            if name:
                organizations.setdefault(name.strip().lower(), organization)
    questions = list(workshop.questions.all())
    errors: list[RowError] = []
    result = ParticipantImportResult(0, 0, sum(len(p.rows) - 1 for p in plans))
    with transaction.atomic():
        workshop = _lock(workshop)
        existing = {r.email: r for r in workshop.registrations.select_related("person")}
        people = _people_by_email([plan.values["email"] for plan in plans])
        seated = sum(1 for r in existing.values() if r.status in Registration.SEATED)
        registrations, touched_people = [], {}
        for plan in plans:
            values = plan.values
            registration = existing.get(values["email"])
            found = {}
            for column, find in (("category", reference.category),
                                 ("country", reference.country)):
                try:
                    found[column] = find(values[column]) if values.get(column) else None
                except ValueError as error:
                    errors.append(RowError(plan.row, column, str(error)))
            if len(found) < 2:
                continue
            category, country = found["category"], found["country"]
            if registration is None and category is None:
                errors.append(RowError(plan.row, "category", _(
                    "A new participant needs a stakeholder category.")))
                continue
            person = _person_from_row(people, values)
            try:
                person.clean_fields()
            except ValidationError as error:
                errors += validation_errors(plan.row, error, PERSON_FIELD_COLUMNS, "email")
                continue
            touched_people[values["email"]] = person
            was_seated = registration is not None and registration.status in Registration.SEATED
            if registration is None:
                registration = Registration(workshop=workshop, email=values["email"],
                                            category=category,
                                            status=Registration.Status.APPROVED)
                result.created += 1
            else:
                result.updated += 1
            registration.person = person
            if category is not None:
                registration.category = category
            if country is not None:
                registration.country = country
            if "organization" in values:
                organization = organizations.get(values["organization"].lower())
                registration.organization = organization
                registration.proposed_organization = "" if organization else values["organization"]
            for column, name in (("role", "role"), ("status", "status"), ("language", "language"),
                                 ("needs", "needs"), ("listed_publicly", "consent_public")):
                if column in values:
                    setattr(registration, name, values[column])
            answers = dict(registration.answers)
            for question in questions:
                answer = values.get(QUESTION_PREFIX + question.label_en)
                if answer:
                    answers[str(question.pk)] = answer
            registration.answers = answers
            seated += (registration.status in Registration.SEATED) - was_seated
            if workshop.capacity is not None and seated > workshop.capacity:
                errors.append(RowError(plan.row, "status", _(
                    "The capacity of %(capacity)s places is exceeded here; import this row as "
                    "waitlisted or raise the capacity.") % {"capacity": workshop.capacity}))
                seated -= 1
                continue
            try:
                registration.clean_fields(exclude=["workshop", "person", "organization",
                                                   "category", "country"])
            except ValidationError as error:
                errors += validation_errors(plan.row, error, {"email": "email"}, "email")
                continue
            registrations.append(registration)
        if errors:
            raise ImportFileError(errors, columns_for(workshop))
        try:
            with transaction.atomic():
                core_services.save_many(list(touched_people.values()), actor)
                core_services.save_many(registrations, actor)
        except IntegrityError as error:
            # Only a registration made on the web during the import can collide with it.
            raise ImportFileError([RowError(0, "file", _(
                "Someone registered with an e-mail of this file while it was being imported; "
                "nothing was imported. Import the file again."))]) from error
        core_services.record(actor, AuditEntry.Action.IMPORT, workshop, {
            "file": filename, "created": result.created, "updated": result.updated})
    return result


def _people_by_email(emails: list[str], chunk: int = 900) -> dict[str, Person]:
    people = {}
    for start in range(0, len(emails), chunk):
        found = Person.objects.annotate(lower_email=Lower("email")).filter(
            lower_email__in=emails[start:start + chunk])
        people.update((person.lower_email, person) for person in found)
    return people


def _person_from_row(people: dict[str, Person], values: dict) -> Person:
    """The person of a file's row: known by the e-mail, and renamed as the file says (the
    secretariat's file), or new."""
    email = values["email"]
    person = people.get(email)
    if person is None:
        person = people[email] = Person(email=email)
    for name in ("given_name", "family_name", "honorific", "gender"):
        if values.get(name):
            setattr(person, name, values[name])
    return person
