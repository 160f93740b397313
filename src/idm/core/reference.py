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


# The official French and Spanish wording of the GCM, each title with the page it was read from,
# sits in its own file beside the English one: (that file, its key column, the English file's
# column it matches). Only wording read in a source is there; idm never translates a title itself.
OFFICIAL_WORDING = {
    "gcm_objectives.csv": ("gcm_objectives_i18n.csv", "number", "number"),
    "guiding_principles.csv": ("gcm_guiding_principles_i18n.csv", "number", "order"),
}


def _with_official_wording(filename: str, rows: list[dict]) -> list[dict]:
    """Each row with its official wording in other languages under "official" (empty if none)."""
    if filename not in OFFICIAL_WORDING:
        return rows
    wording_file, their_key, our_key = OFFICIAL_WORDING[filename]
    wording = {row[their_key]: row for row in read_rows(wording_file)}
    return [{**row, "official": wording.get(row[our_key], {})} for row in rows]


def _gcm_objective(row: dict) -> dict:
    values = {"short_title": row["short_title"], "short_title_en": row["short_title"],
              "title": row["title"], "title_en": row["title"]}
    for lang in LANGUAGES:
        if lang != "en":
            # short_* are the Migration Network Hub's filter labels, like the English short titles.
            values[f"short_title_{lang}"] = row["official"].get(f"short_{lang}", "")
            values[f"title_{lang}"] = row["official"].get(f"title_{lang}", "")
    return values


def _guiding_principle(row: dict) -> dict:
    # A principle has one name: the para. 15 heading where a source quotes it, otherwise the
    # Hub's label for it (the two are identical wherever both are known).
    values, official = _ordered_name(row), row["official"]
    for lang in LANGUAGES:
        if lang != "en":
            values[f"name_{lang}"] = (official.get(f"title_{lang}")
                                      or official.get(f"short_{lang}", ""))
    return values


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
    ("GuidingPrinciple", "guiding_principles.csv", "code", _guiding_principle),
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
            for row in _with_official_wording(filename, read_rows(filename)):
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
