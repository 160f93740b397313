"""The public pages: dialogue, agenda in the workshop's time zone, speakers, printable agenda."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.integration


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_lists_the_dialogue_and_its_workshops(client, demo):
    response = client.get(reverse("dialogues:home"))
    text = text_of(response)
    assert "Inclusive and Innovative Partnerships for Effective Global Governance of Migration" in text
    assert "New York" in text and "Geneva" in text


def test_dialogue_page_shows_theme_and_workshops_with_dates(client, demo):
    text = text_of(client.get(reverse("dialogues:dialogue", args=[28])))
    assert "No. 28" in text
    assert "26–27 March 2018" in text and "8–9 October 2018" in text
    assert "Conference Room 2, United Nations Headquarters" in text


def test_unknown_dialogue_is_a_404(client, demo):
    assert client.get(reverse("dialogues:dialogue", args=[999])).status_code == 404


def test_geneva_agenda_is_grouped_by_day_in_geneva_time(client, demo):
    response = client.get(reverse("dialogues:agenda", args=["2018-geneva"]))
    text = text_of(response)
    assert "Monday 8 October 2018 (Geneva, CEST, UTC+02:00)" in text
    assert "Tuesday 9 October 2018" in text
    assert "All times are Geneva time (Europe/Zurich)" in text
    # Stored in UTC (08:00Z), shown as the venue's clock.
    assert "10:00 – 11:00 Opening session" in text
    assert text.index("Opening session") < text.index("Setting the scene") < text.index("iDiaspora")
    html = response.content.decode()
    assert 'data-start="2018-10-08T10:00:00+02:00"' in html
    assert 'data-offset-minutes="120"' in html


def test_new_york_agenda_is_in_new_york_time(client, demo):
    text = text_of(client.get(reverse("dialogues:agenda", args=["2018-new-york"])))
    assert "Monday 26 March 2018 (New York, EDT, UTC-04:00)" in text


def test_illustrative_sessions_and_fictional_speakers_are_marked(client, demo):
    text = text_of(client.get(reverse("dialogues:agenda", args=["2018-geneva"])))
    assert text.count("Illustrative session, made up for a demonstration.") == 8
    assert "Valdés Ferrer" in text and "fictional" in text


def test_agenda_in_french(client, demo):
    response = client.get("/fr/workshops/2018-geneva/")
    text = text_of(response)
    assert 'lang="fr"' in response.content.decode()
    assert "lundi 8 octobre 2018" in text
    assert "Vers une bonne gouvernance des migrations" in text
    assert "Séance d'ouverture" in text or "Séance d&#x27;ouverture" in text
    assert "Genève" in text


def test_every_page_offers_the_three_languages(client, demo):
    html = client.get("/en/workshops/2018-geneva/speakers/").content.decode()
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español")):
        assert f'href="/{code}/workshops/2018-geneva/speakers/" lang="{code}"' in html
        assert name in html


def test_speakers_page_lists_each_person_once_with_their_roles(client, demo):
    text = text_of(client.get(reverse("dialogues:speakers", args=["2018-geneva"])))
    assert text.count("Ms Louise Arbour") == 1
    assert "Remarks (Special Representative of the Secretary-General for International Migration" in text
    assert re.search(r"\d+ speakers", text)


def test_printable_agenda_has_every_session(client, demo):
    text = text_of(client.get(reverse("dialogues:agenda-print", args=["2018-geneva"])))
    for title in ("Opening session", "Setting the scene", "launch of the iDiaspora platform",
                  "Closing session: towards Marrakech"):
        assert title in text


def test_agenda_queries_do_not_grow_with_sessions(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("dialogues:agenda", args=["2018-geneva"]))
