"""Loads the IDM 2018 demo: Dialogue No. 28, its workshops, agendas and a generated population; safe twice."""

import random
import tomllib
import unicodedata
from datetime import datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from faker import Faker

from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.models import Country
from idm.core.reference import ReferenceLookup
from idm.dialogues.models import (
    Dialogue,
    Organization,
    Person,
    Registration,
    Series,
    Session,
    SessionRole,
    Workshop,
)

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "idm-2018.toml"
ACTOR = "idm demo"


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

    reference = ReferenceLookup()
    categories, countries = reference.categories, reference.countries
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


# The generated population ------------------------------------------------------------------------

# Latin-script name locales by UN region, so that every name prints with the project's fonts.
NAME_LOCALES = {
    "002": ["yo_NG", "ha_NG", "ig_NG", "zu_ZA", "tw_GH", "sw", "en_KE", "fr_FR"],
    "019": ["es_MX", "es_CO", "es_AR", "pt_BR", "en_US", "en_CA", "fr_CA"],
    "142": ["en_IN", "id_ID", "vi_VN", "tl_PH", "tr_TR", "en_PK", "en_BD", "uz_UZ", "az_AZ"],
    "150": ["fr_FR", "de_DE", "it_IT", "es_ES", "pl_PL", "nl_NL", "sv_SE", "pt_PT", "ro_RO",
            "en_GB"],
    "009": ["en_AU", "en_NZ"],
}
REGION_WEIGHTS = {"002": 28, "019": 20, "142": 25, "150": 22, "009": 5}
CATEGORY_WEIGHTS = {
    "member_state": 34, "observer_state": 2, "un_entity": 12, "intergovernmental_org": 7,
    "regional_org": 3, "rcp_irf": 2, "local_authority": 4, "civil_society": 9, "ngo": 8,
    "private_sector": 5, "trade_union": 1, "migrant_org": 3, "diaspora_org": 3, "youth_org": 2,
    "academia": 6, "media": 2, "parliamentarian": 1, "nhri": 1, "red_cross_red_crescent": 1,
    "faith_based": 1, "philanthropy": 1,
}
GOVERNMENT = {"member_state", "observer_state", "local_authority", "parliamentarian"}
GENDERS = [("female", 48), ("male", 46), ("other", 1), ("undisclosed", 2), ("", 3)]
LANGUAGE_WEIGHTS = [("en", 70), ("fr", 15), ("es", 15)]
NEEDS = ["Wheelchair access", "Interpretation into French", "Interpretation into Spanish",
         "Sign language interpretation", "Documents in large print"]
ORGANIZATION_PATTERNS = {
    "un_entity": "UN Programme on {word} (demo)",
    "intergovernmental_org": "Intergovernmental Commission on {word} (demo)",
    "regional_org": "Regional {word} Community (demo)",
    "rcp_irf": "{word} Migration Dialogue (demo)",
    "civil_society": "{word} Solidarity Network (demo)",
    "ngo": "{word} Foundation for Migrants (demo)",
    "private_sector": "{company} (demo)",
    "trade_union": "{word} Workers' Federation (demo)",
    "migrant_org": "{word} Migrant Workers Association (demo)",
    "diaspora_org": "{word} Diaspora Council (demo)",
    "youth_org": "{word} Youth Mobility Network (demo)",
    "academia": "{word} Institute of Migration Studies (demo)",
    "media": "{word} Migration News (demo)",
    "nhri": "{word} Human Rights Commission (demo)",
    "red_cross_red_crescent": "{word} Relief Society (demo)",
    "faith_based": "{word} Faith Council (demo)",
    "philanthropy": "{word} Philanthropic Trust (demo)",
}

# Regular (non-speaking) approved participants per workshop, people at both, other statuses.
APPROVED = {"2018-new-york": 280, "2018-geneva": 300}
AT_BOTH = 50
OTHER_STATUSES = {"pending": 10, "waitlisted": 7, "rejected": 5, "withdrawn": 9}
SPEAKERS_IN_ALL = 83  # "including 83 panelists" (IDM No. 28)


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum()) or "person"


class _PopulationMaker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        locales = sorted({loc for group in NAME_LOCALES.values() for loc in group})
        self.faker = Faker(locales)
        self.faker.seed_instance(seed)
        self.countries = {}
        for country in Country.objects.exclude(region_code="").filter(independent=True):
            self.countries.setdefault(country.region_code, []).append(country)
        self.categories = ReferenceLookup().categories
        self.organizations: dict[tuple[str, str], Organization] = {}
        self.emails: set[str] = set()

    def person(self) -> tuple[Person, Country, str]:
        region = _weighted(self.rng, REGION_WEIGHTS.items())
        country = self.rng.choice(self.countries[region])
        locale = self.rng.choice(NAME_LOCALES[region])
        gender = _weighted(self.rng, GENDERS)
        names = self.faker[locale]
        given = names.first_name_female() if gender == "female" else (
            names.first_name_male() if gender == "male" else names.first_name())
        family = names.last_name()
        email = f"{_ascii(given)}.{_ascii(family)}@example.org"
        number = 2
        while email in self.emails:
            email = f"{_ascii(given)}.{_ascii(family)}{number}@example.org"
            number += 1
        self.emails.add(email)
        honorific = {"female": "Ms", "male": "Mr"}.get(gender, "")
        person = Person(given_name=given, family_name=family, email=email, gender=gender,
                        honorific=honorific, fictional=True)
        return person, country, _weighted(self.rng, CATEGORY_WEIGHTS.items())

    def organization(self, category: str, country: Country) -> Organization:
        if category in GOVERNMENT:
            key = (category, country.iso2)
            name = {"member_state": "Government of {country} (demo)",
                    "observer_state": "Government of {country} (demo)",
                    "local_authority": "City authorities, {country} (demo)",
                    "parliamentarian": "Parliament of {country} (demo)"}[category].format(
                country=country.name_en)
        else:
            # A handful of organizations per category, shared by their participants.
            key = (category, str(self.rng.randrange(6)))
            name = ORGANIZATION_PATTERNS[category].format(
                word=self.faker["en_US"].city(), company=self.faker["en_US"].company())
        if key not in self.organizations:
            self.organizations[key] = Organization.objects.create(
                name=name, name_en=name, category=self.categories[category],
                country=country if category in GOVERNMENT else None, fictional=True)
        return self.organizations[key]


@transaction.atomic
def load_demo_participants(dialogue: Dialogue, seed: int = 2018) -> dict[str, int]:
    """A fictional population that fits the facts of IDM 2018: over 600 participants in the two
    workshops, 83 of them panelists. Generated from a fixed seed; loading again adds nothing."""
    workshops = {w.slug: w for w in dialogue.workshops.all()}
    if Registration.objects.filter(workshop__in=workshops.values()).exists():
        return {"registrations": 0, "speakers": 0}
    maker = _PopulationMaker(seed)
    new_york, geneva = workshops["2018-new-york"], workshops["2018-geneva"]

    registrations = []

    def register(person, country, category, workshop, status, role="participant", when=None):
        organization = maker.organization(category, country)
        opened = datetime.combine(workshop.first_day - timedelta(days=60), time(9),
                                  tzinfo=workshop.tz)
        when = when or opened + timedelta(minutes=maker.rng.randrange(60 * 24 * 55))
        registrations.append(Registration(
            workshop=workshop, person=person, email=person.email, organization=organization,
            category=maker.categories[category], country=country, role=role,
            consent_public=maker.rng.random() < 0.7,
            needs=maker.rng.choice(NEEDS) if maker.rng.random() < 0.04 else "",
            language=_weighted(maker.rng, LANGUAGE_WEIGHTS), status=status, created_at=when,
            status_changed_at=when))

    # Speakers: fill the illustrative panels until the two workshops have 83 speakers together.
    already = (SessionRole.objects.filter(session__workshop__in=workshops.values())
               .exclude(role=SessionRole.Role.RAPPORTEUR).values("person").distinct().count())
    panels = list(Session.objects.filter(workshop__in=workshops.values(), illustrative=True,
                                         kind=Session.Kind.PANEL).order_by("start"))
    speaker_links = []
    for index in range(SPEAKERS_IN_ALL - already):
        person, country, category = maker.person()
        person.save()
        panel = panels[index % len(panels)]
        organization = maker.organization(category, country)
        speaker_links.append(SessionRole(
            session=panel, person=person, role=SessionRole.Role.PANELIST,
            title_en=maker.rng.choice(["Director", "Adviser", "Head of Programme", "Researcher",
                                       "Minister Counsellor", "Coordinator", "Chief Officer"]),
            organization=organization, organization_name_en=organization.name_en,
            order=10 + index))
        register(person, country, category, panel.workshop, "approved", role="speaker")
    SessionRole.objects.bulk_create(speaker_links)

    # Regular participants: some at both workshops; every status represented.
    regulars = []
    for _ in range(APPROVED["2018-new-york"] + APPROVED["2018-geneva"] - AT_BOTH):
        person, country, category = maker.person()
        person.save()
        regulars.append((person, country, category))
    both = regulars[:AT_BOTH]
    only_new_york = regulars[AT_BOTH:APPROVED["2018-new-york"]]
    only_geneva = regulars[APPROVED["2018-new-york"]:]
    for person, country, category in both + only_new_york:
        register(person, country, category, new_york, "approved")
    for person, country, category in both + only_geneva:
        register(person, country, category, geneva, "approved")
    for workshop in (new_york, geneva):
        for status, count in OTHER_STATUSES.items():
            for _ in range(count):
                person, country, category = maker.person()
                person.save()
                register(person, country, category, workshop, status)
    Registration.objects.bulk_create(registrations)
    # The capacity is what the workshop held, so that its waiting list is a real one.
    for workshop in (new_york, geneva):
        workshop.capacity = workshop.registrations.filter(status__in=Registration.SEATED).count()
        workshop.registration = Workshop.Registration.OPEN
        core_services.save(workshop, ACTOR)
    core_services.record(ACTOR, "import", dialogue, {
        "generated registrations": len(registrations), "generated speakers": len(speaker_links),
        "seed": seed})
    return {"registrations": len(registrations), "speakers": len(speaker_links)}
