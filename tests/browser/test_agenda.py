"""A visitor reads the Geneva agenda, switches to French and takes the calendar file home."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from idm.dialogues.models import Session
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser


def test_geneva_agenda_in_french_with_its_calendar_file(page, live_demo, tmp_path):
    page.goto("/en/workshops/2018-geneva/")
    assert page.locator("h1").inner_text().startswith("Towards effective migration governance")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/workshops/2018-geneva/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text().startswith("Vers une bonne gouvernance des migrations")
    assert "lundi 8 octobre 2018" in page.locator("#day-1").inner_text()
    assert "Séance d'ouverture" in page.locator("main").inner_text()

    with page.expect_download() as download_info:
        page.locator("a[href$='agenda.ics']").click()
    download = download_info.value
    assert download.suggested_filename == "agenda-2018-geneva-fr.ics"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    sessions = Session.objects.filter(workshop__slug="2018-geneva")
    assert len(events) == sessions.count() == 11
    geneva = ZoneInfo("Europe/Zurich")
    for session in sessions:
        event = events[f"session-{session.pk}@2018-geneva.idm"]
        assert event.decoded("DTSTART") == session.start
        assert event.decoded("DTEND") == session.end
        assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
        assert str(event["SUMMARY"]) == (session.title_fr or session.title_en)
    opening = next(e for e in events.values() if str(e["SUMMARY"]) == "Séance d'ouverture")
    assert opening.decoded("DTSTART") == datetime(2018, 10, 8, 10, 0, tzinfo=geneva)


def test_a_reader_in_new_york_sees_both_clocks(make_page, live_demo):
    page = make_page("America/New_York")
    page.goto("/en/workshops/2018-geneva/")
    note = page.locator("#reader-zone-note")
    note.wait_for(state="visible")
    assert "America/New_York" in note.inner_text()
    opening = page.locator(".session-time").first
    assert opening.locator("time").first.inner_text() == "10:00"
    assert "04:00–05:00 your time (UTC-04:00)" in opening.inner_text()


def test_a_reader_in_geneva_sees_only_the_venue_clock(page, live_demo):
    page.goto("/en/workshops/2018-geneva/")
    assert page.locator(".reader-time").count() == 0
    assert page.locator("#reader-zone-note").is_hidden()


def test_keyboard_users_can_skip_to_the_agenda(page, live_demo):
    page.goto("/en/workshops/2018-geneva/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_phone_layout_has_no_horizontal_scroll(browser, live_server, live_demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/en/workshops/2018-geneva/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


@pytest.mark.parametrize("path", [
    "/en/", "/en/dialogues/28/", "/en/workshops/2018-geneva/", "/fr/workshops/2018-geneva/",
    "/en/workshops/2018-new-york/speakers/", "/es/workshops/2018-new-york/print/",
    "/en/accounts/login/",
])
def test_no_serious_or_critical_accessibility_violation(page, live_demo, path):
    page.goto(path)
    assert not serious_violations(page)
