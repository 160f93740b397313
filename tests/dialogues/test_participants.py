"""Participants lists: what the public may see, the secretariat's list, files both ways, badges."""

import csv
import io
import json
import math
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from idm.core.models import AuditEntry
from idm.dialogues.models import Person, Registration, Workshop
from idm.dialogues.participant_files import COLUMN_NAMES
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_public_list_shows_only_approved_people_who_consented(client, population):
    geneva = Workshop.objects.get(slug="2018-geneva")
    listed = geneva.registrations.filter(status="approved", consent_public=True)
    hidden = geneva.registrations.filter(status="approved", consent_public=False).first()
    pending = geneva.registrations.filter(status="pending").first()
    pages = []
    url = reverse("dialogues:participants", args=["2018-geneva"])
    for number in range(1, math.ceil(listed.count() / 100) + 1):
        pages.append(client.get(url, {"page": number}).content.decode())
    html = "".join(pages)
    assert all(r.person.family_name in html for r in listed[:20])
    assert hidden.person.name not in html and pending.person.name not in html
    assert "@example.org" not in html  # never an e-mail


def test_the_secretariat_filters_and_searches(secretariat_client, population):
    url = reverse("dialogues:registrations", args=["2018-geneva"])
    response = secretariat_client.get(url, {"status": "waitlisted"})
    assert response.context["page"].paginator.count == 7
    someone = Registration.objects.filter(workshop__slug="2018-geneva", status="approved").first()
    response = secretariat_client.get(url, {"q": someone.person.family_name})
    assert someone in response.context["page"].object_list
    africa = secretariat_client.get(url, {"region": "002", "category": someone.category.pk})
    assert all(r.country.region_code == "002" for r in africa.context["page"].object_list)


def test_the_secretariat_pages_are_closed_to_others(client, participant, population):
    for url in (reverse("dialogues:registrations", args=["2018-geneva"]),
                reverse("dialogues:participants-file", args=["2018-geneva", "csv"]),
                reverse("dialogues:badges", args=["2018-geneva"]),
                reverse("dialogues:check-in", args=["2018-geneva"])):
        assert client.get(url).status_code == 302
        client.force_login(participant)
        assert client.get(url).status_code == 403
        client.logout()


def test_export_has_every_registration_with_its_columns(secretariat_client, population):
    response = secretariat_client.get(
        reverse("dialogues:participants-file", args=["2018-new-york", "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMN_NAMES
    assert len(rows) == Registration.objects.filter(workshop__slug="2018-new-york").count()
    assert {r["status"] for r in rows} == {"approved", "pending", "waitlisted", "rejected",
                                           "withdrawn"}


def participants_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def workshop(reference):
    return factories.workshop(capacity=3)


def test_import_merges_duplicates_and_updates_known_people(workshop, tmp_path):
    path = tmp_path / "participants.csv"
    path.write_bytes(participants_csv([
        {"email": "ana@example.org", "given_name": "Ana", "family_name": "Ruiz",
         "category": "academia", "country": "ES"},
        {"email": "ANA@example.org", "family_name": "Ruiz", "organization": "IOM",
         "listed_publicly": "yes"},
        {"email": "bo@example.org", "family_name": "Li", "category": "ngo", "status": "pending",
         "organization": "Unknown Helpers"},
    ]))
    out = io.StringIO()
    call_command("participants", "import", "--workshop", workshop.slug, str(path),
                 "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"imported": True, "created": 2, "updated": 0,
                                          "merged_rows": 1}
    ana = Registration.objects.get(email="ana@example.org")
    assert (ana.category.code, ana.country.iso2, ana.consent_public, ana.status) == (
        "academia", "ES", True, "approved")
    bo = Registration.objects.get(email="bo@example.org")
    assert bo.proposed_organization == "Unknown Helpers" and bo.organization is None
    # Importing again updates instead of duplicating.
    path.write_bytes(participants_csv([{"email": "bo@example.org", "family_name": "Li-Wang",
                                        "status": "approved"}]))
    call_command("participants", "import", "--workshop", workshop.slug, str(path))
    bo.refresh_from_db()
    assert (bo.status, bo.person.family_name) == ("approved", "Li-Wang")
    assert Registration.objects.count() == 2 and Person.objects.count() == 2


def test_a_bad_import_names_every_row_and_saves_nothing(workshop, tmp_path):
    path = tmp_path / "participants.xlsx"
    rows = [
        {"email": "ok@example.org", "family_name": "Fine", "category": "ngo"},
        {"email": "not-an-email", "family_name": "X", "category": "ngo"},
        {"email": "a@example.org", "family_name": "A", "category": "astronauts"},
        {"email": "b@example.org", "family_name": "B", "category": "ngo", "country": "XX",
         "status": "maybe"},
        {"email": "ok@example.org", "family_name": "Other"},
        {"email": "c@example.org", "category": "ngo"},
    ]
    from idm.core.spreadsheets import write_xlsx

    path.write_bytes(write_xlsx(COLUMN_NAMES, rows, title="Participants"))
    before = (Registration.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("participants", "import", "--workshop", workshop.slug, str(path),
                     "--format", "json", stdout=out)
    found = {(e["row"], e["field"]) for e in json.loads(out.getvalue())["errors"]}
    assert found == {(3, "email"), (5, "status"), (6, "family_name"), (7, "family_name")}
    rows[1]["email"] = "x@example.org"
    rows[3]["status"] = "approved"
    rows[4]["family_name"] = "Fine"
    rows[5]["family_name"] = "C"
    rows.append({"email": "d@example.org", "family_name": "D", "category": "ngo"})
    path.write_bytes(write_xlsx(COLUMN_NAMES, rows, title="Participants"))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("participants", "import", "--workshop", workshop.slug, str(path),
                     "--format", "json", stdout=out)
    found = {(e["row"], e["field"]): e["message"] for e in json.loads(out.getvalue())["errors"]}
    assert found[(4, "category")].startswith("'astronauts' is not a stakeholder category")
    assert found[(5, "country")] == "'XX' is not an ISO country code."
    assert found[(8, "status")].startswith("The capacity of 3 places is exceeded here")
    assert len(found) == 3
    assert (Registration.objects.count(), Person.objects.count(),
            AuditEntry.objects.count()) == before


def test_web_import_reports_problems(secretariat_client, workshop):
    upload = io.BytesIO(participants_csv([{"email": "x", "family_name": "X"}]))
    upload.name = "p.csv"
    response = secretariat_client.post(
        reverse("dialogues:participants-import", args=[workshop.slug]), {"file": upload})
    assert response.status_code == 400
    assert "&#x27;x&#x27; is not an e-mail address." in response.content.decode()


def test_export_then_import_elsewhere_gives_the_same_people(population, tmp_path):
    path = tmp_path / "ny.xlsx"
    call_command("participants", "export", "--workshop", "2018-new-york", "--format", "xlsx",
                 "--status", "approved", "-o", str(path))
    sheet = load_workbook(path)["Participants"]
    assert sheet.max_row - 1 == Registration.objects.filter(
        workshop__slug="2018-new-york", status="approved").count()
    target = factories.workshop(factories.dialogue(number=99), slug="copy")
    call_command("participants", "import", "--workshop", "copy", str(path))
    original = set(Registration.objects.filter(workshop__slug="2018-new-york", status="approved")
                   .values_list("email", "category__code", "country__iso2", "role"))
    copied = set(target.registrations.values_list("email", "category__code", "country__iso2",
                                                  "role"))
    assert copied == original


def test_badges_eight_to_an_a4_page(secretariat_client, population):
    geneva = Workshop.objects.get(slug="2018-geneva")
    approved = geneva.registrations.filter(status="approved").select_related("person")
    response = secretariat_client.get(reverse("dialogues:badges", args=["2018-geneva"]))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == math.ceil(approved.count() / 8)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    first_page = reader.pages[0].extract_text()
    first = sorted(approved, key=lambda r: (r.person.family_name, r.person.given_name))[0]
    assert first.person.family_name.upper() in first_page
    assert "PARTICIPANT" in first_page or "SPEAKER" in first_page
    assert "Geneva" in first_page


def test_check_in_list_counts_and_sorts(population, tmp_path):
    path = tmp_path / "check-in.pdf"
    call_command("participants", "check-in", "--workshop", "2018-new-york", "-o", str(path))
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    approved = Registration.objects.filter(workshop__slug="2018-new-york", status="approved")
    assert f"{approved.count()} approved participants" in text
    families = sorted(approved.values_list("person__family_name", flat=True))
    assert text.index(families[0].upper()) < text.index(families[-1].upper())


def _participants_csv(count: int, start: int = 0) -> bytes:
    lines = ["email,given_name,family_name,category,country,status"]
    lines += [f"p{n}@example.org,Ana{n},Ruiz{n},academia,CH,approved"
              for n in range(start, start + count)]
    return "\n".join(lines).encode()


def test_the_import_writes_in_bulk(reference):
    """The number of queries does not grow with the rows: 10,000 rows take seconds, and the
    workshop is not locked for minutes (a visitor registering meanwhile waits for it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from idm.dialogues import participants

    workshop = factories.workshop(capacity=None)
    queries = {}
    for count, start in ((10, 0), (400, 10)):
        with CaptureQueriesContext(connection) as captured:
            participants.import_participants(workshop, _participants_csv(count, start), "p.csv",
                                         "test")
        queries[count] = len(captured)
    assert workshop.registrations.count() == 410
    assert queries[400] < queries[10] + 60, queries
    # Every registration and person is still audited, one entry each.
    assert AuditEntry.objects.filter(object_type="dialogues.registration").count() == 410
    assert AuditEntry.objects.filter(object_type="dialogues.person").count() == 410
    # Updating them all at once, too.
    renamed = _participants_csv(400, 10).replace(b",Ana", b",Anna")
    with CaptureQueriesContext(connection) as captured:
        result = participants.import_participants(workshop, renamed, "p.csv", "test")
    assert result.updated == 400 and len(captured) < 60 + queries[10]
    assert Person.objects.get(email="p42@example.org").given_name == "Anna42"
