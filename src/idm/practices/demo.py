"""The demo's illustrative practices (demo_data/practices.toml), linked to the IDM 2018 sessions
where they could have been presented and to its key messages; made up, each marked illustrative.
The implementers are the demo's fictional organizations."""

import tomllib
from pathlib import Path

from django.db import transaction

from idm.core.models import Country, GcmObjective, GuidingPrinciple, SdgTarget
from idm.deliberation.models import KeyMessage
from idm.dialogues.models import Dialogue, Organization, Session
from idm.practices import services
from idm.practices.models import Deliverable, Practice, ProgressReport

DATA = Path(__file__).parent / "demo_data" / "practices.toml"
ACTOR = "idm demo"
TRANSLATED = ("title_en", "title_fr", "title_es", "summary_en", "summary_fr", "summary_es")


def load_demo_practices(dialogue: Dialogue) -> int:
    """Creates the illustrative practices, published; loading again adds nothing."""
    if Practice.objects.filter(illustrative=True).exists():
        return 0
    entries = tomllib.loads(DATA.read_text(encoding="utf-8"))["practices"]
    with transaction.atomic():
        for entry in entries:
            practice = Practice(
                **{field: entry[field] for field in TRANSLATED},
                title=entry["title_en"], summary=entry["summary_en"], type=entry["type"],
                level=entry["level"], worldwide=entry.get("worldwide", False),
                starts_on=entry.get("starts_on"), ends_on=entry.get("ends_on"),
                resources=entry.get("resources", ""), status=Practice.Status.PUBLISHED,
                illustrative=True)
            sessions = [Session.objects.get(workshop__dialogue=dialogue, workshop__slug=slug,
                                            title_en__startswith=title)
                        for slug, title in entry.get("sessions", [])]
            services.save(practice, ACTOR, relations={
                "implementers": [Organization.objects.get(name_en=n) for n in entry["implementers"]],
                "partners": [Organization.objects.get(name_en=n) for n in entry.get("partners", [])],
                "countries": Country.objects.filter(iso2__in=entry.get("countries", [])),
                "gcm_objectives": GcmObjective.objects.filter(number__in=entry["gcm_objectives"]),
                "principles": GuidingPrinciple.objects.filter(code__in=entry["principles"]),
                "sdg_targets": SdgTarget.objects.filter(code__in=entry["sdg_targets"]),
                "sessions": sessions,
                "key_messages": KeyMessage.objects.filter(dialogue=dialogue,
                                                          number__in=entry["key_messages"]),
            })
            for title, due, *delivered in entry.get("deliverables", []):
                Deliverable.objects.create(practice=practice, title=title, due_on=due,
                                           delivered_on=delivered[0] if delivered else None)
            for reported, text in entry.get("progress", []):
                ProgressReport.objects.create(practice=practice, reported_on=reported, text=text)
    return len(entries)
