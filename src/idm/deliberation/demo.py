"""Loads the deliberation part of the IDM 2018 demo: the 2018 General Debate paragraphs on
migration as reference material, illustrative statements by fictional speakers, six final key
messages and recommendations with their evidence. Safe to run twice."""

import csv
import re
import tomllib
from datetime import date
from pathlib import Path

from django.db import transaction

from idm.core import search
from idm.core import services as core_services
from idm.core.models import (
    Country,
    GcmObjective,
    GuidingPrinciple,
    SdgTarget,
    StakeholderCategory,
)
from idm.core.reference import ReferenceLookup
from idm.deliberation import services, tag_suggestions
from idm.deliberation.models import (
    KeyMessage,
    Recommendation,
    ReferenceEvent,
    Statement,
    Theme,
)
from idm.dialogues.models import Dialogue, Person, Session

DATA = Path(__file__).resolve().parent / "demo_data"
ACTOR = "idm demo"
UNGDC_EVENT = "unga-73-general-debate"
UNGDC_CITATION = (
    "United Nations General Debate Corpus (UNGDC), Jankin, Baturo & Dasandi, Harvard Dataverse, "
    "doi:10.7910/DVN/0TJX8Y, CC0 1.0; Baturo, Dasandi & Mikhaylov (2017), \"Understanding State "
    "Preferences With Text As Data: Introducing the UN General Debate Corpus\", Research & "
    "Politics. Paragraphs on migration from the general debate of the 73rd session of the UN "
    "General Assembly, delivered at UN Headquarters, New York, 25 September – 1 October 2018, "
    "not at the International Dialogue on Migration.")
SENTENCE = re.compile(r"[^.!?]+[.!?]")


def load_general_debate(dialogue: Dialogue) -> ReferenceEvent:
    event, created = ReferenceEvent.objects.get_or_create(slug=UNGDC_EVENT, defaults={
        "dialogue": dialogue,
        "title": "General debate of the 73rd UN General Assembly, September 2018",
        "title_en": "General debate of the 73rd UN General Assembly, September 2018",
        "title_fr": "Débat général de la 73e session de l'Assemblée générale des Nations Unies, "
                    "septembre 2018",
        "title_es": "Debate general del 73.º período de sesiones de la Asamblea General de las "
                    "Naciones Unidas, septiembre de 2018",
        "first_day": date(2018, 9, 25), "last_day": date(2018, 10, 1),
        "place": "United Nations Headquarters, New York", "citation": UNGDC_CITATION,
        "url": "https://doi.org/10.7910/DVN/0TJX8Y"})
    if not created and event.statements.exists():
        return event
    countries = {c.iso3: c for c in Country.objects.all()}
    member_state = StakeholderCategory.objects.get(code="member_state")
    with (DATA / "ungdc-2018-migration.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    statements = []
    for order, row in enumerate(rows, start=1):
        country = countries.get(row["country_iso3"])
        statements.append(Statement(
            reference_event=event, speaker_name=country.name_en if country else row["country_iso3"],
            speaker_organization="", speaker_category=member_state, speaker_country=country,
            text=row["text"], language=Statement.Language.EN, kind=Statement.Kind.REMARKS,
            attribution=Statement.Attribution.ATTRIBUTED, complete=True, order=order,
            source=f"UNGDC, UN General Assembly {row['session']}th session ({row['year']}), "
                   f"general debate, paragraph {row['paragraph']}"))
    Statement.objects.bulk_create(statements)
    search.index_many(services.SEARCH_KIND, [(s.pk, s.text) for s in statements])
    tag_suggestions.ask(s.pk for s in statements)
    core_services.record(ACTOR, "import", event, {"statements": len(statements),
                                                  "source": "UNGDC"})
    return event


def _quote(text: str, query: str) -> str:
    """The first sentence of `text` that contains a word of `query`."""
    wanted = set(search.words(query))
    for sentence in SENTENCE.findall(text):
        if wanted & set(search.words(sentence)):
            return sentence.strip()
    return ""


@transaction.atomic
def load_demo_deliberation(dialogue: Dialogue) -> dict[str, int]:
    event = load_general_debate(dialogue)
    if dialogue.key_messages.exists():
        return {"statements": 0, "key_messages": 0}
    data = tomllib.loads((DATA / "idm-2018-statements.toml").read_text(encoding="utf-8"))
    sessions = {(s.workshop.slug, s.title_en): s
                for s in Session.objects.filter(workshop__dialogue=dialogue)
                .select_related("workshop")}
    categories = ReferenceLookup().categories
    by_key: dict[str, Statement] = {}
    for spec in data["statements"]:
        session = sessions[(spec["workshop"], spec["session"])]
        statement = Statement(session=session, text=spec["text"], illustrative=True,
                              attribution=spec.get("attribution", "attributed"),
                              kind=spec.get("kind", "remarks"),
                              said_at=session.start, source="Illustrative (demo data)")
        if "speaker" in spec:
            statement.person = Person.objects.get(given_name=spec["speaker"][0],
                                                  family_name=spec["speaker"][1])
        elif "floor" in spec:
            name, organization, category = spec["floor"]
            statement.speaker_name, statement.speaker_organization = name, organization
            statement.speaker_category = categories[category]
        services.save_statement(statement, ACTOR)
        services.set_tags(
            statement, ACTOR,
            gcm_objectives=GcmObjective.objects.filter(number__in=spec.get("gcm", [])),
            principles=GuidingPrinciple.objects.filter(code__in=spec.get("principles", [])),
            sdg_targets=SdgTarget.objects.filter(code__in=spec.get("sdg", [])),
            themes=spec.get("themes", []))
        by_key[spec["key"]] = statement

    general_debate = Statement.objects.filter(reference_event=event)
    key_messages = {}
    for spec in data["key_messages"]:
        key_message = services.save_key_message(KeyMessage(
            dialogue=dialogue, number=spec["number"], title=spec["title_en"],
            title_en=spec["title_en"], body=spec["body_en"], body_en=spec["body_en"],
            status=KeyMessage.Status.FINAL), ACTOR)
        for key in spec["evidence"]:
            services.add_evidence(key_message, by_key[key], ACTOR)
        # Real words from the General Debate, chosen by search; the same on either database.
        found = search.matching(general_debate, services.SEARCH_KIND, spec["reference_query"])
        for statement in found.order_by("pk")[:2]:
            services.add_evidence(key_message, statement, ACTOR,
                                  quote=_quote(statement.text, spec["reference_query"]))
        key_messages[spec["number"]] = key_message
    for order, spec in enumerate(data["recommendations"], start=1):
        recommendation = services.save_recommendation(Recommendation(
            dialogue=dialogue, addressee=spec["addressee"], text=spec["text_en"],
            text_en=spec["text_en"], key_message=key_messages[spec["key_message"]],
            order=order, status=KeyMessage.Status.FINAL), ACTOR)
        for key in spec["evidence"]:
            services.add_evidence(recommendation, by_key[key], ACTOR)
    return {"statements": len(by_key), "key_messages": len(key_messages),
            "themes": Theme.objects.count()}
