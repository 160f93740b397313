"""A real Chromium (Debian's), driven by Playwright, against Django's live test server."""

import os
import shutil

import pytest

from tests.conftest import require

CHROMIUM = os.environ.get("IDM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

@pytest.fixture(scope="module")
def browser():
    require(os.path.exists(CHROMIUM) or shutil.which("chromium") is not None,
            f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django then
    # refuses the tests' own (synchronous) ORM calls; only while the browser is open.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True,
                                  timezone_id="Europe/Zurich", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def make_page(browser, live_server):
    """A page in a browser set to another time zone."""
    contexts = []

    def make(timezone_id: str):
        context = browser.new_context(base_url=live_server.url, timezone_id=timezone_id,
                                      locale="en-US")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    """The demo in a database the live server can see (transactions are committed)."""
    from idm.core import roles
    from idm.core.reference import load_reference_data, reference_data_loaded
    from idm.dialogues.demo import load_demo

    if not reference_data_loaded():
        load_reference_data()
    roles.grant_role_permissions()
    return load_demo()


def serious_violations(page) -> list[tuple]:
    """What axe-core finds serious or critical on the page, with where it is."""
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:5])
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.fixture
def rapporteur_page(page, live_demo):
    """A rapporteur signed in, on the demo with its statements and key messages."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from idm.deliberation.demo import load_demo_deliberation

    load_demo_deliberation(live_demo)
    user = get_user_model().objects.create_user("rap", password="pw-rap-browser")
    user.groups.add(Group.objects.get(name="rapporteur"))
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill("rap")
    page.get_by_label("Password").fill("pw-rap-browser")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/")
    return page
