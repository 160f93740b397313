"""Suggested tags: a completed statement is read in the background for the GCM objectives and SDG
targets its words suggest, and whoever tags it sees them beside the boxes to tick."""

import io

import pytest
from django.urls import reverse
from lxml import html

from idm.core.models import GcmObjective
from idm.deliberation import tag_suggestions
from idm.deliberation.models import Statement
from tests.deliberation.conftest import say

pytestmark = pytest.mark.integration

REMITTANCES = ("Sending remittances home costs migrant workers far too much: transfer fees must "
               "fall below 3 per cent, as the target on remittance costs says.")


@pytest.fixture
def suggestions_on(settings, tag_suggester_cache, pages_queue_on_commit):
    """Suggestions asked for as in production: what a page queues runs as its request ends."""
    settings.IDM_TAG_SUGGESTIONS = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """say(), with what it queues on commit run as it returns."""
    def say_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return say(*args, **kwargs)
    return say_and_commit


def edit(client, statement, text, **values):
    return client.post(reverse("deliberation:statement-edit", args=[statement.pk]), {
        "person": statement.person_id or "", "speaker_name": statement.speaker_name,
        "text": text, "language": "en", "kind": "remarks", "attribution": "attributed",
        "gcm_objectives": [], "sdg_targets": [], "principles": [], "themes_text": "", **values})


def badges(page) -> dict[str, str]:
    """Each suggested box on the edit page: its label, and the suggestion's badge in it."""
    tree = html.fromstring(page.content)
    found = tree.xpath("//fieldset[@class='tag-fields']//details//label/span[@class='badge badge-suggested']")
    return {" ".join(span.getparent().text_content().replace(span.text_content(), "").split()):
            span.text_content() for span in found}


def test_a_saved_statement_shows_what_its_words_suggest(panel, secretariat_client, suggestions_on):
    statement = say(panel, panel.people[0], "Draft.", complete=False)
    assert Statement.objects.get(pk=statement.pk).suggested_tags == {}, "not while being typed"
    assert edit(secretariat_client, statement, REMITTANCES).status_code == 302

    statement.refresh_from_db()
    suggested = tag_suggestions.of(statement)
    assert 20 in suggested["gcm"], suggested  # remittances
    assert 10 in suggested["sdg_goals"] and "10.c" in suggested["sdg_targets"], suggested
    page = secretariat_client.get(reverse("deliberation:statement-edit", args=[statement.pk]))
    marked = badges(page)
    remittances = next(label for label in marked if label.startswith("20."))
    assert marked[remittances] == f"suggested ({suggested['gcm'][20]:.2f})"
    assert any(label.startswith("10.c ") for label in marked)
    summary = html.fromstring(page.content).xpath("//p[@class='suggested-tags']")[0].text_content()
    assert "GCM objective 20" in summary and "SDG target 10.c" in summary
    # A suggestion is not a tag: nothing is ticked until someone ticks it.
    assert not statement.gcm_objectives.exists() and not statement.sdg_targets.exists()


def test_new_words_hide_the_old_suggestion_until_the_new_one(panel, secretariat_client,
                                                           suggestions_on, settings, committed):
    statement = committed(panel, panel.people[0], REMITTANCES)
    statement.refresh_from_db()
    assert 20 in tag_suggestions.of(statement)["gcm"]
    settings.IDM_TAG_SUGGESTIONS = False  # no worker now: the new words wait for one
    trafficking = "Victims of trafficking in persons must be protected and traffickers prosecuted."
    assert edit(secretariat_client, statement, trafficking).status_code == 302
    statement.refresh_from_db()
    assert tag_suggestions.of(statement) is None
    page = secretariat_client.get(reverse("deliberation:statement-edit", args=[statement.pk]))
    assert not badges(page)
    assert "once idm's worker has read the saved statement" in page.content.decode()
    assert tag_suggestions.suggest([statement.pk]) == 1
    statement.refresh_from_db()
    assert 10 in tag_suggestions.of(statement)["gcm"]  # trafficking in persons
    assert 20 not in tag_suggestions.of(statement)["gcm"]
    assert tag_suggestions.suggest([statement.pk]) == 0, "nothing to do for the same words"


def test_words_changed_while_the_worker_reads_keep_no_suggestion(panel, monkeypatch, settings,
                                                                 tag_suggester_cache):
    statement = say(panel, panel.people[0], REMITTANCES)
    real = tag_suggestions.suggester()

    class Meanwhile:
        def suggest(self, texts):
            Statement.objects.filter(pk=statement.pk).update(text="Cities need data.")
            return real.suggest(texts)

    monkeypatch.setattr(tag_suggestions, "suggester", Meanwhile)
    assert tag_suggestions.suggest([statement.pk]) == 0
    assert Statement.objects.get(pk=statement.pk).suggested_tags == {}


def test_an_imported_transcript_is_read_in_one_task(panel, secretariat_client, suggestions_on,
                                                    monkeypatch):
    from idm.deliberation import tasks

    asked = []
    real = tasks.suggest_tags

    class Counted:
        def enqueue(self, ids):
            asked.append(ids)
            return real.enqueue(ids)

    monkeypatch.setattr(tasks, "suggest_tags", Counted())
    upload = io.BytesIO(b"Amina Diallo: Children on the move must stay in school.\n\n"
                        b"Paul Moreau: Remittances cost too much to send home.\n")
    upload.name = "panel.txt"
    url = reverse("deliberation:transcript", args=[panel.pk])
    secretariat_client.post(url, {"file": upload})
    assert secretariat_client.post(url, {"confirm": "1"}).status_code == 302
    saved = list(Statement.objects.order_by("order"))
    assert asked == [[s.pk for s in saved]]
    assert all(tag_suggestions.of(s) for s in saved)
    assert 4 in tag_suggestions.of(saved[0])["sdg_goals"]  # education


def test_off_nothing_is_asked(panel, settings, monkeypatch, django_capture_on_commit_callbacks):
    from idm.deliberation import tasks

    settings.IDM_TAG_SUGGESTIONS = False
    class Refused:
        def enqueue(self, ids):
            pytest.fail(f"asked for {ids}")

    monkeypatch.setattr(tasks, "suggest_tags", Refused())
    with django_capture_on_commit_callbacks(execute=True):
        statement = say(panel, panel.people[0], REMITTANCES)
    assert Statement.objects.get(pk=statement.pk).suggested_tags == {}


def test_only_staff_see_suggestions(panel, client, participant, suggestions_on, committed):
    statement = committed(panel, panel.people[0], REMITTANCES)
    assert tag_suggestions.of(Statement.objects.get(pk=statement.pk))
    url = reverse("deliberation:statement-edit", args=[statement.pk])
    public = client.get(statement.get_absolute_url())
    assert public.status_code == 200
    assert "suggested" not in public.content.decode().lower()
    assert GcmObjective.objects.get(number=20).short_title not in public.content.decode()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(participant)
    assert client.get(url).status_code == 403
