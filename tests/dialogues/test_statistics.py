"""Participation statistics: the demo's figures match SQL counts; the report's sentence is honest."""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from idm.dialogues import statistics
from idm.dialogues.models import Dialogue, Workshop
from idm.dialogues.statistics import honest_round, join_list, participation_sentence

# Everyone who took part in a set of workshops: approved registrations and session roles.
PEOPLE_SQL = """
    SELECT r.person_id FROM dialogues_registration r
      JOIN dialogues_workshop w ON w.id = r.workshop_id
     WHERE w.slug IN ({slugs}) AND r.status = 'approved'
    UNION
    SELECT sr.person_id FROM dialogues_sessionrole sr
      JOIN dialogues_session s ON s.id = sr.session_id
      JOIN dialogues_workshop w ON w.id = s.workshop_id
     WHERE w.slug IN ({slugs})
"""
SPEAKERS_SQL = """
    SELECT COUNT(DISTINCT sr.person_id) FROM dialogues_sessionrole sr
      JOIN dialogues_session s ON s.id = sr.session_id
      JOIN dialogues_workshop w ON w.id = s.workshop_id
     WHERE w.slug IN ({slugs}) AND sr.role <> 'rapporteur'
"""
# A person's category: from their approved registration, else from their session role's
# organization (the demo never gives one person two categories).
CATEGORY_SQL = """
    SELECT category, COUNT(*) FROM (
      SELECT p.person_id,
             COALESCE(
               (SELECT c.code FROM dialogues_registration r
                  JOIN core_stakeholdercategory c ON c.id = r.category_id
                  JOIN dialogues_workshop w ON w.id = r.workshop_id
                 WHERE r.person_id = p.person_id AND r.status = 'approved'
                   AND w.slug IN ({slugs})
                 ORDER BY r.created_at DESC LIMIT 1),
               (SELECT c.code FROM dialogues_sessionrole sr
                  JOIN dialogues_organization o ON o.id = sr.organization_id
                  JOIN core_stakeholdercategory c ON c.id = o.category_id
                  JOIN dialogues_session s ON s.id = sr.session_id
                  JOIN dialogues_workshop w ON w.id = s.workshop_id
                 WHERE sr.person_id = p.person_id AND w.slug IN ({slugs})
                 LIMIT 1),
               'other') AS category
      FROM ({people}) p
    ) per_person GROUP BY category
"""
GENDER_SQL = """
    SELECT COALESCE(NULLIF(pe.gender, ''), 'not-given'), COUNT(*)
      FROM ({people}) p JOIN dialogues_person pe ON pe.id = p.person_id
     GROUP BY 1
"""


def sql(query: str, slugs: list[str]) -> list[tuple]:
    names = ", ".join(f"'{s}'" for s in slugs)
    people = PEOPLE_SQL.format(slugs=names)
    with connection.cursor() as cursor:
        cursor.execute(query.format(slugs=names, people=people))
        return cursor.fetchall()


SCOPES = [("2018-new-york",), ("2018-geneva",), ("2018-new-york", "2018-geneva")]


@pytest.mark.integration
@pytest.mark.parametrize("slugs", SCOPES)
def test_demo_statistics_match_counts_made_in_sql(population, slugs):
    stats = statistics.compute(Workshop.objects.filter(slug__in=slugs), "test")
    people = sql(f"SELECT COUNT(*) FROM ({PEOPLE_SQL}) p", list(slugs))[0][0]
    assert stats.participants == people
    assert stats.speakers == sql(SPEAKERS_SQL, list(slugs))[0][0]
    assert {r.key: r.participants for r in stats.by_category} == dict(
        sql(CATEGORY_SQL, list(slugs)))
    assert {r.key: r.participants for r in stats.by_gender} == dict(sql(GENDER_SQL, list(slugs)))
    assert sum(r.participants for r in stats.by_region) == people
    assert sum(r.participants for r in stats.by_country) == people


@pytest.mark.integration
def test_the_demo_fits_the_facts_of_idm_2018(population):
    stats = statistics.for_dialogue(Dialogue.objects.get(number=28))
    assert stats.participants > 600 and stats.speakers == 83
    assert stats.sentence.startswith("Over 600 participants – including 83 panelists – "
                                     "representing governments, UN agencies, international "
                                     "organizations, civil society, the business sector, "
                                     "migrant and diaspora associations, academia")
    # A person at both workshops counts once in the dialogue.
    per_workshop = sum(statistics.for_workshop(w).participants
                       for w in Workshop.objects.filter(dialogue__number=28))
    assert per_workshop > stats.participants


@pytest.mark.integration
def test_gender_balance_of_each_panel(population):
    stats = statistics.for_workshop(Workshop.objects.get(slug="2018-geneva"))
    opening = next(p for p in stats.panels if p.session == "Opening session")
    assert opening.total == 3  # Vitorino, Arbour, Eguiguren: genders not given in the sources
    assert (opening.women, opening.men, opening.other) == (0, 0, 3)
    panel = next(p for p in stats.panels if p.session.startswith("Panel 1"))
    assert panel.women + panel.men + panel.other == panel.total > 4


@pytest.mark.unit
@pytest.mark.parametrize("count,expected", [
    (613, (600, True)), (600, (600, False)), (601, (600, True)), (599, (500, True)),
    (83, (80, True)), (20, (20, False)), (19, (19, False)), (2000, (2000, False)),
    (10432, (10000, True)), (1999, (1900, True)),
])
def test_honest_rounding_never_claims_more(count, expected):
    rounded, over = honest_round(count)
    assert (rounded, over) == expected
    assert rounded <= count and over == (count > rounded)


@pytest.mark.unit
def test_lists_join_in_each_language():
    assert join_list(["a", "b", "c"], "en") == "a, b, and c"
    assert join_list(["a", "b"], "en") == "a and b"
    assert join_list(["a", "b", "c"], "fr") == "a, b et c"
    assert join_list(["gobiernos", "el mundo académico"], "es") == "gobiernos y el mundo académico"
    assert join_list(["gobiernos", "instituciones"], "es") == "gobiernos e instituciones"
    assert join_list(["a", "hielo"], "es") == "a y hielo"


@pytest.mark.unit
def test_the_sentence_in_three_languages():
    groups = {"member_state", "un_entity", "academia"}
    assert participation_sentence(600, 1, groups) == (
        "600 participants – including 1 panelist – representing governments, UN agencies, "
        "and academia.")
    assert participation_sentence(12, 0, {"ngo"}) == "12 participants representing civil society."
    with translation.override("fr"):
        assert participation_sentence(613, 83, groups) == (
            "Plus de 600 participants – dont 83 intervenants – représentant des gouvernements, "
            "des institutions des Nations Unies et les milieux universitaires.")
    with translation.override("es"):
        sentence = participation_sentence(2345, 83, groups)
        thousands = number_format(2000, force_grouping=True)  # Spanish groups with a space
        assert sentence.startswith(f"Más de {thousands} participantes – entre ellos 83 "
                                   "panelistas – en representación de gobiernos")


@pytest.mark.integration
def test_statistics_command_gives_json(population):
    out = io.StringIO()
    call_command("participants", "stats", "--dialogue", "28", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["speakers"] == 83 and data["participants"] > 600
    assert {"by_category", "by_region", "by_country", "by_gender", "by_role", "panels"} <= set(data)


@pytest.mark.integration
def test_statistics_pages_and_charts(client, population, secretariat, participant):
    url = reverse("dialogues:statistics", args=["dialogue", "28"])
    assert client.get(url).status_code == 302
    client.force_login(participant)
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    html = client.get(url).content.decode()
    assert "Over 600 participants – including 83 panelists" in html
    chart = client.get(reverse("dialogues:statistics-chart", args=["dialogue", "28", "category"]))
    assert chart["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(chart.content)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and "stakeholder category" in title.text
    # The same input draws the same file, so the report can reuse it.
    again = client.get(reverse("dialogues:statistics-chart", args=["dialogue", "28", "category"]))
    assert again.content == chart.content
