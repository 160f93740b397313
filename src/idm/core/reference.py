"""Loads the reference data files in core/data/ into the database; safe to run again."""

import csv
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "fr", "es")


def read_rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _translated(row: dict, field: str) -> dict:
    """name_en/name_fr/name_es from a row; a missing language stays empty (shown in English)."""
    return {f"{field}_{lang}": row.get(f"{field}_{lang}", "") for lang in LANGUAGES}


def load_reference_data(apps=global_apps) -> dict[str, int]:
    """Creates or updates every reference row; `apps` is the migration state when run from one."""
    model = lambda name: apps.get_model("core", name)  # noqa: E731
    counts = {}
    with transaction.atomic():
        GcmObjective = model("GcmObjective")
        for row in read_rows("gcm_objectives.csv"):
            GcmObjective.objects.update_or_create(
                number=int(row["number"]),
                defaults={
                    "short_title": row["short_title"], "short_title_en": row["short_title"],
                    "title": row["title"], "title_en": row["title"],
                },
            )
        counts["gcm_objectives"] = GcmObjective.objects.count()

        GuidingPrinciple = model("GuidingPrinciple")
        for row in read_rows("guiding_principles.csv"):
            GuidingPrinciple.objects.update_or_create(
                code=row["code"],
                defaults={"order": int(row["order"]), "name": row["name_en"],
                          **_translated(row, "name")},
            )
        counts["guiding_principles"] = GuidingPrinciple.objects.count()

        SdgTarget = model("SdgTarget")
        for row in read_rows("sdg_targets.csv"):
            SdgTarget.objects.update_or_create(
                code=row["code"],
                defaults={"goal": int(row["goal"]), "title": row["title_en"],
                          "verified": row["verified"] == "yes", **_translated(row, "title")},
            )
        counts["sdg_targets"] = SdgTarget.objects.count()

        StakeholderCategory = model("StakeholderCategory")
        for row in read_rows("stakeholder_categories.csv"):
            StakeholderCategory.objects.update_or_create(
                code=row["code"],
                defaults={"order": int(row["order"]), "name": row["name_en"],
                          **_translated(row, "name")},
            )
        counts["stakeholder_categories"] = StakeholderCategory.objects.count()

        Country = model("Country")
        for row in read_rows("countries.csv"):
            defaults = {"iso3": row["iso3"], "numeric": row["numeric"], "name": row["name_en"],
                        "region_code": row["region_code"], "region": row["region_en"],
                        "subregion_code": row["subregion_code"], "subregion": row["subregion_en"],
                        "intermediate_region_code": row["intermediate_code"],
                        "intermediate_region": row["intermediate_en"]}
            for lang in LANGUAGES:
                defaults[f"name_{lang}"] = row[f"name_{lang}"]
                defaults[f"region_{lang}"] = row[f"region_{lang}"]
                defaults[f"subregion_{lang}"] = row[f"subregion_{lang}"]
                defaults[f"intermediate_region_{lang}"] = row[f"intermediate_{lang}"]
            Country.objects.update_or_create(iso2=row["iso2"], defaults=defaults)
        counts["countries"] = Country.objects.count()
    return counts


def reference_data_loaded() -> bool:
    return global_apps.get_model("core", "Country").objects.exists()
