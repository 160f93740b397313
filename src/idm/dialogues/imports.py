"""Reading an agenda file (CSV or XLSX, the export's columns) into workshops, sessions and speakers.

Nothing here touches the database: `services.import_agenda` checks the plan against it and saves.
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from idm.dialogues.exports import COLUMN_NAMES, LANGUAGES
from idm.dialogues.models import Session, SessionRole

WORKSHOP_COLUMNS = ["workshop_title_en", "workshop_title_fr", "workshop_title_es",
                    "workshop_city_en", "workshop_city_fr", "workshop_city_es",
                    "workshop_venue_en", "workshop_venue_fr", "workshop_venue_es",
                    "time_zone", "first_day", "last_day"]
SESSION_COLUMNS = ["date", "start", "end", "kind", "room", *[f"title_{lang}" for lang in LANGUAGES],
                   *[f"description_{lang}" for lang in LANGUAGES], "illustrative", "source_note"]
SPEAKER_COLUMNS = [name for name in COLUMN_NAMES
                   if name not in WORKSHOP_COLUMNS + SESSION_COLUMNS + ["workshop", "session"]]
REQUIRED_COLUMNS = ["workshop", "session", "date", "start", "end", "title_en"]
YES = {"yes", "y", "true", "1", "x", "oui", "sí", "si"}
NO = {"", "no", "n", "false", "0", "non"}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self):
        return _("row %(row)s, field '%(field)s': %(message)s") % {
            "row": self.row, "field": self.field, "message": self.message}


class AgendaFileError(Exception):
    """The file cannot be imported; `errors` names every bad row and field."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row, COLUMN_NAMES.index(e.field)
                                                    if e.field in COLUMN_NAMES else 0))
        super().__init__("\n".join(str(e) for e in self.errors))


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


# Reading the file -------------------------------------------------------------------------


def read_table(content: bytes, name: str) -> list[tuple[int, dict]]:
    """(row number, {column: value}) for every non-empty row of a CSV or XLSX file."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(content)
    else:
        raise AgendaFileError([RowError(0, "file", _(
            "'%(name)s' is neither a CSV nor an XLSX file.") % {"name": name})])
    if not rows:
        raise AgendaFileError([RowError(1, "file", _("The file is empty."))])
    header = [str(h or "").strip().lower() for h in rows[0]]
    errors = [RowError(1, column, _("The column is missing."))
              for column in REQUIRED_COLUMNS if column not in header]
    errors += [RowError(1, column, _("Unknown column; the columns are those of the template."))
               for column in header if column and column not in COLUMN_NAMES]
    if errors:
        raise AgendaFileError(errors)
    table = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {column: cells[i] if i < len(cells) else None
                  for i, column in enumerate(header) if column}
        if any(_text(v) for v in values.values()):
            table.append((number, values))
    if not table:
        raise AgendaFileError([RowError(2, "file", _("The file has no agenda rows."))])
    return table


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in French or Spanish save CSV with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise AgendaFileError([RowError(0, "file", _("The XLSX file cannot be read: %(error)s")
                                        % {"error": error})]) from error
    sheet = book["Agenda"] if "Agenda" in book.sheetnames else book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


# Reading one value --------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a date: write it as YYYY-MM-DD.")
                         % {"value": text}) from None


def parse_time(value) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = _text(value)
    try:
        return time.fromisoformat(text if len(text) != 4 else f"0{text}")
    except ValueError:
        raise ValueError(_("'%(value)s' is not a time: write it as HH:MM.")
                         % {"value": text}) from None


def parse_yes(value) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("'%(value)s' is neither yes nor no.") % {"value": _text(value)})


def _choice(value, choices, what: str) -> str:
    text = _text(value).lower()
    if text not in choices:
        raise ValueError(_("'%(value)s' is not a %(what)s; use one of: %(choices)s.") % {
            "value": _text(value), "what": what, "choices": ", ".join(choices)})
    return text


PARSERS = {
    "first_day": parse_date, "last_day": parse_date, "date": parse_date,
    "start": parse_time, "end": parse_time,
    "illustrative": parse_yes, "speaker_fictional": parse_yes, "organization_fictional": parse_yes,
    "kind": lambda v: _choice(v, Session.Kind.values, _("session kind")),
    "role": lambda v: _choice(v, SessionRole.Role.values, _("role")),
    "organization_country": lambda v: _text(v).upper(),
    "organization_category": lambda v: _text(v).lower(),
    "workshop": lambda v: _text(v).lower(),
}


def _parse(row: int, values: dict, columns: list[str], errors: list[RowError]) -> dict:
    parsed = {}
    for column in columns:
        raw = values.get(column)
        if _text(raw) == "" and column not in ("illustrative", "speaker_fictional",
                                               "organization_fictional"):
            continue
        try:
            parsed[column] = PARSERS.get(column, _text)(raw)
        except ValueError as error:
            errors.append(RowError(row, column, str(error)))
    return parsed


def _merge(row: int, known: dict, new: dict, first_row: int, what: str,
           errors: list[RowError]) -> None:
    """Fills what the first row of a workshop or session left empty; a different value is an error."""
    for column, value in new.items():
        if column not in known:
            known[column] = value
        elif known[column] != value and value not in ("", False):
            errors.append(RowError(row, column, _(
                "'%(value)s' differs from row %(first)s for the same %(what)s.") % {
                "value": value, "first": first_row, "what": what}))


# The plan ------------------------------------------------------------------------------------


def plan_agenda(table: list[tuple[int, dict]]) -> list[WorkshopPlan]:
    """Groups rows into workshops, sessions and speakers; raises AgendaFileError on bad values."""
    errors: list[RowError] = []
    workshops: dict[str, WorkshopPlan] = {}
    for row, values in table:
        slug = _text(values.get("workshop")).lower()
        number = _text(values.get("session"))
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
        raise AgendaFileError(errors)
    return list(workshops.values())
