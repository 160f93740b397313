"""The demo's consultation: the six key messages, illustrative votes of the Geneva participants,
and their analysis, marked as demo data."""

import pytest

from idm.consultations.demo import load_demo_consultation
from idm.consultations.models import Consultation, ConsultationAnalysis, Vote
from idm.deliberation.demo import load_demo_deliberation

pytestmark = pytest.mark.integration


@pytest.fixture
def consultation(population):
    load_demo_deliberation(population)
    return load_demo_consultation(population)


def test_six_key_messages_and_illustrative_votes(consultation):
    assert consultation.illustrative and "illustrative votes" in consultation.title
    assert consultation.title_fr and consultation.title_es
    accepted = consultation.items.filter(status="accepted").exclude(kind="submission")
    assert [i.key_message.number for i in accepted.order_by("order")] == [1, 2, 3, 4, 5, 6]
    assert Vote.objects.filter(item__consultation=consultation).count() == 160 * 6
    voters = consultation.voter_set.select_related("registration__workshop")
    assert {v.registration.workshop.slug for v in voters} == {"2018-geneva"}
    assert voters.exclude(category=None).count() == 160
    assert not consultation.is_open()  # it took place in 2018


def test_its_analysis_is_ready_with_two_groups_and_a_consensus(consultation):
    analysis = consultation.analyses.get()
    assert analysis.status == ConsultationAnalysis.Status.DONE
    report = analysis.report
    assert len(report["groups"]) == 2 and report["clustered"] == 160
    first = consultation.items.get(key_message__number=1).pk
    assert first in [s["statement"] for s in report["consensus"]["agree"]]
    assert len({c for s in report["statements"].values() for c in s["by_category"]}) >= 5


def test_loading_again_adds_nothing(consultation, population):
    assert load_demo_consultation(population) is None
    assert Consultation.objects.count() == 1
