"""CSV and XLSX files both ways: reading rows with their numbers, parsing cells, writing sheets.

Rows are numbered as a spreadsheet shows them: the header is row 1. Every import reports
its problems as RowError (row, field, message) and saves nothing while any remains.
Uploaded files are read within limits (IDM_IMPORT_MAX_BYTES, _ROWS, _COLUMNS, _CELL), and a
cell that a spreadsheet program would run as a formula is written as text.
"""

import codecs
import csv
import io
import re
import zipfile
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

YES = {"yes", "y", "true", "1", "x", "oui", "sí", "si"}
NO = {"", "no", "n", "false", "0", "non"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LIMITS = {
    "IDM_IMPORT_MAX_BYTES": 20 * 1024 * 1024,  # an uploaded file
    "IDM_IMPORT_MAX_ROWS": 200_000,
    "IDM_IMPORT_MAX_COLUMNS": 200,
    "IDM_IMPORT_MAX_CELL": 10_000,  # characters
}
# A ZIP part (XLSX, DOCX) may unpack to this many times its packed size, and all of them to
# this many times IDM_IMPORT_MAX_BYTES; spreadsheets and documents pack about 5 to 20 times.
ZIP_RATIO = 100
ZIP_TOTAL = 10
SMALL_PART = 1024 * 1024  # packs any way it likes
# What spreadsheet programs run as a formula: OWASP's list (CSV injection), their full-width
# forms, after spaces too.
FORMULA = re.compile(r"\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n]")
SHOWN = 60  # characters of a value quoted in a message


def limit(name: str) -> int:
    return getattr(settings, name, LIMITS[name])


def shown(value) -> str:
    """A value as a message quotes it: at most 60 characters."""
    return _shortened(text(value), SHOWN)


def _shortened(value: str, length: int) -> str:
    return value if len(value) <= length else value[:length - 1] + "…"


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __post_init__(self):
        # A message quotes what the file holds; a page of problems stays readable.
        object.__setattr__(self, "field", _shortened(self.field, SHOWN))
        object.__setattr__(self, "message", _shortened(self.message, 5 * SHOWN))

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


def validation_errors(row: int, error: ValidationError, columns: dict,
                      default: str) -> list[RowError]:
    """A model's validation errors as the file's: each field named by its column (`columns`
    maps fields to columns; others fall on `default`)."""
    return [RowError(row, columns.get(name, default), message)
            for name, messages in error.message_dict.items() for message in messages]


def _file_error(message: str, row: int = 0) -> ImportFileError:
    return ImportFileError([RowError(row, "file", message)])


# Reading ------------------------------------------------------------------------------------


def check_size(size: int, name: str) -> None:
    """Refuses a file above IDM_IMPORT_MAX_BYTES, before anyone reads it."""
    largest = limit("IDM_IMPORT_MAX_BYTES")
    if size > largest:
        raise _file_error(_("'%(name)s' is %(size)s; the largest file imported is %(limit)s.")
                          % {"name": shown(name), "size": filesizeformat(size),
                             "limit": filesizeformat(largest)})


def read_upload(upload) -> bytes:
    """An uploaded file's content (Django's UploadedFile), refused above IDM_IMPORT_MAX_BYTES."""
    check_size(upload.size, upload.name)
    return upload.read()


def check_zip(content: bytes, what: str) -> None:
    """Refuses a ZIP (XLSX, DOCX) that would unpack to far more than its size: a zip bomb.

    The sizes checked are those the ZIP declares; Python's zipfile never unpacks more than
    the declared size of a part (and a part that holds more fails its checksum).
    """
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise _file_error(_("The %(what)s file cannot be read: %(error)s")
                          % {"what": what, "error": error}) from error
    total, largest = 0, ZIP_TOTAL * limit("IDM_IMPORT_MAX_BYTES")
    for part in parts:
        total += part.file_size
        if part.file_size > max(ZIP_RATIO * part.compress_size, SMALL_PART) or total > largest:
            raise _file_error(_(
                "The %(what)s file unpacks to more than a document of its size does "
                "(%(part)s: %(size)s from %(packed)s); save it again from the spreadsheet or "
                "word processor.") % {
                "what": what, "part": shown(part.filename),
                "size": filesizeformat(part.file_size),
                "packed": filesizeformat(part.compress_size)})


def decode_text(content: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 (with BOM, or without when the NUL bytes of
    its ASCII letters show its byte order) or Windows-1252; anything else is refused."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        head = content[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd >= len(head) / 8 and even <= odd / 4:
            encodings = ["utf-16-le"]
        elif even >= len(head) / 8 and odd <= even / 4:
            encodings = ["utf-16-be"]
        else:
            encodings = ["utf-8", "cp1252"]
    lines = []
    for encoding in encodings:
        try:
            decoded = content.decode(encoding)
        except UnicodeDecodeError as error:
            lines.append(content[:error.start].count(b"\n") + 1)
            continue
        if "\0" not in decoded:  # in no text file: a binary one, or UTF-32
            return decoded
        lines.append(decoded[:decoded.index("\0")].count("\n") + 1)
    raise _file_error(_(
        "The file is not text in UTF-8, UTF-16 or Windows-1252 (line %(line)s): save it as "
        "“CSV UTF-8” or “Unicode text”.") % {"line": lines[0]})


def read_table(content: bytes, name: str, *, columns: list[str],
               required: list[str]) -> list[tuple[int, dict]]:
    """(row number, {column: value}) for every non-empty row of a CSV or XLSX file.

    Header names are matched without case; a missing required column or an unknown one is
    reported on row 1. A file past a limit (IDM_IMPORT_MAX_*) is refused where it passes it.
    """
    check_size(len(content), name)
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(content)
    else:
        raise _file_error(_("'%(name)s' is neither a CSV nor an XLSX file.") % {
            "name": shown(name)})
    header, table = None, []
    with closing(rows):
        for number, cells in _within_limits(rows):
            if header is None:
                header = [text(h).lower() for h in cells] if number == 1 else []
                _check_header(header, columns, required)
                if number == 1:
                    continue
            values = {column: cells[i] if i < len(cells) else None
                      for i, column in enumerate(header) if column}
            if any(text(v) for v in values.values()):
                table.append((number, values))
    if header is None:
        raise _file_error(_("The file is empty."), 1)
    if not table:
        raise _file_error(_("The file has no rows under its header."), 2)
    return table


def _check_header(header: list[str], columns: list[str], required: list[str]) -> None:
    errors = [RowError(1, column, _("The column is missing."))
              for column in required if column not in header]
    errors += [RowError(1, column, _("Unknown column; the columns are those of the template."))
               for column in header if column and column not in columns]
    if errors:
        raise ImportFileError(errors, columns)


def _within_limits(rows):
    """(row number, cells up to the last value) for each row with a value; past a limit, an
    ImportFileError at once, without reading the rest."""
    max_rows, max_columns, max_cell = (limit(f"IDM_IMPORT_MAX_{what}")
                                       for what in ("ROWS", "COLUMNS", "CELL"))
    for number, cells in enumerate(rows, start=1):
        if cells.count(None) == len(cells):  # a sheet's rows between two that hold cells
            continue
        end = len(cells)
        while end and cells[end - 1] in (None, ""):
            end -= 1
        if not end:
            continue
        if number > max_rows:
            raise _file_error(_("The file has more than %(limit)s rows; split it.") % {
                "limit": number_format(max_rows, force_grouping=True)}, number)
        if end > max_columns:
            raise ImportFileError([RowError(number, _column(max_columns + 1), _(
                "The file has more than %(limit)s columns.") % {"limit": max_columns})])
        for index, cell in enumerate(cells[:end], start=1):
            if isinstance(cell, str) and len(cell) > max_cell:
                raise ImportFileError([RowError(number, _column(index), _(
                    "The cell has %(length)s characters; the limit is %(limit)s.") % {
                    "length": number_format(len(cell), force_grouping=True),
                    "limit": number_format(max_cell, force_grouping=True)})])
        yield number, cells[:end]


def _column(index: int) -> str:
    """A column as a spreadsheet names it (A, B, ... XFD); a CSV may go further."""
    return get_column_letter(index) if index <= 16384 else str(index)


def _csv_rows(content: bytes):
    decoded = decode_text(content)
    # Spreadsheets in French or Spanish save CSV with semicolons, "Unicode text" with tabs.
    first_line = next(iter(io.StringIO(decoded, newline="")), "")
    delimiter = max(",;\t", key=first_line.count)
    # newline="": a line break inside a quoted cell is the cell's, and old Macs end lines with
    # a carriage return alone.
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
    number = 1
    try:
        for cells in reader:
            yield [_unescaped(cell) for cell in cells]
            number += 1
    except csv.Error as error:  # a cell longer than the csv module reads
        raise _file_error(_("The file cannot be read from this row on: %(error)s") % {
            "error": error}, number) from None


def _unescaped(cell: str) -> str:
    """What write_csv wrote: "'=1+2" comes back as "=1+2"."""
    return cell[1:] if cell.startswith("'") and FORMULA.match(cell, 1) else cell


def _xlsx_rows(content: bytes):
    check_zip(content, "XLSX")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _file_error(_("The XLSX file cannot be read: %(error)s") % {
            "error": error}) from error
    try:
        sheet = book.worksheets[0]
        # The size a sheet declares may be a million rows by 16,384 columns: only the cells
        # that exist are read, and no row is filled up past the column limit.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(max_col=limit("IDM_IMPORT_MAX_COLUMNS") + 1,
                                   values_only=True)
    except Exception as error:
        raise _file_error(_("The XLSX file cannot be read: %(error)s") % {
            "error": error}) from error
    finally:
        book.close()


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
    try:
        return date.fromisoformat(text(value))
    except ValueError:
        raise ValueError(_("'%(value)s' is not a date: write it as YYYY-MM-DD.")
                         % {"value": shown(value)}) from None


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
                         % {"value": shown(value)}) from None


def parse_yes(value) -> bool:
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(_("'%(value)s' is neither yes nor no.") % {"value": shown(value)})


def parse_choice(value, choices, what: str) -> str:
    raw = text(value).lower()
    if raw not in choices:
        raise ValueError(_("'%(value)s' is not a %(what)s; use one of: %(choices)s.") % {
            "value": shown(value), "what": what, "choices": ", ".join(choices)})
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
    """Text that starts like a formula gets a quote before it, and every cell under the header
    is in double quotes (OWASP's advice on CSV injection): a spreadsheet program shows the
    text and runs nothing, even one that splits cells at semicolons."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_escaped(row.get(name)) for name in columns])
    # A byte-order mark, so that spreadsheet programs read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _escaped(value) -> str:
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return cell_text(value)


def write_xlsx(columns: list[str], rows: list[dict], *, title: str,
               column_help: list[tuple[str, str]] | None = None) -> bytes:
    """One sheet of rows (dates and times as real cells, text as text); `column_help` adds a
    Columns sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    # Through the same cells as the rows: a column may be named by what someone typed (a
    # registration question), control characters and all.
    sheet.append([_xlsx_cell(sheet, name) for name in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(name)) for name in columns])
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


def _xlsx_cell(sheet, value) -> Cell:
    cell = Cell(sheet, value=_xlsx_value(value))
    if isinstance(cell.value, str):
        # openpyxl stores text that starts with "=" as a formula; a string cell it is, and
        # Excel's quote prefix keeps it text when someone edits it.
        cell.data_type = "s"
        if FORMULA.match(cell.value):
            cell.quotePrefix = True
    return cell


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters (a vertical tab pasted from a word processor) cannot be in XLSX.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
