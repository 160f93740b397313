"""The demo's consultation: the Geneva workshop's participants vote on the six key messages of
IDM 2018. The votes are made up (illustrative, from a fixed seed); no such vote took place."""

import random
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from idm.consultations import services
from idm.consultations.models import Consultation, ConsultationAnalysis, ConsultationStatement, Vote
from idm.dialogues.models import Dialogue, Registration

TITLE = {"en": "Six key messages: where do participants agree? (illustrative votes)",
         "fr": "Six messages clés : où les participants s'accordent-ils ? (votes illustratifs)",
         "es": "Seis mensajes clave: ¿en qué coinciden los participantes? (votos ilustrativos)"}
VOTERS = 160
# Two leanings, more or less common in each stakeholder category: how likely each is to agree
# with each of the six key messages, in their order.
LEANINGS = {"whole-of-society": (0.95, 0.9, 0.9, 0.95, 0.25, 0.3),
            "state-led": (0.9, 0.2, 0.15, 0.35, 0.95, 0.9)}
STATE_LED_SHARE = {"member_state": 0.75, "observer_state": 0.7, "un_entity": 0.5,
                   "intergovernmental_org": 0.5, "regional_org": 0.55, "rcp_irf": 0.6,
                   "parliamentarian": 0.5}
SUBMISSIONS = [("Cities should sit at the table when partnerships are designed, not only when they "
                "are carried out.", ConsultationStatement.Status.ACCEPTED),
               ("Young migrants should be consulted before programmes for them are funded.",
                ConsultationStatement.Status.PENDING)]


@transaction.atomic
def load_demo_consultation(dialogue: Dialogue, seed: int = 2018) -> Consultation | None:
    """The consultation, its illustrative votes and their analysis; loading again adds nothing."""
    if dialogue.consultations.filter(illustrative=True).exists():
        return None
    geneva = dialogue.workshops.get(slug="2018-geneva")
    opens = datetime.combine(geneva.first_day, time(9), tzinfo=geneva.tz)
    closes = datetime.combine(geneva.last_day, time(18), tzinfo=geneva.tz)
    consultation = services.create(
        dialogue, "demo", title=TITLE["en"], workshop=geneva, opens_at=opens, closes_at=closes,
        key_messages=dialogue.key_messages.order_by("number"), illustrative=True)
    consultation.title_fr, consultation.title_es = TITLE["fr"], TITLE["es"]
    consultation.save(update_fields=["title_fr", "title_es"])
    rng = random.Random(seed)
    registrations = list(geneva.registrations.filter(status=Registration.Status.APPROVED)
                         .select_related("category").order_by("pk"))
    chosen = sorted(rng.sample(registrations, min(VOTERS, len(registrations))), key=lambda r: r.pk)
    items = list(consultation.items.order_by("order"))
    votes = []
    for registration in chosen:
        voter = services.voter_for_registration(consultation, registration)
        state_led = rng.random() < STATE_LED_SHARE.get(registration.category.code, 0.2)
        agree = LEANINGS["state-led" if state_led else "whole-of-society"]
        for item, p in zip(items, agree, strict=True):
            draw = rng.random()
            value = 0 if draw < 0.05 else (1 if rng.random() < p else -1)
            votes.append(Vote(voter=voter, item=item, value=value,
                              cast_at=opens + (closes - opens) * rng.random()))
    Vote.objects.bulk_create(votes)
    last = items[-1].order
    for offset, (text, status) in enumerate(SUBMISSIONS, start=1):
        ConsultationStatement.objects.create(
            consultation=consultation, kind=ConsultationStatement.Kind.SUBMISSION, text=text,
            status=status, order=last + offset,
            submitted_by=consultation.voter_set.order_by("pk")[offset])
    report, clustering = services.analyse(consultation)
    ConsultationAnalysis.objects.create(
        consultation=consultation, status=ConsultationAnalysis.Status.DONE, progress=100,
        report=report, clustering=clustering, finished_at=timezone.now())
    return consultation
