"""Operations that change dialogues, workshops and agendas; each runs in one transaction and is audited."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from idm.core import services as core_services
from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.core.spreadsheets import ImportFileError, RowError
from idm.dialogues import mail
from idm.dialogues.exports import COLUMN_NAMES, LANGUAGES
from idm.dialogues.imports import SessionPlan, SpeakerPlan, WorkshopPlan, read_agenda
from idm.dialogues.models import (
    Dialogue,
    Organization,
    Person,
    Registration,
    Session,
    SessionRole,
    Workshop,
)
from idm.dialogues.participant_files import QUESTION_PREFIX, columns_for, read_participants


@dataclass
class AgendaImportResult:
    workshops: int
    sessions: int
    speakers: int
    people_created: int
    organizations_created: int


# Model fields that an import error may name, mapped to the file's columns.
SESSION_FIELD_COLUMNS = {"start": "start", "end": "end", "room": "room", "kind": "kind",
                         "title": "title_en", "title_en": "title_en", "source_note": "source_note",
                         **{f"title_{lang}": f"title_{lang}" for lang in LANGUAGES}}
WORKSHOP_FIELD_COLUMNS = {"time_zone": "time_zone", "first_day": "first_day",
                          "last_day": "last_day", "slug": "workshop", "title": "workshop_title_en",
                          "city": "workshop_city_en",
                          **{f"{f}_{lang}": f"workshop_{f}_{lang}"
                             for f in ("title", "city", "venue") for lang in LANGUAGES}}
PERSON_FIELD_COLUMNS = {"email": "email", "family_name": "family_name",
                        "given_name": "given_name", "honorific": "honorific"}


def _validation_errors(row: int, error: ValidationError, columns: dict,
                       default: str) -> list[RowError]:
    found = []
    for name, messages in error.message_dict.items():
        for message in messages:
            found.append(RowError(row, columns.get(name, default), message))
    return found


def import_agenda(dialogue: Dialogue, content: bytes, filename: str, actor, *,
                  replace: bool = False) -> AgendaImportResult:
    """Creates the workshops, sessions and speakers of an agenda file in `dialogue`.

    All or nothing: any bad row raises ImportFileError naming every bad row and field, and
    the database is left as it was. A workshop that already has sessions is only overwritten
    with `replace`.
    """
    plans = read_agenda(content, filename)
    importer = _AgendaImporter(dialogue, actor, replace)
    with transaction.atomic():
        for plan in plans:
            importer.import_workshop(plan)
        if importer.errors:
            # Raising inside the atomic block undoes every row already written.
            raise ImportFileError(importer.errors, COLUMN_NAMES)
        core_services.record(actor, AuditEntry.Action.IMPORT, dialogue, {
            "file": filename, "workshops": importer.result.workshops,
            "sessions": importer.result.sessions, "speakers": importer.result.speakers})
    return importer.result


class _AgendaImporter:
    def __init__(self, dialogue: Dialogue, actor, replace: bool):
        self.dialogue, self.actor, self.replace = dialogue, actor, replace
        self.errors: list[RowError] = []
        self.result = AgendaImportResult(0, 0, 0, 0, 0)
        self.categories = {c.code: c for c in StakeholderCategory.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}

    def import_workshop(self, plan: WorkshopPlan) -> None:
        workshop = Workshop.objects.filter(slug=plan.slug).first()
        if workshop is not None and workshop.dialogue_id != self.dialogue.pk:
            self.errors.append(RowError(plan.row, "workshop", _(
                "The workshop %(slug)s belongs to dialogue No. %(number)s.") % {
                "slug": plan.slug, "number": workshop.dialogue.number}))
            return
        if workshop is not None and workshop.sessions.exists() and not self.replace:
            self.errors.append(RowError(plan.row, "workshop", _(
                "The workshop %(slug)s already has an agenda; import with replace to "
                "overwrite it.") % {"slug": plan.slug}))
            return
        workshop = workshop or Workshop(dialogue=self.dialogue, slug=plan.slug)
        values = plan.values
        workshop.time_zone = values.get("time_zone", "")
        workshop.first_day = values.get("first_day")
        workshop.last_day = values.get("last_day")
        for field in ("title", "city", "venue"):
            for lang in LANGUAGES:
                setattr(workshop, f"{field}_{lang}", values.get(f"workshop_{field}_{lang}", ""))
        try:
            core_services.save(workshop, self.actor)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, WORKSHOP_FIELD_COLUMNS, "workshop")
            return
        if self.replace:
            for session in workshop.sessions.all():
                core_services.delete(session, self.actor)
        self.result.workshops += 1
        for order, session_plan in enumerate(plan.sessions.values()):
            self.import_session(workshop, session_plan, order)

    def import_session(self, workshop: Workshop, plan: SessionPlan, order: int) -> None:
        values = plan.values
        session = Session(workshop=workshop, kind=values.get("kind", Session.Kind.OTHER),
                          room=values.get("room", ""), order=order,
                          illustrative=values.get("illustrative", False),
                          source_note=values.get("source_note", ""))
        for field in ("title", "description"):
            for lang in LANGUAGES:
                setattr(session, f"{field}_{lang}", values.get(f"{field}_{lang}", ""))
        session.start = workshop.aware(values["date"], values["start"])
        session.end = workshop.aware(values["date"], values["end"])
        try:
            core_services.save(session, self.actor)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, SESSION_FIELD_COLUMNS, "session")
            return
        self.result.sessions += 1
        for index, speaker in enumerate(plan.speakers):
            self.import_speaker(session, speaker, index)

    def import_speaker(self, session: Session, plan: SpeakerPlan, order: int) -> None:
        values = plan.values
        person = self.find_or_create_person(plan)
        organization = self.find_or_create_organization(plan)
        if person is None or (organization is None and _organization_named(values)):
            return
        link = SessionRole(session=session, person=person, role=values["role"],
                           organization=organization, order=order)
        for lang in LANGUAGES:
            setattr(link, f"title_{lang}", values.get(f"speaker_title_{lang}", ""))
            setattr(link, f"organization_name_{lang}", values.get(f"organization_{lang}", ""))
        try:
            core_services.save(link, self.actor)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, {"person": "family_name"}, "role")
            return
        self.result.speakers += 1

    def find_or_create_person(self, plan: SpeakerPlan) -> Person | None:
        values = plan.values
        email = values.get("email", "")
        people = Person.objects.all()
        if email:
            person = people.filter(email__iexact=email).first()
        else:
            person = people.filter(given_name=values.get("given_name", ""),
                                   family_name=values["family_name"]).first()
        if person is not None:
            return person
        person = Person(honorific=values.get("honorific", ""),
                        given_name=values.get("given_name", ""),
                        family_name=values["family_name"], email=email,
                        fictional=values.get("speaker_fictional", False))
        try:
            core_services.save(person, self.actor)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, PERSON_FIELD_COLUMNS, "family_name")
            return None
        self.result.people_created += 1
        return person

    def find_or_create_organization(self, plan: SpeakerPlan) -> Organization | None:
        values = plan.values
        if not _organization_named(values):
            return None
        acronym = values.get("organization_acronym", "")
        name = values.get("organization_en", "")
        organizations = Organization.objects.all()
        found = None
        if acronym:
            found = organizations.filter(acronym__iexact=acronym).first()
        if found is None and name:
            found = organizations.filter(name_en__iexact=name).first()
        if found is not None:
            return found
        category = self.categories.get(values.get("organization_category", ""))
        if category is None:
            self.errors.append(RowError(plan.row, "organization_category", _(
                "'%(name)s' is a new organization: give its stakeholder category, one of: "
                "%(codes)s.") % {"name": name or acronym, "codes": ", ".join(self.categories)}))
            return None
        country = None
        if values.get("organization_country"):
            country = self.countries.get(values["organization_country"])
            if country is None:
                self.errors.append(RowError(plan.row, "organization_country", _(
                    "'%(code)s' is not an ISO country code.") % {
                    "code": values["organization_country"]}))
                return None
        organization = Organization(acronym=acronym, category=category, country=country,
                                    fictional=values.get("organization_fictional", False))
        for lang in LANGUAGES:
            setattr(organization, f"name_{lang}", values.get(f"organization_{lang}", ""))
        if not organization.name_en:
            organization.name_en = acronym
        core_services.save(organization, self.actor)
        self.result.organizations_created += 1
        return organization


def _organization_named(values: dict) -> bool:
    return bool(values.get("organization_en") or values.get("organization_acronym"))


# Registration -------------------------------------------------------------------------------


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


def person_for_email(email: str, actor, *, given_name: str = "", family_name: str = "",
                     honorific: str = "", gender: str = "", fictional: bool = False) -> Person:
    """The person with this e-mail, created or completed with the names given."""
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        try:
            # A savepoint: another transaction may create the same person at the same moment.
            with transaction.atomic():
                return core_services.save(Person(
                    email=email, given_name=given_name, family_name=family_name,
                    honorific=honorific, gender=gender, fictional=fictional), actor,
                    validate=False)
        except IntegrityError:
            person = Person.objects.filter(email__iexact=email).first()
            if person is None:
                raise
    changed = False
    for field, value in (("given_name", given_name), ("family_name", family_name),
                         ("honorific", honorific), ("gender", gender)):
        if value and getattr(person, field) != value:
            setattr(person, field, value)
            changed = True
    if changed:
        core_services.save(person, actor)
    return person


def register(workshop: Workshop, data: RegistrationData, actor=None) -> Registration:
    """Registers a person: pending (or approved) while places remain, waitlisted after.

    Never exceeds the capacity and never registers one e-mail twice for a workshop, however
    many registrations arrive at once.
    """
    email = data.email.strip().lower()
    actor = actor or "registration form"
    with transaction.atomic():
        # The person first: it needs no place, so the workshop stays locked for less time.
        person = person_for_email(email, actor, given_name=data.given_name,
                                  family_name=data.family_name, honorific=data.honorific,
                                  gender=data.gender)
        workshop = _lock(workshop)
        if workshop.registrations.filter(email=email).exists():
            raise RegistrationError(_(
                "%(email)s is already registered for this workshop. The e-mail we sent has "
                "your private link.") % {"email": email})
        if not _has_free_place(workshop):
            status = Registration.Status.WAITLISTED
        elif workshop.requires_approval:
            status = Registration.Status.PENDING
        else:
            status = Registration.Status.APPROVED
        registration = Registration(
            workshop=workshop, person=person, email=email, organization=data.organization,
            proposed_organization=data.proposed_organization.strip(), category=data.category,
            country=data.country, role=data.role, consent_public=data.consent_public,
            needs=data.needs.strip(), language=data.language, answers=data.answers or {},
            status=status)
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



@dataclass
class ParticipantImportResult:
    created: int
    updated: int
    merged_rows: int


def import_participants(workshop: Workshop, content: bytes, filename: str,
                        actor) -> ParticipantImportResult:
    """Creates or updates the registrations of a participants file, all or nothing.

    Rows are matched to registrations by e-mail; the file's statuses are taken as they are
    (no e-mail is sent), but the capacity still holds.
    """
    plans = read_participants(content, filename, workshop)
    categories = {c.code: c for c in StakeholderCategory.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
    organizations = {}
    for organization in Organization.objects.all():
        for name in (organization.acronym, *(getattr(organization, f"name_{lang}")
                                             for lang in LANGUAGES)):
            if name:
                organizations.setdefault(name.strip().lower(), organization)
    errors: list[RowError] = []
    result = ParticipantImportResult(0, 0, sum(len(p.rows) - 1 for p in plans))
    with transaction.atomic():
        workshop = _lock(workshop)
        existing = {r.email: r for r in workshop.registrations.select_related("person")}
        seated = sum(1 for r in existing.values() if r.status in Registration.SEATED)
        for plan in plans:
            values = plan.values
            registration = existing.get(values["email"])
            category = categories.get(values.get("category", ""))
            if values.get("category") and category is None:
                errors.append(RowError(plan.row, "category", _(
                    "'%(value)s' is not a stakeholder category; use one of: %(codes)s.") % {
                    "value": values["category"], "codes": ", ".join(categories)}))
                continue
            if registration is None and category is None:
                errors.append(RowError(plan.row, "category", _(
                    "A new participant needs a stakeholder category.")))
                continue
            country = None
            if values.get("country"):
                country = countries.get(values["country"])
                if country is None:
                    errors.append(RowError(plan.row, "country", _(
                        "'%(code)s' is not an ISO country code.") % {"code": values["country"]}))
                    continue
            was_seated = registration is not None and registration.status in Registration.SEATED
            person = person_for_email(
                values["email"], actor, given_name=values.get("given_name", ""),
                family_name=values.get("family_name", ""),
                honorific=values.get("honorific", ""), gender=values.get("gender", ""))
            if registration is None:
                registration = Registration(workshop=workshop, person=person,
                                            email=values["email"], category=category,
                                            status=Registration.Status.APPROVED)
                result.created += 1
            else:
                result.updated += 1
            if category is not None:
                registration.category = category
            if country is not None:
                registration.country = country
            if "organization" in values:
                organization = organizations.get(values["organization"].lower())
                registration.organization = organization
                registration.proposed_organization = "" if organization else values["organization"]
            for column, field in (("role", "role"), ("status", "status"), ("language", "language"),
                                  ("needs", "needs"), ("listed_publicly", "consent_public")):
                if column in values:
                    setattr(registration, field, values[column])
            answers = dict(registration.answers)
            for question in workshop.questions.all():
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
                core_services.save(registration, actor)
            except ValidationError as error:
                errors += _validation_errors(plan.row, error, {"email": "email"}, "email")
        if errors:
            raise ImportFileError(errors, columns_for(workshop))
        core_services.record(actor, AuditEntry.Action.IMPORT, workshop, {
            "file": filename, "created": result.created, "updated": result.updated})
    return result
