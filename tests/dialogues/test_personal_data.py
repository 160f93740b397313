"""Personal data: a participant sees and downloads what idm holds about them, through a link
e-mailed to their address, and asks for its deletion; the secretariat carries it out, and
anonymizes a closed dialogue's registrations, the statistics staying what they were."""

import json
import re
import time
from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from idm.consultations import services as consultations
from idm.consultations.models import Vote, Voter
from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.deliberation.models import Statement
from idm.dialogues import participants, personal_data, statistics
from idm.dialogues.models import (
    DeletionRequest,
    Dialogue,
    IdentityChange,
    Person,
    Registration,
    RegistrationQuestion,
    SessionRole,
    Workshop,
)
from idm.practices.models import Practice
from tests.dialogues import factories

pytestmark = pytest.mark.integration

ADA = {"email": "adaeze.okorowska@example.org", "family": "Okorowska", "given": "Adaeze",
       "answer": "Vegetarian without peanuts 7731", "needs": "Wheelchair ramp 7731",
       "submission": "Cities should lead inclusion 7731", "proposed": "Okorowska-Nwosu",
       "practice": "Mentoring newcomers 7731"}
BOB = {"email": "bartholomew.quaresma@example.org", "family": "Quaresma",
       "answer": "Halal meals 4242", "submission": "Pathways for workers 4242"}


# The world: the IDM 2018 agenda, a participant at both workshops, another, a speaker -------------


@pytest.fixture
def visitor():
    """A participant's browser beside the secretariat's: no account, only the links."""
    return Client()


@pytest.fixture
def world(demo, secretariat, django_user_model):
    secretariat.email = "secretariat@example.org"
    secretariat.save()
    workshops = {w.slug: w for w in demo.workshops.all()}
    new_york, geneva = workshops["2018-new-york"], workshops["2018-geneva"]
    food = RegistrationQuestion.objects.create(workshop=geneva, label_en="Dietary needs",
                                               kind=RegistrationQuestion.Kind.TEXT)
    pass_ = RegistrationQuestion.objects.create(workshop=geneva, label_en="Need a UN pass?",
                                                kind=RegistrationQuestion.Kind.YES_NO)
    ada = factories.person(ADA["family"], given_name=ADA["given"], email=ADA["email"],
                           gender="female")
    ada_ny = factories.registration(new_york, ADA["email"], person=ada, needs=ADA["needs"],
                                    status=Registration.Status.PENDING)
    # Through the service: the audit log records it.
    participants.change_status(ada_ny, "approve", secretariat)
    ada_gva = factories.registration(geneva, ADA["email"], person=ada,
                                     answers={str(food.pk): ADA["answer"], str(pass_.pk): "yes"},
                                     consent_public=True)
    IdentityChange.objects.create(person=ada, registration=ada_gva,
                                  family_name=ADA["proposed"])
    bob = factories.person(BOB["family"], given_name="Bartholomew", email=BOB["email"],
                           gender="male")
    bob_gva = factories.registration(geneva, BOB["email"], person=bob,
                                     answers={str(food.pk): BOB["answer"]}, consent_public=True)

    link = (SessionRole.objects.filter(session__workshop=geneva)
            .exclude(role=SessionRole.Role.RAPPORTEUR).select_related("session", "person")
            .order_by("session__start", "order").first())
    speaker, session = link.person, link.session
    speaker.email = "speaker.2018@example.org"
    speaker.save()
    speaker_gva = factories.registration(geneva, speaker.email, person=speaker, role="speaker")
    on_record = Statement.objects.create(session=session, person=speaker,
                                         text="Partnerships need trust 5150.",
                                         attribution=Statement.Attribution.ATTRIBUTED)
    off_record = Statement.objects.create(session=session, person=speaker,
                                          text="Off the record 5150.",
                                          attribution=Statement.Attribution.NOT_FOR_ATTRIBUTION)

    consultation = consultations.create(demo, None, title="Which messages?",
                                        statements=[on_record, off_record])
    items = list(consultation.items.order_by("order"))
    for registration, value in ((ada_gva, 1), (bob_gva, -1), (speaker_gva, 1)):
        voter = consultations.voter_for_registration(consultation, registration)
        consultations.cast(consultation, voter, items[0].pk, value)
    consultations.submit(consultation, Voter.objects.get(registration=ada_gva), ADA["submission"])
    consultations.submit(consultation, Voter.objects.get(registration=bob_gva), BOB["submission"])

    account = django_user_model.objects.create_user("adaeze", email=ADA["email"].upper())
    Practice.objects.create(title=ADA["practice"], summary="A programme.", type="policy",
                            level="local", submitted_by=account)
    return {"dialogue": demo, "ada": ada, "ada_ny": ada_ny, "ada_gva": ada_gva, "bob": bob,
            "bob_gva": bob_gva, "speaker": speaker, "speaker_gva": speaker_gva,
            "session": session, "on_record": on_record, "off_record": off_record,
            "consultation": consultation, "geneva": geneva, "new_york": new_york}


def data_link(client, registration: Registration) -> str:
    """Asks for the link on the private page; the path of the link in the e-mail."""
    mail.outbox.clear()
    response = client.post(registration.get_absolute_url(), {"action": "personal-data"})
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if registration.email in m.to]
    return re.search(r"https?://[^/\s]+(/\S+/personal-data/\S+/)", message.body).group(1)


def stored_text() -> str:
    """Every text the idm apps keep, the audit log included."""
    chunks = []
    for model in apps.get_models():
        if not model.__module__.startswith("idm."):
            continue
        names = [f.attname for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        if names:
            for row in model._base_manager.values_list(*names):
                chunks.append(json.dumps(row, ensure_ascii=False, default=str))
    return "\n".join(chunks)


def public_pages(client, world) -> str:
    urls = [reverse("dialogues:participants", args=[slug])
            for slug in ("2018-geneva", "2018-new-york")]
    urls += [reverse("dialogues:speakers", args=["2018-geneva"]),
             reverse("dialogues:agenda", args=["2018-geneva"]),
             reverse("deliberation:session-statements", args=[world["session"].pk])]
    return "".join(client.get(url).content.decode() for url in urls)


def dialogue_statistics(client, dialogue: Dialogue) -> list:
    """What the statistics pages show: the page, its JSON and its charts, for the dialogue and
    each workshop."""
    shown = []
    scopes = [("dialogue", str(dialogue.number))] + [
        ("workshop", w.slug) for w in dialogue.workshops.order_by("slug")]
    for kind, key in scopes:
        url = reverse("dialogues:statistics", args=[kind, key])
        # The logout form's CSRF token is masked anew on every page.
        shown.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "",
                            client.get(url).content.decode()))
        shown.append(client.get(url + "?format=json").json())
        for dimension in statistics.CHARTS:
            shown.append(client.get(reverse("dialogues:statistics-chart",
                                            args=[kind, key, dimension])).content.decode())
    return shown


# Seeing and downloading --------------------------------------------------------------------------


def test_the_download_holds_the_persons_own_data_from_every_app(client, world,
                                                                 pages_queue_on_commit):
    path = data_link(client, world["ada_gva"])
    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    for expected in (ADA["answer"], ADA["needs"], ADA["proposed"], ADA["submission"],
                     ADA["practice"], "Which messages?", "Partnerships need trust 5150.",
                     world["new_york"].title, world["geneva"].title):
        assert expected in text
    response = client.get(path + "data.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="idm-personal-data.json"'
    data = json.loads(response.content)["data"]
    assert data["person"]["records"] == [{"honorific": "", "given_name": ADA["given"],
                                          "family_name": ADA["family"], "gender": "female",
                                          "email": ADA["email"]}]
    registrations = data["registrations"]["records"]
    assert {r["workshop"] for r in registrations} == {"2018-new-york", "2018-geneva"}
    assert {"Dietary needs": ADA["answer"], "Need a UN pass?": "yes"} in [
        r["answers"] for r in registrations]
    assert data["identity_changes"]["records"][0]["family_name"] == ADA["proposed"]
    assert [v["value"] for v in data["votes"]["records"]] == [1]
    assert data["votes"]["records"][0]["statement"] == "Partnerships need trust 5150."
    assert [s["text"] for s in data["consultation_submissions"]["records"]] == [
        ADA["submission"]]
    assert [p["title"] for p in data["practices"]["records"]] == [ADA["practice"]]
    assert [a["username"] for a in data["accounts"]["records"]] == ["adaeze"]
    (approval,) = data["audit_log"]["records"]
    assert approval["by"] == "the secretariat" and approval["changes"]["status"] == [
        "pending", "approved"]
    everything = response.content.decode() + text
    for someone_else in (BOB["email"], BOB["family"], BOB["answer"], BOB["submission"],
                         world["speaker"].family_name):
        assert someone_else not in everything


def test_a_speaker_sees_their_statements_with_their_policy_and_roles(client, world,
                                                                       pages_queue_on_commit):
    path = data_link(client, world["speaker_gva"])
    data = client.get(path + "data.json").json()["data"]
    statements = {s["text"]: s["attribution"] for s in data["statements"]["records"]}
    assert statements == {"Partnerships need trust 5150.": "attributed",
                          "Off the record 5150.": "chatham-house"}
    assert [r["start"] for r in data["session_roles"]["records"]]
    assert ADA["family"] not in json.dumps(data, ensure_ascii=False)


def test_the_data_is_reached_only_with_the_emailed_key_of_the_same_registration(
        client, world, pages_queue_on_commit, monkeypatch):
    path = data_link(client, world["ada_gva"])
    token, key = path.rstrip("/").split("/")[-3], path.rstrip("/").split("/")[-1]
    assert token == world["ada_gva"].token
    other = world["bob_gva"].token
    for token_, key_ in ((other, key), ("x" * 32, key), (token, key[:-2] + "xx"),
                         (token, "1abc:" + "x" * 43), (token, "été"), (token, "a:b:c:d"),
                         (world["ada_ny"].token, key)):
        for name in ("dialogues:personal-data", "dialogues:personal-data-file",
                     "dialogues:personal-data-delete"):
            assert client.get(reverse(name, args=[token_, key_])).status_code == 404
    # A day later the key is too old: the participant asks for another.
    later = time.time() + 25 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(path)
    assert response.status_code == 410
    assert world["ada_gva"].get_absolute_url() in response.content.decode()


def test_a_registration_with_someone_elses_address_does_not_open_their_data(
        client, world, pages_queue_on_commit):
    """The form sends its author to the private page at once, whatever address they typed: the
    data goes only to the address, never to the page."""
    workshop = factories.workshop(factories.dialogue(number=77), slug="2030-open",
                                  registration=Workshop.Registration.OPEN)
    response = client.post(reverse("dialogues:register", args=[workshop.slug]), {
        "given_name": "Mallory", "family_name": "Impostor", "email": ADA["email"],
        "proposed_organization": "Nowhere Inc.", "gender": "male", "role": "participant",
        "category": StakeholderCategory.objects.get(code="private_sector").pk,
        "country": Country.objects.get(iso2="FR").pk})
    assert response.status_code == 302
    impostor_page = response["Location"]
    mail.outbox.clear()
    page = client.post(impostor_page, {"action": "personal-data"}, follow=True).content.decode()
    assert ADA["answer"] not in page and world["new_york"].title not in page
    assert [m.to for m in mail.outbox] == [[ADA["email"]]]
    # Asked again at once: no second e-mail to flood the address with.
    client.post(impostor_page, {"action": "personal-data"})
    assert len(mail.outbox) == 1


# Deletion -------------------------------------------------------------------------------------


def ask_for_deletion(client, registration) -> str:
    path = data_link(client, registration)
    confirm = client.get(path + "delete/")
    assert confirm.status_code == 200 and confirm["Cache-Control"] == "private, no-store"
    assert client.post(path + "delete/").status_code == 302
    return path


def test_a_deletion_request_carried_out_erases_the_person_everywhere(
        visitor, secretariat_client, world, pages_queue_on_commit):
    ada, ada_gva = world["ada"], world["ada_gva"]
    old_tokens = [ada_gva.token, world["ada_ny"].token]
    ask_for_deletion(visitor, ada_gva)
    request = DeletionRequest.objects.get()
    assert request.status == "pending" and request.person == ada
    assert [m.to for m in mail.outbox if "Deletion request" in m.subject] == [
        ["secretariat@example.org"]]
    assert ADA["family"] not in mail.outbox[-1].body  # the notice names no one
    # Asking twice makes one request.
    ask_for_deletion(visitor, world["ada_ny"])
    assert DeletionRequest.objects.count() == 1
    listing = secretariat_client.get(reverse("dialogues:deletion-requests"))
    assert ADA["family"] in listing.content.decode()
    assert visitor.get(reverse("dialogues:deletion-requests")).status_code == 302  # log in first

    votes_before = sorted(Vote.objects.values_list("item_id", "value"))
    queued = Registration.objects.get(pk=ada_gva.pk).mails_queued
    statistics_before = dialogue_statistics(secretariat_client, world["dialogue"])
    mail.outbox.clear()
    # Followed: the page the message shows on is not a statistics page compared below.
    response = secretariat_client.post(
        reverse("dialogues:deletion-request-carry-out", args=[request.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dialogues:deletion-requests")
    request.refresh_from_db()
    assert request.status == "done" and request.done_at is not None
    # The confirmation went to the address, which then went too.
    assert [m.to for m in mail.outbox] == [[ADA["email"]]]
    assert request.confirmation_email == "" and request.mail_status == "sent"

    stored = stored_text()
    for erased in (ADA["email"], ADA["family"], ADA["given"], ADA["answer"], ADA["needs"],
                   ADA["proposed"], ADA["submission"]):
        assert erased not in stored, erased
    assert not re.search(re.escape(ADA["email"]), stored, re.IGNORECASE)
    # Everything of the others is where it was.
    for kept in (BOB["email"], BOB["answer"], BOB["submission"], ADA["practice"]):
        assert kept in stored
    ada.refresh_from_db()
    assert ada.anonymized_at is not None and ada.gender == "female" and ada.email == ""
    # An e-mail still queued about the registration finds itself superseded.
    assert Registration.objects.get(pk=ada_gva.pk).mails_queued == queued + 1
    assert not Voter.objects.filter(registration__person=ada).exists()
    assert sorted(Vote.objects.values_list("item_id", "value")) == votes_before
    assert Practice.objects.get(title=ADA["practice"]).submitted_by is None
    assert not IdentityChange.objects.filter(person=ada).exists()
    for token in old_tokens:
        assert visitor.get(reverse("dialogues:registration", args=[token])).status_code == 404
    # What the statistics count stays; the erasure is recorded without the data.
    assert dialogue_statistics(secretariat_client, world["dialogue"]) == statistics_before
    entry = AuditEntry.objects.filter(object_type="dialogues.person",
                                      object_id=str(ada.pk)).first()
    assert "erased (deletion request" in json.dumps(entry.changes)
    assert ADA["family"] not in public_pages(visitor, world)
    # Done once: a second time is refused.
    with pytest.raises(personal_data.PersonalDataError):
        personal_data.carry_out_deletion(request, None)


def test_a_speaker_keeps_the_public_record_unless_the_secretariat_decides_otherwise(
        visitor, secretariat_client, world, pages_queue_on_commit):
    speaker, on_record, off_record = world["speaker"], world["on_record"], world["off_record"]
    name = speaker.full_name
    ask_for_deletion(visitor, world["speaker_gva"])
    request = DeletionRequest.objects.get()
    assert "keep_public_record" in secretariat_client.get(
        reverse("dialogues:deletion-requests")).content.decode()
    secretariat_client.post(reverse("dialogues:deletion-request-carry-out", args=[request.pk]),
                            {"keep_public_record": "yes"}, follow=True)
    speaker.refresh_from_db()
    on_record.refresh_from_db()
    assert speaker.full_name == name and speaker.email == "" and speaker.anonymized_at is None
    assert on_record.attribution == "attributed" and off_record.attribution == "chatham-house"
    assert name in public_pages(visitor, world)
    registration = Registration.objects.get(pk=world["speaker_gva"].pk)
    assert registration.anonymized_at is not None and "speaker.2018" not in registration.email
    request.refresh_from_db()
    assert request.kept_public_record and request.summary["kept"]

    # Another speaker, whom the secretariat anonymizes everywhere.
    other = (SessionRole.objects.filter(session=world["session"]).exclude(person=speaker)
             .exclude(role=SessionRole.Role.RAPPORTEUR).select_related("person").first())
    other_name = other.person.full_name
    other.person.email = "other.speaker@example.org"
    other.person.save()
    statement = Statement.objects.create(session=world["session"], person=other.person,
                                         text="Said by the other 6160.")
    other_gva = factories.registration(world["geneva"], other.person.email, person=other.person)
    before = dialogue_statistics(secretariat_client, world["dialogue"])
    ask_for_deletion(visitor, other_gva)
    request = DeletionRequest.objects.get(status="pending")
    secretariat_client.post(reverse("dialogues:deletion-request-carry-out", args=[request.pk]),
                            follow=True)
    statement.refresh_from_db()
    other.refresh_from_db()
    assert statement.attribution == "anonymous" and other.title == ""
    pages = public_pages(visitor, world)
    assert other_name not in pages and "Said by the other 6160." in pages
    assert dialogue_statistics(secretariat_client, world["dialogue"]) == before


def test_nothing_is_half_written_when_the_erasure_fails(client, world, pages_queue_on_commit,
                                                        monkeypatch, secretariat):
    ask_for_deletion(client, world["ada_gva"])
    request = DeletionRequest.objects.get()
    stored = stored_text()
    mail.outbox.clear()

    def broken(pks):
        raise RuntimeError("the disk is full")

    # The last step: every other app has already erased its part when it fails.
    monkeypatch.setattr(personal_data, "_anonymize_people", broken)
    with pytest.raises(RuntimeError):
        personal_data.carry_out_deletion(request, secretariat)
    assert stored_text() == stored
    request.refresh_from_db()
    assert request.status == "pending" and mail.outbox == []
    assert Voter.objects.filter(registration=world["ada_gva"]).exists()


# Anonymizing a closed dialogue ---------------------------------------------------------------


def anonymize(number: int, *args) -> str:
    out = StringIO()
    call_command("participants", "anonymize", "--dialogue", str(number), *args, stdout=out)
    return out.getvalue()


def test_anonymizing_a_closed_dialogue_keeps_every_statistic(visitor, secretariat_client,
                                                             population, world):
    dialogue = world["dialogue"]
    refused = secretariat_client.post(reverse("dialogues:anonymize", args=[dialogue.number]),
                                      {"confirm": "on"})
    assert refused.status_code == 409  # the consultation is still open
    assert not Registration.objects.filter(anonymized_at__isnull=False).exists()
    consultations.close(world["consultation"], None)
    speakers = {p.pk: p.full_name for p in Person.objects.filter(session_roles__isnull=False)}
    listed = Registration.objects.filter(workshop__dialogue=dialogue, consent_public=True,
                                         status="approved").select_related("person").first()
    listed_name = listed.person.full_name
    before = dialogue_statistics(secretariat_client, dialogue)
    votes = sorted(Vote.objects.values_list("item_id", "value"))
    page = secretariat_client.get(reverse("dialogues:anonymize", args=[dialogue.number]))
    assert page.status_code == 200

    result = json.loads(anonymize(dialogue.number, "--format", "json"))
    assert result["anonymized"]["registrations anonymized"] == Registration.objects.filter(
        workshop__dialogue=dialogue).count()
    assert dialogue_statistics(secretariat_client, dialogue) == before
    assert sorted(Vote.objects.values_list("item_id", "value")) == votes
    registrations = Registration.objects.filter(workshop__dialogue=dialogue)
    assert not registrations.filter(anonymized_at__isnull=True).exists()
    assert not registrations.exclude(email__endswith="@anonymized.invalid").exists()
    assert not registrations.filter(consent_public=True).exists()
    assert not Voter.objects.filter(registration__workshop__dialogue=dialogue).exists()
    geneva = Registration.objects.get(pk=world["ada_gva"].pk)
    assert list(geneva.answers.values()) == ["yes"]  # the choice stays, the free text goes
    # Speakers keep their names (the public agenda); everyone else loses theirs.
    assert {p.pk: p.full_name for p in Person.objects.filter(pk__in=speakers)} == speakers
    stored = stored_text()
    for erased in (ADA["email"], ADA["family"], ADA["answer"], ADA["needs"], ADA["proposed"],
                   BOB["email"], BOB["answer"]):
        assert erased not in stored, erased
    pages = public_pages(visitor, world)
    assert listed_name not in pages and ADA["family"] not in pages
    # Again: nothing left, nothing recorded.
    entries = AuditEntry.objects.filter(object_type="dialogues.dialogue").count()
    assert "nothing left" in anonymize(dialogue.number)
    assert AuditEntry.objects.filter(object_type="dialogues.dialogue").count() == entries
    assert dialogue_statistics(secretariat_client, dialogue) == before


def test_a_person_registered_for_another_dialogue_keeps_that_registration(
        secretariat_client, world):
    consultations.close(world["consultation"], None)
    ada = world["ada"]
    later = factories.workshop(factories.dialogue(number=40, year=2031), slug="2031-geneva",
                               first_day=date.today() + timedelta(days=30),
                               last_day=date.today() + timedelta(days=31))
    upcoming = factories.registration(later, ADA["email"], person=ada)
    before = dialogue_statistics(secretariat_client, world["dialogue"])
    response = secretariat_client.post(reverse("dialogues:anonymize", args=[28]),
                                       {"confirm": "on"}, follow=True)
    # Ada's two, Bob's and the speaker's; only Bob loses his name.
    assert ("Registrations anonymized: 4; people whose names were erased: 1."
            in response.content.decode())
    assert dialogue_statistics(secretariat_client, world["dialogue"]) == before
    ada.refresh_from_db()
    upcoming.refresh_from_db()
    assert ada.full_name == f"{ADA['given']} {ADA['family']}" and upcoming.email == ADA["email"]
    moved = Registration.objects.get(pk=world["ada_gva"].pk).person
    assert moved != ada and moved.anonymized_at is not None and moved.gender == "female"
    assert Registration.objects.get(pk=world["ada_ny"].pk).person == moved


def test_an_open_dialogue_is_not_anonymized(secretariat_client, reference):
    dialogue = factories.dialogue(number=41, year=2031)
    workshop = factories.workshop(dialogue, slug="2031-new-york",
                                  first_day=date.today() - timedelta(days=1),
                                  last_day=date.today() + timedelta(days=1))
    registration = factories.registration(workshop, "early@example.org")
    response = secretariat_client.post(reverse("dialogues:anonymize", args=[41]),
                                       {"confirm": "on"})
    assert response.status_code == 409
    assert "has not ended" in response.content.decode()
    with pytest.raises(CommandError, match="has not ended"):
        anonymize(41)
    registration.refresh_from_db()
    assert registration.email == "early@example.org" and registration.anonymized_at is None
    # Without the confirmation box ticked, nothing happens either.
    assert secretariat_client.post(reverse("dialogues:anonymize", args=[41])).status_code == 400


def test_the_list_of_requests_asks_the_database_as_often_for_three_as_for_one(
        secretariat_client, world):
    def requests_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert secretariat_client.get(reverse("dialogues:deletion-requests")).status_code == 200
        return len(captured)

    personal_data.request_deletion(world["ada_gva"])
    one = requests_page()
    personal_data.request_deletion(world["bob_gva"])
    personal_data.request_deletion(world["speaker_gva"])
    assert requests_page() == one
