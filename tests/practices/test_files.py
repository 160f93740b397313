"""The practices registry as CSV, XLSX and JSON files: export then import gives the same practices,
every problem is named by row and field and nothing is saved, formula-like text stays text, and
the command and the secretariat's pages."""

import csv
import io
import json
from datetime import date, datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from idm.core.models import AuditEntry
from idm.core.spreadsheets import ImportFileError, write_csv
from idm.practices import files, services
from idm.practices.demo import load_demo_practices
from idm.practices.models import Deliverable, Link, Practice, ProgressReport

pytestmark = pytest.mark.integration

FORMULA_TITLE = '=HYPERLINK("https://example.com/x","click")'


@pytest.fixture
def registry(demo):
    """The demo's practices; one with a formula-like title and summary, links and a submitted
    status, to carry through the files."""
    load_demo_practices(demo)
    fair = Practice.objects.get(title_en__startswith="Fair recruitment")
    Link.objects.create(practice=fair, title="Register; 2019 edition",
                        url="https://example.org/register")
    Link.objects.create(practice=fair, title="https://example.org/hotline",
                        url="https://example.org/hotline")
    welcome = Practice.objects.get(title_en__startswith="Cities' welcome desks")
    welcome.title_es = FORMULA_TITLE
    welcome.summary_fr = "-1+2 : les villes comptent."
    welcome.resources = "@SUM(A1:A9)"
    welcome.status = Practice.Status.SUBMITTED
    welcome.ends_on = date(2030, 12, 31)
    welcome.save()
    return demo


def compared(rows: list[dict], *, nested: bool) -> list[dict]:
    """Rows as two registries compare them: without ids, by title."""
    leave_out = {"id"} | (set() if nested else set(files.NESTED))
    return sorted(({k: v for k, v in row.items() if k not in leave_out} for row in rows),
                  key=lambda row: row["title_en"])


def without_ids(content: bytes, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps([{**item, "id": None} for item in json.loads(content)]).encode()
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        return write_csv(files.COLUMN_NAMES, [{**row, "id": ""} for row in rows])
    book = load_workbook(io.BytesIO(content))
    for cell in book["Practices"]["A"][1:]:
        cell.value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_values(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))["Practices"].iter_rows(values_only=True))


@pytest.mark.parametrize("fmt", files.FORMATS)
def test_export_then_import_gives_the_same_practices(registry, fmt):
    exported = files.export_practices(Practice.objects.all(), fmt)
    before = files.practice_rows(Practice.objects.all())
    children = (Deliverable.objects.count(), ProgressReport.objects.count(), Link.objects.count())
    audited = AuditEntry.objects.count()
    result = files.import_practices(exported, f"practices.{fmt}", "test")
    assert (result.created, result.updated) == (0, len(before))
    assert AuditEntry.objects.count() == audited  # nothing changed, nothing recorded
    again = files.export_practices(Practice.objects.all(), fmt)
    if fmt == "xlsx":
        assert sheet_values(again) == sheet_values(exported)
    else:
        assert again == exported
    # Into an empty registry, without the ids: the same practices again.
    Practice.objects.all().delete()
    result = files.import_practices(without_ids(exported, fmt), f"copy.{fmt}", "test")
    assert (result.created, result.updated) == (len(before), 0)
    copied = files.practice_rows(Practice.objects.all())
    assert compared(copied, nested=fmt == "json") == compared(before, nested=fmt == "json")
    if fmt == "json":
        assert children[0] and children[1]  # the demo's partnerships have them
        assert (Deliverable.objects.count(), ProgressReport.objects.count(),
                Link.objects.count()) == children


def test_the_xlsx_file_reads_as_a_user_sees_it(registry):
    book = load_workbook(io.BytesIO(files.export_practices(Practice.objects.all(), "xlsx")))
    sheet = book["Practices"]
    header = [cell.value for cell in sheet[1]]
    assert header == files.COLUMN_NAMES
    rows = {row[header.index("title_en")]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)}
    fair = rows["Fair recruitment corridor between Examplia and coastal cities"]
    assert fair["implementers"] == ("Coastal Cities Migration Network; "
                                    "Fair Recruitment Business Alliance")
    assert fair["countries"] == "AE; PH; QA" and fair["sdg_targets"] == "8.8; 10.7"
    assert fair["starts_on"] == datetime(2018, 1, 15)
    assert fair["links"] == ("Register; 2019 edition | https://example.org/register\n"
                             "https://example.org/hotline")
    assert "Columns" in book.sheetnames  # what each column holds
    # The formula-like title is a text cell, not a formula, and Excel keeps it so when edited.
    cell = next(c for c in sheet[get_letter(header, "title_es")] if c.value == FORMULA_TITLE)
    assert cell.data_type == "s" and cell.quotePrefix


def get_letter(header: list[str], name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(name) + 1)


def test_formula_like_text_is_escaped_in_csv_and_comes_back_as_text(registry):
    content = files.export_practices(Practice.objects.all(), "csv")
    decoded = content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""https://example.com/x"",""click"")"' in decoded
    assert '"\'@SUM(A1:A9)"' in decoded and '"\'-1+2 : les villes comptent."' in decoded
    files.import_practices(content, "practices.csv", "test")
    welcome = Practice.objects.get(title_en__startswith="Cities' welcome desks")
    assert (welcome.title_es, welcome.resources) == (FORMULA_TITLE, "@SUM(A1:A9)")
    assert welcome.summary_fr == "-1+2 : les villes comptent."


def practices_csv(rows: list[dict]) -> bytes:
    return write_csv(files.COLUMN_NAMES, rows)


GOOD = {"title_en": "A new partnership", "summary_en": "What it does.", "type": "partnership",
        "level": "national", "implementers": "iom; Coastal Cities Migration Network",
        "countries": "ch", "gcm_objectives": "5", "sdg_targets": "10.7",
        "starts_on": "2024-01-01"}


def test_two_bad_rows_are_both_named_and_nothing_is_saved(registry):
    content = practices_csv([
        GOOD,
        {**GOOD, "title_en": "Bad one", "type": "maybe", "countries": "CH; XX",
         "title_fr": "x" * 301},
        {**GOOD, "title_en": "Bad two", "implementers": "IOM; Nobody Inc",
         "ends_on": "2023-12-31", "gcm_objectives": "5; 99"},
    ])
    counts = (Practice.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ImportFileError) as raised:
        files.import_practices(content, "practices.csv", "test")
    found = {(e.row, e.field): e.message for e in raised.value.errors}
    assert set(found) == {(3, "title_fr"), (3, "type"), (3, "countries"), (4, "implementers"),
                          (4, "ends_on"), (4, "gcm_objectives")}
    assert found[(3, "title_fr")].startswith("Ensure this value has at most 300 characters")
    assert found[(3, "type")].startswith("'maybe' is not a type")
    assert found[(3, "countries")] == "'XX' is not an ISO country code."
    assert found[(4, "implementers")].startswith("'Nobody Inc' is not an organization")
    assert found[(4, "ends_on")] == "The end comes before the start."
    assert found[(4, "gcm_objectives")] == "'99' is not a GCM objective: use a number from 1 to 23."
    assert (Practice.objects.count(), AuditEntry.objects.count()) == counts
    assert not Practice.objects.filter(title_en="A new partnership").exists()


def test_a_new_practice_is_published_with_what_the_row_names(registry):
    result = files.import_practices(practices_csv([GOOD]), "practices.csv", "test")
    assert (result.created, result.updated) == (1, 0)
    new = Practice.objects.get(title_en="A new partnership")
    assert new.status == Practice.Status.PUBLISHED and new.language == "en"
    assert sorted(o.acronym for o in new.implementers.all()) == ["CCMN", "IOM"]
    assert [c.iso2 for c in new.countries.all()] == ["CH"]
    assert [t.code for t in new.sdg_targets.all()] == ["10.7"]
    # A practice in French alone: its e-mails would be in French.
    french = {**GOOD, "title_en": "", "summary_en": "", "title_fr": "Un partenariat",
              "summary_fr": "Ce qu'il fait.", "status": "submitted"}
    files.import_practices(practices_csv([french]), "practices.csv", "test")
    new = Practice.objects.get(title_fr="Un partenariat")
    assert (new.language, new.status, new.title_en) == ("fr", "submitted", None)


def test_unknown_ids_repeated_ids_and_missing_fields_are_named(registry):
    known = Practice.objects.order_by("pk").first()
    content = practices_csv([{**GOOD, "id": str(known.pk)}, {**GOOD, "id": str(known.pk)},
                             {**GOOD, "id": "999999"}, {"title_en": "Only a title"}])
    with pytest.raises(ImportFileError) as raised:
        files.import_practices(content, "practices.csv", "test")
    found = {(e.row, e.field): e.message for e in raised.value.errors}
    assert found[(3, "id")] == f"Practice {known.pk} is already on row 2."
    assert found[(4, "id")].startswith("There is no practice 999999")
    assert {(5, "summary_en"), (5, "type"), (5, "level")} <= set(found)


def test_a_column_left_out_changes_nothing(registry):
    fair = Practice.objects.get(title_en__startswith="Fair recruitment")
    content = f'id,status\r\n"{fair.pk}","under_review"\r\n'.encode()
    files.import_practices(content, "status.csv", "test")
    fair.refresh_from_db()
    assert fair.status == "under_review" and fair.implementers.count() == 2
    assert fair.links.count() == 2 and fair.deliverables.count() == 3


def test_json_problems_are_named_by_item_and_key(registry):
    for content, message in ((b'{"title_en": "x"}', "is not a list of practices"),
                             (b"[]", "no practices"), (b"[1, 2", "cannot be read")):
        with pytest.raises(ImportFileError) as raised:
            files.import_practices(content, "practices.json", "test")
        assert [(e.row, e.field) for e in raised.value.errors] == [(0, "file")]
        assert message in raised.value.errors[0].message
    items = [
        {**GOOD, "deliverables": [{"title": "A report", "due_on": "2025-02-30"}]},
        "a practice",
        {**GOOD, "colour": "blue", "links": [{"title": "Site", "url": "javascript:alert(1)"}]},
        {**GOOD, "countries": ["CH", "FR"], "gcm_objectives": [5, 7], "worldwide": True,
         "progress_reports": [{"reported_on": "2025-01-01"}]},
    ]
    with pytest.raises(ImportFileError) as raised:
        files.import_practices(json.dumps(items).encode(), "practices.json", "test")
    found = {(e.row, e.field): e.message for e in raised.value.errors}
    assert set(found) == {(2, "file"), (3, "colour")}  # the file's shape first
    del items[2]["colour"]
    del items[1]
    with pytest.raises(ImportFileError) as raised:
        files.import_practices(json.dumps(items).encode(), "practices.json", "test")
    found = {(e.row, e.field): e.message for e in raised.value.errors}
    assert set(found) == {(1, "deliverables"), (2, "links"), (3, "progress_reports")}
    assert found[(1, "deliverables")].startswith("Item 1, due_on: '2025-02-30' is not a date")
    assert "is not a web address" in found[(2, "links")]
    assert found[(3, "progress_reports")].startswith("Item 1, text: ")
    assert not Practice.objects.filter(title_en="A new partnership").exists()


def test_json_cells_keep_the_limits_of_a_sheet(registry, settings):
    settings.IDM_IMPORT_MAX_CELL = 100
    with pytest.raises(ImportFileError) as raised:
        files.import_practices(json.dumps([{**GOOD, "summary_en": "x" * 101}]).encode(),
                               "practices.json", "test")
    assert [(e.row, e.field) for e in raised.value.errors] == [(1, "summary_en")]
    settings.IDM_IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        files.import_practices(json.dumps([GOOD] * 3).encode(), "practices.json", "test")
    settings.IDM_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError, match="the largest file imported"):
        files.import_practices(json.dumps([GOOD]).encode(), "practices.json", "test")


def test_the_command_exports_and_imports(registry, tmp_path):
    path = tmp_path / "practices.json"
    call_command("practices", "export", "--format", "json", "--status", "published",
                 "-o", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert len(exported) == Practice.objects.filter(status="published").count() > 0
    exported[0]["title_fr"] = "Un titre nouveau"
    exported.append({**GOOD, "gcm_objectives": [5]})
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("practices", "import", str(path), "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"imported": True, "created": 1,
                                          "updated": len(exported) - 1}
    assert Practice.objects.get(pk=exported[0]["id"]).title_fr == "Un titre nouveau"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(practices_csv([{**GOOD, "level": "cosmic"}]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("practices", "import", str(bad), "--format", "json", stdout=out)
    assert [(e["row"], e["field"]) for e in json.loads(out.getvalue())["errors"]] == [(2, "level")]
    xlsx = tmp_path / "all.xlsx"
    call_command("practices", "export", "--format", "xlsx", "-o", str(xlsx))
    assert load_workbook(xlsx)["Practices"].max_row == Practice.objects.count() + 1


def test_the_secretariat_imports_on_the_web(secretariat_client, registry):
    url = reverse("practices:import")
    assert secretariat_client.get(url).status_code == 200
    upload = io.BytesIO(practices_csv([GOOD, {**GOOD, "implementers": "Nobody Inc"}]))
    upload.name = "practices.csv"
    page = secretariat_client.post(url, {"file": upload})
    assert page.status_code == 400
    html = page.content.decode()
    assert "1 problem: nothing was imported." in html
    assert "&#x27;Nobody Inc&#x27; is not an organization of the registry" in html
    assert not Practice.objects.filter(title_en="A new partnership").exists()
    upload = io.BytesIO(practices_csv([GOOD]))
    upload.name = "practices.csv"
    page = secretariat_client.post(url, {"file": upload}, follow=True)
    assert "Imported: 1 new and 0 updated practices." in page.content.decode()
    assert Practice.objects.filter(title_en="A new partnership").exists()


def test_the_secretariat_downloads_the_registry(secretariat_client, registry):
    response = secretariat_client.get(reverse("practices:export", args=["json"]),
                                      {"status": "submitted"})
    assert response["Content-Type"].startswith("application/json")
    assert [p["title_es"] for p in json.loads(response.content)] == [FORMULA_TITLE]
    response = secretariat_client.get(reverse("practices:export", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="practices.csv"'
    assert secretariat_client.get("/en/practices/export.pdf").status_code == 404
    # A mistyped status exports nothing rather than everything.
    response = secretariat_client.get(reverse("practices:export", args=["csv"]),
                                      {"status": "publised"})
    assert response.status_code == 400 and b"Unknown review status 'publised'" in response.content


def test_a_file_that_publishes_a_submission_writes_to_its_submitter(
        registry, participant, django_capture_on_commit_callbacks):
    participant.email = "amina@example.org"
    participant.save()
    submitted = services.submit(Practice(title_en="Harbour desks", title="Harbour desks",
                                         summary="Desks.", type="policy", level="local"),
                                participant, relations={})
    mail.outbox.clear()
    decision = f"id,status\n{submitted.pk},published\n".encode()  # only the status changes
    with django_capture_on_commit_callbacks(execute=True):
        files.import_practices(decision, "practices.csv", "test")
    assert [m.subject for m in mail.outbox] == ["Practice published: Harbour desks"]
    assert Practice.objects.get(pk=submitted.pk).title_en == "Harbour desks"
    with django_capture_on_commit_callbacks(execute=True):  # the same file again: no news
        files.import_practices(decision, "practices.csv", "test")
    assert len(mail.outbox) == 1


def test_the_file_pages_are_closed_to_others(participant, registry):
    client = Client()
    for url in (reverse("practices:import"), reverse("practices:export", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        client.force_login(participant)
        assert client.get(url).status_code == 403
        client.logout()
    upload = io.BytesIO(practices_csv([GOOD]))
    upload.name = "practices.csv"
    client.force_login(participant)
    assert client.post(reverse("practices:import"), {"file": upload}).status_code == 403
    assert not Practice.objects.filter(title_en="A new partnership").exists()


def test_the_export_reads_the_same_few_queries_for_one_practice_or_all(registry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, ids = [], list(Practice.objects.order_by("pk").values_list("pk", flat=True))
    for chosen in (ids[:1], ids):
        with CaptureQueriesContext(connection) as queries:
            files.export_practices(Practice.objects.filter(pk__in=chosen), "json")
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
