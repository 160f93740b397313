"""CSV and XLSX files both ways: reading rows with their numbers, parsing cells, writing sheets.

Rows are numbered as a spreadsheet shows them: the header is row 1. Every import reports
its problems as RowError (row, field, message) and saves nothing while any remains.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

YES = {"yes", "y", "true", "1", "x", "oui", "sí", "si"}
NO = {"", "no", "n", "false", "0", "non"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self):
        return _("row %(row)s, field '%(field)s': %(message)s") % {
            "row": self.row, "field": self.field, "message": self.message}


class ImportFileError(Exception):
    """The file cannot be imported; `errors` names every bad row and field, in file order."""

    def __init__(self, errors: list[RowError], columns: list[str] | None = None):
        order = {name: i for i, name in enumerate(columns or [])}
        self.errors = sorted(set(errors), key=lambda e: (e.row, order.get(e.field, -1), e.field))
        super().__init__("\n".join(str(e) for e in self.errors))

    def as_json(self) -> list[dict]:
        return [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors]


# Reading ------------------------------------------------------------------------------------


def read_table(content: bytes, name: str, *, columns: list[str],
               required: list[str]) -> list[tuple[int, dict]]:
    """(row number, {column: value}) for every non-empty row of a CSV or XLSX file.

    Header names are matched without case; a missing required column or an unknown one is
    reported on row 1.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(content)
    else:
        raise ImportFileError([RowError(0, "file", _(
            "'%(name)s' is neither a CSV nor an XLSX file.") % {"name": name})])
    if not rows:
        raise ImportFileError([RowError(1, "file", _("The file is empty."))])
    header = [text(h).lower() for h in rows[0]]
    errors = [RowError(1, column, _("The column is missing."))
              for column in required if column not in header]
    errors += [RowError(1, column, _("Unknown column; the columns are those of the template."))
               for column in header if column and column not in columns]
    if errors:
        raise ImportFileError(errors, columns)
    table = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {column: cells[i] if i < len(cells) else None
                  for i, column in enumerate(header) if column}
        if any(text(v) for v in values.values()):
            table.append((number, values))
    if not table:
        raise ImportFileError([RowError(2, "file", _("The file has no rows under its header."))])
    return table


def _csv_rows(content: bytes) -> list[list]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = content.decode("cp1252")
    first_line = decoded.split("\n", 1)[0]
    # Spreadsheets in French or Spanish save CSV with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    return list(csv.reader(io.StringIO(decoded), delimiter=delimiter))


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError([RowError(0, "file", _("The XLSX file cannot be read: %(error)s")
                                        % {"error": error})]) from error
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


# Parsing one cell; each raises ValueError with the message the user sees ------------------------


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a date: write it as YYYY-MM-DD.")
                         % {"value": raw}) from None


def parse_time(value) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    raw = text(value)
    try:
        return time.fromisoformat(raw if len(raw) != 4 else f"0{raw}")
    except ValueError:
        raise ValueError(_("'%(value)s' is not a time: write it as HH:MM.")
                         % {"value": raw}) from None


def parse_yes(value) -> bool:
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(_("'%(value)s' is neither yes nor no.") % {"value": text(value)})


def parse_choice(value, choices, what: str) -> str:
    raw = text(value).lower()
    if raw not in choices:
        raise ValueError(_("'%(value)s' is not a %(what)s; use one of: %(choices)s.") % {
            "value": text(value), "what": what, "choices": ", ".join(choices)})
    return raw


def parse_columns(row: int, values: dict, columns: list[str], parsers: dict,
                  errors: list[RowError], *, always: tuple[str, ...] = ()) -> dict:
    """Parses the non-empty cells of `columns` (and the `always` ones even when empty)."""
    parsed = {}
    for column in columns:
        raw = values.get(column)
        if text(raw) == "" and column not in always:
            continue
        try:
            parsed[column] = parsers.get(column, text)(raw)
        except ValueError as error:
            errors.append(RowError(row, column, str(error)))
    return parsed


# Writing ------------------------------------------------------------------------------------


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: cell_text(row.get(name)) for name in columns})
    # A byte-order mark, so that spreadsheet programs read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(columns: list[str], rows: list[dict], *, title: str,
               column_help: list[tuple[str, str]] | None = None) -> bytes:
    """One sheet of rows (dates and times as real cells); `column_help` adds a Columns sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(row.get(name)) for name in columns])
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(40, len(name) + 4))
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, time):
                cell.number_format = "hh:mm"
    sheet.freeze_panes = "B2"
    if column_help:
        help_sheet = book.create_sheet("Columns")
        help_sheet.append(["column", "what it holds"])
        for cell in help_sheet[1]:
            cell.font = Font(bold=True)
        for name, help_text in column_help:
            help_sheet.append([name, help_text])
        help_sheet.column_dimensions["A"].width = 26
        help_sheet.column_dimensions["B"].width = 90
        for cell in help_sheet["B"]:
            cell.alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
