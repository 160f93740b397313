"""Spreadsheets: text that looks like a formula is written as text; uploaded files are read
within limits (size, rows, columns, cells, zip bombs) and in the encodings people save."""

import csv
import io
import struct
import tracemalloc
import zipfile
from datetime import date, time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from idm.core.models import Country, StakeholderCategory
from idm.core.spreadsheets import ImportFileError, parse_date, read_table, write_csv, write_xlsx
from idm.dialogues.models import Registration, Workshop
from tests.dialogues import factories

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-1+1", "@SUM(A1)",
            " =1+2", "\t=1+2", "\uff1d1+2"]
COLUMNS = ["email", "family_name", "given_name", "category"]


def table(content: bytes, name: str = "people.csv") -> list[tuple[int, dict]]:
    return read_table(content, name, columns=COLUMNS, required=["email", "family_name"])


def problems(content: bytes, name: str = "people.csv") -> list[tuple[int, str, str]]:
    with pytest.raises(ImportFileError) as raised:
        table(content, name)
    return [(e.row, e.field, e.message) for e in raised.value.errors]


# Text stays text ------------------------------------------------------------------------------


def sheet_xml(content: bytes, name: str = "xl/worksheets/sheet1.xml") -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read(name).decode()


@pytest.mark.unit
def test_xlsx_writes_text_that_looks_like_a_formula_as_text():
    rows = [{"email": value, "family_name": -1, "given_name": date(2030, 10, 8),
             "start": time(9, 30)} for value in FORMULAS]
    content = write_xlsx([*COLUMNS, "start"], rows, title="People")
    sheet = load_workbook(io.BytesIO(content))["People"]
    cells = [sheet.cell(row=n, column=1) for n in range(2, len(FORMULAS) + 2)]
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in FORMULAS]
    assert all(c.quotePrefix for c in cells)  # Excel keeps them text when edited
    assert "<f>" not in sheet_xml(content)
    # What idm writes itself stays a number and a date.
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-1, "n")
    assert sheet["C2"].is_date and sheet["C2"].value.date() == date(2030, 10, 8)
    assert sheet["E2"].is_date and sheet["E2"].value == time(9, 30)


@pytest.mark.unit
def test_xlsx_leaves_out_the_control_characters_it_cannot_hold():
    content = write_xlsx(["needs"], [{"needs": "Wheelchair\x0bInterpretation\x1b"}],
                         title="People")
    assert load_workbook(io.BytesIO(content))["People"]["A2"].value == (
        "WheelchairInterpretation")


@pytest.mark.unit
def test_csv_puts_a_quote_before_text_that_looks_like_a_formula_and_reads_it_back():
    rows = [{"email": f"{n}@example.org", "family_name": value, "given_name": -1}
            for n, value in enumerate(FORMULAS)]
    content = write_csv(COLUMNS, rows)
    assert write_csv(["date", "start", "count"], [
        {"date": date(2030, 10, 8), "start": time(9, 30), "count": -2}]).decode(
        "utf-8-sig").splitlines()[1] == '"2030-10-08","09:30","-2"'
    cells = [r["family_name"] for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]
    assert cells == ["'" + value for value in FORMULAS]
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in content.decode("utf-8-sig")
    assert [r["given_name"] for r in csv.DictReader(
        io.StringIO(content.decode("utf-8-sig")))] == ["-1"] * len(FORMULAS)
    read = table(content)
    assert [values["family_name"] for _, values in read] == FORMULAS
    # A quote a person typed before ordinary text is theirs.
    assert table(b"email,family_name\na@example.org,'Brien\n")[0][1]["family_name"] == "'Brien"


def register(client, workshop: Workshop, email: str, family_name: str, **values):
    response = client.post(reverse("dialogues:register", args=[workshop.slug]), {
        "given_name": "Eve", "family_name": family_name, "email": email, "role": "participant",
        "category": StakeholderCategory.objects.get(code="civil_society").pk,
        "country": Country.objects.get(iso2="FR").pk, **values})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.integration
def test_participants_who_register_as_formulas_are_text_in_the_exports(client, reference,
                                                                        secretariat):
    workshop = factories.workshop(registration=Workshop.Registration.OPEN, capacity=10)
    names = FORMULAS[:4]
    for n, name in enumerate(names):
        register(client, workshop, f"eve{n}@example.org", name, given_name=name,
                 proposed_organization=name, needs=name)
    client.force_login(secretariat)
    url = reverse("dialogues:participants-file", args=[workshop.slug, "xlsx"])
    content = client.get(url).content
    sheet = load_workbook(io.BytesIO(content))["Participants"]
    header = [c.value for c in sheet[1]]
    for column in ("family_name", "given_name", "organization", "needs"):
        cells = [row[header.index(column)] for row in sheet.iter_rows(min_row=2)]
        assert [(c.value, c.data_type) for c in cells] == [(name, "s") for name in names]
    assert "<f>" not in sheet_xml(content)
    url = reverse("dialogues:participants-file", args=[workshop.slug, "csv"])
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    for column in ("family_name", "given_name", "organization", "needs"):
        assert [r[column] for r in rows] == ["'" + name for name in names]


# Crafted XLSX files ---------------------------------------------------------------------------


def xlsx(dimension: str, rows: dict[int, list[tuple[str, str | None]]]) -> bytes:
    """An XLSX whose sheet declares `dimension` and holds exactly the cells given, by row: a
    value None is a cell that exists, styled, without a value."""
    def cell(ref, value):
        if value is None:
            return f'<c r="{ref}" s="0"/>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    body = "".join(f'<row r="{n}">{"".join(cell(ref, v) for ref, v in cells)}</row>'
                   for n, cells in rows.items())
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>')
    book = Workbook()
    book.active.append(["x"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for part in source.infolist():
            target.writestr(part.filename, sheet if part.filename.endswith("sheet1.xml")
                            else source.read(part))
    return out.getvalue()


HEADER = [("A1", "email"), ("B1", "family_name"), ("C1", "category")]
ANA = [("A2", "ana@example.org"), ("B2", "Ruiz"), ("C2", "ngo")]
# The whole sheet declared; a styled empty cell, or a value, on the sheet's last row.
FULL_SHEET = xlsx("A1:XFD1048576", {1: HEADER, 2: ANA, 1048576: [("XFD1048576", None)]})
FULL_SHEET_WITH_A_VALUE = xlsx("A1:XFD1048576", {1: HEADER, 2: ANA,
                                                 1048576: [("A1048576", "x")]})
HUGE_CELL = xlsx("A1:B2", {1: HEADER, 2: [("A2", "ana@example.org"), ("B2", "R" * 20_000_000)]})


def peak_memory(read) -> int:
    tracemalloc.start()
    try:
        read()
    except ImportFileError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.unit
def test_a_sheet_that_declares_every_cell_is_read_by_the_cells_it_has():
    assert len(FULL_SHEET) < 6000 and len(FULL_SHEET_WITH_A_VALUE) < 6000
    assert table(FULL_SHEET, "full.xlsx") == [
        (2, {"email": "ana@example.org", "family_name": "Ruiz", "category": "ngo"})]
    assert peak_memory(lambda: table(FULL_SHEET, "full.xlsx")) < 3_000_000
    assert problems(FULL_SHEET_WITH_A_VALUE, "full.xlsx") == [
        (1048576, "file", "The file has more than 200,000 rows; split it.")]
    assert peak_memory(lambda: table(FULL_SHEET_WITH_A_VALUE, "full.xlsx")) < 3_000_000


@pytest.mark.unit
def test_a_value_past_the_column_limit_is_refused(settings):
    wide = xlsx("A1:XFD3", {1: HEADER, 2: ANA, 3: [("A3", "bo@example.org"), ("GS3", "x")]})
    assert problems(wide, "wide.xlsx") == [(3, "GS", "The file has more than 200 columns.")]
    wide = b"email,family_name\na@example.org" + b",x" * 20_000 + b"\n"
    assert problems(wide) == [(2, "GS", "The file has more than 200 columns.")]
    # Further right, as right of the header, nothing is read.
    far = xlsx("A1:XFD3", {1: HEADER, 2: ANA, 3: [("A3", "bo@example.org"), ("XFD3", "x")]})
    assert [values["email"] for _, values in table(far, "far.xlsx")] == [
        "ana@example.org", "bo@example.org"]
    settings.IDM_IMPORT_MAX_COLUMNS = 3
    assert problems(b"email,family_name,given_name\na@example.org,A,B,C\n") == [
        (2, "D", "The file has more than 3 columns.")]


@pytest.mark.unit
def test_a_small_xlsx_with_a_huge_cell_is_refused_before_it_is_unpacked():
    assert len(HUGE_CELL) < 30_000
    message = problems(HUGE_CELL, "huge.xlsx")[0][2]
    assert message.startswith("The XLSX file unpacks to more than a document of its size does "
                              "(xl/worksheets/sheet1.xml: 19.1\xa0MB from ")
    assert peak_memory(lambda: table(HUGE_CELL, "huge.xlsx")) < 1_000_000


def declared_size(content: bytes, part: str, size: int) -> bytes:
    """The ZIP with `part`'s size in its central directory changed to `size`: a liar."""
    content = bytearray(content)
    at = content.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack("<H", content[at + 28:at + 30])[0]
        if content[at + 46:at + 46 + length] == part.encode():
            content[at + 24:at + 28] = struct.pack("<I", size)
        at = content.find(b"PK\x01\x02", at + 4)
    return bytes(content)


@pytest.mark.unit
def test_a_zip_that_lies_about_its_sizes_unpacks_no_more_than_it_says():
    liar = declared_size(HUGE_CELL, "xl/worksheets/sheet1.xml", 5000)
    assert problems(liar, "liar.xlsx") == [(0, "file", "The XLSX file cannot be read: Bad CRC-32 "
                                                       "for file 'xl/worksheets/sheet1.xml'")]
    assert peak_memory(lambda: table(liar, "liar.xlsx")) < 1_000_000


@pytest.mark.unit
def test_limits_on_rows_cells_and_bytes_are_settings_named_where_passed(settings):
    settings.IDM_IMPORT_MAX_ROWS = 3
    rows = b"email,family_name\na@example.org,A\nb@example.org,B\nc@example.org,C\n"
    assert problems(rows) == [(4, "file", "The file has more than 3 rows; split it.")]
    # Refused where the limit is passed: the rest of the file (a cell longer than the csv
    # module reads) is not read.
    assert problems(rows + b"d," + b"D" * 200_000 + b"\n") == problems(rows)
    settings.IDM_IMPORT_MAX_CELL = 15
    assert problems(b"email,family_name\na@example.org,Abcdefghijklmnop\n") == [
        (2, "B", "The cell has 16 characters; the limit is 15.")]
    settings.IDM_IMPORT_MAX_BYTES = 40
    assert problems(rows, "people.csv") == [(0, "file", (
        f"'people.csv' is {len(rows)}\xa0bytes; the largest file imported is 40\xa0bytes."))]


@pytest.mark.unit
def test_a_cell_longer_than_the_csv_module_reads_is_a_problem_not_a_crash():
    content = b"email,family_name\na@example.org,A\nb@example.org," + b"B" * 200_000 + b"\n"
    row, field, message = problems(content)[0]
    assert (row, field) == (3, "file")
    assert message.startswith("The file cannot be read from this row on: field larger than")


@pytest.mark.unit
def test_values_quoted_in_messages_are_cut_short():
    with pytest.raises(ValueError) as raised:
        parse_date("2030-" + "9" * 10_000)
    assert len(str(raised.value)) < 120 and "…' is not a date" in str(raised.value)
    names = problems(b"email,family_name," + b"x" * 9_000 + b"\na@example.org,A,B\n")
    assert len(names[0][1]) <= 60


# Encodings ------------------------------------------------------------------------------------

PEOPLE = ("email,family_name,given_name,category\nhelene@example.org,Müller,Hélène,ngo\r\n"
          "zoe@example.org,Ñúñez,Zoë,academia\n")
EXPECTED = [(2, {"email": "helene@example.org", "family_name": "Müller", "given_name": "Hélène",
                 "category": "ngo"}),
            (3, {"email": "zoe@example.org", "family_name": "Ñúñez", "given_name": "Zoë",
                 "category": "academia"})]


@pytest.mark.unit
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "cp1252", "latin-1"])
def test_csv_in_the_encodings_people_save(encoding):
    assert table(PEOPLE.encode(encoding)) == EXPECTED


@pytest.mark.unit
def test_excel_unicode_text_and_old_mac_line_ends():
    unicode_text = PEOPLE.replace(",", "\t").encode("utf-16")  # Excel's "Unicode text"
    assert table(unicode_text, "people.txt") == EXPECTED
    assert table(PEOPLE.replace("\r\n", "\n").replace("\n", "\r").encode()) == EXPECTED


@pytest.mark.unit
@pytest.mark.parametrize(("content", "line"), [
    (b"email,family_name\na@example.org,\x81\x8d\n", 2),  # neither UTF-8 nor Windows-1252
    (b"email,family_name\na@example.org,A\x00\x00\x00\x01\x02\x00\x03\n", 2),  # binary
    ("email,family_name\n".encode("utf-32"), 1),
])
def test_a_file_in_no_accepted_encoding_says_which_are(content, line):
    assert problems(content) == [(0, "file", (
        f"The file is not text in UTF-8, UTF-16 or Windows-1252 (line {line}): save it as "
        "“CSV UTF-8” or “Unicode text”."))]


@pytest.mark.unit
def test_read_upload_refuses_a_large_upload_without_reading_it(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from idm.core.spreadsheets import read_upload

    settings.IDM_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("people.csv", b"x" * 1001)
    with pytest.raises(ImportFileError, match="'people.csv' is 1001"):
        read_upload(upload)
    assert upload.tell() == 0
    assert read_upload(SimpleUploadedFile("people.csv", b"x" * 1000)) == b"x" * 1000


# The participant import on the web and the command line ---------------------------------------


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def workshop(reference):
    return factories.workshop()


@pytest.mark.integration
@pytest.mark.parametrize(("content", "name", "message"), [
    (HUGE_CELL, "huge.xlsx", "The XLSX file unpacks to more than a document of its size does"),
    (FULL_SHEET_WITH_A_VALUE, "full.xlsx", "The file has more than 200,000 rows; split it."),
    (b"email,family_name\na@example.org,\x81\n", "people.csv",
     "The file is not text in UTF-8, UTF-16 or Windows-1252 (line 2)"),
])
def test_the_web_import_refuses_a_hostile_file_with_a_short_page(secretariat_client, workshop,
                                                                  content, name, message):
    response = secretariat_client.post(
        reverse("dialogues:participants-import", args=[workshop.slug]),
        {"file": upload(content, name)})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert len(response.content) < 50_000
    assert not Registration.objects.exists()


@pytest.mark.integration
@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_the_web_import_reads_windows_and_unicode_files(secretariat_client, workshop, encoding):
    people = PEOPLE.replace(",", "\t") if encoding == "utf-16" else PEOPLE
    response = secretariat_client.post(
        reverse("dialogues:participants-import", args=[workshop.slug]),
        {"file": upload(people.encode(encoding), "people.txt" if encoding == "utf-16"
                        else "people.csv")})
    assert response.status_code == 302
    assert sorted(workshop.registrations.values_list("person__given_name", "person__family_name")
                  ) == [("Hélène", "Müller"), ("Zoë", "Ñúñez")]


@pytest.mark.integration
def test_the_import_command_reads_windows_files_and_names_an_unknown_encoding(workshop, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"email,family_name,category\na@example.org,Ruiz\x81,ngo\n")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("participants", "import", "--workshop", workshop.slug, str(path),
                     stderr=stderr)
    assert "The file is not text in UTF-8, UTF-16 or Windows-1252 (line 2)" in stderr.getvalue()
    path.write_bytes(PEOPLE.encode("cp1252"))
    call_command("participants", "import", "--workshop", workshop.slug, str(path),
                 stdout=io.StringIO())
    assert workshop.registrations.get(email="helene@example.org").person.name == "Hélène Müller"


@pytest.mark.integration
def test_the_import_command_refuses_a_file_above_the_size_limit_unread(workshop, tmp_path,
                                                                       settings):
    settings.IDM_IMPORT_MAX_BYTES = 50
    path = tmp_path / "people.csv"
    path.write_bytes(PEOPLE.encode())
    with pytest.raises(CommandError, match=f"'people.csv' is {len(PEOPLE.encode())}\xa0bytes; "
                                           "the largest file imported is 50\xa0bytes."):
        call_command("participants", "import", "--workshop", workshop.slug, str(path))
    assert not Registration.objects.exists()


@pytest.mark.integration
def test_the_import_command_reads_a_sheet_that_declares_every_cell(workshop, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(FULL_SHEET)
    call_command("participants", "import", "--workshop", workshop.slug, str(path),
                 stdout=io.StringIO())
    assert list(workshop.registrations.values_list("email", flat=True)) == ["ana@example.org"]

