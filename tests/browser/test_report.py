"""A reader opens the HTML edition of No. 28, on the site and as the downloaded file: axe finds
nothing serious, and the chart is described in words."""

import pytest
from django.urls import reverse

from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def published_report(live_demo):
    from idm.deliberation.demo import load_demo_deliberation
    from idm.dialogues.demo import load_demo_participants
    from idm.publications import build as builder
    from idm.publications import services
    from idm.publications.demo import create_publication

    load_demo_participants(live_demo)
    load_demo_deliberation(live_demo)
    publication = create_publication(live_demo)
    services.publish(builder.build(publication, ["en"], ["html"], None).built["en"], None)
    return publication


@pytest.mark.parametrize("view", ["publications:read", "publications:file"])
def test_the_html_edition_passes_axe(page, published_report, view):
    args = ["idm-28", "en"] + (["html"] if view == "publications:file" else [])
    page.goto(reverse(view, args=args))
    assert "Partnerships are crucial" in page.locator("article.report").inner_text()
    chart = page.locator(".report-figure img")
    assert chart.get_attribute("alt").startswith(
        "Participants and speakers by stakeholder category. Member State: Participants ")
    assert serious_violations(page) == []
