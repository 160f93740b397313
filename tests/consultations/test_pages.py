"""The consultation pages: the secretariat creates, moderates and reads results; voters vote one
statement at a time, see only their own votes, and bad input is a 400 or a message, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from idm.consultations import services
from idm.consultations.models import Consultation, ConsultationStatement, Vote
from idm.core.models import StakeholderCategory
from idm.deliberation.models import KeyMessage
from idm.dialogues.models import Registration
from tests.dialogues import factories

pytestmark = pytest.mark.integration

Item = ConsultationStatement


@pytest.fixture
def dialogue(reference):
    dialogue = factories.dialogue(number=41)
    for n in (1, 2, 3):
        KeyMessage.objects.create(dialogue=dialogue, number=n, title=f"Draft message {n}",
                                  title_en=f"Draft message {n}")
    KeyMessage.objects.create(dialogue=dialogue, number=4, title="Final message", title_en="Final message",
                              status=KeyMessage.Status.FINAL)
    return dialogue


@pytest.fixture
def open_link(dialogue):
    return services.create(dialogue, None, title="Open to all", voters=Consultation.Voters.LINK,
                           key_messages=dialogue.key_messages.filter(status="draft"))


def vote_url(consultation) -> str:
    return reverse("consultations:vote", args=[consultation.link])


def test_the_secretariat_creates_a_consultation_of_the_drafts(dialogue, secretariat_client):
    url = reverse("consultations:list", args=[41])
    page = secretariat_client.get(url)
    assert page.status_code == 200
    drafts = [k.pk for k in dialogue.key_messages.filter(status="draft")]
    assert page.context["form"].initial["key_messages"] == drafts  # the drafts are ticked
    response = secretariat_client.post(url, {
        "title": "Key messages, Geneva", "opens_at": "2030-10-08T09:00", "voters": "link",
        "submissions": "on", "key_messages": drafts})
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response.url == consultation.get_absolute_url()
    assert [i.key_message.title for i in consultation.items.all()] == [
        "Draft message 1", "Draft message 2", "Draft message 3"]
    manage = secretariat_client.get(consultation.get_absolute_url()).content.decode()
    assert consultation.link in manage
    refused = secretariat_client.post(url, {"title": "Empty", "opens_at": "2030-10-08T09:00",
                                            "voters": "link"})
    assert refused.status_code == 400
    assert "Put at least one key message" in refused.content.decode()


def test_only_staff_manage_consultations(open_link, client, participant):
    urls = [reverse("consultations:list", args=[41]), open_link.get_absolute_url(),
            reverse("consultations:results", args=[open_link.pk]),
            reverse("consultations:results-status", args=[open_link.pk])]
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page
    item = open_link.items.first()
    posts = [reverse("consultations:close", args=[open_link.pk]),
             reverse("consultations:moderate", args=[open_link.pk, item.pk])]
    client.force_login(participant)
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"decision": "reject"}).status_code == 403, url
    assert open_link.is_open() and Item.objects.get(pk=item.pk).status == Item.Status.ACCEPTED


def test_a_voter_goes_through_the_statements_one_at_a_time(open_link):
    phone = Client()
    page = phone.get(vote_url(open_link))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    first = page.context["item"]
    assert "Draft message 1" in page.content.decode() and "0 of 3 statements voted" in page.content.decode()
    response = phone.post(vote_url(open_link), {"item": first.pk, "value": "1"})
    assert response.status_code == 302
    page = phone.get(vote_url(open_link))
    assert page.context["item"].key_message.title == "Draft message 2"
    assert "1 of 3 statements voted" in page.content.decode()
    for value in ("-1", "0"):
        phone.post(vote_url(open_link), {"item": phone.get(vote_url(open_link)).context["item"].pk,
                                         "value": value})
    assert phone.get(vote_url(open_link)).context["item"] is None
    assert sorted(Vote.objects.values_list("value", flat=True)) == [-1, 0, 1]
    # A change of mind: the latest vote counts.
    phone.post(vote_url(open_link), {"item": first.pk, "value": "-1", "back": "mine"})
    assert Vote.objects.get(item=first).value == -1 and Vote.objects.count() == 3


def test_nobody_sees_another_voters_votes(open_link):
    alice, bob = Client(), Client()
    first = open_link.items.first()
    alice.post(vote_url(open_link), {"item": first.pk, "value": "1"})
    mine = reverse("consultations:mine", args=[open_link.link])
    assert "Agree" in alice.get(mine).content.decode().split("Your vote")[1][:200]
    # Bob sees the first statement as not yet voted, and has no vote to see.
    assert bob.get(vote_url(open_link)).context["item"] == first
    bob_page = bob.get(mine).content.decode()
    assert "not yet" in bob_page.split("Your vote")[1][:200]
    # A forged cookie is no one's key.
    forged = Client()
    forged.cookies[f"idm-voter-{open_link.pk}"] = "forged"
    assert forged.get(vote_url(open_link)).context["item"] == first


def test_registered_participants_vote_through_their_private_link(dialogue):
    consultation = services.create(dialogue, None, title="Participants only",
                                   key_messages=dialogue.key_messages.filter(status="draft"))
    workshop = factories.workshop(dialogue)
    category = StakeholderCategory.objects.get(code="private_sector")
    registration = factories.registration(workshop, category=category)
    phone = Client()
    assert phone.get(vote_url(consultation)).status_code == 404  # the public link is not enough
    listing = phone.get(reverse("consultations:for-registration", args=[registration.token]))
    own = reverse("consultations:vote-registered", args=[registration.token, consultation.link])
    assert own in listing.content.decode()
    item = phone.get(own).context["item"]
    assert phone.post(own, {"item": item.pk, "value": "1"}).status_code == 302
    assert Vote.objects.get().voter.category == category
    private_page = phone.get(registration.get_absolute_url()).content.decode()
    assert "Consultations: vote on the dialogue" in private_page
    pending = factories.registration(workshop, status=Registration.Status.PENDING)
    assert phone.get(reverse("consultations:vote-registered", args=[pending.token, consultation.link])
                     ).status_code == 404
    assert phone.get(reverse("consultations:vote-registered", args=["nope", consultation.link])
                     ).status_code == 404


@pytest.mark.parametrize("data", [{"item": "abc", "value": "1"}, {"item": "1", "value": "5"},
                                  {"item": "99999999999999999999", "value": "1"}, {}])
def test_bad_votes_are_400(open_link, data):
    assert Client().post(vote_url(open_link), data).status_code == 400
    assert not Vote.objects.exists()


def test_votes_outside_the_consultation_or_time_are_refused(open_link, dialogue):
    other = services.create(dialogue, None, title="Other", voters=Consultation.Voters.LINK,
                            key_messages=dialogue.key_messages.filter(number=1))
    phone = Client()
    response = phone.post(vote_url(open_link), {"item": other.items.get().pk, "value": "1"}, follow=True)
    assert "not put to the vote here" in response.content.decode()
    services.close(open_link, None)
    response = phone.post(vote_url(open_link), {"item": open_link.items.first().pk, "value": "1"},
                          follow=True)
    assert "This consultation is closed." in response.content.decode()
    assert not Vote.objects.exists()
    assert Client().get(reverse("consultations:vote", args=["no-such-link"])).status_code == 404


def test_a_submission_is_put_to_the_vote_once_accepted(open_link, secretariat_client):
    phone = Client()
    phone.post(vote_url(open_link), {"text": "<script>alert(1)</script> Cities first."})
    submitted = Item.objects.get(kind=Item.Kind.SUBMISSION)
    assert submitted.status == Item.Status.PENDING
    manage = secretariat_client.get(open_link.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Cities first." in manage and "<script>alert" not in manage
    assert phone.get(vote_url(open_link)).context["item"] != submitted
    bad = secretariat_client.post(reverse("consultations:moderate", args=[open_link.pk, submitted.pk]),
                                  {"decision": "maybe"})
    assert bad.status_code == 400
    secretariat_client.post(reverse("consultations:moderate", args=[open_link.pk, submitted.pk]),
                            {"decision": "accept"})
    assert Item.objects.get(pk=submitted.pk).status == Item.Status.ACCEPTED
    assert open_link.items.filter(status=Item.Status.ACCEPTED).count() == 4


def test_results_show_groups_consensus_and_categories(open_link, secretariat_client, dialogue,
                                                      pages_queue_on_commit):
    items = list(open_link.items.all())
    for n in range(16):
        phone = Client()
        camp = n % 2
        for item, values in zip(items, ((1, 1), (1, -1), (-1, 1)), strict=True):
            phone.post(vote_url(open_link), {"item": item.pk, "value": str(values[camp])})
    status = secretariat_client.get(reverse("consultations:results-status", args=[open_link.pk])).json()
    assert status["votes"] == 48 and status["analysis"] is not None
    page = secretariat_client.get(reverse("consultations:results", args=[open_link.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["groups"]) == 2
    assert [s["item"] for s in page.context["consensus"]["agree"]][:1] == [items[0]]
    assert "<svg" in html and "Opinion map" in html
    assert "Draft message 1" in html
    figures = secretariat_client.get(reverse("deliberation:key-message", args=[items[0].key_message.pk]))
    shown = figures.content.decode()
    assert "16 of 16 agree" in shown and "a consensus statement" in shown
