"""Suggested tags for statements: the GCM objectives and SDG targets a statement most likely
concerns (synthesis/tags.py), worked out by a background task once the statement is complete and
shown to the rapporteur who tags it. A suggestion belongs to the words it was made for: when the
words change, it is no longer shown and a new one is asked for."""

from django.conf import settings
from django.db import transaction

from idm.core import reference
from idm.core.models import SdgTarget
from idm.deliberation.models import Statement, text_key

# The core reference data carries the GCM objectives' short titles and French and Spanish titles.
GCM_OBJECTIVES = [reference.DATA_DIR / "gcm_objectives.csv", reference.DATA_DIR / "gcm_objectives_i18n.csv"]


def suggester():
    """The fitted suggester: fitted once (under a minute), then read from idm's data folder."""
    from idm.synthesis import tags

    return tags.cached_suggester(settings.DATA_DIR / "cache", gcm_objectives=GCM_OBJECTIVES)


def needs_suggestion(statement: Statement) -> bool:
    return (statement.complete and bool(statement.text.strip())
            and (statement.suggested_tags or {}).get("words") != text_key(statement.text))


def ask(statement_ids) -> None:
    """Queues the suggestion of the statements' tags once the change that made them is committed."""
    from idm.deliberation.tasks import suggest_tags

    ids = sorted(set(statement_ids))
    if ids and settings.IDM_TAG_SUGGESTIONS:
        transaction.on_commit(lambda: suggest_tags.enqueue(ids))


def suggest(statement_ids) -> int:
    """Works out and keeps the suggestions of the statements that need one; returns how many.
    A statement whose words changed meanwhile keeps none: the change asked for its own."""
    statements = [s for s in Statement.objects.filter(pk__in=statement_ids).only(
        "id", "text", "complete", "suggested_tags") if needs_suggestion(s)]
    if not statements:
        return 0
    kept = 0
    for statement, value in zip(statements, work_out([s.text for s in statements]), strict=True):
        # Derived from the words, not an editor's change: kept without an audit entry.
        kept += Statement.objects.filter(pk=statement.pk, text=statement.text).update(
            suggested_tags=value)
    return kept


def work_out(texts: list[str]) -> list[dict]:
    """The suggestions for each text, as a model keeps them (`suggested_tags`): the words they
    were made for, and the GCM objectives, SDG goals and targets with their scores."""
    made = suggester().suggest(texts)
    return [{
        "words": text_key(text),
        "gcm": [[t.number, t.score] for t in sorted(suggestion.gcm, key=lambda t: -t.score)
                if t.concerned],
        "sdg_goals": [[t.number, t.score] for t in sorted(suggestion.sdg, key=lambda t: -t.score)
                      if t.concerned],
        "sdg_targets": [[t.code, t.score] for t in suggestion.sdg_targets],
    } for text, suggestion in zip(texts, made, strict=True)]


def of(statement: Statement) -> dict | None:
    return read(statement.text, statement.suggested_tags)


def read(text: str, stored: dict | None) -> dict | None:
    """The suggestions kept for these words, or None (none yet, or made for other words):
    {"gcm": {number: score}, "sdg_goals": {goal: score}, "sdg_targets": {code: score}}, the
    targets among those idm's reference data holds (the ones a text can be tagged with)."""
    stored = stored or {}
    if not text.strip() or stored.get("words") != text_key(text):
        return None
    suggested = {kind: {key: score for key, score in stored.get(kind, [])}
                 for kind in ("gcm", "sdg_goals", "sdg_targets")}
    targets = suggested["sdg_targets"]
    held = set(SdgTarget.objects.filter(code__in=targets).values_list("code", flat=True))
    suggested["sdg_targets"] = {code: score for code, score in targets.items() if code in held}
    return suggested
