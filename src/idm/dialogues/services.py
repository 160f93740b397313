"""Operations that change dialogues, workshops and agendas; each runs in one transaction and is audited."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.models import AuditEntry
from idm.core.reference import ReferenceLookup
from idm.core.spreadsheets import ImportFileError, RowError, shown, validation_errors
from idm.dialogues.exports import COLUMN_NAMES
from idm.dialogues.imports import SessionPlan, SpeakerPlan, WorkshopPlan, read_agenda
from idm.dialogues.models import (
    Dialogue,
    Organization,
    Person,
    Session,
    SessionRole,
    Workshop,
)


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
        self.reference = ReferenceLookup()

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
            self.errors += validation_errors(plan.row, error, WORKSHOP_FIELD_COLUMNS, "workshop")
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
                self.errors += validation_errors(session_plan.row, error, SESSION_FIELD_COLUMNS,
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
            self.errors += validation_errors(plan.row, error, SESSION_FIELD_COLUMNS, "session")
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
            self.errors += validation_errors(plan.row, error, {"person": "family_name"}, "role")
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
            self.errors += validation_errors(plan.row, error, PERSON_FIELD_COLUMNS, "family_name")
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
        category = self.reference.categories.get(values.get("organization_category", ""))
        if category is None:
            self.errors.append(RowError(plan.row, "organization_category", _(
                "'%(name)s' is a new organization: give its stakeholder category, one of: "
                "%(codes)s.") % {"name": shown(name or acronym),
                                 "codes": ", ".join(self.reference.categories)}))
            return None
        country = None
        if values.get("organization_country"):
            try:
                country = self.reference.country(values["organization_country"])
            except ValueError as error:
                self.errors.append(RowError(plan.row, "organization_country", str(error)))
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
