"""Loads the reference data files in core/data/ into the database; safe to run again."""

import csv
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction
from django.utils.translation import gettext as _

from idm.core.languages import LANGUAGES
from idm.core.spreadsheets import shown

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _translated(row: dict, field: str) -> dict:
    """name_en/name_fr/name_es from a row; a missing language stays empty (shown in English)."""
    return {f"{field}_{lang}": row.get(f"{field}_{lang}", "") for lang in LANGUAGES}


def _gcm_objective(row: dict) -> dict:
    return {"short_title": row["short_title"], "short_title_en": row["short_title"],
            "title": row["title"], "title_en": row["title"]}


def _ordered_name(row: dict) -> dict:
    return {"order": int(row["order"]), "name": row["name_en"], **_translated(row, "name")}


def _sdg_target(row: dict) -> dict:
    return {"goal": int(row["goal"]), "title": row["title_en"],
            "verified": row["verified"] == "yes", **_translated(row, "title")}


def _country(row: dict) -> dict:
    values = {"iso3": row["iso3"], "numeric": row["numeric"],
              "independent": row["independent"] == "yes", "name": row["name_en"],
              "region_code": row["region_code"], "region": row["region_en"],
              "subregion_code": row["subregion_code"], "subregion": row["subregion_en"],
              "intermediate_region_code": row["intermediate_code"],
              "intermediate_region": row["intermediate_en"]}
    for lang in LANGUAGES:
        values[f"name_{lang}"] = row[f"name_{lang}"]
        values[f"region_{lang}"] = row[f"region_{lang}"]
        values[f"subregion_{lang}"] = row[f"subregion_{lang}"]
        values[f"intermediate_region_{lang}"] = row[f"intermediate_{lang}"]
    return values


# (model, data file, natural key column, how a row becomes field values)
REFERENCE_FILES = [
    ("GcmObjective", "gcm_objectives.csv", "number", _gcm_objective),
    ("GuidingPrinciple", "guiding_principles.csv", "code", _ordered_name),
    ("SdgTarget", "sdg_targets.csv", "code", _sdg_target),
    ("StakeholderCategory", "stakeholder_categories.csv", "code", _ordered_name),
    ("Country", "countries.csv", "iso2", _country),
]


def load_reference_data(apps=global_apps) -> dict[str, int]:
    """Creates or updates every reference row; `apps` is the migration state when run from one."""
    counts = {}
    with transaction.atomic():
        for model_name, filename, key, to_values in REFERENCE_FILES:
            model = apps.get_model("core", model_name)
            # An older migration state may lack fields that the data files carry today.
            fields = {f.attname for f in model._meta.concrete_fields}
            for row in read_rows(filename):
                values = {k: v for k, v in to_values(row).items() if k in fields}
                model.objects.update_or_create(**{key: row[key]}, defaults=values)
            counts[filename.removesuffix(".csv")] = model.objects.count()
    return counts


def reference_data_loaded() -> bool:
    return global_apps.get_model("core", "Country").objects.exists()


class ReferenceLookup:
    """Stakeholder categories by code and countries by ISO code, read once for a whole file;
    each finder raises ValueError with the message the file's user needs."""

    def __init__(self):
        from idm.core.models import Country, StakeholderCategory

        self.categories = {c.code: c for c in StakeholderCategory.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}

    def category(self, code: str):
        try:
            return self.categories[code]
        except KeyError:
            raise ValueError(_("'%(value)s' is not a stakeholder category; use one of: "
                               "%(codes)s.") % {"value": shown(code),
                                                "codes": ", ".join(self.categories)}) from None

    def country(self, code: str):
        try:
            return self.countries[code]
        except KeyError:
            raise ValueError(_("'%(code)s' is not an ISO country code.") % {
                "code": shown(code)}) from None
