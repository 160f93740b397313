"""The registry in a browser: a practice found through two facets, its page linking back to the
session where it was presented; no serious accessibility problem in the three languages."""

import pytest

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


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_registry_pages_pass_axe(page, registry, language):
    page.goto(f"/{language}/practices/?type=partnership")
    assert serious_violations(page) == []
    page.locator(".practice-card h3 a").first.click()
    page.wait_for_selector(".facts")
    assert serious_violations(page) == []
