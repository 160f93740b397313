"""Registration: places, waiting list, approval, withdrawal through the private link, e-mails."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from idm.core.models import AuditEntry, Country, StakeholderCategory
from idm.dialogues import participants
from idm.dialogues.models import Registration, RegistrationQuestion, Workshop
from idm.dialogues.participants import RegistrationData, RegistrationError
from tests.dialogues import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def workshop(reference):
    return factories.workshop(registration=Workshop.Registration.OPEN, capacity=2,
                              first_day=date(2030, 10, 8), last_day=date(2030, 10, 9))


def data(email: str, **values) -> RegistrationData:
    return RegistrationData(email=email, family_name=values.pop("family_name", "Okoro"),
                            given_name=values.pop("given_name", "Ada"),
                            category=StakeholderCategory.objects.get(code="civil_society"),
                            country=Country.objects.get(iso2="KE"), **values)


def statuses(workshop):
    return list(workshop.registrations.order_by("created_at", "id").values_list("email", "status"))


def register(workshop, email, **values):
    return participants.register(workshop, data(email, **values))


def test_places_then_waiting_list(workshop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(workshop, "a@example.org")
        register(workshop, "b@example.org")
        third = register(workshop, "c@example.org")
    assert statuses(workshop) == [("a@example.org", "pending"), ("b@example.org", "pending"),
                                  ("c@example.org", "waitlisted")]
    assert [m.subject for m in mail.outbox] == [
        "Registration received: Test workshop", "Registration received: Test workshop",
        "On the waiting list: Test workshop"]
    assert mail.outbox[2].to == ["c@example.org"]
    assert "http://127.0.0.1:8000" + third.get_absolute_url() in mail.outbox[2].body


def test_without_approval_registrations_are_confirmed_at_once(workshop,
                                                              django_capture_on_commit_callbacks):
    workshop.requires_approval = False
    workshop.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert register(workshop, "a@example.org").status == "approved"
    assert mail.outbox[0].subject == "Registration confirmed: Test workshop"


def test_one_email_registers_once_per_workshop_whatever_its_case(workshop):
    register(workshop, "Ada@Example.org")
    with pytest.raises(RegistrationError, match="ada@example.org is already registered"):
        register(workshop, " ADA@example.ORG ")
    assert workshop.registrations.count() == 1


def test_the_same_person_in_two_workshops_is_one_person(workshop):
    other = factories.workshop(workshop.dialogue, slug="test-ny", registration="open")
    first = register(workshop, "ada@example.org")
    second = register(other, "ADA@example.org")
    assert first.person == second.person


def test_e_mails_speak_the_participants_language(workshop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(workshop, "fr@example.org", language="fr")
        register(workshop, "es@example.org", language="es")
    assert mail.outbox[0].subject.startswith("Inscription reçue")
    assert "/fr/registrations/" in mail.outbox[0].body
    assert mail.outbox[1].subject.startswith("Inscripción recibida")


def test_withdrawal_promotes_the_first_waitlisted(workshop, django_capture_on_commit_callbacks):
    a = register(workshop, "a@example.org")
    register(workshop, "b@example.org")
    register(workshop, "c@example.org")
    register(workshop, "d@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        participants.change_status(a, "withdraw", "participant (private link)")
    assert statuses(workshop) == [("a@example.org", "withdrawn"), ("b@example.org", "pending"),
                                  ("c@example.org", "pending"), ("d@example.org", "waitlisted")]
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("a@example.org", "Registration withdrawn: Test workshop"),
        ("c@example.org", "A place has opened: Test workshop")]


def test_rejection_frees_a_place_too(workshop):
    register(workshop, "a@example.org")
    b = register(workshop, "b@example.org")
    register(workshop, "c@example.org")
    participants.change_status(b, "reject", None)
    assert dict(statuses(workshop))["c@example.org"] == "pending"


def test_approving_beyond_capacity_is_refused_with_a_reason(workshop):
    register(workshop, "a@example.org")
    register(workshop, "b@example.org")
    waiting = register(workshop, "c@example.org")
    with pytest.raises(RegistrationError, match="no free place: the capacity of 2 is reached"):
        participants.change_status(waiting, "approve", None)


def test_a_withdrawn_registration_cannot_be_approved(workshop):
    a = register(workshop, "a@example.org")
    participants.change_status(a, "withdraw", None)
    with pytest.raises(RegistrationError, match="cannot approve a registration that is withdrawn"):
        participants.change_status(a, "approve", None)


def test_raising_the_capacity_in_the_admin_promotes(workshop, secretariat_client):
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        register(workshop, email)
    url = reverse("admin:dialogues_workshop_change", args=[workshop.pk])
    form = secretariat_client.get(url).context["adminform"].form
    post = {k: v for k, v in form.initial.items() if v is not None and k not in ("dialogue",)}
    post.update({"dialogue": workshop.dialogue_id, "capacity": 3, "first_day": "2030-10-08",
                 "last_day": "2030-10-09", "questions-TOTAL_FORMS": 0,
                 "questions-INITIAL_FORMS": 0})
    response = secretariat_client.post(url, post)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert dict(statuses(workshop))["c@example.org"] == "pending"


def _admin_registration_post(client, url, **values) -> dict:
    form = client.get(url).context["adminform"].form
    post = {k: v for k, v in form.initial.items() if v is not None}
    post.update({"answers": "{}", "language": "en", "role": "participant", **values})
    return post


def test_the_admin_cannot_approve_beyond_the_capacity(workshop, secretariat_client):
    register(workshop, "a@example.org")
    register(workshop, "b@example.org")
    waiting = register(workshop, "c@example.org")
    url = reverse("admin:dialogues_registration_change", args=[waiting.pk])
    response = secretariat_client.post(url, _admin_registration_post(
        secretariat_client, url, status="approved", needs="Wheelchair access"))
    assert response.status_code == 302
    waiting.refresh_from_db()
    # The other fields are saved; the status only moves through the actions, as on the pages.
    assert waiting.needs == "Wheelchair access" and waiting.status == "waitlisted"
    assert workshop.registrations.filter(status__in=Registration.SEATED).count() == 2


def test_a_registration_added_in_the_admin_takes_its_place_in_the_queue(
        workshop, secretariat_client, django_capture_on_commit_callbacks):
    register(workshop, "a@example.org")
    register(workshop, "b@example.org")
    person = factories.person("Late", email="late@example.org")
    url = reverse("admin:dialogues_registration_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, _admin_registration_post(
            secretariat_client, url, workshop=workshop.pk, person=person.pk,
            email="late@example.org", category=StakeholderCategory.objects.get(
                code="academia").pk, status="approved"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Registration.objects.get(email="late@example.org").status == "waitlisted"
    assert mail.outbox[-1].subject == "On the waiting list: Test workshop"


def test_every_change_is_audited(workshop, secretariat):
    a = register(workshop, "a@example.org")
    participants.change_status(a, "approve", secretariat)
    entries = AuditEntry.objects.filter(object_type="dialogues.registration").order_by("id")
    assert [(e.action, e.actor_name) for e in entries] == [
        ("create", "registration form"), ("update", "sec")]
    assert entries[1].changes["status"] == ["pending", "approved"]


# The pages ------------------------------------------------------------------------------------


def form_data(**values):
    return {"given_name": "Amina", "family_name": "Diallo", "email": "amina@example.org",
            "proposed_organization": "Sahel Women's Network",
            "category": StakeholderCategory.objects.get(code="civil_society").pk,
            "country": Country.objects.get(iso2="SN").pk, "gender": "female",
            "role": "participant", "consent_public": "on", **values}


def test_the_form_registers_and_leads_to_the_private_page(client, workshop):
    response = client.post(reverse("dialogues:register", args=[workshop.slug]), form_data())
    registration = Registration.objects.get(email="amina@example.org")
    assert response.status_code == 302 and response["Location"] == registration.get_absolute_url()
    assert registration.proposed_organization == "Sahel Women's Network"
    assert registration.person.gender == "female" and registration.consent_public
    page = client.get(registration.get_absolute_url())
    assert "Pending" in page.content.decode() and page["Cache-Control"] == "private, no-store"


def test_the_form_needs_an_organization(client, workshop):
    response = client.post(reverse("dialogues:register", args=[workshop.slug]),
                           form_data(proposed_organization=""))
    assert response.status_code == 400
    assert response.context["form"].errors["proposed_organization"] == [
        "Choose your organization in the list or write its name here."]


def test_the_form_shows_a_duplicate_on_the_email_field(client, workshop):
    client.post(reverse("dialogues:register", args=[workshop.slug]), form_data())
    response = client.post(reverse("dialogues:register", args=[workshop.slug]), form_data())
    assert "amina@example.org is already registered" in response.context["form"].errors["email"][0]


def test_custom_questions_are_asked_and_kept(client, workshop):
    question = RegistrationQuestion.objects.create(
        workshop=workshop, label_en="Will you attend the reception?", kind="yes-no", required=True)
    url = reverse("dialogues:register", args=[workshop.slug])
    response = client.post(url, form_data())
    assert response.context["form"].errors[f"question_{question.pk}"] == ["This field is required."]
    client.post(url, form_data(**{f"question_{question.pk}": "yes"}))
    assert Registration.objects.get().answers == {str(question.pk): "yes"}


def test_closed_and_invitation_only_registration(client, workshop):
    url = reverse("dialogues:register", args=[workshop.slug])
    workshop.registration = Workshop.Registration.CLOSED
    workshop.save()
    assert "Registration for this workshop is closed." in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 200
    assert not Registration.objects.exists()
    workshop.registration = Workshop.Registration.INVITATION
    workshop.save()
    assert client.get(url).status_code == 403
    assert client.get(url, {"invitation": "guess"}).status_code == 403
    assert client.get(url, {"invitation": "été😀"}).status_code == 403
    invited = f"{url}?invitation={workshop.invitation_code}"
    assert client.get(invited).status_code == 200
    client.post(invited, form_data())
    assert Registration.objects.count() == 1


def test_the_private_link_withdraws(client, workshop, django_capture_on_commit_callbacks):
    registration = register(workshop, "a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(registration.get_absolute_url(), {"action": "withdraw"})
    registration.refresh_from_db()
    assert registration.status == "withdrawn"
    assert mail.outbox[-1].subject == "Registration withdrawn: Test workshop"
    assert client.get("/en/registrations/not-a-token/").status_code == 404


def test_the_secretariat_approves_in_bulk_and_sees_refusals(secretariat_client, workshop):
    a = register(workshop, "a@example.org")
    b = register(workshop, "b@example.org")
    c = register(workshop, "c@example.org")
    url = reverse("dialogues:registrations", args=[workshop.slug])
    response = secretariat_client.post(url, {"action": "approve",
                                             "selected": [a.pk, b.pk, c.pk]}, follow=True)
    text = response.content.decode()
    assert "2 registrations changed." in text
    assert "no free place: the capacity of 2 is reached." in text
    assert [s for _, s in statuses(workshop)] == ["approved", "approved", "waitlisted"]
