"""A registered user submits a practice; the secretariat reviews it (status, message, tags
suggested from its words) and the submitter is written to in their language at each step."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from idm.core.models import GcmObjective
from idm.dialogues.models import Organization, Session
from idm.practices import services
from idm.practices.mail import send_review_mail
from idm.practices.models import Practice

pytestmark = pytest.mark.integration

REMITTANCES = ("Remittance corridor partnership: cutting the cost of sending remittances home",
               "Migrant workers pay too much to send money home: the partnership brings transfer "
               "fees below 3 per cent in three corridors, with mobile money and financial "
               "literacy for migrants and their families.")


@pytest.fixture
def submitter(participant):
    participant.email, participant.first_name, participant.last_name = "amina@example.org", "Amina", "K."
    participant.save()
    return participant


def form(**values) -> dict:
    organization = Organization.objects.order_by("pk").first()
    return {"language": "en", "title": REMITTANCES[0], "summary": REMITTANCES[1],
            "type": "partnership", "level": "regional", "implementers": [organization.pk],
            "gcm_objectives": [GcmObjective.objects.get(number=20).pk],
            "countries": [], "sessions": [Session.objects.order_by("pk").first().pk],
            "links": "Corridor study | https://example.org/study\nhttps://example.org/", **values}


def test_a_registered_user_submits_and_hears_it_was_received(client, demo, submitter,
                                                             pages_queue_on_commit):
    assert client.get(reverse("practices:submit")).status_code == 302  # the login page first
    client.force_login(submitter)
    assert client.get(reverse("practices:submit")).status_code == 200
    response = client.post(reverse("practices:submit"), form())
    assert response.status_code == 302 and response["Location"] == reverse("practices:mine")
    practice = Practice.objects.get(title_en=REMITTANCES[0])
    assert practice.status == "submitted" and practice.submitted_by == submitter
    assert [(link.title, link.url) for link in practice.links.all()] == [
        ("Corridor study", "https://example.org/study"),
        ("https://example.org/", "https://example.org/")]
    assert practice.sessions.count() == 1 and practice.gcm_objectives.get().number == 20
    [received] = mail.outbox
    assert received.to == ["amina@example.org"] and received.subject.startswith("Practice received")
    assert "Dear Amina K." in received.body
    # Not public yet; its submitter sees it, marked, and lists it among theirs.
    mine = client.get(reverse("practices:mine")).content.decode()
    assert REMITTANCES[0] in mine and "Submitted" in mine
    assert "Not public: Submitted." in client.get(practice.get_absolute_url()).content.decode()
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 404
    assert REMITTANCES[0] not in client.get("/en/practices/?q=remittance").content.decode()


def test_another_user_does_not_see_a_submission(client, demo, submitter):
    client.force_login(submitter)
    client.post(reverse("practices:submit"), form())
    practice = Practice.objects.get(title_en=REMITTANCES[0])
    other = get_user_model().objects.create_user("other", password="pw-other")
    client.force_login(other)
    assert client.get(practice.get_absolute_url()).status_code == 404
    assert REMITTANCES[0] not in client.get(reverse("practices:mine")).content.decode()
    assert client.get(reverse("practices:review", args=[practice.pk])).status_code == 403
    assert client.get(reverse("practices:review-queue")).status_code == 403


@pytest.mark.parametrize("values, field, message", [
    ({"title": ""}, "title", "This field is required."),
    ({"implementers": [], "proposed_organizations": ""}, "implementers",
     "Choose the organizations that implement it"),
    ({"links": "javascript:alert(1)"}, "links", "is not a web address"),
    ({"starts_on": "2024-05-01", "ends_on": "2024-01-01"}, "ends_on", "The end comes before"),
    ({"type": "empire"}, "type", "Select a valid choice"),
    ({"sessions": ["x1"]}, "sessions", "x1 is not one of the available choices"),
])
def test_a_bad_submission_names_its_field_and_saves_nothing(client, demo, submitter, values,
                                                            field, message):
    client.force_login(submitter)
    response = client.post(reverse("practices:submit"), form(**values))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Practice.objects.filter(submitted_by=submitter).exists()


def test_a_french_submission_shows_in_every_edition_until_translated(client, demo, submitter):
    client.force_login(submitter)
    client.post(reverse("practices:submit"), form(language="fr", title="Couloir des envois de fonds",
                                                  summary="Réduire le coût des envois de fonds."))
    practice = Practice.objects.get(title_fr="Couloir des envois de fonds")
    assert practice.language == "fr" and not practice.title_en
    for language in ("en", "es"):
        page = client.get(f"/{language}/practices/{practice.pk}/").content.decode()
        assert "Couloir des envois de fonds" in page


def test_the_submissions_waiting_are_limited(client, demo, submitter, monkeypatch):
    monkeypatch.setattr(services, "WAITING_LIMIT", 2)
    client.force_login(submitter)
    for n in range(2):
        assert client.post(reverse("practices:submit"), form(title=f"Practice {n}")).status_code == 302
    response = client.post(reverse("practices:submit"), form(title="One too many"))
    assert response.status_code == 400 and "2 of your practices are waiting" in response.content.decode()
    assert Practice.objects.filter(submitted_by=submitter).count() == 2


def test_the_secretariat_reviews_and_the_submitter_reads_the_message(
        client, demo, submitter, secretariat, pages_queue_on_commit):
    client.force_login(submitter)
    client.post(reverse("practices:submit"), form(language="fr", title="Couloir des envois de fonds"))
    practice = Practice.objects.get(title_fr="Couloir des envois de fonds")
    mail.outbox.clear()
    client.force_login(secretariat)
    queue = client.get(reverse("practices:review-queue")).content.decode()
    assert "Couloir des envois de fonds" in queue
    decision = {"status": "rejected", "review_message": "Merci : ajoutez les pays concernés.",
                "gcm_objectives": [GcmObjective.objects.get(number=20).pk], "principles": [],
                "sdg_targets": []}
    response = client.post(reverse("practices:review", args=[practice.pk]), decision)
    assert response.status_code == 302
    [letter] = mail.outbox
    # In the submitter's language, with the secretariat's message.
    assert letter.subject == "Pratique non publiée : Couloir des envois de fonds"
    assert "Merci : ajoutez les pays concernés." in letter.body
    # Saving again without a change writes to no one.
    client.post(reverse("practices:review", args=[practice.pk]), decision)
    assert len(mail.outbox) == 1
    client.post(reverse("practices:review", args=[practice.pk]), {**decision, "status": "published"})
    assert len(mail.outbox) == 2 and "/fr/practices/" in mail.outbox[1].body
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 200
    client.force_login(submitter)
    assert "Merci : ajoutez les pays concernés." in client.get(reverse("practices:mine")).content.decode()


def test_a_bad_review_is_a_400(secretariat_client, demo):
    practice = Practice.objects.create(title_en="X", title="X", summary="Y", type="policy",
                                       level="local")
    response = secretariat_client.post(reverse("practices:review", args=[practice.pk]),
                                       {"status": "gone", "review_message": ""})
    assert response.status_code == 400
    assert secretariat_client.get(reverse("practices:review", args=[999999])).status_code == 404


def test_the_review_shows_the_tags_suggested_from_the_words(
        client, demo, submitter, secretariat, settings, tag_suggester_cache, pages_queue_on_commit):
    settings.IDM_TAG_SUGGESTIONS = True
    client.force_login(submitter)
    client.post(reverse("practices:submit"), form(gcm_objectives=[]))
    practice = Practice.objects.get(title_en=REMITTANCES[0])
    suggested = services.suggested_tags(practice)
    assert suggested is not None and 20 in suggested["gcm"]  # objective 20: remittances
    assert "10.c" in suggested["sdg_targets"]  # the target on remittance costs
    client.force_login(secretariat)
    page = client.get(reverse("practices:review", args=[practice.pk])).content.decode()
    assert "Suggested from the practice's title and summary" in page
    assert "SDG target 10.c" in page
    # New words: the suggestion made for the old ones is no longer shown.
    practice.summary_en = "A training course for labour inspectors."
    settings.IDM_TAG_SUGGESTIONS = False  # no worker now: the new words wait for one
    services.save(practice, None)
    assert services.suggested_tags(Practice.objects.get(pk=practice.pk)) is None
    page = client.get(reverse("practices:review", args=[practice.pk])).content.decode()
    assert "Suggested tags appear here once idm's worker has read the practice." in page


def test_a_change_of_status_in_the_admin_writes_to_the_submitter(
        client, demo, submitter, secretariat, pages_queue_on_commit):
    client.force_login(submitter)
    client.post(reverse("practices:submit"), form())
    practice = Practice.objects.get(title_en=REMITTANCES[0])
    mail.outbox.clear()
    client.force_login(secretariat)
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    fields = {"title_en": practice.title_en, "title_fr": "", "title_es": "",
              "summary_en": practice.summary_en, "summary_fr": "", "summary_es": "",
              "type": practice.type, "level": practice.level, "status": "under_review",
              "review_message": "We are checking the fees with the corridor's banks.",
              "implementers": [o.pk for o in practice.implementers.all()],
              "gcm_objectives": [o.pk for o in practice.gcm_objectives.all()],
              "sessions": [s.pk for s in practice.sessions.all()], "resources": ""}
    for prefix, rows in (("links", practice.links.all()), ("deliverables", []),
                         ("progress_reports", [])):
        fields.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows),
                       f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for n, link in enumerate(rows):
            fields.update({f"{prefix}-{n}-id": link.pk, f"{prefix}-{n}-practice": practice.pk,
                           f"{prefix}-{n}-title": link.title, f"{prefix}-{n}-url": link.url})
    response = client.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    [letter] = mail.outbox
    assert letter.subject.startswith("Practice under review")
    assert "We are checking the fees with the corridor's banks." in letter.body
    # Saving without changing the decision writes to no one.
    client.post(url, fields)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("values, field", [
    ({"title": "Fees\x0bdown"}, "title"),
    ({"summary": "Line\x00break"}, "summary"),
    ({"links": "https://example.org/a\x00b"}, "links"),
])
def test_a_control_character_is_refused_where_it_comes_in(client, demo, submitter, values, field):
    client.force_login(submitter)
    response = client.post(reverse("practices:submit"), form(**values))
    assert response.status_code == 400
    assert "control character" in " ".join(response.context["form"].errors[field])
    assert not Practice.objects.filter(submitted_by=submitter).exists()


def test_a_superseded_review_mail_is_not_sent(demo, submitter):
    practice = services.submit(Practice(title_en="A", title="A", summary="B", type="policy",
                                        level="local"), submitter, relations={})
    mail.outbox.clear()
    services.review(practice, None, status="published", message="")
    # The "received" e-mail, still waiting when the secretariat published it, is not sent late.
    assert send_review_mail.call(practice.pk, "submitted", "") == "superseded"
    assert send_review_mail.call(practice.pk, "published", "") == "sent"
    assert [m.subject for m in mail.outbox] == ["Practice published: A"]
