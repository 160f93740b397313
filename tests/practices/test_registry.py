"""The registry of practices: what the public sees (published only), search by words and facets,
a practice's page with its sessions and key messages, the status light on a fixed clock, the RCPs
as organizations."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from idm.core.models import StakeholderCategory
from idm.deliberation.demo import load_demo_deliberation
from idm.dialogues.models import Organization
from idm.practices import services
from idm.practices.demo import load_demo_practices
from idm.practices.models import Practice, ProgressReport

pytestmark = pytest.mark.integration


@pytest.fixture
def registry(demo):
    load_demo_practices(demo)
    return demo


def practice(title="A partnership", **values) -> Practice:
    values = {"summary": "What it does.", "type": Practice.Type.PARTNERSHIP,
              "level": Practice.Level.NATIONAL, "status": Practice.Status.PUBLISHED, **values}
    found = Practice(title=title, title_en=title, **values)
    implementer = Organization.objects.create(
        name="Implementer", category=StakeholderCategory.objects.get(code="ngo"))
    return services.save(found, None, relations={"implementers": [implementer]})


def test_the_status_light_follows_the_dates(reference):
    started = practice(starts_on=date(2020, 1, 1))
    light = started.status_light
    assert light(date(2020, 12, 31)) == "green"  # a year to report
    assert light(date(2021, 1, 1)) == "yellow"  # the first report is due
    assert light(date(2022, 12, 30)) == "yellow"
    assert light(date(2022, 12, 31)) == "red"  # two years overdue
    ProgressReport.objects.create(practice=started, reported_on=date(2022, 6, 1), text="Done.")
    assert light(date(2023, 6, 1)) == "green" and light(date(2023, 6, 2)) == "yellow"
    started.ends_on = date(2023, 12, 31)
    assert light(date(2023, 12, 31)) == "yellow" and light(date(2024, 1, 1)) == "inactive"
    started.ends_on, started.inactive = None, True
    assert light(date(2023, 1, 1)) == "inactive"
    assert practice("A policy", type=Practice.Type.POLICY).status_light(date(2023, 1, 1)) == ""


def test_the_pages_show_the_light_of_todays_date(client, registry, monkeypatch):
    fair = Practice.objects.get(title_en__startswith="Fair recruitment")  # reported 2025-11-20
    for today, shown in ((datetime(2026, 6, 1, 12, tzinfo=UTC), "Progress reported within a year"),
                         (datetime(2027, 6, 1, 12, tzinfo=UTC), "Progress report due"),
                         (datetime(2028, 11, 21, 12, tzinfo=UTC), "Progress report two years overdue")):
        monkeypatch.setattr(timezone, "now", lambda today=today: today)
        assert shown in client.get(f"/en/practices/{fair.pk}/").content.decode()
        assert shown in client.get("/en/practices/?type=partnership").content.decode()


def test_two_facets_find_a_practice_and_count_what_is_left(client, registry):
    page = client.get("/en/practices/?type=partnership")
    assert page.context["page"].paginator.count == 3
    facets = {f["name"]: f for f in page.context["facets"]}
    assert {v["value"]: v["count"] for v in facets["level"]["values"]} == {"regional": 2, "national": 1}
    page = client.get("/en/practices/?type=partnership&region=Africa")
    assert [p.title for p in page.context["practices"]] == [
        "Regional labour mobility dialogue: skills partnership pilot"]
    # A facet's link keeps the other facets and replaces its own value.
    objective = {f["name"]: f for f in page.context["facets"]}["objective"]
    assert objective["query"] == "type=partnership&region=Africa"
    assert 'href="?type=partnership&amp;region=Africa&amp;objective=5"' in page.content.decode()
    page = client.get("/en/practices/?objective=1&level=global")
    assert [p.title for p in page.context["practices"]] == [
        "Training course on migration data for national statistics offices"]


def test_words_find_practices_in_any_language(client, registry):
    page = client.get("/en/practices/?q=recrutement")
    assert [p.title for p in page.context["practices"]] == [
        "Fair recruitment corridor between Examplia and coastal cities"]
    page = client.get("/es/practices/?q=Alliance")  # an implementer's name
    titles = [p.title for p in page.context["practices"]]
    assert "Corredor de contratación equitativa entre Examplia y las ciudades costeras" in titles
    assert page.context["facets"][0]["values"]  # the facets count what the words found


@pytest.mark.parametrize("query", ["objective=99", "objective=x", "country=ZZ", "level=%3Cb%3E",
                                   "category=-1", "q=" + "x" * 300, "region=Atlantis"])
def test_a_bad_parameter_is_a_400_naming_it(client, registry, query):
    page = client.get(f"/en/practices/?{query}")
    assert page.status_code == 400
    assert "The search cannot run" in page.content.decode()


def test_the_public_sees_published_practices_only(registry, secretariat_client):
    client = Client()  # anonymous (secretariat_client is the logged-in `client` fixture)
    hidden = practice("A submission", status=Practice.Status.SUBMITTED)
    assert client.get(f"/en/practices/{hidden.pk}/").status_code == 404
    assert "A submission" not in client.get("/en/practices/?q=submission").content.decode()
    assert "A submission" not in client.get("/en/practices/?level=national").content.decode()
    page = secretariat_client.get(f"/en/practices/{hidden.pk}/")
    assert page.status_code == 200 and "Not public: Submitted." in page.content.decode()
    assert "A submission" not in secretariat_client.get("/en/practices/").content.decode()


def test_a_practice_links_to_its_sessions_and_key_messages(client, registry):
    load_demo_deliberation(registry)
    skills = Practice.objects.get(title_en__startswith="Regional labour mobility")
    skills.key_messages.set(registry.key_messages.filter(number__in=[2, 6]))
    session = skills.sessions.get()
    page = client.get(f"/fr/practices/{skills.pk}/").content.decode()
    assert "Dialogue régional sur la mobilité de la main-d&#x27;œuvre" in page
    assert f'href="/fr/sessions/{session.pk}/statements/"' in page
    assert 'href="/fr/dialogues/28/key-messages/#key-message-2"' in page
    assert 'href="/fr/dialogues/28/key-messages/#key-message-6"' in page
    # A key message still in draft is not cited to the public.
    registry.key_messages.filter(number=6).update(status="draft")
    assert "#key-message-6" not in client.get(f"/fr/practices/{skills.pk}/").content.decode()


def test_the_rcps_are_organizations_of_their_category(reference):
    rcps = Organization.objects.filter(category__code="rcp_irf")
    assert rcps.count() == 27
    assert rcps.get(acronym="MIDWA").region == "West Africa"
    assert rcps.get(acronym="Rabat Process").region == "Africa - Europe"
    assert services.load_rcps() == 27 and rcps.count() == 27  # loading again adds nothing


def test_a_deleted_practice_leaves_the_search(registry):
    from idm.core.models import SearchEntry

    fair = Practice.objects.get(title_en__startswith="Fair recruitment")
    assert SearchEntry.objects.filter(kind=services.SEARCH_KIND, object_id=fair.pk).exists()
    fair.delete()
    assert not SearchEntry.objects.filter(kind=services.SEARCH_KIND, object_id=fair.pk).exists()
