"""Reading: bounded pages, filters that refuse what they cannot understand (400, never 500), the
language of the answer, ETags and 304, agenda times in UTC and at the venue, JSON only."""

import pytest

from idm.core.models import GcmObjective
from idm.deliberation import services as deliberation
from tests.dialogues import factories

pytestmark = pytest.mark.integration


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [item["id"] for item in response.json()["results"]]


def test_pages_are_bounded(client, said, settings):
    settings.IDM_API_MAX_PAGE_SIZE = 2
    first = client.get("/api/v1/statements/", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    for size in ("0", "3", "-1", "many"):
        response = client.get("/api/v1/statements/", {"page_size": size})
        assert response.status_code == 400 and "page_size" in response.json(), size
    assert client.get("/api/v1/statements/", {"page": 9}).status_code == 404
    for page in ("0", "", "last", "x", "1.0"):
        response = client.get("/api/v1/statements/", {"page": page})
        assert response.status_code == 400 and "page" in response.json(), page


def test_statements_filter_by_dialogue_workshop_session_and_tag(client, said, panel):
    deliberation.set_tags(said["attributed"], None,
                          gcm_objectives=[GcmObjective.objects.get(number=23)],
                          themes=["cities"])
    other = factories.workshop(factories.dialogue(number=98), slug="elsewhere")
    public = {said[p].pk for p in ("attributed", "chatham-house", "anonymous")}
    assert set(ids(client.get("/api/v1/statements/", {"dialogue": 99}))) == public
    assert ids(client.get("/api/v1/statements/", {"dialogue": 98})) == []
    assert set(ids(client.get("/api/v1/statements/", {"workshop": panel.workshop.slug}))) == \
        public
    assert ids(client.get("/api/v1/statements/", {"workshop": other.slug})) == []
    assert set(ids(client.get("/api/v1/statements/", {"session": panel.pk}))) == public
    assert ids(client.get("/api/v1/statements/", {"tag": "gcm:23"})) == [said["attributed"].pk]
    theme = said["attributed"].themes.get()
    assert ids(client.get("/api/v1/statements/", {"tag": f"theme:{theme.pk}"})) == \
        [said["attributed"].pk]
    assert ids(client.get("/api/v1/statements/", {"q": "undocumented"})) == \
        [said["anonymous"].pk]
    for bad in ({"dialogue": 7}, {"dialogue": "x"}, {"workshop": "nowhere"},
                {"session": 10 ** 20}, {"session": "-1"}, {"tag": "gcm:x"}, {"tag": "oops"},
                {"tag": "theme:99999999999999999999"}, {"language": "de"},
                {"category": "nobody"}, {"lang": "de"}, {"speaker": "a\x00b"},
                {"dialogue": "99\x00"}, {"q": "x" * 501}, {"session": "5.0"}, {"dialogue": ""},
                {"kind": ""}):
        response = client.get("/api/v1/statements/", bad)
        assert response.status_code == 400, (bad, response.status_code)
        assert response["Content-Type"] == "application/json"


def test_key_messages_filter_by_dialogue(client, messages):
    final = messages["final"].pk
    assert ids(client.get("/api/v1/key-messages/", {"dialogue": 99})) == [final]
    factories.dialogue(number=98)
    assert ids(client.get("/api/v1/key-messages/", {"dialogue": 98})) == []
    assert ids(client.get("/api/v1/recommendations/", {"addressee": "states"})) == \
        [messages["recommendation"].pk]


def test_practices_filter_by_facet_and_words(client, practices):
    published = practices["published"].pk
    assert ids(client.get("/api/v1/practices/", {"type": "policy", "category": "civil_society"})) \
        == [published]
    assert ids(client.get("/api/v1/practices/", {"level": "global"})) == []
    assert ids(client.get("/api/v1/practices/", {"q": "published practice"})) == [published]
    assert ids(client.get("/api/v1/practices/", {"q": "submitted"})) == []
    for bad in ({"type": "nope"}, {"objective": "x"}, {"objective": 10 ** 6}, {"type": ""}):
        assert client.get("/api/v1/practices/", bad).status_code == 400, bad


def test_the_language_comes_from_lang_or_accept_language(client, messages, panel):
    path = f"/api/v1/key-messages/{messages['final'].pk}/"
    assert client.get(path).json()["title"] == "Partnerships are crucial"
    french = client.get(path, {"lang": "fr"})
    assert french.json()["title"] == "Les partenariats sont essentiels"
    assert french["Content-Language"] == "fr"
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9").json()["title"] == \
        "Les partenariats sont essentiels"
    # ?lang= wins over the header; a text not translated falls back to English.
    spanish = client.get(path, {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert spanish.json()["title"] == "Partnerships are crucial"
    assert spanish["Content-Language"] == "es"
    workshop = client.get(f"/api/v1/workshops/{panel.workshop.slug}/", {"lang": "fr"}).json()
    assert workshop["city"] == "Genève" and workshop["web_url"].endswith("/fr/workshops/"
                                                                        "test-geneva/")
    assert client.get(path, {"lang": "de"}).status_code == 400


def test_etags_answer_304_until_something_changes(client, messages):
    path = "/api/v1/key-messages/"
    first = client.get(path)
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "no-cache"
    assert "Accept-Language" in first["Vary"] and "Authorization" in first["Vary"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # Another language is another answer.
    assert client.get(path, {"lang": "fr"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    final = messages["final"]
    final.body_en = "A changed body."
    deliberation.save_key_message(final, None)
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_agenda_times_in_utc_and_at_the_venue(client, panel):
    sessions = client.get("/api/v1/sessions/", {"workshop": panel.workshop.slug}).json()
    [session] = sessions["results"]
    assert (session["start"], session["end"]) == ("2030-10-08T08:00:00Z", "2030-10-08T09:00:00Z")
    assert session["local_start"] == "2030-10-08T10:00:00+02:00"
    assert session["time_zone"] == "Europe/Zurich" and session["zone"] == "CEST, UTC+02:00"
    assert [s["person"]["name"] for s in session["speakers"]] == [
        "Amina Diallo", "Paul Moreau", "Lucia Reyes"]
    speakers = client.get("/api/v1/speakers/", {"session": panel.pk}).json()
    assert speakers["count"] == 3 and speakers["results"][0]["affiliation"] == \
        "Director, Sahel Network"


def test_json_only_and_json_errors(client, panel):
    assert client.get("/api/v1/dialogues/", HTTP_ACCEPT="text/html").status_code == 406
    for path in ("/api/v1/nothing/", "/api/v1/sessions/abc/", "/api/v1/sessions/99999999999/",
                 f"/api/v1/sessions/{10 ** 25}/", "/api/v1/workshops/a%00b/", "/api/v2/",
                 "/api/v1/workshops/a%0A/", "/api/v1/%F3%AD%A3%97%0A",
                 "/api/v1/sessions"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
    assert client.get("/api/v1/dialogues/99/").json()["number"] == 99


def test_the_schema_and_its_page(client):
    schema = client.get("/api/schema")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    as_json = client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert as_json.json()["info"]["title"] == "idm API"
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200 and "swagger-ui-bundle.js" in html
    assert "<style" not in html and "<script>" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
