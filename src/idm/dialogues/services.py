"""Operations that change dialogues, workshops and agendas; each runs in one transaction and is audited."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from idm.core import services as core_services
from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.core.spreadsheets import ImportFileError, RowError, shown
from idm.dialogues import mail
from idm.dialogues.exports import COLUMN_NAMES, LANGUAGES
from idm.dialogues.imports import SessionPlan, SpeakerPlan, WorkshopPlan, read_agenda
from idm.dialogues.models import (
    Dialogue,
    IdentityChange,
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
    workshops: int = 0
    sessions: int = 0
    speakers: int = 0
    people_created: int = 0
    organizations_created: int = 0
    sessions_kept: int = 0
    sessions_deleted: int = 0
    deleted_with_sessions: dict = field(default_factory=dict)


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
# What replacing an agenda may delete without being told: the agenda itself.
AGENDA_MODELS = (Session, SessionRole)


def _validation_errors(row: int, error: ValidationError, columns: dict,
                       default: str) -> list[RowError]:
    found = []
    for name, messages in error.message_dict.items():
        for message in messages:
            found.append(RowError(row, columns.get(name, default), message))
    return found


def import_agenda(dialogue: Dialogue, content: bytes, filename: str, actor, *,
                  replace: bool = False,
                  delete_with_statements: bool = False) -> AgendaImportResult:
    """Creates the workshops, sessions and speakers of an agenda file in `dialogue`.

    All or nothing: any bad row raises ImportFileError naming every bad row and field, and
    the database is left as it was. A workshop that already has sessions is only changed with
    `replace`: sessions of the file are matched to the workshop's (by the file's session_id, or
    by start and English title) and updated in place, so their statements stay; a session the
    file no longer has is deleted, but not when the deletion would take statements or anything
    else beyond the agenda, unless `delete_with_statements`. Every deletion is audited.
    """
    plans = read_agenda(content, filename)
    importer = _AgendaImporter(dialogue, actor, replace, delete_with_statements)
    with transaction.atomic():
        for plan in plans:
            importer.import_workshop(plan)
        if importer.errors:
            # Raising inside the atomic block undoes every row already written.
            raise ImportFileError(importer.errors, COLUMN_NAMES)
        result = importer.result
        core_services.record(actor, AuditEntry.Action.IMPORT, dialogue, {
            "file": filename, "workshops": result.workshops, "sessions": result.sessions,
            "speakers": result.speakers, "sessions kept": result.sessions_kept,
            "sessions deleted": result.sessions_deleted,
            "deleted with them": result.deleted_with_sessions})
    return result


class _AgendaImporter:
    def __init__(self, dialogue: Dialogue, actor, replace: bool, delete_with_statements: bool):
        self.dialogue, self.actor, self.replace = dialogue, actor, replace
        self.delete_with_statements = delete_with_statements
        self.errors: list[RowError] = []
        self.result = AgendaImportResult()
        self.categories = {c.code: c for c in StakeholderCategory.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}

    def import_workshop(self, plan: WorkshopPlan) -> None:
        workshop = Workshop.objects.filter(slug=plan.slug).first()
        if workshop is not None and workshop.dialogue_id != self.dialogue.pk:
            self.errors.append(RowError(plan.row, "workshop", _(
                "The workshop %(slug)s belongs to dialogue No. %(number)s.") % {
                "slug": plan.slug, "number": workshop.dialogue.number}))
            return
        existing = list(workshop.sessions.all()) if workshop is not None else []
        if existing and not self.replace:
            self.errors.append(RowError(plan.row, "workshop", _(
                "The workshop %(slug)s already has an agenda; import with replace to "
                "update it.") % {"slug": plan.slug}))
            return
        workshop = workshop or Workshop(dialogue=self.dialogue, slug=plan.slug)
        values = plan.values
        workshop.time_zone = values.get("time_zone", "")
        workshop.first_day = values.get("first_day")
        workshop.last_day = values.get("last_day")
        for name in ("title", "city", "venue"):
            for lang in LANGUAGES:
                setattr(workshop, f"{name}_{lang}", values.get(f"workshop_{name}_{lang}", ""))
        try:
            core_services.save(workshop, self.actor)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, WORKSHOP_FIELD_COLUMNS, "workshop")
            return
        self.result.workshops += 1
        matches = self.match_sessions(workshop, plan, existing)
        kept = {session.pk for session in matches.values()}
        for session in existing:
            if session.pk not in kept:
                self.delete_session(plan, session)
        imported = []
        for order, session_plan in enumerate(plan.sessions.values()):
            session = self.import_session(workshop, session_plan, order,
                                          matches.get(session_plan.number))
            if session is not None:
                imported.append((session_plan, session))
        # Rooms and days are checked once the agenda stands as the file has it: sessions that
        # swap rooms or times must not clash with where the other one was before.
        for session_plan, session in imported:
            try:
                session.clean()
            except ValidationError as error:
                self.errors += _validation_errors(session_plan.row, error, SESSION_FIELD_COLUMNS,
                                                  "session")

    def match_sessions(self, workshop: Workshop, plan: WorkshopPlan,
                       existing: list[Session]) -> dict[str, Session]:
        """The workshop's sessions that the file's sessions are, by their number in the file:
        the same session_id, else the same start and English title. An id that is not one of
        this workshop's sessions (a file from another installation or workshop) is no match."""
        by_id = {session.pk: session for session in existing}
        matches: dict[str, Session] = {}
        first_row: dict[int, int] = {}
        for number, session_plan in plan.sessions.items():
            session_id = session_plan.values.get("session_id")
            if session_id in first_row:
                self.errors.append(RowError(session_plan.row, "session_id", _(
                    "Row %(row)s gives this session_id to another session.") % {
                    "row": first_row[session_id]}))
            elif session_id is not None:
                first_row[session_id] = session_plan.row
                if session_id in by_id:
                    matches[number] = by_id.pop(session_id)
        by_time_and_title = {(s.start, s.title_en.strip().casefold()): s
                             for s in by_id.values()}
        for number, session_plan in plan.sessions.items():
            values = session_plan.values
            key = (workshop.aware(values["date"], values["start"]),
                   values["title_en"].strip().casefold())
            if number not in matches and key in by_time_and_title:
                matches[number] = by_time_and_title.pop(key)
        return matches

    def delete_session(self, plan: WorkshopPlan, session: Session) -> None:
        takes = {model: count for model, count in core_services.deletion_takes(session).items()
                 if model not in AGENDA_MODELS}
        if takes and not self.delete_with_statements:
            self.errors.append(RowError(plan.row, "session", _(
                "The session “%(title)s” (%(when)s) is not in the file, and deleting it would "
                "delete %(what)s. Keep its row (with its session_id), or replace the agenda "
                "with the option to delete sessions with their statements.") % {
                "title": session.title_en, "when": f"{session.local_start:%Y-%m-%d %H:%M}",
                "what": _describe(takes)}))
            return
        core_services.delete(session, self.actor)
        self.result.sessions_deleted += 1
        for model, count in takes.items():
            name = str(model._meta.verbose_name_plural)
            self.result.deleted_with_sessions[name] = (
                self.result.deleted_with_sessions.get(name, 0) + count)

    def import_session(self, workshop: Workshop, plan: SessionPlan, order: int,
                       session: Session | None) -> Session | None:
        values = plan.values
        if session is None:
            session = Session(workshop=workshop)
        else:
            self.result.sessions_kept += 1
        session.kind = values.get("kind", Session.Kind.OTHER)
        session.room = values.get("room", "")
        session.order = order
        session.illustrative = values.get("illustrative", False)
        session.source_note = values.get("source_note", "")
        for name in ("title", "description"):
            for lang in LANGUAGES:
                setattr(session, f"{name}_{lang}", values.get(f"{name}_{lang}", ""))
        session.start = workshop.aware(values["date"], values["start"])
        session.end = workshop.aware(values["date"], values["end"])
        try:
            # The fields and the times now; rooms once every session is in place
            # (import_workshop checks the whole session again then).
            session.clean_fields(exclude=["workshop"])
            if errors := session.time_errors():
                raise ValidationError(errors)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, SESSION_FIELD_COLUMNS, "session")
            return None
        existing_links = {link.person_id: link for link in session.roles.all()} if session.pk \
            else {}
        core_services.save(session, self.actor, validate=False)
        self.result.sessions += 1
        kept = set()
        for index, speaker in enumerate(plan.speakers):
            link = self.import_speaker(session, speaker, index, existing_links)
            if link is not None:
                kept.add(link.pk)
        for link in existing_links.values():
            if link.pk not in kept:
                core_services.delete(link, self.actor)
        return session

    def import_speaker(self, session: Session, plan: SpeakerPlan, order: int,
                       existing_links: dict[int, SessionRole]) -> SessionRole | None:
        values = plan.values
        person = self.find_or_create_person(plan)
        organization = self.find_or_create_organization(plan)
        if person is None or (organization is None and _organization_named(values)):
            return None
        link = existing_links.get(person.pk) or SessionRole(session=session, person=person)
        link.role, link.organization, link.order = values["role"], organization, order
        for lang in LANGUAGES:
            setattr(link, f"title_{lang}", values.get(f"speaker_title_{lang}", ""))
            setattr(link, f"organization_name_{lang}", values.get(f"organization_{lang}", ""))
        try:
            core_services.save(link, self.actor)
        except ValidationError as error:
            self.errors += _validation_errors(plan.row, error, {"person": "family_name"}, "role")
            return None
        self.result.speakers += 1
        return link

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


def _describe(takes: dict) -> str:
    """'12 statements, 3 evidence for key messages' for a user."""
    return ", ".join(
        f"{count} {model._meta.verbose_name_plural if count > 1 else model._meta.verbose_name}"
        for model, count in takes.items())


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
    categories = {c.code: c for c in StakeholderCategory.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
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
            category = categories.get(values.get("category", ""))
            if values.get("category") and category is None:
                errors.append(RowError(plan.row, "category", _(
                    "'%(value)s' is not a stakeholder category; use one of: %(codes)s.") % {
                    "value": shown(values["category"]), "codes": ", ".join(categories)}))
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
                        "'%(code)s' is not an ISO country code.") % {
                        "code": shown(values["country"])}))
                    continue
            person = _person_from_row(people, values)
            try:
                person.clean_fields()
            except ValidationError as error:
                errors += _validation_errors(plan.row, error, PERSON_FIELD_COLUMNS, "email")
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
                errors += _validation_errors(plan.row, error, {"email": "email"}, "email")
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
