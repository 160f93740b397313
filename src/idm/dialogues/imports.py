"""Reading an agenda file (CSV or XLSX, the export's columns) into workshops, sessions and speakers.

Nothing here touches the database: `services.import_agenda` checks the plan against it and saves.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from idm.core.languages import LANGUAGES
from idm.core.spreadsheets import (
    ImportFileError,
    RowError,
    parse_choice,
    parse_columns,
    parse_date,
    parse_time,
    parse_yes,
    read_table,
    shown,
    text,
)
from idm.dialogues.exports import COLUMN_NAMES
from idm.dialogues.models import Session, SessionRole

WORKSHOP_COLUMNS = ["workshop_title_en", "workshop_title_fr", "workshop_title_es",
                    "workshop_city_en", "workshop_city_fr", "workshop_city_es",
                    "workshop_venue_en", "workshop_venue_fr", "workshop_venue_es",
                    "time_zone", "first_day", "last_day"]
SESSION_COLUMNS = ["session_id", "date", "start", "end", "kind", "room",
                   *[f"title_{lang}" for lang in LANGUAGES],
                   *[f"description_{lang}" for lang in LANGUAGES], "illustrative", "source_note"]
SPEAKER_COLUMNS = [name for name in COLUMN_NAMES
                   if name not in WORKSHOP_COLUMNS + SESSION_COLUMNS + ["workshop", "session"]]
REQUIRED_COLUMNS = ["workshop", "session", "date", "start", "end", "title_en"]


@dataclass
class SpeakerPlan:
    row: int
    values: dict


@dataclass
class SessionPlan:
    row: int
    number: str
    values: dict
    speakers: list[SpeakerPlan] = field(default_factory=list)


@dataclass
class WorkshopPlan:
    row: int
    slug: str
    values: dict
    sessions: dict[str, SessionPlan] = field(default_factory=dict)


def parse_session_id(value) -> int:
    raw = text(value)
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValueError(_("'%(value)s' is not a session id: leave it as the export wrote it, "
                           "or empty for a new session.") % {"value": shown(raw)})
    return int(raw)


PARSERS = {
    "session_id": parse_session_id,
    "first_day": parse_date, "last_day": parse_date, "date": parse_date,
    "start": parse_time, "end": parse_time,
    "illustrative": parse_yes, "speaker_fictional": parse_yes, "organization_fictional": parse_yes,
    "kind": lambda v: parse_choice(v, Session.Kind.values, _("session kind")),
    "role": lambda v: parse_choice(v, SessionRole.Role.values, _("role")),
    "organization_country": lambda v: text(v).upper(),
    "organization_category": lambda v: text(v).lower(),
    "workshop": lambda v: text(v).lower(),
}
FLAGS = ("illustrative", "speaker_fictional", "organization_fictional")


def _parse(row: int, values: dict, columns: list[str], errors: list[RowError]) -> dict:
    return parse_columns(row, values, columns, PARSERS, errors, always=FLAGS)


def read_agenda(content: bytes, name: str) -> list[WorkshopPlan]:
    return plan_agenda(read_table(content, name, columns=COLUMN_NAMES, required=REQUIRED_COLUMNS))


def _merge(row: int, known: dict, new: dict, first_row: int, what: str,
           errors: list[RowError]) -> None:
    """Fills what the first row of a workshop or session left empty; a different value is an error."""
    for column, value in new.items():
        if column not in known:
            known[column] = value
        elif known[column] != value and value not in ("", False):
            errors.append(RowError(row, column, _(
                "'%(value)s' differs from row %(first)s for the same %(what)s.") % {
                "value": shown(value), "first": first_row, "what": what}))


# The plan ------------------------------------------------------------------------------------


def plan_agenda(table: list[tuple[int, dict]]) -> list[WorkshopPlan]:
    """Groups rows into workshops, sessions and speakers; raises ImportFileError on bad values."""
    errors: list[RowError] = []
    workshops: dict[str, WorkshopPlan] = {}
    for row, values in table:
        slug = text(values.get("workshop")).lower()
        number = text(values.get("session"))
        if not slug:
            errors.append(RowError(row, "workshop", _("A workshop short name is needed.")))
            continue
        if not number:
            errors.append(RowError(row, "session", _("A session number is needed.")))
            continue
        workshop_values = _parse(row, values, WORKSHOP_COLUMNS, errors)
        if slug not in workshops:
            workshops[slug] = WorkshopPlan(row=row, slug=slug, values=workshop_values)
        else:
            plan = workshops[slug]
            _merge(row, plan.values, workshop_values, plan.row, _("workshop"), errors)
        workshop = workshops[slug]
        session_values = _parse(row, values, SESSION_COLUMNS, errors)
        if number not in workshop.sessions:
            workshop.sessions[number] = SessionPlan(row=row, number=number, values=session_values)
        else:
            session = workshop.sessions[number]
            _merge(row, session.values, session_values, session.row, _("session"), errors)
        speaker_values = _parse(row, values, SPEAKER_COLUMNS, errors)
        if any(v not in ("", False) for v in speaker_values.values()):
            for column in ("role", "family_name"):
                if column not in speaker_values:
                    errors.append(RowError(row, column, _("A speaker needs a %(column)s.") % {
                        "column": column.replace("_", " ")}))
            workshop.sessions[number].speakers.append(SpeakerPlan(row=row, values=speaker_values))
    for workshop in workshops.values():
        for column in ("workshop_title_en", "workshop_city_en", "time_zone", "first_day",
                       "last_day"):
            if column not in workshop.values:
                errors.append(RowError(workshop.row, column, _(
                    "The workshop %(slug)s needs a value here.") % {"slug": workshop.slug}))
        for session in workshop.sessions.values():
            for column in ("date", "start", "end", "title_en"):
                if column not in session.values and not any(
                        e.row == session.row and e.field == column for e in errors):
                    errors.append(RowError(session.row, column, _(
                        "Session %(number)s needs a value here.") % {"number": session.number}))
    if errors:
        raise ImportFileError(errors, COLUMN_NAMES)
    return list(workshops.values())
