"""Consultations: what is put to the vote, voters and their votes, participants' submissions and
their moderation, the analysis of the votes (synthesis/opinions.py) as a background task, and the
import of a Pol.is export. Votes are never audited by voter: nobody may learn how anyone voted."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.consultations.models import (
    Consultation,
    ConsultationAnalysis,
    ConsultationStatement,
    Vote,
    Voter,
)
from idm.core import jobs
from idm.core import services as core_services
from idm.core.models import AuditEntry
from idm.deliberation.models import KeyMessage, Recommendation
from idm.dialogues.models import Dialogue, Registration
from idm.synthesis import opinions

Item = ConsultationStatement
MAX_SUBMISSION = 500  # characters: a statement, not an essay
MAX_PENDING_SUBMISSIONS = 5  # per voter, so that one voter cannot flood the moderators
KEPT_ANALYSES = 5


class ConsultationError(ValueError):
    """A change refused, with a message for the person who asked."""


# ---------------------------------------------------------------------------------- setting up

def create(dialogue: Dialogue, actor, *, title: str, workshop=None, opens_at=None, closes_at=None,
           voters: str = Consultation.Voters.REGISTERED, submissions: bool = True,
           key_messages=(), recommendations=(), statements=(), illustrative: bool = False) -> Consultation:
    """A consultation with the given drafts and statements put to the vote, in that order."""
    with transaction.atomic():
        consultation = Consultation(dialogue=dialogue, workshop=workshop, title=title, title_en=title,
                                    voters=voters, submissions=submissions, illustrative=illustrative,
                                    created_by=actor if getattr(actor, "is_authenticated", False) else None)
        if opens_at is not None:
            consultation.opens_at = opens_at
        consultation.closes_at = closes_at
        core_services.save(consultation, actor)
        order = 0
        for kind, objects, field in ((Item.Kind.KEY_MESSAGE, key_messages, "key_message"),
                                     (Item.Kind.RECOMMENDATION, recommendations, "recommendation"),
                                     (Item.Kind.STATEMENT, statements, "statement")):
            for obj in objects:
                if obj.dialogue_id != dialogue.pk:
                    raise ConsultationError(_("%(what)s belongs to another dialogue.") % {"what": obj})
                order += 1
                Item.objects.create(consultation=consultation, kind=kind, order=order, **{field: obj})
    return consultation


def close(consultation: Consultation, actor) -> None:
    consultation.closes_at = timezone.now()
    if consultation.closes_at <= consultation.opens_at:
        consultation.opens_at = consultation.closes_at - timedelta(seconds=1)
    core_services.save(consultation, actor)


# ------------------------------------------------------------------------------------- voters

def voter_for_registration(consultation: Consultation, registration: Registration) -> Voter:
    """The voter a registration votes as; refuses a registration that may not vote here."""
    if registration.status != Registration.Status.APPROVED:
        raise ConsultationError(_("Only approved registrations may vote."))
    if registration.workshop.dialogue_id != consultation.dialogue_id or (
            consultation.workshop_id and registration.workshop_id != consultation.workshop_id):
        raise ConsultationError(_("This registration is for another workshop."))
    try:
        with transaction.atomic():
            voter, _created = Voter.objects.get_or_create(
                consultation=consultation, registration=registration,
                defaults={"category_id": registration.category_id})
    except IntegrityError:  # the same participant's two phones at once
        voter = Voter.objects.get(consultation=consultation, registration=registration)
    return voter


def voter_for_key(consultation: Consultation, key: str | None) -> Voter | None:
    if not key:
        return None
    return Voter.objects.filter(consultation=consultation, key=key, registration=None).first()


def new_link_voter(consultation: Consultation) -> Voter:
    if consultation.voters != Consultation.Voters.LINK:
        raise ConsultationError(_("This consultation is for registered participants only."))
    return Voter.objects.create(consultation=consultation)


# -------------------------------------------------------------------------------------- voting

def open_items(consultation: Consultation):
    return consultation.items.filter(status=Item.Status.ACCEPTED).select_related(
        "key_message", "recommendation", "statement")


def next_item(consultation: Consultation, voter: Voter | None) -> Item | None:
    """The first statement put to the vote that the voter has not voted on."""
    items = open_items(consultation)
    if voter is not None:
        items = items.exclude(votes__voter=voter)
    return items.order_by("order", "id").first()


def cast(consultation: Consultation, voter: Voter, item_id: int, value: int) -> Vote:
    """The voter's vote on the item, replacing an earlier one; then an analysis is asked for."""
    if value not in Vote.Value.values:
        raise ConsultationError(_("A vote is agree, disagree or pass."))
    if not consultation.is_open():
        raise ConsultationError(_("This consultation is closed."))
    if voter.consultation_id != consultation.pk:
        raise ConsultationError(_("This voter belongs to another consultation."))
    with transaction.atomic():
        item = Item.objects.filter(pk=item_id, consultation=consultation,
                                   status=Item.Status.ACCEPTED).first()
        if item is None:
            raise ConsultationError(_("This statement is not put to the vote here."))
        # One statement whether it is a first vote or a change of mind (INSERT ... ON CONFLICT).
        vote = Vote(voter=voter, item=item, value=value, cast_at=timezone.now())
        Vote.objects.bulk_create([vote], update_conflicts=True, unique_fields=["voter", "item"],
                                 update_fields=["value", "cast_at"])
        request_analysis(consultation)
    return vote


def submit(consultation: Consultation, voter: Voter, text: str) -> Item:
    """A participant's own statement, waiting for the secretariat to put it to the vote."""
    text = " ".join((text or "").split())
    if not consultation.submissions:
        raise ConsultationError(_("This consultation takes no submissions."))
    if not consultation.is_open():
        raise ConsultationError(_("This consultation is closed."))
    if not text:
        raise ConsultationError(_("Write the statement first."))
    if len(text) > MAX_SUBMISSION:
        raise ConsultationError(_("A statement has at most %(count)s characters; this one has "
                                  "%(length)s.") % {"count": MAX_SUBMISSION, "length": len(text)})
    with transaction.atomic():
        pending = Item.objects.filter(submitted_by=voter, status=Item.Status.PENDING).count()
        if pending >= MAX_PENDING_SUBMISSIONS:
            raise ConsultationError(_("You have %(count)s statements waiting for moderation: wait for "
                                      "them to be read.") % {"count": pending})
        last = consultation.items.order_by("-order").values_list("order", flat=True).first() or 0
        return Item.objects.create(consultation=consultation, kind=Item.Kind.SUBMISSION, text=text,
                                   status=Item.Status.PENDING, submitted_by=voter, order=last + 1)


def moderate(item: Item, actor, accept: bool) -> Item:
    """Puts a submission to the vote, or keeps it out (it can be put back later)."""
    with transaction.atomic():
        before = item.status
        item.status = Item.Status.ACCEPTED if accept else Item.Status.REJECTED
        item.save(update_fields=["status"])
        if before != item.status:
            core_services.record(actor, AuditEntry.Action.UPDATE, item, {"status": [before, item.status]})
            if item.votes.exists():
                request_analysis(item.consultation)
    return item


def my_votes(voter: Voter | None) -> dict[int, int]:
    """The voter's own votes (item id -> value): shown to that voter only."""
    if voter is None:
        return {}
    return dict(voter.votes.values_list("item_id", "value"))


# ------------------------------------------------------------------------------------ analysis

def request_analysis(consultation: Consultation) -> ConsultationAnalysis | None:
    """Queues an analysis of the votes unless one is already waiting (it will read every vote cast
    until it starts): a stream of votes makes one analysis at a time, never one per vote."""
    from idm.consultations.tasks import analyze_consultation

    waiting = consultation.analyses.filter(status=ConsultationAnalysis.Status.QUEUED)
    if waiting.exists():  # the common case while votes stream in: nothing to lock
        return None
    with transaction.atomic():
        # One waiting analysis at a time: the consultation's row serializes the check.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        if consultation.analyses.filter(status=ConsultationAnalysis.Status.QUEUED).exists():
            return None
        analysis = ConsultationAnalysis.objects.create(consultation=consultation,
                                                       message=ConsultationAnalysis.WAITING)
        jobs.enqueue(analysis, analyze_consultation)
    return analysis


def _votes_state(consultation: Consultation) -> tuple[int, str]:
    """How many votes, and when the latest was cast: what an analysis saw, or what is there now."""
    state = Vote.objects.filter(item__consultation=consultation).aggregate(
        n=Count("pk"), latest=Max("cast_at"))
    return state["n"], state["latest"].isoformat() if state["latest"] else ""


def latest_analysis(consultation: Consultation) -> ConsultationAnalysis | None:
    return consultation.analyses.filter(status=ConsultationAnalysis.Status.DONE).order_by(
        "-created_at", "-id").first()


def analyse(consultation: Consultation, progress=None) -> tuple[dict, dict]:
    """The report of an analysis: every figure the results page, the key message pages, the report
    and `idm consultation analyze` show (see `opinions.analyze`); and its clustering, where the next
    analysis starts. Its clusters start from those of the latest analysis done, so that a group
    stays a group (and keeps its number unless one numbered before it is gone) while votes
    arrive, as in Pol.is."""
    progress = progress or (lambda fraction, message: None)
    previous = latest_analysis(consultation)
    carried = opinions.Clustering.from_json(previous.clustering if previous else None)
    progress(0.1, gettext_noop("Reading the votes"))
    seen = _votes_state(consultation)
    cells = np.array(list(Vote.objects.filter(item__consultation=consultation).values_list(
        "voter_id", "item_id", "value")), dtype=np.int64).reshape(-1, 3)
    voters = dict(Voter.objects.filter(consultation=consultation).values_list("pk", "source_id"))
    categories = dict(Voter.objects.filter(consultation=consultation, category__isnull=False)
                      .values_list("pk", "category__code"))
    items = {pk: status for pk, status in consultation.items.values_list("pk", "status")}
    # Voters in the order they first voted (ids grow with time), as Pol.is numbers participants.
    voter_ids = np.unique(cells[:, 0])
    item_ids = np.unique(cells[:, 1])
    votes = opinions.from_cells([str(v) for v in voter_ids], [str(i) for i in item_ids], (
        np.searchsorted(voter_ids, cells[:, 0]), np.searchsorted(item_ids, cells[:, 1]), cells[:, 2]))
    out = {str(i) for i in item_ids if items.get(int(i)) != Item.Status.ACCEPTED}
    progress(0.3, gettext_noop("Finding the opinion groups"))
    result = opinions.analyze(votes, moderated_out=out, carried=carried)
    progress(0.8, gettext_noop("Counting agreement by group and stakeholder category"))
    voter_index = np.searchsorted(voter_ids, cells[:, 0])
    item_index = np.searchsorted(item_ids, cells[:, 1])
    column = np.select([cells[:, 2] == 1, cells[:, 2] == -1], [0, 1], 2)  # agree, disagree, pass
    codes = np.array([categories.get(int(v), "") for v in voter_ids], dtype=object)

    def counted(mask) -> np.ndarray:
        """[agree, disagree, pass] per item among the votes the mask keeps."""
        flat = np.bincount(item_index[mask] * 3 + column[mask], minlength=len(item_ids) * 3)
        return flat.reshape(len(item_ids), 3)

    by_group = {str(g): counted(result.group_of[voter_index] == g)
                for g in np.unique(result.group_of[result.group_of >= 0])}
    by_category = {code: counted(codes[voter_index] == code) for code in sorted(set(codes))}
    everyone = counted(np.ones(len(cells), dtype=bool))
    per_item = {}
    for index, item in enumerate(item_ids):
        agree, disagree, passed = (int(n) for n in everyone[index])
        per_item[int(item)] = {
            "agree": agree, "disagree": disagree, "pass": passed,
            "group_informed_consensus": float(result.group_informed_consensus[index]),
            "by_group": {g: counts[index].tolist() for g, counts in by_group.items() if counts[index].any()},
            "by_category": {c: counts[index].tolist() for c, counts in by_category.items()
                            if counts[index].any()}}

    def stats(s: opinions.StatementStats) -> dict:
        return {**s.to_dict(), "statement": int(s.statement)}

    progress(1.0, gettext_noop("Done"))
    return ({
        "votes": int(len(cells)), "latest_vote": seen[1], "voters": int(len(voter_ids)),
        "items": len(per_item),
        "clustered": int(result.in_conversation.sum()),
        "participants": [[int(v), voters.get(int(v), ""), round(float(x), 5), round(float(y), 5),
                          None if g < 0 else int(g)]
                         for v, (x, y), g in zip(voter_ids, result.projection, result.group_of, strict=True)],
        "groups": [{"id": g.id, "members": len(g.members), "center": [round(c, 5) for c in g.center],
                    "representative": [stats(s) for s in g.representative]} for g in result.groups],
        "consensus": {k: [stats(s) for s in v] for k, v in result.consensus.items()},
        "statements": {str(k): v for k, v in per_item.items()},
    }, result.clustering.to_json())


def run_analysis(analysis: ConsultationAnalysis, progress) -> dict:
    report, clustering = analyse(analysis.consultation, progress)
    ConsultationAnalysis.objects.filter(pk=analysis.pk).update(clustering=clustering)
    # A vote cast while this analysis read the votes (it found this one queued no more, or running)
    # would wait for the next vote: ask for the analysis that includes it now.
    if _votes_state(analysis.consultation) != (report["votes"], report["latest_vote"]):
        request_analysis(analysis.consultation)
    # Older analyses are superseded: a few are kept, for a page still showing one.
    done = analysis.consultation.analyses.filter(status=ConsultationAnalysis.Status.DONE)
    old = list(done.order_by("-created_at", "-id").values_list("pk", flat=True)[KEPT_ANALYSES:])
    ConsultationAnalysis.objects.filter(pk__in=old).delete()
    return report


def figures_for(obj: KeyMessage | Recommendation) -> list[dict]:
    """A draft's figures in each consultation it was put to, from the latest analysis: for the
    rapporteur's page and the report."""
    found = []
    field = "key_message" if isinstance(obj, KeyMessage) else "recommendation"
    for item in Item.objects.filter(**{field: obj}).select_related("consultation__workshop"):
        analysis = latest_analysis(item.consultation)
        figures = (analysis.report.get("statements", {}).get(str(item.pk)) if analysis else None)
        if not figures:
            continue
        votes = figures["agree"] + figures["disagree"] + figures["pass"]
        found.append({"consultation": item.consultation, "votes": votes, **figures,
                      "agree_share": figures["agree"] / votes if votes else 0.0,
                      "consensus": any(s["statement"] == item.pk
                                       for s in analysis.report["consensus"].get("agree", []))})
    return found


# ---------------------------------------------------------------------------------- Pol.is import

def import_polis(folder: Path, dialogue: Dialogue, actor, *, title: str = "") -> Consultation:
    """A closed consultation holding a Pol.is export's comments (moderated-out ones kept out of the
    vote, as Pol.is keeps them) and the latest vote of each participant. All or nothing."""
    from idm.synthesis.polis_export import read_export

    export = read_export(folder)
    latest = opinions.latest_votes(export.votes)
    first = min((t for *_, t in export.votes), default=0)
    last = max((t for *_, t in export.votes), default=0)
    with transaction.atomic():
        consultation = Consultation(
            dialogue=dialogue, title=title or Path(folder).name, title_en=title or Path(folder).name,
            voters=Consultation.Voters.LINK, submissions=False, source=f"Pol.is export {Path(folder).name}",
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        if export.has_history and first > 10**11:  # milliseconds since 1970: the conversation's dates
            consultation.opens_at = datetime.fromtimestamp(first / 1000, tz=UTC)
            consultation.closes_at = datetime.fromtimestamp(last / 1000 + 1, tz=UTC)
        else:
            consultation.closes_at = consultation.opens_at + timedelta(seconds=1)
        try:
            core_services.save(consultation, actor)
        except ValidationError as error:
            raise ConsultationError("; ".join(error.messages)) from None
        items = Item.objects.bulk_create([
            Item(consultation=consultation, kind=Item.Kind.IMPORTED, text=c.text, source_id=c.id[:40],
                 status=Item.Status.REJECTED if c.moderated_out else Item.Status.ACCEPTED, order=n)
            for n, c in enumerate(export.comments, start=1)])
        item_of = {c.id: item.pk for c, item in zip(export.comments, items, strict=True)}
        voters = Voter.objects.bulk_create([Voter(consultation=consultation, source_id=p[:40])
                                            for p in latest.participants])
        rows, columns = latest.cast.nonzero()
        values = np.asarray(latest.value[rows, columns]).ravel()
        Vote.objects.bulk_create(
            (Vote(voter_id=voters[r].pk, item_id=item_of[latest.statements[c]], value=int(v))
             for r, c, v in zip(rows, columns, values, strict=True)), batch_size=5000)
        core_services.record(actor, AuditEntry.Action.IMPORT, consultation, {
            "source": consultation.source, "comments": len(items), "participants": len(voters),
            "votes": int(len(rows)), "moderated_out": sum(c.moderated_out for c in export.comments)})
    return consultation


def vote_counts(consultation: Consultation) -> dict[int, int]:
    """Votes per statement put to the vote (item id -> count)."""
    return dict(consultation.items.annotate(n=Count("votes")).values_list("pk", "n"))
