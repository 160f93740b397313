"""The catalogue, an edition's pages and the report's assembly ask the database as often for ten
items as for one: no query per edition, key message, quote, speaker, workshop or session."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from idm.core.models import StakeholderCategory
from idm.deliberation import services as deliberation
from idm.deliberation.models import KeyMessage, Recommendation, ReferenceEvent, Statement, Theme
from idm.dialogues.models import Organization, SessionRole
from idm.publications.document import assemble
from idm.publications.models import AbbreviationEntry, Edition, Publication, Version
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def add_report(number: int, items: int) -> Publication:
    """A dialogue with `items` workshops (a session each, two speakers, one of them fictional),
    `items` final key messages each backed by an attributed, a Chatham House, an anonymous and a
    General Debate statement, and `items` final recommendations."""
    dialogue = factories.dialogue(number=number)
    publication = Publication.objects.create(
        dialogue=dialogue, slug=f"idm-{number}", title=f"Report {number}",
        title_en=f"Report {number}", introduction_en="The International Organization for "
        "Migration (IOM) held two workshops.", year=2030)
    publication.themes.add(Theme.objects.get_or_create(name="Partnerships")[0])
    AbbreviationEntry.objects.create(publication=publication, language="en", short="GCM",
                                     long="Global Compact for Migration")
    category = StakeholderCategory.objects.get(code="civil_society")
    debate = ReferenceEvent.objects.create(
        dialogue=dialogue, title="General debate", slug=f"debate-{number}",
        first_day=date(2030, 9, 25), last_day=date(2030, 9, 29))
    for n in range(items):
        workshop = factories.workshop(dialogue, slug=f"w{number}-{n}", title_en=f"Workshop {n}",
                                      city_en=f"City {n}")
        session = factories.session(workshop, date(2030, 10, 8), time(10), time(11),
                                    title_en=f"Panel {n}", description_en="About data (DATA).",
                                    illustrative=True)
        session.save()
        speakers = []
        for k in range(2):
            organization = Organization.objects.create(
                name=f"Network {n}-{k}", name_en=f"Network {n}-{k}", category=category)
            person = factories.person(f"Speaker{n}-{k}", given_name="Ana", fictional=k == 1)
            SessionRole.objects.create(session=session, person=person, role="panelist",
                                       title_en="Director", organization=organization, order=k)
            speakers.append(person)
        statements = [
            Statement(session=session, person=speakers[0], text=f"Attributed {n}."),
            Statement(session=session, speaker_name="From the floor", text=f"Chatham {n}.",
                      speaker_category=category, attribution="chatham-house", kind="floor"),
            Statement(session=session, speaker_name="Someone", text=f"Anonymous {n}.",
                      attribution="anonymous", kind="floor"),
            Statement(reference_event=debate, speaker_name=f"Country {n}", text=f"Debate {n}."),
        ]
        key_message = deliberation.save_key_message(KeyMessage(
            dialogue=dialogue, number=n + 1, title=f"Message {n}", title_en=f"Message {n}",
            body_en="Body.", status="final"), None)
        for statement in statements:
            deliberation.add_evidence(key_message, deliberation.save_statement(statement, None),
                                      None)
        deliberation.save_recommendation(Recommendation(
            dialogue=dialogue, addressee="states", text=f"Do {n}.", text_en=f"Do {n}.",
            status="final"), None)
    return publication


def published(publication: Publication, languages=("en",)) -> None:
    """The publication's editions in `languages`, published, each with the document a build
    keeps (the English one: the other languages are not translated here)."""
    document = assemble(publication, "en")
    for language in languages:
        edition = Edition.objects.create(publication=publication, language=language,
                                         isbn="978-92-9068-774-0")
        Version.objects.create(edition=edition, number=1, status=Version.Status.PUBLISHED,
                               published_at=timezone.now(), page_count=20, document=document)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_assembling_the_report(reference, django_assert_num_queries):
    one, ten = add_report(61, 1), add_report(62, 10)
    with CaptureQueriesContext(connection) as captured:
        document = assemble(one, "en")
    assert len([s for s in document["sections"] if s["number"]]) == 1
    with django_assert_num_queries(len(captured)):
        document = assemble(ten, "en")
    quotes = [b for s in document["sections"] for b in s["blocks"] if b["type"] == "quote"]
    assert len(quotes) == 40


@pytest.mark.parametrize("search", ["", "?theme=Partnerships&q=report"])
def test_the_catalogue(client, reference, django_assert_num_queries, search):
    published(add_report(63, 1))
    url = reverse("publications:catalogue") + search
    count = queries(client, url)
    for number in range(64, 73):
        published(add_report(number, 1))
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.content.decode().count('class="card"') == 10


@pytest.mark.parametrize("view", ["publications:edition", "publications:read"])
def test_an_edition_s_pages(client, reference, django_assert_num_queries, view):
    published(add_report(74, 1))
    published(add_report(75, 10), languages=("en", "fr", "es"))
    count = queries(client, reverse(view, args=["idm-74", "en"]))
    with django_assert_num_queries(count):
        response = client.get(reverse(view, args=["idm-75", "en"]))
    assert "Message 9" in response.content.decode()
