"""Validation with clear messages: time zones, session times, room clashes, double links."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from idm.core import services
from idm.dialogues.models import Series, SessionRole
from tests.dialogues import factories

pytestmark = pytest.mark.integration
DAY = date(2030, 10, 8)


def test_an_unknown_time_zone_is_named(reference):
    workshop = factories.workshop(time_zone="Europe/Genva")
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert "Unknown time zone 'Europe/Genva'" in error.value.message_dict["time_zone"][0]


def test_a_workshop_cannot_end_before_it_starts(reference):
    workshop = factories.workshop(first_day=date(2030, 10, 9), last_day=date(2030, 10, 8))
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert error.value.message_dict["last_day"] == ["The last day comes before the first day."]


def test_a_session_that_ends_before_it_starts(reference):
    session = factories.session(factories.workshop(), DAY, time(11), time(10))
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["end"] == ["The session ends before it starts."]


def test_a_session_outside_the_workshop_days(reference):
    session = factories.session(factories.workshop(), date(2030, 10, 10), time(10), time(11))
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["start"] == [
        "The session falls outside the workshop's days (2030-10-08 to 2030-10-09)."]


def test_the_workshop_day_is_the_venue_day_not_utc(reference):
    # 00:30 in Geneva on the first day is still 8 October there, though 7 October in UTC.
    session = factories.session(factories.workshop(), DAY, time(0, 30), time(1, 30))
    session.full_clean()


def test_two_sessions_in_one_room_at_once(reference):
    workshop = factories.workshop()
    services.save(factories.session(workshop, DAY, time(10), time(11), room="Room XVIII",
                                    title_en="Opening"), None)
    clash = factories.session(workshop, DAY, time(10, 30), time(12), room="room xviii ")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.message_dict["room"] == [
        "room xviii  is already used from 10:00 to 11:00 by \u201cOpening\u201d."]


def test_parallel_sessions_in_other_rooms_and_back_to_back_sessions_are_fine(reference):
    workshop = factories.workshop()
    services.save(factories.session(workshop, DAY, time(10), time(11), room="Room XVIII"), None)
    factories.session(workshop, DAY, time(10), time(11), room="Room XIX").full_clean()
    factories.session(workshop, DAY, time(11), time(12), room="Room XVIII").full_clean()
    factories.session(workshop, DAY, time(10), time(11)).full_clean()  # no room: no clash


def test_a_person_linked_twice_to_a_session(reference):
    workshop = factories.workshop()
    session = services.save(factories.session(workshop, DAY, time(10), time(11),
                                              title_en="Panel 1"), None)
    person = factories.person("Okafor", given_name="Amara")
    services.save(SessionRole(session=session, person=person, role="panelist"), None)
    with pytest.raises(ValidationError) as error:
        services.save(SessionRole(session=session, person=person, role="moderator"), None)
    assert error.value.message_dict["person"] == [
        "Amara Okafor is already linked to the session \u201cPanel 1\u201d."]


def test_an_issn_with_a_wrong_check_digit_is_refused(reference):
    series = Series(slug="x", name_en="X", issn_fr="1726-4031")
    with pytest.raises(ValidationError) as error:
        series.full_clean()
    assert "expected 0, found 1" in error.value.message_dict["issn_fr"][0]
