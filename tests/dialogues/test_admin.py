"""The secretariat's admin: sessions entered in the venue's time, errors on the fields typed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from idm.dialogues.models import Session, Workshop

pytestmark = pytest.mark.integration


def session_form(workshop: Workshop, **values) -> dict:
    data = {"workshop": workshop.pk, "kind": "panel", "title_en": "Panel on data",
            "title_fr": "", "title_es": "", "description_en": "", "description_fr": "",
            "description_es": "", "day": "2018-10-09", "start_time": "15:00",
            "end_time": "16:30", "room": "Room XIX", "order": 0, "source_note": "",
            "roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0, "roles-MIN_NUM_FORMS": 0,
            "roles-MAX_NUM_FORMS": 1000}
    data.update(values)
    return data


def test_a_session_is_entered_in_the_workshop_time_zone(secretariat_client, demo):
    geneva = Workshop.objects.get(slug="2018-geneva")
    response = secretariat_client.post(reverse("admin:dialogues_session_add"),
                                       session_form(geneva))
    assert response.status_code == 302, response.content.decode()[:3000]
    session = Session.objects.get(title_en="Panel on data")
    assert session.start == datetime(2018, 10, 9, 15, tzinfo=ZoneInfo("Europe/Zurich"))
    assert session.start.astimezone(ZoneInfo("UTC")).hour == 13


def test_admin_shows_the_clash_on_the_room_field(secretariat_client, demo):
    geneva = Workshop.objects.get(slug="2018-geneva")
    response = secretariat_client.post(reverse("admin:dialogues_session_add"), session_form(
        geneva, day="2018-10-08", start_time="10:30", end_time="11:15", room="Room XVIII"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["room"] == [
        "Room XVIII is already used from 10:00 to 11:00 by \u201cOpening session\u201d."]


def test_admin_shows_times_errors_on_the_time_fields(secretariat_client, demo):
    geneva = Workshop.objects.get(slug="2018-geneva")
    response = secretariat_client.post(reverse("admin:dialogues_session_add"), session_form(
        geneva, day="2018-10-20"))
    errors = response.context["adminform"].form.errors
    assert errors["start_time"] == [
        "The session falls outside the workshop's days (2018-10-08 to 2018-10-09)."]


@pytest.mark.parametrize("name", ["dialogue", "workshop", "session", "organization", "person",
                                  "sessionrole", "series"])
def test_change_lists_search_and_filter(secretariat_client, demo, name):
    url = reverse(f"admin:dialogues_{name}_changelist")
    assert secretariat_client.get(url, {"q": "Geneva"}).status_code == 200


def test_session_list_filters_by_workshop(secretariat_client, demo):
    geneva = Workshop.objects.get(slug="2018-geneva")
    response = secretariat_client.get(reverse("admin:dialogues_session_changelist"),
                                      {"workshop__id__exact": geneva.pk})
    assert response.context["cl"].result_count == 11
    assert "(CEST, UTC+02:00)" in response.content.decode()
