"""The registry in a browser: a registered user submits a practice, the secretariat publishes it,
the public finds it through two facets and its page links back to the session where it was
presented; no serious accessibility problem in the three languages."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from idm.practices.models import Practice
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def registry(live_demo):
    from idm.practices.demo import load_demo_practices

    load_demo_practices(live_demo)
    return live_demo


def test_two_facets_lead_to_a_practice_and_back_to_its_session(page, registry):
    page.goto("/en/practices/")
    page.locator(".registry-facets").get_by_role("link", name="Partnership", exact=True).click()
    assert page.locator("#found").inner_text() == "3 practices"
    page.locator(".registry-facets").get_by_role("link", name="Africa").click()
    assert page.locator("#found").inner_text() == "1 practice"
    page.get_by_role("link", name="Regional labour mobility dialogue: skills partnership pilot").click()
    assert page.locator("h1").inner_text() == "Regional labour mobility dialogue: skills partnership pilot"
    assert "Progress report two years overdue" in page.locator(".facts").inner_text()
    page.locator("#presented").get_by_role("link", name="Panel 5").click()
    assert "Panel 5: Regional consultative processes and capacity development" in page.content()


def signed_in(browser, live_server, username: str, role: str | None):
    user = get_user_model().objects.create_user(username, password=f"pw-{username}-browser",
                                                email=f"{username}@example.org")
    if role:
        user.groups.add(Group.objects.get(name=role))
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-browser")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/")
    return page


def options_starting(page, select: str, start: str) -> list[str]:
    return [o for o in page.locator(f"{select} option").all_inner_texts() if o.startswith(start)]


def test_a_submitted_practice_is_published_and_found_through_two_facets(
        browser, live_server, page, registry):
    title = "Cities welcoming migrants: a municipal partnership for language courses"
    submitter = signed_in(browser, live_server, "amina", None)
    submitter.goto("/en/practices/")
    submitter.get_by_role("link", name="Submit a practice").click()
    submitter.get_by_label("Title").fill(title)
    submitter.get_by_label("Summary").fill("Twelve cities offer free language courses to newly "
                                           "arrived migrants, with employers and civil society.")
    submitter.get_by_label("Type").select_option(label="Partnership")
    submitter.get_by_label("Level").select_option(label="Local")
    submitter.get_by_label("Implementing organizations").select_option(
        label=options_starting(submitter, "#id_implementers", "Coastal Cities Migration Network"))
    submitter.get_by_label("Countries").select_option(label=["Morocco", "Senegal"])
    submitter.get_by_text("GCM objectives", exact=True).click()
    submitter.get_by_label("16. Inclusion and social cohesion").check()
    submitter.get_by_label("Presented in sessions").select_option(
        label=options_starting(submitter, "#id_sessions", "Panel 5: Regional consultative"))
    submitter.get_by_role("button", name="Submit for review").click()
    assert "your practice was submitted" in submitter.locator("body").inner_text()
    assert "Submitted" in submitter.locator("#my-practices").inner_text()

    # Nobody else sees it until the secretariat publishes it.
    page.goto("/en/practices/?objective=16")
    assert title not in page.content()

    secretariat = signed_in(browser, live_server, "sec", "secretariat")
    secretariat.goto("/en/practices/")
    secretariat.get_by_role("link", name="1 practice to review").click()
    secretariat.get_by_role("link", name=title).click()
    secretariat.get_by_label("Review status").select_option(label="Published")
    secretariat.get_by_label("Message to the submitter").fill("Thank you: published.")
    secretariat.get_by_role("button", name="Save the review").click()
    assert "Nothing waits for review." in secretariat.locator("body").inner_text()

    submitter.reload()
    assert "Thank you: published." in submitter.locator("#my-practices").inner_text()

    page.goto("/en/practices/")
    page.locator(".registry-facets").get_by_role("link", name="Local", exact=True).click()
    page.locator(".registry-facets").get_by_role("link", name="Africa").click()
    assert page.locator("#found").inner_text() == "1 practice"
    page.get_by_role("link", name=title).click()
    assert page.locator("h1").inner_text() == title
    page.locator("#presented").get_by_role("link", name="Panel 5").click()
    assert "Panel 5: Regional consultative processes and capacity development" in page.content()
    for other in (submitter, secretariat):
        other.context.close()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_registry_pages_pass_axe(page, registry, language):
    page.goto(f"/{language}/practices/?type=partnership")
    assert serious_violations(page) == []
    page.locator(".practice-card h3 a").first.click()
    page.wait_for_selector(".facts")
    assert serious_violations(page) == []
    page.goto(f"/{language}/practices/network/?objective=6")
    page.wait_for_selector("svg")
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_submission_and_review_pages_pass_axe(browser, live_server, registry, language):
    submitter = signed_in(browser, live_server, f"amina-{language}", None)
    submitter.goto(f"/{language}/practices/submit/")
    assert serious_violations(submitter) == []
    submitter.locator("#practice-submission button[type=submit]").click()  # empty: errors shown
    submitter.wait_for_selector(".errors")
    assert serious_violations(submitter) == []
    submitter.goto(f"/{language}/practices/mine/")
    assert serious_violations(submitter) == []
    secretariat = signed_in(browser, live_server, f"sec-{language}", "secretariat")
    practice = Practice.objects.order_by("pk").first()
    for path in ("/practices/review/", f"/practices/{practice.pk}/review/"):
        secretariat.goto(f"/{language}{path}")
        assert serious_violations(secretariat) == []
    for other in (submitter, secretariat):
        other.context.close()
