"""The API's documentation page renders in Chromium under the site's Content Security Policy:
its scripts and styles come from idm itself, none inline, and the console reports no violation."""

import pytest

from tests.browser.conftest import browser  # noqa: F401 (the fixture, Chromium)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server):  # noqa: F811 (the fixture above)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_the_documentation_page_renders_without_a_policy_violation(page, transactional_db):
    console, errors = [], []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    assert "idm API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 30
    # Swagger UI's own styles are applied (its file, not an inline block).
    assert page.eval_on_selector(".swagger-ui .info .title",
                                 "e => getComputedStyle(e).fontFamily") != ""
    violations = [line for line in console if "Content Security Policy" in line]
    assert not violations, violations
    assert not errors, errors
