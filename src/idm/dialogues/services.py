"""Operations that change dialogues, workshops and agendas; each runs in one transaction and is audited."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from idm.core import services as core_services
from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.core.spreadsheets import ImportFileError, RowError
from idm.dialogues.exports import COLUMN_NAMES, LANGUAGES
from idm.dialogues.imports import SessionPlan, SpeakerPlan, WorkshopPlan, read_agenda
from idm.dialogues.models import Dialogue, Organization, Person, Session, SessionRole, Workshop


def save_session(session: Session, actor) -> Session:
    return core_services.save(session, actor)


def link_person(session: Session, person: Person, role: str, actor, *, title: str = "",
                organization: Organization | None = None, order: int = 0) -> SessionRole:
    """Puts a person in a session with a role, keeping their title and organization as of now."""
    link = SessionRole(session=session, person=person, role=role, title=title,
                       organization=organization, order=order)
    return core_services.save(link, actor)


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
