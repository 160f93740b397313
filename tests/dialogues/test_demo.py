"""The IDM 2018 demo: the facts as sources give them, made-up parts marked, safe to load twice."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from idm.core.models import AuditEntry
from idm.dialogues.demo import load_demo
from idm.dialogues.models import Dialogue, Organization, Person, Session, SessionRole, Workshop

pytestmark = pytest.mark.integration


def counts():
    return [m.objects.count() for m in (Dialogue, Workshop, Session, SessionRole, Person,
                                        Organization, AuditEntry)]


def test_loading_the_demo_twice_changes_nothing(demo):
    before = counts()
    load_demo()
    assert counts() == before


def test_series_and_dialogue_28(demo):
    assert (demo.number, demo.year) == (28, 2018)
    assert demo.theme_en == ("Inclusive and Innovative Partnerships for Effective Global "
                             "Governance of Migration")
    assert (demo.series.issn_en, demo.series.issn_fr) == ("1726-2224", "1726-4030")


def test_the_two_workshops_as_the_facts_give_them(demo):
    new_york = Workshop.objects.get(slug="2018-new-york")
    assert (new_york.first_day, new_york.last_day) == (date(2018, 3, 26), date(2018, 3, 27))
    assert new_york.venue_en == "Conference Room 2, United Nations Headquarters"
    assert new_york.time_zone == "America/New_York"
    geneva = Workshop.objects.get(slug="2018-geneva")
    assert (geneva.first_day, geneva.last_day) == (date(2018, 10, 8), date(2018, 10, 9))
    assert geneva.venue_en == "Room XVIII, Palais des Nations"
    assert geneva.title_fr.startswith("Vers une bonne gouvernance des migrations")


def test_geneva_opening_and_setting_the_scene(demo):
    zurich = ZoneInfo("Europe/Zurich")
    opening = Session.objects.get(workshop__slug="2018-geneva", kind="opening")
    assert opening.start == datetime(2018, 10, 8, 10, tzinfo=zurich)
    assert opening.end == datetime(2018, 10, 8, 11, tzinfo=zurich)
    assert [r.person.family_name for r in opening.roles.order_by("order")] == [
        "Vitorino", "Arbour", "Eguiguren"]
    assert not opening.illustrative and opening.source_note
    scene = Session.objects.get(workshop__slug="2018-geneva", kind="setting-the-scene")
    assert scene.roles.get().person.name == "Azzouz Samri"
    side = Session.objects.get(workshop__slug="2018-geneva", kind="side-event")
    assert (side.local_start.strftime("%H:%M"), side.local_end.strftime("%H:%M")) == (
        "13:15", "14:45")


def test_fictional_speakers_appear_only_in_illustrative_sessions(demo):
    fictional = SessionRole.objects.filter(person__fictional=True)
    assert fictional.exists()
    assert not fictional.filter(session__illustrative=False).exists()
    assert not SessionRole.objects.filter(person__fictional=True,
                                          organization__fictional=False).exists()


def test_real_people_carry_only_sourced_roles(demo):
    real = SessionRole.objects.filter(person__fictional=False)
    assert {r.person.family_name for r in real} == {
        "Swing", "Arbour", "Fore", "Vitorino", "Eguiguren", "Samri"}
    # Real people sit only in opening or setting-the-scene sessions that name a source.
    for link in real:
        assert link.session.kind in ("opening", "setting-the-scene")
        assert link.session.source_note
    assert not Person.objects.filter(fictional=False).exclude(gender="").exists()


def test_sessions_not_in_the_sources_are_illustrative(demo):
    real = Session.objects.filter(illustrative=False)
    assert sorted(real.values_list("title_en", flat=True)) == [
        "Opening session", "Setting the scene", "Side event: launch of the iDiaspora platform"]
