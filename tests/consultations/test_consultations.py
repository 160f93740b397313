"""Consultations: importing a Pol.is export, votes (the latest counts, nobody else's visible),
submissions and their moderation, and the analysis as a background task."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from idm.consultations import services as consultations
from idm.consultations.models import (
    Consultation,
    ConsultationAnalysis,
    ConsultationStatement,
    Vote,
    Voter,
)
from idm.core.models import AuditEntry, StakeholderCategory
from idm.deliberation.models import KeyMessage
from idm.dialogues.models import Registration
from idm.synthesis import opinions
from idm.synthesis.polis_export import read_export
from tests.conftest import shared_path
from tests.dialogues import factories

pytestmark = pytest.mark.integration

Item = ConsultationStatement


def command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("consultation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def dialogue(reference):
    return factories.dialogue(number=31)


@pytest.fixture
def drafts(dialogue):
    return [KeyMessage.objects.create(dialogue=dialogue, number=n, title=f"Draft {n}", title_en=f"Draft {n}")
            for n in (1, 2, 3)]


@pytest.fixture
def consultation(dialogue, drafts):
    return consultations.create(dialogue, None, title="Which key messages?", key_messages=drafts,
                                voters=Consultation.Voters.LINK)


def test_import_polis_and_analyze_give_polis_groups(dialogue):
    folder = shared_path("data", "polis", "bg2050-volunteers")
    out, err = command("import-polis", str(folder))
    consultation = Consultation.objects.get(pk=int(out.splitlines()[-1]))
    assert "371 statements and 126 participants" in err
    export = read_export(folder)
    assert consultation.items.count() == 371
    assert consultation.items.filter(status=Item.Status.REJECTED).count() == sum(
        c.moderated_out for c in export.comments)
    assert Vote.objects.filter(voter__consultation=consultation).count() == 14283
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, object_id=str(consultation.pk)).exists()

    result = json.loads(command("analyze", str(consultation.pk), "--format", "json")[0])
    ours = {p["id"]: p["group"] for p in result["participants"]}
    assert set(ours) == {p for p, _, _, _ in export.votes}  # the file's participant ids
    polis = {p: g for p, g in export.groups.items() if g is not None}
    both = [p for p in polis if ours.get(p) is not None]
    assert abs(sum(g is not None for g in ours.values()) - len(polis)) <= 2
    assert opinions.adjusted_rand_index([ours[p] for p in both], [polis[p] for p in both]) >= 0.9
    comments = {c.id: c for c in export.comments}
    for group in result["groups"]:
        assert group["representative"]
        for stats in group["representative"]:
            assert stats["text"] == comments[stats["statement"]].text
            assert not comments[stats["statement"]].moderated_out
    top = result["consensus"]["agree"][0]
    assert top["p_success"] > 0.5 and top["p_test"] > opinions.Z_90

    text = command("analyze", str(consultation.pk))[0]
    assert text.startswith("bg2050-volunteers: 14283 votes by 126 participants on 371 statements")


def test_a_bad_export_imports_nothing(dialogue, tmp_path):
    (tmp_path / "comments.csv").write_text("comment-id,comment-body,moderated\n1,Hello,1\n")
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,1,7,1\n2,1,8,3\n")
    with pytest.raises(CommandError, match=r"votes.csv, row 3: vote '3' is not one of -1, 0, 1; "
                                           r"nothing was imported"):
        command("import-polis", str(tmp_path))
    assert not Consultation.objects.exists()
    with pytest.raises(CommandError, match="no consultation 999"):
        command("analyze", "999")


def test_import_needs_a_dialogue(db, tmp_path):
    with pytest.raises(CommandError, match="no dialogue yet"):
        command("import-polis", str(tmp_path))


def test_the_latest_vote_counts(consultation):
    voter = consultations.new_link_voter(consultation)
    first = consultation.items.first()
    consultations.cast(consultation, voter, first.pk, 1)
    consultations.cast(consultation, voter, first.pk, -1)
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    assert consultations.next_item(consultation, voter) == consultation.items.all()[1]
    assert consultations.my_votes(voter) == {first.pk: -1}


def test_votes_are_refused_with_a_reason(consultation, dialogue, drafts):
    voter = consultations.new_link_voter(consultation)
    other = consultations.create(dialogue, None, title="Other", key_messages=drafts[:1],
                                 voters=Consultation.Voters.LINK)
    with pytest.raises(consultations.ConsultationError, match="not put to the vote here"):
        consultations.cast(consultation, voter, other.items.get().pk, 1)
    with pytest.raises(consultations.ConsultationError, match="agree, disagree or pass"):
        consultations.cast(consultation, voter, consultation.items.first().pk, 2)
    with pytest.raises(consultations.ConsultationError, match="another consultation"):
        consultations.cast(other, voter, other.items.get().pk, 1)
    consultations.close(consultation, None)
    with pytest.raises(consultations.ConsultationError, match="closed"):
        consultations.cast(consultation, voter, consultation.items.first().pk, 1)
    assert not Vote.objects.exists()


def test_submissions_wait_for_moderation(consultation, secretariat):
    voter = consultations.new_link_voter(consultation)
    submitted = consultations.submit(consultation, voter, "  Cities   should be at the table. ")
    assert submitted.text == "Cities should be at the table." and submitted.status == Item.Status.PENDING
    with pytest.raises(consultations.ConsultationError, match="not put to the vote"):
        consultations.cast(consultation, voter, submitted.pk, 1)
    for n in range(4):
        consultations.submit(consultation, voter, f"Another idea {n}.")
    with pytest.raises(consultations.ConsultationError, match="5 statements waiting for moderation"):
        consultations.submit(consultation, voter, "One too many.")
    with pytest.raises(consultations.ConsultationError, match="at most 500 characters; this one has 501"):
        consultations.submit(consultation, consultations.new_link_voter(consultation), "x" * 501)
    consultations.moderate(submitted, secretariat, accept=True)
    assert consultations.cast(consultation, voter, submitted.pk, 1).value == 1
    assert AuditEntry.objects.filter(object_type="consultations.consultationstatement",
                                     changes__status=["pending", "accepted"]).exists()


def test_registered_participants_vote_as_themselves(consultation, dialogue):
    workshop = factories.workshop(dialogue)
    category = StakeholderCategory.objects.get(code="civil_society")
    registration = factories.registration(workshop, status=Registration.Status.APPROVED, category=category)
    voter = consultations.voter_for_registration(consultation, registration)
    assert consultations.voter_for_registration(consultation, registration) == voter
    assert voter.category == category
    registration.status = Registration.Status.PENDING
    with pytest.raises(consultations.ConsultationError, match="Only approved"):
        consultations.voter_for_registration(consultation, registration)
    elsewhere = factories.registration(factories.workshop(factories.dialogue(number=32), slug="far"),
                                       status=Registration.Status.APPROVED)
    with pytest.raises(consultations.ConsultationError, match="another workshop"):
        consultations.voter_for_registration(consultation, elsewhere)


def test_a_stream_of_votes_queues_one_analysis_at_a_time(consultation, django_capture_on_commit_callbacks):
    voters = [consultations.new_link_voter(consultation) for _ in range(3)]
    items = list(consultation.items.all())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for voter in voters:
            for item, value in zip(items, (1, 1, -1), strict=True):
                consultations.cast(consultation, voter, item.pk, value)
    assert ConsultationAnalysis.objects.count() == 1 and len(queued) == 1
    queued[0]()  # the immediate backend runs the analysis as the worker would
    analysis = consultations.latest_analysis(consultation)
    assert analysis.status == ConsultationAnalysis.Status.DONE
    report = analysis.report
    assert (report["votes"], report["voters"], report["items"]) == (9, 3, 3)
    first = report["statements"][str(items[0].pk)]
    assert (first["agree"], first["disagree"], first["pass"]) == (3, 0, 0)
    assert first["by_category"] == {"": [3, 0, 0]}
    # The next vote queues the next analysis.
    consultations.cast(consultation, voters[0], items[2].pk, 1)
    assert consultation.analyses.filter(status=ConsultationAnalysis.Status.QUEUED).count() == 1


def test_a_draft_shows_its_consensus_figures(consultation, drafts, django_capture_on_commit_callbacks):
    items = list(consultation.items.all())
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(12):
            voter = consultations.new_link_voter(consultation)
            for item in items:
                consultations.cast(consultation, voter, item.pk, 1 if item.key_message == drafts[0] else -1)
    [figures] = consultations.figures_for(drafts[0])
    assert (figures["agree"], figures["votes"], figures["consensus"]) == (12, 12, True)
    [other] = consultations.figures_for(drafts[1])
    assert (other["agree"], other["disagree"], other["consensus"]) == (0, 12, False)


def test_opening_and_closing_times(consultation):
    consultation.opens_at = timezone.now() + timedelta(hours=1)
    consultation.save()
    voter = Voter.objects.create(consultation=consultation)
    with pytest.raises(consultations.ConsultationError, match="closed"):
        consultations.cast(consultation, voter, consultation.items.first().pk, 1)


def test_a_vote_cast_during_an_analysis_gets_one_of_its_own(consultation, monkeypatch):
    """The analysis reads the votes while a voter votes: it asks for the next analysis itself."""
    voter = consultations.new_link_voter(consultation)
    items = list(consultation.items.all())
    consultations.cast(consultation, voter, items[0].pk, 1)
    analysis = consultation.analyses.get()
    real = consultations.analyse

    def analyse_while_someone_votes(c, progress=None):
        report = real(c, progress)
        Vote.objects.create(voter=consultations.new_link_voter(c), item=items[1], value=-1)
        return report

    monkeypatch.setattr(consultations, "analyse", analyse_while_someone_votes)
    ConsultationAnalysis.objects.filter(pk=analysis.pk).update(status=ConsultationAnalysis.Status.RUNNING)
    consultations.run_analysis(analysis, lambda fraction, message: None)
    assert consultation.analyses.filter(status=ConsultationAnalysis.Status.QUEUED).count() == 1
    # Nothing new: no further analysis.
    ConsultationAnalysis.objects.filter(status=ConsultationAnalysis.Status.QUEUED).delete()
    monkeypatch.setattr(consultations, "analyse", real)
    consultations.run_analysis(analysis, lambda fraction, message: None)
    assert not consultation.analyses.filter(status=ConsultationAnalysis.Status.QUEUED).exists()


def test_each_analysis_starts_from_the_groups_of_the_one_before(consultation,
                                                               django_capture_on_commit_callbacks):
    """As in Pol.is, groups carry over while votes arrive: a participant keeps their group and the
    group its number, and the number of groups changes only after four analyses agree."""
    items = list(consultation.items.all())

    def camp(size, votes):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            for _ in range(size):
                voter = consultations.new_link_voter(consultation)
                for item, value in zip(items, votes, strict=True):
                    consultations.cast(consultation, voter, item.pk, value)
        for run in queued:
            run()
        return consultations.latest_analysis(consultation)

    camp(10, (1, 1, -1))
    first = camp(10, (-1, -1, 1))
    groups = {p[0]: p[4] for p in first.report["participants"]}
    assert len(first.report["groups"]) == 2 and set(groups.values()) == {0, 1}
    assert set(first.clustering["base_of"]) == {str(v) for v in groups}
    second = camp(1, (-1, -1, 1))
    assert second.pk != first.pk
    after = {p[0]: p[4] for p in second.report["participants"]}
    newcomer = max(after)
    assert {v: g for v, g in after.items() if v != newcomer} == groups
    assert after[newcomer] == groups[newcomer - 1]  # with the camp that votes as they do
    last_k, count, smoothed = second.clustering["k"]
    assert (last_k, smoothed) == (2, 2) and count == first.clustering["k"][1] + 1
