"""A participant registers, the secretariat approves, the participant withdraws, the next one gets in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from idm.dialogues.models import Registration, Workshop
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser


def private_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/registrations/\S+/)", message.body).group(1)


def fill_registration(page, given, family, email, *, organization="Sahel Women's Network"):
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Your organization, if it is not in the list").fill(organization)
    page.get_by_label("Stakeholder category").select_option(label="Civil society")
    page.get_by_label("Country", exact=True).select_option(label="Senegal")
    page.get_by_label("List my name, organization and country").check()
    page.get_by_role("button", name="Register").click()


@pytest.fixture
def small_workshop(live_demo):
    workshop = Workshop.objects.get(slug="2018-geneva")
    workshop.registration = Workshop.Registration.OPEN
    workshop.capacity = 1
    workshop.save()
    secretariat = get_user_model().objects.create_user("sec", password="pw-sec-browser",
                                                       is_staff=True)
    secretariat.groups.add(Group.objects.get(name="secretariat"))
    return workshop


def test_register_approve_withdraw_and_promote(page, browser, live_server, small_workshop):
    mail.outbox.clear()
    page.goto("/en/workshops/2018-geneva/register/")
    fill_registration(page, "Amina", "Diallo", "amina@example.org")
    page.wait_for_url("**/registrations/**")
    assert "Pending" in page.locator("#registration-status").inner_text()

    page.goto("/fr/workshops/2018-geneva/register/")
    page.get_by_label("Prénom").fill("Jean")
    page.get_by_label("Nom de famille").fill("Martin")
    page.get_by_label("Adresse électronique").fill("jean@example.org")
    page.get_by_label("Votre organisation, si elle ne figure pas dans la liste").fill("Réseau X")
    page.get_by_label("Catégorie de parties prenantes").select_option(label="Société civile")
    page.get_by_role("button", name="S’inscrire").click()
    page.wait_for_url("**/fr/registrations/**")
    assert Registration.objects.get(email="jean@example.org").status == "waitlisted"
    assert [m.to[0] for m in mail.outbox] == ["amina@example.org", "jean@example.org"]
    assert mail.outbox[1].subject.startswith("Inscription sur liste d’attente")

    staff = browser.new_context(base_url=live_server.url)
    secretariat = staff.new_page()
    secretariat.goto("/en/accounts/login/?next=/en/manage/workshops/2018-geneva/registrations/")
    secretariat.get_by_label("Username").fill("sec")
    secretariat.get_by_label("Password").fill("pw-sec-browser")
    secretariat.get_by_role("button", name="Sign in").click()
    secretariat.wait_for_url("**/registrations/")
    secretariat.get_by_label("Search").fill("Diallo")
    secretariat.get_by_role("button", name="Filter").click()
    secretariat.get_by_label("Select Amina Diallo").check()
    secretariat.get_by_label("With the selected registrations:").select_option("approve")
    secretariat.get_by_role("button", name="Apply").click()
    secretariat.get_by_text("1 registration changed.").wait_for()
    staff.close()
    assert Registration.objects.get(email="amina@example.org").status == "approved"
    assert mail.outbox[2].subject == (
        "Registration approved: Towards effective migration governance: partnerships for "
        "capacity development")

    page.goto(private_path(mail.outbox[0]))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Withdraw my registration").click()
    page.get_by_text("Your registration is withdrawn.").wait_for()
    assert "Withdrawn" in page.locator("#registration-status").inner_text()
    assert Registration.objects.get(email="jean@example.org").status == "pending"
    assert [(m.to[0], m.subject.split(":")[0].strip()) for m in mail.outbox[3:]] == [
        ("amina@example.org", "Registration withdrawn"),
        ("jean@example.org", "Une place s’est libérée")]

    page.goto(private_path(mail.outbox[4]))
    assert "En attente" in page.locator("#registration-status").inner_text()


@pytest.mark.parametrize("path", [
    "/en/workshops/2018-geneva/register/", "/fr/workshops/2018-geneva/register/",
    "/en/workshops/2018-geneva/participants/",
])
def test_no_serious_accessibility_violation_on_participant_pages(page, small_workshop, path):
    page.goto(path)
    violations = serious_violations(page)
    assert not violations, violations


def test_no_serious_accessibility_violation_for_the_secretariat(page, small_workshop):
    page.goto("/en/accounts/login/?next=/en/manage/workshops/2018-geneva/registrations/")
    page.get_by_label("Username").fill("sec")
    page.get_by_label("Password").fill("pw-sec-browser")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/registrations/")
    for path in ("/en/manage/workshops/2018-geneva/registrations/",
                 "/en/manage/statistics/dialogue/28/"):
        page.goto(path)
        violations = serious_violations(page)
        assert not violations, (path, violations)
