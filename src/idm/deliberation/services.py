"""Operations that change statements, tags, key messages and recommendations, and the synthesis
workbench's runs; each in one transaction, each audited; statements are (re)indexed for search as
they change."""

import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from idm.core import jobs, search
from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.models import AuditEntry
from idm.deliberation import tag_suggestions
from idm.deliberation.models import (
    KeyMessage,
    KeyMessageEvidence,
    Recommendation,
    RecommendationEvidence,
    Revision,
    Statement,
    SynthesisRun,
    Theme,
)
from idm.deliberation.transcripts import TranscriptPreview, parse_transcript
from idm.dialogues.models import Dialogue, Session, SessionRole

SEARCH_KIND = "statement"


class DeliberationError(Exception):
    """A change that cannot be made; the message says why."""


# Statements -------------------------------------------------------------------------------------


def _fill_speaker(statement: Statement) -> None:
    """A session's speaker brings the category and country of the organization they spoke for."""
    if statement.person_id and statement.session_id and not statement.speaker_category_id:
        link = (SessionRole.objects.filter(session_id=statement.session_id,
                                           person_id=statement.person_id)
                .select_related("organization").first())
        if link and link.organization:
            statement.speaker_category_id = link.organization.category_id
            statement.speaker_country_id = statement.speaker_country_id or link.organization.country_id


def save_statement(statement: Statement, actor, *, validate: bool = True) -> Statement:
    with transaction.atomic():
        _fill_speaker(statement)
        if statement.session_id and not statement.pk and not statement.order:
            statement.order = _next_order(statement.session)
        core_services.save(statement, actor, validate=validate)
        search.index(SEARCH_KIND, statement.pk, statement.text)
        if tag_suggestions.needs_suggestion(statement):
            tag_suggestions.ask([statement.pk])
    return statement


def edit_statement(statement: Statement, actor, *, gcm_objectives=(), principles=(),
                   sdg_targets=(), themes: list[str] = ()) -> Statement:
    """A statement after the session: its words, speaker and tags in one change; it is then
    complete (public, if its policy allows)."""
    with transaction.atomic():
        statement.complete = True
        save_statement(statement, actor)
        return set_tags(statement, actor, gcm_objectives=gcm_objectives, principles=principles,
                        sdg_targets=sdg_targets, themes=themes)


def _next_order(session: Session) -> int:
    return (session.statements.aggregate(m=Max("order"))["m"] or 0) + 1


CAPTURE_FIELDS = ("text", "language", "kind", "attribution", "speaker_name",
                  "speaker_organization")


def capture(session: Session, client_id: uuid.UUID, values: dict, actor) -> Statement:
    """Saves what the rapporteur has typed so far, as often as they type: the same capture id
    always updates the same statement, so a retried request never makes a second one."""
    with transaction.atomic():
        # By pk: the default ordering joins the session, which FOR UPDATE cannot lock.
        statement = (Statement.objects.select_for_update().filter(client_id=client_id)
                     .order_by("pk").first()
                     or Statement(session=session, client_id=client_id, created_by=_user(actor),
                                  complete=False))
        if statement.session_id != session.pk:
            raise DeliberationError(_("This statement belongs to another session."))
        for field in CAPTURE_FIELDS:
            if field in values:
                setattr(statement, field, values[field] or "")
        if "person" in values:
            statement.person_id = values["person"] or None
            if statement.person_id:
                statement.speaker_name = statement.speaker_organization = ""
                statement.speaker_category_id = None
        if "speaker_category" in values:
            statement.speaker_category_id = values["speaker_category"] or None
        if values.get("complete"):
            statement.complete = True
        # Half-typed statements may lack a speaker; a finished one is checked in full.
        return save_statement(statement, actor, validate=statement.complete)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def next_speaker(session: Session) -> SessionRole | None:
    """The agenda's next speaker after the last one captured, or the first one."""
    links = list(session.roles.select_related("person").order_by("order", "id"))
    if not links:
        return None
    last = session.statements.exclude(person=None).order_by("-order", "-id").first()
    if last is None:
        return links[0]
    positions = [i for i, link in enumerate(links) if link.person_id == last.person_id]
    if not positions:
        return links[0]
    return links[(positions[0] + 1) % len(links)]


def set_tags(statement: Statement, actor, *, gcm_objectives=(), principles=(), sdg_targets=(),
             themes: list[str] = ()) -> Statement:
    with transaction.atomic():
        theme_objects = [Theme.objects.get_or_create(name=name.strip())[0]
                         for name in themes if name.strip()]
        before = _tag_names(statement)
        statement.gcm_objectives.set(gcm_objectives)
        statement.principles.set(principles)
        statement.sdg_targets.set(sdg_targets)
        statement.themes.set(theme_objects)
        after = _tag_names(statement)
        if before != after:
            core_services.record(actor, AuditEntry.Action.UPDATE, statement,
                                 {"tags": [before, after]})
    return statement


def _tag_names(statement: Statement) -> list[str]:
    return sorted([f"GCM {o.number}" for o in statement.gcm_objectives.all()]
                  + [f"principle {p.code}" for p in statement.principles.all()]
                  + [f"SDG {t.code}" for t in statement.sdg_targets.all()]
                  + [f"theme {t.name}" for t in statement.themes.all()])


def delete_statement(statement: Statement, actor) -> None:
    # Its search entry goes through the post_delete signal (apps.py), as in any cascade.
    core_services.delete(statement, actor)


# Transcripts ------------------------------------------------------------------------------------


def preview_transcript(session: Session, content: bytes, filename: str) -> TranscriptPreview:
    return parse_transcript(content, filename, session)


def import_transcript(session: Session, content: bytes, filename: str, actor,
                      *, attribution: str = Statement.Attribution.ATTRIBUTED) -> int:
    """Saves the statements the preview showed; refuses while a paragraph has a problem."""
    preview = parse_transcript(content, filename, session)
    if preview.problems:
        raise DeliberationError(_("%(count)s paragraph(s) have a problem: nothing was saved.")
                                % {"count": len(preview.problems)})
    with transaction.atomic():
        order = _next_order(session)
        created = []
        for item in preview.items:
            statement = Statement(
                session=session, person=item.person, text=item.text,
                speaker_name="" if item.person else item.name,
                speaker_organization="" if item.person else item.organization,
                language=item.language, attribution=attribution,
                kind=Statement.Kind.REMARKS if item.person else Statement.Kind.FLOOR,
                source=_("transcript %(file)s, paragraph %(number)s") % {
                    "file": filename, "number": item.paragraph},
                order=order, created_by=_user(actor))
            _fill_speaker(statement)
            statement.full_clean()
            order += 1
            created.append(statement)
        Statement.objects.bulk_create(created)
        search.index_many(SEARCH_KIND, [(s.pk, s.text) for s in created])
        tag_suggestions.ask(s.pk for s in created if tag_suggestions.needs_suggestion(s))
        core_services.record(actor, AuditEntry.Action.IMPORT, session, {
            "file": filename, "statements": len(created)})
    return len(created)


# Key messages and recommendations ---------------------------------------------------------------


def _snapshot(obj) -> dict:
    if isinstance(obj, KeyMessage):
        fields = ["number", "status"] + [f"{f}_{lang}" for f in ("title", "body")
                                         for lang in LANGUAGES]
    else:
        fields = ["addressee", "status", "key_message_id", "order"] + [
            f"text_{lang}" for lang in LANGUAGES]
    return {field: getattr(obj, field) for field in fields}


def _revise(obj, actor) -> Revision | None:
    content = _snapshot(obj)
    revisions = obj.revisions.order_by("-number")
    last = revisions.first()
    if last is not None and last.content == content:
        return None
    user = _user(actor)
    return Revision.objects.create(
        **{"key_message" if isinstance(obj, KeyMessage) else "recommendation": obj},
        number=(last.number + 1) if last else 1, content=content, author=user,
        author_name=user.get_username() if user else str(actor or "system"))


def save_key_message(key_message: KeyMessage, actor) -> KeyMessage:
    with transaction.atomic():
        core_services.save(key_message, actor)
        _revise(key_message, actor)
    return key_message


def save_recommendation(recommendation: Recommendation, actor) -> Recommendation:
    with transaction.atomic():
        if (recommendation.key_message_id
                and recommendation.key_message.dialogue_id != recommendation.dialogue_id):
            raise ValidationError({"key_message": _(
                "The key message belongs to another dialogue.")})
        core_services.save(recommendation, actor)
        _revise(recommendation, actor)
    return recommendation


def add_evidence(target: KeyMessage | Recommendation, statement: Statement, actor, *,
                 quote: str = "", note: str = ""):
    """Backs a key message or a recommendation with a statement of the same dialogue."""
    if statement.dialogue_id != target.dialogue_id:
        raise DeliberationError(_("The statement belongs to another dialogue."))
    if not statement.complete:
        raise DeliberationError(_("The statement is still being captured."))
    model, field = ((KeyMessageEvidence, "key_message") if isinstance(target, KeyMessage)
                    else (RecommendationEvidence, "recommendation"))
    with transaction.atomic():
        if model.objects.filter(**{field: target}, statement=statement).exists():
            raise DeliberationError(_("This statement already supports it."))
        order = model.objects.filter(**{field: target}).count() + 1
        evidence = model(**{field: target}, statement=statement, quote=quote.strip(), note=note,
                         order=order)
        return core_services.save(evidence, actor)


def remove_evidence(evidence, actor) -> None:
    core_services.delete(evidence, actor)


# The synthesis workbench ----------------------------------------------------------------------


def start_synthesis(dialogue: Dialogue, actor, *, workshop=None, session=None,
                    themes: int | None = None, engine: str = SynthesisRun.Engine.TFIDF,
                    seed: int = 0) -> SynthesisRun:
    """A new run of the synthesis over the statements of a dialogue, a workshop or a session,
    queued for a worker."""
    if workshop is not None and workshop.dialogue_id != dialogue.pk:
        raise DeliberationError(_("The workshop belongs to another dialogue."))
    if session is not None and session.workshop.dialogue_id != dialogue.pk:
        raise DeliberationError(_("The session belongs to another dialogue."))
    return _queue(SynthesisRun(dialogue=dialogue, workshop=workshop, session=session,
                               themes_asked=themes, engine=engine, seed=seed), actor)


def merge_themes(run: SynthesisRun, numbers: list[int], actor) -> SynthesisRun:
    """A new run with the themes `numbers` of `run` made one."""
    numbers = sorted(set(numbers))
    if len(numbers) < 2 or any(run.theme(n) is None for n in numbers):
        raise DeliberationError(_("Choose two or more themes of this run to merge."))
    return _queue(_derived(run, {"merge": numbers}), actor)


def split_theme(run: SynthesisRun, number: int, actor, *, parts: int | None = None
                ) -> SynthesisRun:
    """A new run with theme `number` of `run` split in `parts` (or as its statements fall)."""
    theme = run.theme(number)
    if theme is None:
        raise DeliberationError(_("There is no such theme in this run."))
    if len(theme["members"]) < 2:
        raise DeliberationError(_("A theme of one statement cannot be split."))
    if parts is not None and not 2 <= parts <= len(theme["members"]):
        raise DeliberationError(_("A theme of %(count)s statements splits in 2 to %(count)s "
                                  "parts.") % {"count": len(theme["members"])})
    return _queue(_derived(run, {"split": number, "parts": parts}), actor)


def _derived(run: SynthesisRun, operation: dict) -> SynthesisRun:
    if run.status != SynthesisRun.Status.DONE:
        raise DeliberationError(_("The run has not finished."))
    return SynthesisRun(dialogue=run.dialogue, workshop=run.workshop, session=run.session,
                        themes_asked=run.themes_asked, engine=run.engine, seed=run.seed,
                        parent=run, operation=operation)


def _queue(run: SynthesisRun, actor) -> SynthesisRun:
    from idm.deliberation.tasks import synthesize  # its module imports this one's models

    run.full_clean()
    run.created_by = _user(actor)
    run.message = SynthesisRun.WAITING
    with transaction.atomic():
        core_services.save(run, actor)
        jobs.enqueue(run, synthesize)
    return run


def retry_synthesis(run: SynthesisRun) -> SynthesisRun:
    from idm.deliberation.tasks import synthesize

    if not jobs.retry(run, synthesize):
        raise DeliberationError(_("Only a failed run can be run again."))
    return run


def key_message_from_theme(run: SynthesisRun, number: int, actor, *, title: str,
                           body: str = "") -> KeyMessage:
    """A draft key message of the run's dialogue whose evidence is the theme's statements, best
    member first; the theme remembers it."""
    theme = run.theme(number)
    if theme is None:
        raise DeliberationError(_("There is no such theme in this run."))
    ids = [int(m["id"]) for m in theme["members"]]
    with transaction.atomic():
        locked = SynthesisRun.objects.select_for_update().get(pk=run.pk)
        made = (locked.theme(number) or {}).get("key_message")
        # A key message deleted since leaves the theme free to become one again.
        if made and KeyMessage.objects.filter(pk=made).exists():
            raise DeliberationError(_("This theme is already a key message."))
        statements = dialogue_statements(run.dialogue).filter(pk__in=ids, complete=True
                                                               ).in_bulk()
        if not statements:
            raise DeliberationError(_("None of the theme's statements is left."))
        next_number = (run.dialogue.key_messages.aggregate(n=Max("number"))["n"] or 0) + 1
        key_message = KeyMessage(dialogue=run.dialogue, number=next_number, title=title.strip(),
                                 body=body.strip())
        save_key_message(key_message, actor)
        note = (_("Theme: %(label)s") % {"label": theme["label"]})[:300]
        core_services.save_many([
            KeyMessageEvidence(key_message=key_message, statement=statements[pk], order=order,
                               note=note)
            for order, pk in enumerate((pk for pk in ids if pk in statements), 1)], actor)
        locked.report["themes"] = [dict(t, key_message=key_message.pk) if t["number"] == number
                                   else t for t in locked.report["themes"]]
        # The report is the run's result, not a text anyone edits: its audit entry says what
        # changed in it, not the whole of it before and after.
        SynthesisRun.objects.filter(pk=run.pk).update(report=locked.report)
        core_services.record(actor, AuditEntry.Action.UPDATE, run,
                             {"key_message": [None, key_message.pk], "theme": [None, number]})
    run.report = locked.report
    return key_message


# What the rapporteur needs to see -------------------------------------------------------------


def evidence_spread(key_message: KeyMessage) -> dict:
    """How a key message's evidence spreads over stakeholder categories and events."""
    categories, events = Counter(), Counter()
    for evidence in key_message.evidence.select_related(
            "statement__speaker_category", "statement__session__workshop",
            "statement__reference_event"):
        statement = evidence.statement
        categories[statement.speaker_category.name if statement.speaker_category_id
                   else _("Not given")] += 1
        events[statement.session.workshop.city if statement.session_id
               else statement.reference_event.title] += 1
    return {"categories": categories.most_common(), "events": events.most_common(),
            "total": sum(categories.values())}


def dialogue_statements(dialogue: Dialogue):
    """Everything said in the dialogue's workshops and in its reference events."""
    return Statement.objects.filter(
        Q(session__workshop__dialogue=dialogue) | Q(reference_event__dialogue=dialogue)
    ).select_related("person", "speaker_category", "session__workshop", "reference_event")


def unsupported_statements(dialogue: Dialogue):
    """Complete statements of the dialogue that back no key message yet."""
    return (dialogue_statements(dialogue).filter(complete=True)
            .exclude(kind=Statement.Kind.NOTE).filter(key_message_evidence=None))
