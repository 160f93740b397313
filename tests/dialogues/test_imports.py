"""Agenda import: the export comes back as the same sessions; bad rows are all named, none saved."""

import copy
import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from idm.core.models import AuditEntry
from idm.dialogues import exports
from idm.dialogues.models import Dialogue, Person, Session, SessionRole, Workshop
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def agenda_snapshot(slug: str) -> list[tuple]:
    """What a reader compares: every session with its speakers, in order, in all languages."""
    workshop = Workshop.objects.get(slug=slug)
    sessions = []
    for s in workshop.sessions.order_by("start", "order"):
        speakers = tuple(
            (r.role, r.person.full_name, r.person.fictional, r.title_en, r.title_fr,
             r.organization_name_en, r.organization_name_fr,
             r.organization.acronym if r.organization else "")
            for r in s.roles.order_by("order", "id"))
        sessions.append((s.start, s.end, s.kind, s.room, s.title_en, s.title_fr, s.title_es,
                         s.description_en, s.illustrative, s.source_note, speakers))
    return sessions


def workshop_snapshot(slug: str) -> tuple:
    w = Workshop.objects.get(slug=slug)
    return (w.title_en, w.title_fr, w.city_en, w.city_fr, w.city_es, w.venue_en, w.venue_fr,
            w.time_zone, w.first_day, w.last_day)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_dialogue_gives_the_same_sessions(demo, tmp_path, fmt):
    exported = {}
    for slug in ("2018-geneva", "2018-new-york"):
        path = tmp_path / f"{slug}.{fmt}"
        call_command("agenda", "export", "--workshop", slug, "--format", fmt, "-o", str(path))
        exported[slug] = (path, agenda_snapshot(slug), workshop_snapshot(slug))
    Workshop.objects.all().delete()  # workshop slugs are unique across dialogues
    empty = factories.dialogue(number=99)
    for slug, (path, sessions, workshop) in exported.items():
        call_command("agenda", "import", "--dialogue", "99", str(path))
        imported = Workshop.objects.get(slug=slug)
        assert imported.dialogue == empty
        assert workshop_snapshot(slug) == workshop
        assert agenda_snapshot(slug) == sessions
    assert Session.objects.filter(workshop__dialogue=empty).count() == 20
    assert AuditEntry.objects.filter(action="import", object_type="dialogues.dialogue").count() == 2


def test_importing_reuses_known_people_and_organizations(demo, tmp_path):
    path = tmp_path / "geneva.csv"
    call_command("agenda", "export", "--workshop", "2018-geneva", "--format", "csv", "-o", str(path))
    people = Person.objects.count()
    call_command("agenda", "import", "--dialogue", "28", str(path), "--replace")
    assert Person.objects.count() == people
    assert Session.objects.filter(workshop__slug="2018-geneva").count() == 11


def test_an_agenda_is_not_overwritten_without_replace(demo, tmp_path):
    path = tmp_path / "geneva.csv"
    call_command("agenda", "export", "--workshop", "2018-geneva", "--format", "csv", "-o", str(path))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("agenda", "import", "--dialogue", "28", str(path))


BAD_ROWS = [
    # row 2: fine
    {"workshop": "2030-geneva", "workshop_title_en": "A workshop", "workshop_city_en": "Geneva",
     "time_zone": "Europe/Zurich", "first_day": "2030-10-08", "last_day": "2030-10-09",
     "session": "1", "date": "2030-10-08", "start": "10:00", "end": "11:00", "kind": "opening",
     "room": "Room XVIII", "title_en": "Opening", "role": "remarks", "given_name": "Ana",
     "family_name": "Ruiz", "organization_en": "Org A", "organization_category": "ngo"},
    # row 3: end before start
    {"workshop": "2030-geneva", "session": "2", "date": "2030-10-08", "start": "12:00",
     "end": "11:30", "kind": "panel", "title_en": "Panel that ends too early"},
    # row 4: not a time, unknown kind
    {"workshop": "2030-geneva", "session": "3", "date": "2030-10-08", "start": "25:00",
     "end": "26:00", "kind": "debate", "title_en": "Bad times"},
    # row 5: outside the workshop's days
    {"workshop": "2030-geneva", "session": "4", "date": "2030-10-12", "start": "10:00",
     "end": "11:00", "kind": "panel", "title_en": "Too late"},
    # row 6: same room at the same time as row 2
    {"workshop": "2030-geneva", "session": "5", "date": "2030-10-08", "start": "10:30",
     "end": "11:30", "kind": "panel", "room": "Room XVIII", "title_en": "Clash"},
    # row 7: the same person twice in session 1
    {"workshop": "2030-geneva", "session": "1", "role": "panelist", "given_name": "Ana",
     "family_name": "Ruiz", "organization_en": "Org A"},
    # row 8: new organization without a category; unknown role
    {"workshop": "2030-geneva", "session": "1", "role": "juggler", "given_name": "Bo",
     "family_name": "Li", "organization_en": "Org B"},
    # row 9: a second workshop with an unknown time zone
    {"workshop": "2030-nowhere", "workshop_title_en": "B", "workshop_city_en": "Nowhere",
     "time_zone": "Mars/Olympus", "first_day": "2030-01-01", "last_day": "2030-01-01",
     "session": "1", "date": "2030-01-01", "start": "10:00", "end": "11:00", "title_en": "X"},
]


def bad_csv(rows: list[dict] = BAD_ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=exports.COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_every_bad_row_is_reported_and_nothing_is_saved(reference, tmp_path):
    dialogue = factories.dialogue(number=30)
    path = tmp_path / "agenda.csv"
    path.write_bytes(bad_csv())
    before = (Workshop.objects.count(), Session.objects.count(), Person.objects.count(),
              AuditEntry.objects.count())
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("agenda", "import", "--dialogue", "30", str(path), "--format", "json",
                     stdout=out)
    report = json.loads(out.getvalue())
    found = {(e["row"], e["field"]) for e in report["errors"]}
    # Value errors (rows 3-4) stop the import before the database; fix them and the rest show.
    assert {(4, "start"), (4, "end"), (4, "kind"), (8, "role")} <= found
    assert after_counts() == before
    assert not dialogue.workshops.exists()

    rows = copy.deepcopy(BAD_ROWS)
    rows[2].update(start="10:00", end="11:00", kind="panel", room="Room XIX")
    rows[6]["role"] = "panelist"
    path.write_bytes(bad_csv(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("agenda", "import", "--dialogue", "30", str(path), "--format", "json",
                     stdout=out)
    found = {(e["row"], e["field"]): e["message"] for e in json.loads(out.getvalue())["errors"]}
    assert found[(3, "end")] == "The session ends before it starts."
    assert found[(5, "start")].startswith("The session falls outside the workshop's days")
    assert found[(6, "room")].startswith("Room XVIII is already used from 10:00 to 11:00")
    assert found[(7, "family_name")] == "Ana Ruiz is already linked to the session \u201cOpening\u201d."
    assert found[(8, "organization_category")].startswith("'Org B' is a new organization")
    assert found[(9, "time_zone")].startswith("Unknown time zone 'Mars/Olympus'")
    assert after_counts() == before


def after_counts():
    return (Workshop.objects.count(), Session.objects.count(), Person.objects.count(),
            AuditEntry.objects.count())


def test_a_file_with_unknown_or_missing_columns_names_them(reference, tmp_path):
    factories.dialogue(number=31)
    path = tmp_path / "agenda.csv"
    path.write_text("workshop;session;date;start;titel_en\n2030-x;1;2030-01-01;10:00;Hello\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("agenda", "import", "--dialogue", "31", str(path), "--format", "json",
                     stdout=out)
    found = {(e["row"], e["field"]) for e in json.loads(out.getvalue())["errors"]}
    assert found == {(1, "end"), (1, "title_en"), (1, "titel_en")}


def test_web_import_shows_each_problem_and_saves_nothing(secretariat_client, tmp_path):
    factories.dialogue(number=32)
    upload = io.BytesIO(bad_csv())
    upload.name = "agenda.csv"
    response = secretariat_client.post(reverse("dialogues:agenda-import", args=[32]),
                                       {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "problems: nothing was imported." in html
    assert "&#x27;25:00&#x27; is not a time: write it as HH:MM." in html
    assert not Workshop.objects.exists()


def test_web_import_of_an_export_creates_the_workshop(secretariat_client, demo):
    content = secretariat_client.get(
        reverse("dialogues:agenda-file", args=["2018-new-york", "xlsx"])).content
    Workshop.objects.filter(slug="2018-new-york").delete()
    upload = io.BytesIO(content)
    upload.name = "agenda-2018-new-york.xlsx"
    response = secretariat_client.post(reverse("dialogues:agenda-import", args=[28]),
                                       {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "Imported 9 sessions with 21 speakers into 1 workshop." in response.content.decode()
    assert Dialogue.objects.get(number=28).workshops.count() == 2
    assert SessionRole.objects.filter(session__workshop__slug="2018-new-york").count() == 21


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_columns(secretariat_client, fmt):
    response = secretariat_client.get(reverse("dialogues:agenda-template", args=[fmt]))
    if fmt == "csv":
        header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    else:
        book = load_workbook(io.BytesIO(response.content))
        header = [c.value for c in book["Agenda"][1]]
        assert [r[0].value for r in book["Columns"].iter_rows(min_row=2)] == exports.COLUMN_NAMES
    assert header == exports.COLUMN_NAMES


FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_session_titles_that_look_like_formulas_are_exported_as_text_and_come_back(
        secretariat_client, fmt):
    workshop = factories.workshop(factories.dialogue(number=40), slug="2030-formulas")
    for hour, title in enumerate(FORMULAS, start=9):
        factories.session(workshop, workshop.first_day, *factories.times(hour, hour + 1),
                          title_en=title, title_fr=title, title_es=title,
                          description_en=title, kind="panel").save()
    before = agenda_snapshot(workshop.slug)
    content = secretariat_client.get(
        reverse("dialogues:agenda-file", args=[workshop.slug, fmt])).content
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        assert [r["title_en"] for r in rows] == ["'" + title for title in FORMULAS]
    else:
        sheet = load_workbook(io.BytesIO(content))["Agenda"]
        column = [c.value for c in sheet[1]].index("title_en")
        cells = [row[column] for row in sheet.iter_rows(min_row=2)]
        assert [(c.value, c.data_type) for c in cells] == [(t, "s") for t in FORMULAS]
    workshop.delete()
    response = secretariat_client.post(reverse("dialogues:agenda-import", args=[40]), {
        "file": SimpleUploadedFile(f"agenda.{fmt}", content)})
    assert response.status_code == 302
    assert agenda_snapshot("2030-formulas") == before
