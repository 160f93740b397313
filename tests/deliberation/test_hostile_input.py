"""Bad addresses, parameters and bodies in the deliberation: a 400 or a 404 that says what is
wrong, never a 500, and never a half-saved statement; the evidence form's `next` stays on the
site."""

import csv
import io
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, reverse

from idm.core import roles
from idm.deliberation import urls
from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import KeyMessage, Recommendation, Revision, Statement
from idm.dialogues.models import Person, Session

pytestmark = pytest.mark.integration

# Past a 64-bit integer, past a 32-bit one, at the 64-bit edge, and zero: what a path's <int:>
# lets through (it takes digits only, so no negative number reaches a view by the path).
HUGE = ["9223372036854775808", "18446744073709551616", "9223372036854775807", "2147483648"]
PATH_VALUES = HUGE + ["0"]
# What a query or a form may carry besides.
VALUES = HUGE + ["-1", "-9223372036854775809", "1.5", "1e3", "x", "é", "\x00", " "]
SEARCH_PARAMETERS = ["q", "workshop", "session", "category", "language", "speaker", "page"]
TAG_KINDS = ["gcm", "principle", "sdg", "theme", "nothing"]


@pytest.fixture
def deliberation(demo):
    load_demo_deliberation(demo)
    return demo


def _user(username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="pw")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def clients(deliberation):
    # A crash must come back as the 500 a visitor would get, not as an exception here.
    rapporteur = Client(raise_request_exception=False)
    rapporteur.force_login(_user("rap", roles.RAPPORTEUR))
    secretariat = Client(raise_request_exception=False)
    secretariat.force_login(_user("sec", roles.SECRETARIAT))
    return {"anonymous": Client(raise_request_exception=False), "rapporteur": rapporteur,
            "secretariat": secretariat}


def _valid(name: str, parameter: str) -> str:
    """A value that exists in the demo, so that the other parameter of the address is reached."""
    if parameter == "number":
        return "28"
    if name in ("statement", "statement-edit"):
        return str(Statement.objects.filter(session__isnull=False).first().pk)
    if name == "key-message":
        return str(KeyMessage.objects.first().pk)
    if name == "recommendation":
        return str(Recommendation.objects.first().pk)
    if name == "revisions":
        return str(Revision.objects.first().pk)
    return str(Session.objects.filter(statements__isnull=False).first().pk)


def _addresses() -> list[str]:
    """Every address of the deliberation, each of its parameters given each hostile value in
    turn while the others are valid."""
    addresses = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        parameters = list(pattern.pattern.converters)
        if not parameters:
            addresses.append(reverse(f"deliberation:{pattern.name}"))
        for hostile in parameters:
            for value in PATH_VALUES:
                kwargs = {p: value if p == hostile else _valid(pattern.name, p)
                          for p in parameters}
                addresses.append(reverse(f"deliberation:{pattern.name}", kwargs=kwargs))
    return addresses


def _server_errors(clients, requests) -> list[str]:
    failures = []
    for who, client in clients.items():
        for method, address, data in requests:
            response = client.generic(method, address, data or "",
                                      content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                failures.append(f"{method} {address} {data or ''} as {who}: "
                                f"{response.status_code}")
    return failures


def test_every_address_with_hostile_numbers(clients):
    addresses = _addresses()
    assert "/en/statements/9223372036854775808/" in addresses
    assert "/en/manage/revisions/18446744073709551616/" + _valid("revisions", "second") + "/" \
        in addresses
    requests = [(method, address, None) for address in addresses for method in ("GET", "POST")]
    failures = _server_errors(clients, requests)
    assert not failures, "\n".join(failures)


def test_hostile_search_parameters(clients):
    search = reverse("deliberation:search")
    requests = []
    for value in VALUES:
        for parameter in SEARCH_PARAMETERS:
            # With words and without: the filters run on either path.
            requests.append(("GET", f"{search}?{_query({parameter: value})}", None))
            requests.append(("GET", f"{search}?{_query({parameter: value, 'q': 'migr*'})}",
                             None))
        for kind in TAG_KINDS:
            requests.append(("GET", f"{search}?{_query({'tag': f'{kind}:{value}'})}", None))
        requests.append(("GET", f"{search}?{_query({'session': value, 'category': value})}",
                         None))
    requests.append(("GET", f"{search}?session=9223372036854775808&page=2", None))
    for name in ("key-messages", "key-messages-public"):
        address = reverse(f"deliberation:{name}", args=[28])
        requests += [("GET", f"{address}?{_query({'page': value})}", None) for value in VALUES]
    # The rapporteur searches as the secretariat does.
    failures = _server_errors({who: clients[who] for who in ("anonymous", "secretariat")},
                              requests)
    assert not failures, "\n".join(failures)


def test_a_session_or_a_statement_out_of_range_is_named(client, deliberation):
    search = reverse("deliberation:search")
    for value in ("9223372036854775808", "-9223372036854775809", "0"):
        response = client.get(search, {"session": value, "q": "partnerships"})
        assert response.status_code == 400
        assert f"There is no session {value}." in response.content.decode()
    response = client.get(search, {"tag": "gcm:99999999999999999999"})
    assert response.status_code == 400 and "gcm:99999999999999999999" in response.content.decode()
    for value in (2 ** 63, 2 ** 64, 2 ** 63 - 1):
        assert client.get(f"/en/statements/{value}/").status_code == 404


def test_hostile_form_values(clients):
    key_message = KeyMessage.objects.first()
    recommendation = Recommendation.objects.first()
    statement = Statement.objects.filter(session__isnull=False).first()
    key_message_url = reverse("deliberation:key-message", args=[key_message.pk])
    recommendation_url = reverse("deliberation:recommendation", args=[recommendation.pk])
    session_url = reverse("deliberation:transcript", args=[statement.session_id])
    requests = []
    for value in VALUES:
        forms = [
            (reverse("deliberation:evidence-add"), {"key_message": value,
                                                    "statement": statement.pk}),
            (reverse("deliberation:evidence-add"), {"key_message": key_message.pk,
                                                    "statement": value}),
            (key_message_url, {"form": "evidence", "statement": value}),
            (key_message_url, {"form": "remove", "evidence": value}),
            (key_message_url, {"form": "main", "number": value, "status": "final",
                               "title_en": "A title"}),
            (recommendation_url, {"form": "evidence", "statement": value}),
            (recommendation_url, {"form": "remove", "evidence": value}),
            (recommendation_url, {"form": "main", "addressee": "states", "status": "draft",
                                  "key_message": value, "order": value, "text_en": "Text"}),
            (session_url, {"attribution": value, "confirm": "1"}),
            (reverse("deliberation:statement-edit", args=[statement.pk]), {
                "person": value, "speaker_category": value, "speaker_country": value,
                "text": "Words.", "language": "en", "kind": "remarks",
                "attribution": "attributed", "gcm_objectives": value}),
        ]
        requests += [("POST", address, _query(data)) for address, data in forms]
    failures = _server_errors(clients, requests)
    assert not failures, "\n".join(failures)


def _query(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


# The capture's save -------------------------------------------------------------------------


@pytest.fixture
def session(deliberation):
    return Session.objects.filter(roles__isnull=False, workshop__slug="2018-geneva").first()


@pytest.fixture
def rapporteur(client, deliberation):
    client.force_login(_user("rap", roles.RAPPORTEUR))
    return client


def _save(client, session, body, content_type="application/json"):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return client.post(reverse("deliberation:capture-save", args=[session.pk]), body,
                       content_type=content_type)


def _statement(**values) -> dict:
    return {"client_id": str(uuid.uuid4()), "text": "Words.", **values}


def test_a_capture_body_that_is_not_a_statement_is_refused(rapporteur, session):
    before = Statement.objects.count()
    for body, says in [
        (b"\xff\xfe not UTF-8", "JSON object"), ("not json", "JSON object"),
        ("[" * 100000, "JSON object"), ('{"client_id": NaN', "JSON object"),
        ("[]", "JSON object"), ('"x"', "JSON object"), ("null", "JSON object"),
        ("42", "JSON object"), ("{}", "capture id"), ({"client_id": "x"}, "capture id"),
        ({"client_id": 5}, "capture id"), ({"client_id": ["a"]}, "capture id"),
        ({"client_id": {"a": 1}}, "capture id"),
    ]:
        response = _save(rapporteur, session, body)
        assert response.status_code == 400, body
        assert response.json()["saved"] is False
        assert says in " ".join(m for ms in response.json()["errors"].values() for m in ms), body
    assert Statement.objects.count() == before


def test_capture_fields_of_the_wrong_kind_are_named(rapporteur, session):
    outsider = Person.objects.exclude(session_roles__session=session).first()
    before = Statement.objects.count()
    cases = [
        ({"person": "x"}, "person"), ({"person": 1.5}, "person"), ({"person": True}, "person"),
        ({"person": [1]}, "person"), ({"person": 9223372036854775808}, "person"),
        ({"person": -1}, "person"), ({"person": 0}, "person"),
        ({"person": outsider.pk}, "person"), ({"person": 10 ** 9}, "person"),
        ({"speaker_category": "x"}, "speaker_category"),
        ({"speaker_category": 18446744073709551616}, "speaker_category"),
        ({"speaker_category": 10 ** 9}, "speaker_category"),
        ({"text": 5}, "text"), ({"text": ["a"]}, "text"), ({"text": {"a": 1}}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"speaker_name": 5}, "speaker_name"), ({"speaker_organization": []}, "speaker_organization"),
        ({"language": "xx"}, "language"), ({"language": 5}, "language"),
        ({"kind": "song"}, "kind"), ({"attribution": "secret"}, "attribution"),
        ({"attribution": None, "complete": True}, "attribution"),
        ({"complete": "yes"}, "complete"), ({"complete": 1}, "complete"),
        ({"speaker_name": "x" * 201}, "speaker_name"),
    ]
    for values, field in cases:
        response = _save(rapporteur, session, _statement(**values))
        assert response.status_code == 400, values
        body = response.json()
        assert body["saved"] is False and field in body["errors"], (values, body)
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert Statement.objects.count() == before


def test_a_bad_field_in_a_retry_leaves_the_saved_statement_as_it_was(rapporteur, session):
    capture_id = str(uuid.uuid4())
    person = session.roles.first().person
    assert _save(rapporteur, session, {"client_id": capture_id, "text": "Half",
                                       "person": person.pk}).json()["saved"]
    response = _save(rapporteur, session, {"client_id": capture_id, "text": "Half typed",
                                           "person": "nobody"})
    assert response.status_code == 400 and "person" in response.json()["errors"]
    statement = Statement.objects.get(client_id=capture_id)
    assert (statement.text, statement.person) == ("Half", person)


def test_a_good_capture_still_saves(rapporteur, session):
    person = session.roles.first().person
    response = _save(rapporteur, session, _statement(person=person.pk, complete=True,
                                                     attribution="chatham-house"))
    assert response.status_code == 200 and response.json()["complete"] is True
    statement = Statement.objects.get(pk=response.json()["id"])
    assert statement.person == person and statement.attribution == "chatham-house"
    # From the floor, with a category chosen from the list; empty values clear a field.
    response = _save(rapporteur, session, _statement(
        person=None, speaker_name="A delegate", kind="floor", speaker_category=None,
        speaker_organization=None, complete=True))
    assert response.status_code == 200, response.json()


# The evidence form's next address -------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example",
                                    "/\\evil.example", "https:evil.example",
                                    "javascript:alert(1)", "\x00/x"])
def test_adding_evidence_never_leads_off_the_site(rapporteur, deliberation, target):
    key_message = KeyMessage.objects.first()
    statement = Statement.objects.filter(session__isnull=False).exclude(
        key_message_evidence__key_message=key_message).first()
    response = rapporteur.post(reverse("deliberation:evidence-add"), {
        "key_message": key_message.pk, "statement": statement.pk, "next": target})
    assert response.status_code == 302
    assert response["Location"] == key_message.get_absolute_url()
    assert key_message.evidence.filter(statement=statement).exists()


def test_adding_evidence_returns_to_the_search(rapporteur, deliberation):
    key_message = KeyMessage.objects.first()
    statement = Statement.objects.filter(session__isnull=False).exclude(
        key_message_evidence__key_message=key_message).first()
    back = reverse("deliberation:search") + "?q=partnerships&page=2"
    response = rapporteur.post(reverse("deliberation:evidence-add"), {
        "key_message": key_message.pk, "statement": statement.pk, "next": back})
    assert response.status_code == 302 and response["Location"] == back


# Text never becomes code ----------------------------------------------------------------------


def test_the_statements_csv_keeps_formulas_as_text(client, panel):
    from tests.deliberation.conftest import say

    say(panel, panel.people[0], '=HYPERLINK("https://evil.example","Read more")')
    response = client.get(reverse("deliberation:statements-csv",
                                  args=[panel.workshop.dialogue.number]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="statements-{panel.workshop.dialogue.number}.csv"')
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffnumber,event,session,speaker,attribution,kind,language,"
                              "text,gcm_objectives,sdg_targets,source\r\n")
    row = next(csv.DictReader(io.StringIO(content[1:])))
    assert row["text"] == '\'=HYPERLINK("https://evil.example","Read more")'
    assert row["speaker"] == "Amina Diallo, Director, Sahel Network"
