"""The attribution policy everywhere the public looks: pages, search, filters, exports; and
draft key messages stay with the secretariat and the rapporteurs."""

import csv
import io

import pytest
from django.urls import reverse

from idm.core.models import StakeholderCategory
from idm.deliberation import services
from idm.deliberation.models import KeyMessage

pytestmark = pytest.mark.integration

NAMES = {"attributed": ("Amina Diallo",), "chatham-house": ("Paul", "Moreau"),
         "anonymous": ("Lucia", "Reyes")}


def public_pages(client, said, panel, key_message):
    for statement in said.values():
        services.add_evidence(key_message, statement, None)
    dialogue = panel.workshop.dialogue.number
    pages = {
        "session": client.get(reverse("deliberation:session-statements", args=[panel.pk])),
        "search": client.get(reverse("deliberation:search"), {"q": "partnerships"}),
        "key messages": client.get(reverse("deliberation:key-messages-public",
                                           args=[dialogue])),
        "csv": client.get(reverse("deliberation:statements-csv", args=[dialogue])),
    }
    for policy, statement in said.items():
        pages[f"statement {policy}"] = client.get(reverse("deliberation:statement",
                                                          args=[statement.pk]))
    return {name: response.content.decode() for name, response in pages.items()}


def test_withheld_names_never_reach_the_public(client, said, panel, key_message):
    pages = public_pages(client, said, panel, key_message)
    for name, html in pages.items():
        for withheld in NAMES["chatham-house"] + NAMES["anonymous"]:
            assert withheld not in html, f"{withheld} shown on {name}"
    # The pages do show the statements, and the attributed speaker by name.
    for name in ("session", "search", "key messages", "csv", "statement attributed"):
        assert "Amina Diallo" in pages[name], name
    for name in ("session", "search", "key messages", "csv"):
        assert "undocumented migrants" in pages[name] and "ministry failed" in pages[name]
    # Nor does a withheld statement's page show the organization they spoke for.
    for name in ("statement chatham-house", "statement anonymous"):
        assert "Sahel Network" not in pages[name] and "Director" not in pages[name]


def test_each_policy_shows_what_it_allows(client, said):
    def shown(policy):
        html = client.get(reverse("deliberation:statement", args=[said[policy].pk]))
        return html.content.decode()

    assert "Amina Diallo, Director, Sahel Network" in shown("attributed")
    assert "A participant from the category “Civil society”" in shown("chatham-house")
    anonymous = shown("anonymous")
    assert "A participant" in anonymous and "Civil society" not in anonymous


def test_filters_do_not_reveal_withheld_speakers(client, said):
    url = reverse("deliberation:search")
    for withheld in ("Moreau", "Reyes", "Paul", "Lucia"):
        page = client.get(url, {"speaker": withheld}).content.decode()
        assert "0 statements" in page
    assert "1 statement" in client.get(url, {"speaker": "Diallo"}).content.decode()
    civil = StakeholderCategory.objects.get(code="civil_society")
    html = client.get(url, {"category": civil.pk}).content.decode()
    assert "2 statements" in html and "undocumented" not in html


def test_staff_see_who_said_what(secretariat_client, said):
    html = secretariat_client.get(reverse("deliberation:search"),
                                  {"speaker": "Reyes"}).content.decode()
    assert "Lucia Reyes" in html and "Anonymous" in html


def test_the_csv_export_applies_the_policy(client, said, panel):
    response = client.get(reverse("deliberation:statements-csv",
                                  args=[panel.workshop.dialogue.number]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    speakers = {r["attribution"]: r["speaker"] for r in rows}
    assert speakers == {"attributed": "Amina Diallo, Director, Sahel Network",
                        "chatham-house": "A participant from the category “Civil society”",
                        "anonymous": "A participant"}


def test_draft_key_messages_are_for_staff_only(client, participant, secretariat_client, panel,
                                               key_message):
    draft = services.save_key_message(KeyMessage(
        dialogue=panel.workshop.dialogue, number=2, title_en="A draft message",
        title="A draft message"), None)
    url = reverse("deliberation:key-messages-public", args=[panel.workshop.dialogue.number])
    assert "A draft message" in secretariat_client.get(url).content.decode()
    client.force_login(participant)
    public = client.get(url).content.decode()
    assert "Partnerships are crucial" in public and "A draft message" not in public
    assert client.get(reverse("deliberation:key-message", args=[draft.pk])).status_code == 403
    client.logout()
    assert "A draft message" not in client.get(url).content.decode()
