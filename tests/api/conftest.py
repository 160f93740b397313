"""Fixtures for the API: a panel with a statement under each attribution policy, final and draft
key messages and recommendations, published and unpublished practices and editions, users of
each role and their tokens, and clients that send a token."""


import pytest
from django.test import Client

from idm.api import services as api_services
from idm.core import roles
from idm.deliberation import services as deliberation
from idm.deliberation.models import KeyMessage, Recommendation
from idm.dialogues.models import Organization, Registration
from idm.practices import services as practice_services
from idm.practices.models import Practice
from idm.publications import services as publications
from idm.publications.models import Publication
from tests.conftest import _user
from tests.deliberation.conftest import one_under_each_policy, say
from tests.dialogues import factories

# The names the attribution policy withholds from the public: never in an API answer to it.
WITHHELD = ("Paul", "Moreau", "Lucia", "Reyes")
DRAFT_WORDS = "Secret draft wording"


@pytest.fixture
def rapporteur(reference):
    return _user("rap", roles.RAPPORTEUR)


@pytest.fixture
def panel(reference):
    """A session with three panelists of one civil-society network: a Chatham House speaker's
    category may show (a group of three)."""
    return factories.panel({"city_fr": "Genève", "title_fr": "Atelier de test"},
                           title_fr="Panel sur les partenariats", room="Room XVIII")


@pytest.fixture
def said(panel):
    """One complete statement under each policy, and one still being captured."""
    return {**one_under_each_policy(panel),
            "incomplete": say(panel, panel.people[0], "Half a sentence about partnerships",
                              complete=False)}


@pytest.fixture
def messages(panel, said):
    """A final and a draft key message (the final one backed by each policy's statement), and a
    final and a draft recommendation; the final recommendation follows the draft message."""
    dialogue = panel.workshop.dialogue
    final = deliberation.save_key_message(KeyMessage(
        dialogue=dialogue, number=1, title_en="Partnerships are crucial",
        title_fr="Les partenariats sont essentiels", body_en="Body.", status="final"), None)
    draft = deliberation.save_key_message(KeyMessage(
        dialogue=dialogue, number=2, title_en=DRAFT_WORDS, status="draft"), None)
    for policy in ("attributed", "chatham-house", "anonymous"):
        deliberation.add_evidence(final, said[policy], None)
    recommendation = deliberation.save_recommendation(Recommendation(
        dialogue=dialogue, addressee="states", text_en="Fund city partnerships.",
        status="final", key_message=draft), None)
    draft_recommendation = deliberation.save_recommendation(Recommendation(
        dialogue=dialogue, addressee="iom", text_en=f"{DRAFT_WORDS} for IOM.",
        status="draft"), None)
    return {"final": final, "draft": draft, "recommendation": recommendation,
            "draft recommendation": draft_recommendation}


@pytest.fixture
def practices(panel):
    network = Organization.objects.get(name_en="Sahel Network")
    made = {}
    for status in ("published", "submitted"):
        made[status] = practice_services.save(Practice(
            title_en=f"A {status} practice", summary_en="What it does.", type="policy",
            level="national", status=status), None,
            relations={"implementers": [network], "sessions": [panel]})
    return made


@pytest.fixture
def publication(panel):
    """The report of the panel's dialogue: its English edition published (and a newer draft),
    its French edition only a draft."""
    publication = Publication.objects.create(dialogue=panel.workshop.dialogue, slug="idm-99",
                                             title_en="Report 99", title_fr="Rapport 99",
                                             year=2030)
    document = {"sections": []}
    published = publications.save_version(publication, "en", document,
                                          {"html": b"<p>published</p>"}, None)
    publications.publish(published, None)
    publications.save_version(publication, "en", document, {"html": b"<p>draft</p>"}, None)
    publications.save_version(publication, "fr", document, {"html": b"<p>brouillon</p>"}, None)
    return publication


@pytest.fixture
def participants(panel):
    """Three registrations: listed (approved and consenting), not consenting, pending."""
    workshop = panel.workshop
    return {
        "listed": factories.registration(workshop, person=factories.person(
            "Listed", given_name="Lina"), consent_public=True),
        "unlisted": factories.registration(workshop, person=factories.person(
            "Hidden", given_name="Hugo"), consent_public=False),
        "pending": factories.registration(workshop, person=factories.person(
            "Waiting", given_name="Wanda"), consent_public=True,
            status=Registration.Status.PENDING),
    }


def make_token(user, *scopes, **values):
    return api_services.create_token(user, None, name="test", scopes=list(scopes), **values)


class TokenClient(Client):
    """A test client that sends `Authorization: Bearer <key>` and JSON."""

    def __init__(self, key: str, **defaults):
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {key}", **defaults)

    def post(self, path, data=None, **extra):
        return super().post(path, data, content_type="application/json", **extra)

    def patch(self, path, data=None, **extra):
        return super().patch(path, data, content_type="application/json", **extra)


@pytest.fixture
def secretariat_api(secretariat):
    """The secretariat with a token of every scope."""
    from idm.api.scopes import SCOPES

    return TokenClient(make_token(secretariat, *SCOPES).key)


@pytest.fixture
def rapporteur_api(rapporteur):
    from idm.api.scopes import ROLE_SCOPES

    return TokenClient(make_token(rapporteur, *ROLE_SCOPES[roles.RAPPORTEUR]).key)
