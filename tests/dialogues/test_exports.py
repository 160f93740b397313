"""Agenda exports: ICS a calendar can read, CSV and XLSX with the import's columns, a real PDF."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from idm.dialogues.exports import COLUMN_NAMES
from idm.dialogues.models import Session

pytestmark = pytest.mark.integration
GENEVA = ZoneInfo("Europe/Zurich")


def test_ics_has_one_event_per_session_in_geneva_time(client, demo):
    response = client.get(reverse("dialogues:agenda-file", args=["2018-geneva", "ics"]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    sessions = Session.objects.filter(workshop__slug="2018-geneva")
    assert len(events) == sessions.count() == 11
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    by_summary = {str(e["SUMMARY"]): e for e in events}
    opening = by_summary["Opening session"]
    assert opening["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert opening.decoded("DTSTART") == datetime(2018, 10, 8, 10, 0, tzinfo=GENEVA)
    assert opening.decoded("DTEND") == datetime(2018, 10, 8, 11, 0, tzinfo=GENEVA)
    assert str(opening["LOCATION"]) == "Room XVIII, Palais des Nations, Geneva"
    assert "António Vitorino" in str(opening["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == 11


def test_ics_follows_the_page_language(client, demo):
    calendar = icalendar.Calendar.from_ical(client.get("/fr/workshops/2018-geneva/agenda.ics").content)
    assert "Séance d'ouverture" in {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def test_pdf_agenda_is_a_real_pdf_with_every_session(client, demo):
    response = client.get(reverse("dialogues:agenda-file", args=["2018-geneva", "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert 1 <= len(reader.pages) <= 4
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Towards effective migration governance" in text
    assert "Monday 8 October 2018" in text and "CEST, UTC+02:00" in text
    assert "10:00–11:00" in text and "13:15–14:45" in text
    assert "Azzouz Samri" in text
    assert "Illustrative session" in text


def test_pdf_agenda_in_french(demo, tmp_path):
    out = tmp_path / "agenda.pdf"
    call_command("agenda", "export", "--workshop", "2018-geneva", "--format", "pdf",
                 "--lang", "fr", "-o", str(out))
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "lundi 8 octobre 2018" in text and "Séance d’ouverture" in text.replace("'", "’")


def test_csv_and_xlsx_are_for_the_secretariat(client, participant, demo):
    url = reverse("dialogues:agenda-file", args=["2018-geneva", "csv"])
    assert client.get(url).status_code == 302
    client.force_login(participant)
    assert client.get(url).status_code == 403


def test_csv_has_the_import_columns_and_one_row_per_speaker(secretariat_client, demo):
    response = secretariat_client.get(reverse("dialogues:agenda-file", args=["2018-geneva", "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMN_NAMES
    opening = [r for r in rows if r["title_en"] == "Opening session"]
    assert [r["family_name"] for r in opening] == ["Vitorino", "Arbour", "Eguiguren"]
    assert {(r["date"], r["start"], r["end"]) for r in opening} == {("2018-10-08", "10:00", "11:00")}
    side_event = [r for r in rows if "iDiaspora" in r["title_en"]]
    assert len(side_event) == 1 and side_event[0]["family_name"] == ""


def test_xlsx_has_real_dates_and_times(secretariat_client, demo):
    response = secretariat_client.get(reverse("dialogues:agenda-file", args=["2018-new-york", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content))["Agenda"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["workshop"] == "2018-new-york" and first["time_zone"] == "America/New_York"
    assert first["date"] == datetime(2018, 3, 26)
    assert first["start"].strftime("%H:%M") == "10:00"


def test_command_line_export_writes_ics_to_standard_output(demo, capsysbinary):
    call_command("agenda", "export", "--workshop", "2018-new-york", "--format", "ics")
    calendar = icalendar.Calendar.from_ical(capsysbinary.readouterr().out)
    assert len(calendar.walk("VEVENT")) == 9


def test_command_line_export_names_an_unknown_workshop(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no workshop '2018-paris'; known workshops: "
                                           "2018-new-york, 2018-geneva"):
        call_command("agenda", "export", "--workshop", "2018-paris", "--format", "csv")
