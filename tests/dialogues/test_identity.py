"""A public registration never renames anyone: a different name waits for the secretariat."""

from datetime import date, time

import pytest
from django.core import mail
from django.urls import reverse

from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.deliberation.models import Statement
from idm.dialogues import participants
from idm.dialogues.models import IdentityChange, Person, Registration, SessionRole, Workshop
from tests.dialogues import factories

pytestmark = pytest.mark.integration

SPEAKER_EMAIL = "ines.moreau@example.org"


@pytest.fixture
def speaker(reference):
    """A speaker on a public agenda, with an attributed statement, in an open workshop."""
    workshop = factories.workshop(registration=Workshop.Registration.OPEN, capacity=10)
    session = factories.session(workshop, date(2030, 10, 8), time(10), time(11))
    session.save()
    person = factories.person("Moreau", given_name="Inès", honorific="Dr",
                              email=SPEAKER_EMAIL, gender="female")
    SessionRole.objects.create(session=session, person=person, role="panelist",
                               title_en="Director")
    Statement.objects.create(session=session, person=person, text="Partnerships matter.",
                             attribution=Statement.Attribution.ATTRIBUTED)
    return person


def impostor_form(**values) -> dict:
    return {"honorific": "Mr", "given_name": "Mallory", "family_name": "Impostor",
            "email": SPEAKER_EMAIL.upper(), "proposed_organization": "Nowhere Inc.",
            "category": StakeholderCategory.objects.get(code="private_sector").pk,
            "country": Country.objects.get(iso2="FR").pk, "gender": "male",
            "role": "participant", **values}


def public_pages(client, person: Person) -> str:
    session_role = person.session_roles.select_related("session__workshop").get()
    workshop, session = session_role.session.workshop, session_role.session
    return "".join(client.get(url).content.decode() for url in (
        reverse("dialogues:agenda", args=[workshop.slug]),
        reverse("dialogues:speakers", args=[workshop.slug]),
        reverse("deliberation:session-statements", args=[session.pk]),
        reverse("deliberation:search") + "?q=partnerships"))


def test_a_registration_with_a_speakers_email_renames_no_one(client, speaker,
                                                             django_capture_on_commit_callbacks):
    workshop = speaker.session_roles.get().session.workshop
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dialogues:register", args=[workshop.slug]),
                               impostor_form())
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.honorific, speaker.given_name, speaker.family_name, speaker.gender) == (
        "Dr", "Inès", "Moreau", "female")
    pages = public_pages(client, speaker)
    assert "Inès Moreau" in pages and "Impostor" not in pages
    # The registration is the speaker's (one person per e-mail), its name what was typed.
    registration = Registration.objects.get(email=SPEAKER_EMAIL)
    assert registration.person == speaker
    assert "Mr Mallory Impostor" in client.get(response["Location"]).content.decode()
    change = IdentityChange.objects.get()
    assert change.status == "pending" and change.registration == registration
    assert [(label, old, new) for label, old, new in change.differences()] == [
        ("honorific", "Dr", "Mr"), ("given name", "Inès", "Mallory"),
        ("family name", "Moreau", "Impostor"), ("gender", "female", "male")]
    # Withdrawing the registration withdraws the proposal; the record never moved.
    client.post(registration.get_absolute_url(), {"action": "withdraw"})
    change.refresh_from_db()
    speaker.refresh_from_db()
    assert change.status == "withdrawn" and speaker.family_name == "Moreau"
    assert "Impostor" not in public_pages(client, speaker)
    assert not AuditEntry.objects.filter(object_type="dialogues.person", action="update").exists()


def test_the_same_name_proposes_nothing(client, speaker):
    workshop = speaker.session_roles.get().session.workshop
    client.post(reverse("dialogues:register", args=[workshop.slug]), impostor_form(
        honorific="", given_name="Inès", family_name="Moreau", gender=""))
    assert Registration.objects.filter(person=speaker).exists()
    assert not IdentityChange.objects.exists()


def test_the_secretariat_accepts_or_refuses(client, speaker, secretariat_client):
    workshop = speaker.session_roles.get().session.workshop
    url = reverse("dialogues:register", args=[workshop.slug])
    client.post(url, impostor_form(given_name="Inés", family_name="Moreau-Diallo",
                                   honorific="Dr", gender="female"))
    other = factories.workshop(workshop.dialogue, slug="test-new-york",
                               registration=Workshop.Registration.OPEN)
    client.post(reverse("dialogues:register", args=[other.slug]), impostor_form())
    first, second = IdentityChange.objects.order_by("id")
    review = reverse("dialogues:identity-changes")
    page = secretariat_client.get(review).content.decode()
    assert "Moreau-Diallo" in page and "Impostor" in page
    registrations = secretariat_client.get(
        reverse("dialogues:registrations", args=[workshop.slug])).content.decode()
    assert "typed as Dr Inés Moreau-Diallo: to review" in registrations

    secretariat_client.post(review, {"action": "refuse", "selected": [second.pk]})
    secretariat_client.post(review, {"action": "accept", "selected": [first.pk]})
    speaker.refresh_from_db()
    assert (speaker.given_name, speaker.family_name) == ("Inés", "Moreau-Diallo")
    assert "Inés Moreau-Diallo" in public_pages(client, speaker)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "refused")
    assert first.decided_by.username == "sec"
    # A decided change stays decided.
    with pytest.raises(participants.RegistrationError, match="already refused"):
        participants.accept_identity_change(second, "test")
    assert AuditEntry.objects.filter(object_type="dialogues.person", action="update",
                                     actor_name="sec").count() == 1


def test_only_the_secretariat_reviews_names(client, participant, speaker):
    review = reverse("dialogues:identity-changes")
    assert client.get(review).status_code == 302
    client.force_login(participant)
    assert client.get(review).status_code == 403
    assert client.post(review, {"action": "accept", "selected": ["1"]}).status_code == 403


def test_the_e_mail_greets_the_name_typed_and_goes_to_the_address(
        client, speaker, django_capture_on_commit_callbacks):
    workshop = speaker.session_roles.get().session.workshop
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dialogues:register", args=[workshop.slug]), impostor_form())
    assert mail.outbox[0].to == [SPEAKER_EMAIL]
    assert mail.outbox[0].body.startswith("Dear Mr Mallory Impostor,")
