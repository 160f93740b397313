"""The public catalogue: IOM's page layout, schema.org data, the Atom feed, filters; drafts
and their files stay private; identifiers are checked."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from idm.publications import build as builder
from idm.publications import services
from idm.publications.models import BuildJob, Edition, Version

pytestmark = pytest.mark.integration


@pytest.fixture
def published(publication):
    result = builder.build(publication, ["en"], ["pdf", "epub", "html"], None)
    services.publish(result.built["en"], None)
    french = Edition.objects.get(publication=publication, language="fr")
    french.title = "Dialogue international no 28"
    french.save()
    # Published elsewhere before idm: a version of record without files.
    Version.objects.create(edition=french, number=1, status=Version.Status.PUBLISHED,
                           published_at=timezone.now())
    return publication


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_page_follows_the_publications_platform(client, published):
    response = client.get(reverse("publications:edition", args=["idm-28", "en"]))
    text = text_of(response)
    # Metadata, title, other languages, abstract, contents: each found after the one before.
    body = text[text.index("Skip to content"):]
    position = 0
    for expected in ["Original Language English", "ISBN 978-92-9068-774-0", "ISSN 1726-2224",
                     "Number of Pages", "Date of upload",
                     "Inclusive and Innovative Partnerships for Effective Global Governance",
                     "Also available in: Français", "The report of the two workshops",
                     "Table of contents", "Abbreviations and acronyms", "Download"]:
        position = body.index(expected, position)
    assert "1. Partnerships are crucial to global governance of migration" in text
    html = response.content.decode()
    assert 'href="/en/publications/idm-28/fr/" lang="fr"' in html
    assert "/en/publications/idm-28/en/pdf/" in html


def test_schema_org_book(client, published):
    html = client.get(reverse("publications:edition", args=["idm-28", "en"])).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))
    version = Version.objects.get(edition__publication=published, edition__language="en")
    assert data["@type"] == "Book" and data["isbn"] == "978-92-9068-774-0"
    assert data["numberOfPages"] == version.page_count and data["inLanguage"] == "en"
    assert data["isPartOf"] == {"@type": "BookSeries", "name": "International Dialogue on Migration",
                                "issn": "1726-2224"}
    assert data["publisher"]["name"] == "International Organization for Migration (IOM)"


def test_atom_feed(client, published):
    response = client.get(reverse("publications:feed"))
    root = ET.fromstring(response.content)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    titles = [e.find("atom:title", ns).text for e in root.findall("atom:entry", ns)]
    assert any("No. 28: Inclusive and Innovative" in t and "(English)" in t for t in titles)


def test_catalogue_search_and_filters(client, published):
    url = reverse("publications:catalogue")
    assert "Inclusive and Innovative" in text_of(client.get(url, {"q": "innovative partnerships"}))
    assert "No publication matches." in text_of(client.get(url, {"q": "zzzz"}))
    assert "Dialogue international no 28" in text_of(client.get(url, {"language": "fr"}))
    assert "Inclusive and Innovative" not in text_of(client.get(url, {"language": "fr"}))
    assert "Inclusive and Innovative" in text_of(client.get(url, {"year": 2018,
                                                                  "theme": "partnerships"}))


def test_drafts_and_their_files_stay_private(secretariat_client, publication):
    from django.test import Client

    client = Client()
    builder.build(publication, ["en"], ["pdf"], None)  # built, not published
    assert client.get(reverse("publications:edition", args=["idm-28", "en"])).status_code == 404
    assert client.get(reverse("publications:read", args=["idm-28", "en"])).status_code == 404
    assert client.get(reverse("publications:file", args=["idm-28", "en", "pdf"])).status_code == 404
    draft = reverse("publications:version-file", args=["idm-28", "en", 1, "pdf"])
    assert client.get(draft).status_code == 404
    # Not even the staff get a draft at the public address: it serves the published version.
    assert secretariat_client.get(
        reverse("publications:file", args=["idm-28", "en", "pdf"])).status_code == 404
    response = secretariat_client.get(draft)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"
    assert 'filename="idm-28-en-v1.pdf"' in response["Content-Disposition"]


def test_identifiers_are_checked(publication):
    edition = Edition.objects.get(publication=publication, language="en")
    edition.isbn, edition.issn = "978-92-9068-774-1", "1726-2225"
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "expected 0, found 1" in error.value.message_dict["isbn"][0]
    assert "expected 4, found 5" in error.value.message_dict["issn"][0]


@pytest.mark.django_db(transaction=True)
def test_the_web_build_runs_as_a_task_with_progress(client, reference):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from idm.deliberation.demo import load_demo_deliberation
    from idm.dialogues.demo import load_demo
    from idm.publications.demo import create_publication

    dialogue = load_demo()
    load_demo_deliberation(dialogue)
    create_publication(dialogue)
    user = get_user_model().objects.create_user("sec2", password="pw")
    user.groups.add(Group.objects.get(name="secretariat"))
    client.force_login(user)
    url = reverse("publications:report", args=[28])
    page = client.get(url).content.decode()
    assert "Français: " in text_of(client.get(url)) and "translations missing" in page
    response = client.post(url, {"languages": ["en", "fr"], "formats": ["pdf", "html"]})
    assert response.status_code == 302
    # The tests run tasks where they are queued: the build is over when the page comes back.
    job = BuildJob.objects.get()
    assert job.status == "done", job.message
    status = client.get(reverse("publications:build-status", args=[job.pk])).json()
    assert status["progress"] == 100 and status["report"]["built"]["en"] > 10
    assert "Key message 1: title is missing in Français" in status["report"]["missing"]["fr"]
