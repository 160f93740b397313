"""Reference data loaded by the migrations: GCM, SDG targets, stakeholder categories, countries."""

import csv

import pytest
from django.core.management import call_command
from django.utils import translation

from idm.core.models import (
    Country,
    GcmObjective,
    GuidingPrinciple,
    SdgTarget,
    StakeholderCategory,
)
from idm.core.reference import read_rows
from tests.conftest import shared_path

pytestmark = pytest.mark.integration


def test_migrations_load_every_reference_list(reference):
    assert GcmObjective.objects.count() == 23
    assert GuidingPrinciple.objects.count() == 10
    assert StakeholderCategory.objects.count() == 22
    assert set(SdgTarget.objects.values_list("code", flat=True)) == {
        "10.7", "10.c", "8.8", "17.18", "16.2", "5.2", "8.7", "4.b", "3.c"}
    assert Country.objects.count() == 249


def test_objective_23_is_international_cooperation(reference):
    objective = GcmObjective.objects.get(number=23)
    assert objective.short_title == "International cooperation"
    assert objective.title.startswith("Strengthen international cooperation and global partnerships")


def test_countries_carry_un_m49_regions_in_three_languages(reference):
    switzerland = Country.objects.get(iso2="CH")
    assert (switzerland.iso3, switzerland.numeric) == ("CHE", "756")
    assert (switzerland.region, switzerland.subregion) == ("Europe", "Western Europe")
    kenya = Country.objects.get(iso2="KE")
    assert (kenya.region, kenya.subregion, kenya.intermediate_region) == (
        "Africa", "Sub-Saharan Africa", "Eastern Africa")
    with translation.override("fr"):
        assert switzerland.name == "Suisse"
        assert kenya.intermediate_region == "Afrique orientale"
    with translation.override("es"):
        assert Country.objects.get(iso2="US").name == "Estados Unidos de América"
        assert Country.objects.get(iso2="BR").subregion == "América Latina y el Caribe"


def test_stakeholder_categories_follow_the_facts_list(reference):
    codes = list(StakeholderCategory.objects.values_list("code", flat=True))
    assert codes[:3] == ["member_state", "observer_state", "un_entity"]
    assert codes[-1] == "other"
    with translation.override("fr"):
        assert StakeholderCategory.objects.get(code="civil_society").name == "Société civile"


def test_loading_again_changes_nothing(reference, capsys):
    call_command("reference", "load")
    assert "countries: 249" in capsys.readouterr().out
    assert GcmObjective.objects.count() == 23


def test_shipped_gcm_objectives_match_the_shared_reference():
    with shared_path("reference", "gcm_objectives.csv").open(encoding="utf-8") as f:
        shared = list(csv.DictReader(f))
    assert read_rows("gcm_objectives.csv") == shared
