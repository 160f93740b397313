"""Loads the IDM 2018 demo (series, Dialogue No. 28, its two workshops and agendas); safe to run twice."""

import tomllib
from datetime import time
from pathlib import Path

from django.db import transaction

from idm.core import services as core_services
from idm.core.models import Country, StakeholderCategory
from idm.dialogues.models import (
    Dialogue,
    Organization,
    Person,
    Series,
    Session,
    SessionRole,
    Workshop,
)

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "idm-2018.toml"
ACTOR = "idm demo"
LANGUAGES = ("en", "fr", "es")


def _translations(spec: dict, field: str) -> dict:
    return {f"{field}_{lang}": spec.get(f"{field}_{lang}", "") for lang in LANGUAGES}


def _upsert(model, lookup: dict, values: dict):
    """Creates or updates one row through the audited save (which skips unchanged rows)."""
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    return core_services.save(obj, ACTOR)


@transaction.atomic
def load_demo(path: Path = DEMO_FILE) -> Dialogue:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    spec = data["series"]
    series = _upsert(Series, {"slug": spec["slug"]}, {
        **_translations(spec, "name"), "issn_en": spec.get("issn_en", ""),
        "issn_fr": spec.get("issn_fr", ""), "issn_es": spec.get("issn_es", "")})
    spec = data["dialogue"]
    dialogue = _upsert(Dialogue, {"number": spec["number"]}, {
        "series": series, "year": spec["year"], **_translations(spec, "theme"),
        **{k: v.strip() for k, v in _translations(spec, "description").items()}})

    categories = {c.code: c for c in StakeholderCategory.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
    organizations = {}
    for spec in data["organizations"]:
        organizations[spec["key"]] = _upsert(Organization, {"name_en": spec["name_en"]}, {
            **_translations(spec, "name"), "acronym": spec.get("acronym", ""),
            "category": categories[spec["category"]],
            "country": countries.get(spec.get("country", "")),
            "fictional": spec.get("fictional", False)})
    people = {}
    for spec in data["people"]:
        people[spec["key"]] = _upsert(
            Person, {"given_name": spec["given_name"], "family_name": spec["family_name"]},
            {"honorific": spec.get("honorific", ""), "gender": spec.get("gender", ""),
             "fictional": spec.get("fictional", False)})

    for spec in data["workshops"]:
        workshop = _upsert(Workshop, {"slug": spec["slug"]}, {
            "dialogue": dialogue, **_translations(spec, "title"), **_translations(spec, "city"),
            **_translations(spec, "venue"), "time_zone": spec["time_zone"],
            "first_day": spec["first_day"], "last_day": spec["last_day"]})
        for order, session_spec in enumerate(spec["sessions"]):
            day = session_spec["date"]
            start = workshop.aware(day, time.fromisoformat(session_spec["start"]))
            session = _upsert(Session, {"workshop": workshop, "start": start,
                                        "title_en": session_spec["title_en"]}, {
                "end": workshop.aware(day, time.fromisoformat(session_spec["end"])),
                "kind": session_spec["kind"], "room": session_spec.get("room", ""),
                "order": order, **_translations(session_spec, "title"),
                **_translations(session_spec, "description"),
                "illustrative": session_spec.get("illustrative", False),
                "source_note": session_spec.get("source_note", "")})
            for role_order, role_spec in enumerate(session_spec.get("roles", [])):
                organization = organizations[role_spec["organization"]]
                _upsert(SessionRole, {"session": session, "person": people[role_spec["person"]]}, {
                    "role": role_spec["role"], "organization": organization,
                    "order": role_order, **_translations(role_spec, "title"),
                    **{f"organization_name_{lang}": getattr(organization, f"name_{lang}") or ""
                       for lang in LANGUAGES}})
    return dialogue
