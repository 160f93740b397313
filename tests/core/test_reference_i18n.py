"""Official French and Spanish titles of the GCM and the SDGs: loaded with their sources, and an
English title standing in for a missing one is shown as English, never passed off as French."""

import csv
from datetime import date, time

import lxml.html
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from idm.core.models import GcmObjective, GuidingPrinciple, SdgTarget
from idm.core.reference import read_rows
from idm.deliberation import services
from idm.deliberation.models import Statement
from tests.conftest import shared_path
from tests.dialogues import factories

WORDING_FILES = ["gcm_objectives_i18n.csv", "gcm_guiding_principles_i18n.csv",
                 "sdg_goals_i18n.csv"]
SKILLS = ("Invest in skills development and facilitate mutual recognition of skills, "
          "qualifications and competences")
MIGRATION_POLICIES = ("Facilitate orderly, safe, regular and responsible migration and mobility "
                      "of people, including through planned and well-managed migration policies")


def rows_by_number(filename: str) -> dict[str, dict]:
    return {row["number"]: row for row in read_rows(filename)}


def in_english(language: str) -> str:
    """The marker after an English title, as the interface says it in `language`."""
    with translation.override(language):
        return translation.gettext("(English)")


@pytest.mark.integration
def test_official_titles_are_loaded_with_the_reference_data(reference):
    shipped = rows_by_number("gcm_objectives_i18n.csv")["1"]
    data = GcmObjective.objects.get(number=1)
    assert data.title_fr == shipped["title_fr"]
    assert data.title_fr.startswith("Collecter et utiliser des données précises et ventilées")
    assert data.title_es == shipped["title_es"]
    assert data.title_es.startswith("Recopilar y utilizar datos exactos y desglosados")
    assert (data.short_title_fr, data.short_title_es) == ("Données", "Datos")
    people = GuidingPrinciple.objects.get(code="people-centred")
    # French: the para. 15 heading quoted by the Hub; Spanish: only the Hub's label is known.
    assert (people.name_fr, people.name_es) == ("Priorité à la dimension humaine",
                                                "Centrada en las personas")
    skills = GcmObjective.objects.get(number=18)
    assert not skills.title_fr and skills.title_es.startswith("Invertir en el desarrollo")
    with translation.override("fr"):
        assert skills.wording("title") == (SKILLS, "en")
        assert skills.wording("short_title") == (
            "Perfectionnement et reconnaissance des qualifications", "fr")


@pytest.mark.unit
@pytest.mark.parametrize("filename", WORDING_FILES)
def test_every_title_comes_with_the_page_it_was_read_from(filename):
    rows = read_rows(filename)
    pairs = [("title", "source"), ("short", "short_source")]
    checked = 0
    for row in rows:
        for text, source in pairs:
            for lang in ("fr", "es"):
                if f"{text}_{lang}" not in row:
                    continue
                title, page = row[f"{text}_{lang}"], row[f"{source}_{lang}"]
                assert bool(title) == bool(page), (filename, row["number"], text, lang)
                if title:
                    assert page.startswith("https://"), (filename, row["number"], page)
                    checked += 1
    assert checked >= 4


@pytest.mark.unit
def test_english_titles_agree_with_the_english_files():
    objectives = rows_by_number("gcm_objectives_i18n.csv")
    assert {n: r["title_en"] for n, r in objectives.items()} == {
        r["number"]: r["title"] for r in read_rows("gcm_objectives.csv")}
    principles = rows_by_number("gcm_guiding_principles_i18n.csv")
    assert {n: r["title_en"] for n, r in principles.items()} == {
        r["order"]: r["name_en"] for r in read_rows("guiding_principles.csv")}


@pytest.mark.unit
@pytest.mark.parametrize("filename", WORDING_FILES)
def test_shipped_titles_keep_every_title_of_the_shared_reference(filename):
    with shared_path("reference", "i18n", filename).open(encoding="utf-8", newline="") as f:
        shared = list(csv.DictReader(f))
    shipped = rows_by_number(filename)
    for row in shared:
        for column, value in row.items():
            if value:
                assert shipped[row["number"]][column] == value, (filename, row["number"], column)


@pytest.fixture
def tagged(reference):
    """A public statement tagged with objectives, a principle and a target."""
    workshop = factories.workshop(first_day=date(2030, 10, 8), last_day=date(2030, 10, 9))
    session = factories.session(workshop, date(2030, 10, 8), time(10), time(11))
    session.save()
    statement = services.save_statement(Statement(
        session=session, person=factories.person("Diallo", given_name="Amina"),
        text="Skills travel with people.", attribution="attributed"), None)
    services.set_tags(statement, None,
                      gcm_objectives=GcmObjective.objects.filter(number__in=[1, 3, 18]),
                      principles=GuidingPrinciple.objects.filter(code="people-centred"),
                      sdg_targets=SdgTarget.objects.filter(code="10.7"))
    return statement


def page(client, language: str, name: str, pk: int):
    with translation.override(language):
        response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def tag_link(tree, tag: str):
    (link,) = [a for a in tree.xpath('//ul[@class="tags"]//a')
               if a.get("href").endswith(f"?tag={tag}")]
    return link


@pytest.mark.integration
def test_a_french_page_shows_a_missing_title_in_english_marked_as_such(client, tagged):
    tree = page(client, "fr", "deliberation:statement", tagged.pk)
    skills = tag_link(tree, "gcm:18")
    # No French title for objective 18 is known: the tooltip gives the English one and says so.
    assert skills.get("title") == f"{SKILLS} {in_english('fr')}"
    assert skills.text_content() == "GCM 18. Perfectionnement et reconnaissance des qualifications"
    data = GcmObjective.objects.get(number=1)
    assert tag_link(tree, "gcm:1").get("title") == data.title_fr
    assert tag_link(tree, "principle:people-centred").text_content() == (
        "Priorité à la dimension humaine")
    assert tag_link(tree, "sdg:10.7").get("title") == f"{MIGRATION_POLICIES} {in_english('fr')}"
    # In Spanish objective 18 is known, objective 3 is not.
    tree = page(client, "es", "deliberation:statement", tagged.pk)
    assert tag_link(tree, "gcm:18").get("title") == GcmObjective.objects.get(number=18).title_es
    assert tag_link(tree, "gcm:3").get("title").endswith(in_english("es"))


@pytest.mark.integration
def test_the_tagging_form_marks_english_titles_in_french(secretariat_client, tagged):
    tree = page(secretariat_client, "fr", "deliberation:statement-edit", tagged.pk)
    target = SdgTarget.objects.get(code="10.7")
    (label,) = tree.xpath(f'//input[@name="sdg_targets"][@value="{target.pk}"]/parent::label')
    (english,) = label.xpath('.//*[@lang="en"]')
    assert english.text_content() == MIGRATION_POLICIES
    assert english.getnext().text_content() == in_english("fr")
    assert english.getnext().tail is None
    assert label.get("for") == label.xpath("./input")[0].get("id")
    skills = GcmObjective.objects.get(number=18)
    (label,) = tree.xpath(f'//input[@name="gcm_objectives"][@value="{skills.pk}"]/parent::label')
    assert not label.xpath('.//*[@lang="en"]')
    assert label.text_content().strip() == (
        "18. Perfectionnement et reconnaissance des qualifications")
    # The tags already set stay ticked.
    assert label.xpath("./input")[0].get("checked") is not None


def migrate(targets=None):
    """To `targets`, or back to the newest migrations, as the other tests expect."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_an_existing_database(reference):
    try:
        old = migrate([("core", "0005_searchentry")])
        # An installation from before: English titles only.
        objective = old.get_model("core", "GcmObjective").objects.get(number=1)
        assert objective.title_en.startswith("Collect and utilize")
        assert not objective.title_fr and not objective.short_title_es
        assert not old.get_model("core", "GuidingPrinciple").objects.get(
            code="people-centred").name_fr
    finally:
        new = migrate()
    objective = new.get_model("core", "GcmObjective").objects.get(number=1)
    shipped = rows_by_number("gcm_objectives_i18n.csv")["1"]
    assert (objective.title_fr, objective.title_es) == (shipped["title_fr"], shipped["title_es"])
    assert objective.short_title_es == "Datos"
    assert new.get_model("core", "GuidingPrinciple").objects.get(
        code="people-centred").name_fr == "Priorité à la dimension humaine"
