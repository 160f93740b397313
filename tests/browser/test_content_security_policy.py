"""The Content Security Policy holds on every page a visitor or the secretariat can reach: a
crawl in Chromium finds no inline script or style that the policy refuses, and no page is
served without the policy."""

from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

pytestmark = pytest.mark.browser

# Files, not pages: the crawl checks pages; files are opened by their own tests.
FILES = (".pdf", ".csv", ".xlsx", ".docx", ".ics", ".svg", ".json", ".graphml", ".zip", ".xml",
         ".epub", ".html", ".xlf", ".tmx", ".atom", ".png")
LIMIT = 140


@pytest.fixture
def everything(live_demo):
    from idm.consultations.demo import load_demo_consultation
    from idm.deliberation.demo import load_demo_deliberation
    from idm.dialogues.demo import load_demo_participants
    from idm.practices.demo import load_demo_practices

    load_demo_participants(live_demo)
    load_demo_deliberation(live_demo)
    load_demo_consultation(live_demo)
    load_demo_practices(live_demo)
    return live_demo


def _crawl(page, seeds: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(pages visited, console messages about the policy, pages served without it)."""
    refused, unprotected = [], []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    origin = urlparse(seeds[0]).netloc
    queue, seen = list(seeds), set(seeds)
    visited = []
    while queue and len(visited) < LIMIT:
        url = queue.pop(0)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(url)
        if "default-src 'self'" not in response.headers.get("content-security-policy", ""):
            unprotected.append(url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            parts = urlparse(href)
            # Without queries: filters and pages multiply one page's addresses by hundreds.
            href = href.split("?")[0]
            if (parts.netloc != origin or not parts.path.startswith("/en/")
                    or parts.path.lower().endswith(FILES) or "/delete/" in parts.path
                    or "logout" in parts.path or href in seen):
                continue
            seen.add(href)
            queue.append(href)
    return visited, refused, unprotected


def test_no_page_runs_inline_code_for_the_public(page, everything, live_server):
    visited, refused, unprotected = _crawl(page, [f"{live_server.url}/en/"])
    assert len(visited) > 20
    assert not refused, "\n".join(refused[:20])
    assert not unprotected, unprotected[:20]


def test_no_page_runs_inline_code_for_the_secretariat(page, everything, live_server):
    user = get_user_model().objects.create_user("csp", password="pw-csp-browser")
    user.groups.add(Group.objects.get(name="secretariat"))
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill("csp")
    page.get_by_label("Password").fill("pw-csp-browser")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/")
    seeds = ["/en/manage/", "/en/manage/dialogues/28/consultations/", "/en/admin/"]
    visited, refused, unprotected = _crawl(page, [live_server.url + seed for seed in seeds])
    # The manage pages, the consultation's results with its inline opinion map, the admin.
    assert any("/results/" in url for url in visited), visited
    assert any("/admin/" in url for url in visited)
    assert not refused, "\n".join(refused[:20])
    assert not unprotected, unprotected[:20]


def test_the_html_edition_keeps_its_own_styles_and_runs_nothing(page, live_demo, live_server):
    from idm.publications.demo import build_demo_publication

    build_demo_publication(live_demo)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    response = page.goto("/en/publications/idm-28/en/html/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "'sha256-" in policy
    page.goto("/en/publications/idm-28/en/read/")
    assert not refused, refused
