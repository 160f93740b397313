"""A rapporteur finds the themes in the demo dialogue's statements with a real worker, follows the
run's progress, and turns a theme into a draft key message backed by its statements."""

import pytest

from idm.deliberation.models import KeyMessage, SynthesisRun
from tests.browser.conftest import serious_violations
from tests.workers import Worker, use_the_database_queue

pytestmark = pytest.mark.browser


def test_a_theme_becomes_a_key_message(rapporteur_page, settings, tmp_path):
    page = rapporteur_page
    use_the_database_queue(settings)  # for a real worker to take the run
    before = set(KeyMessage.objects.values_list("pk", flat=True))
    page.goto("/en/dialogues/28/")
    page.get_by_role("link", name="Find themes in what was said").click()
    page.get_by_label("Statements of").select_option(label="The whole dialogue")
    page.get_by_role("button", name="Find themes").click()
    page.wait_for_url("**/manage/synthesis/*/")
    # Queued: the page waits for a worker, then follows the run until it is done.
    assert page.locator(".job-status").inner_text() in ("Queued", "Running")
    worker = Worker(tmp_path, "--queue", "synthesis")
    try:
        page.locator(".theme").first.wait_for(timeout=90000)
    finally:
        worker.stop()
    run = SynthesisRun.objects.get()
    assert run.status == "done" and len(run.themes) >= 3
    assert serious_violations(page) == []

    first = page.locator(".theme").first
    label = run.themes[0]["label"]
    assert label in first.get_by_role("heading", level=2).inner_text()
    assert first.locator(".theme-statement").count() >= 1  # its representative statements
    title = first.get_by_label("Title of the key message")
    assert title.input_value()  # proposed from the theme's key phrases
    title.fill("Partnerships that include migrants' own voices")
    first.get_by_label("Text").fill("Drafted from a theme of the synthesis.")
    first.get_by_role("button", name="Draft a key message backed by").click()
    page.wait_for_url("**/manage/key-messages/*/")
    key_message = KeyMessage.objects.exclude(pk__in=before).get()
    assert key_message.title == "Partnerships that include migrants' own voices"
    assert key_message.status == "draft"
    members = [int(m["id"]) for m in run.themes[0]["members"]]
    assert list(key_message.evidence.order_by("order").values_list(
        "statement", flat=True)) == members
    assert page.locator("#evidence-list > li").count() == len(members)
    assert page.get_by_text(f"Key message {key_message.number} is drafted, with "
                            f"{len(members)} statements").is_visible()

    page.go_back()
    page.reload()
    first = page.locator(".theme").first
    assert first.get_by_role("link", name=f"key message {key_message.number}:").is_visible()
    assert first.locator(".badge-evidence").count() >= 1
