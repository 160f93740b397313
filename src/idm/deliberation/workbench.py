"""The synthesis workbench's reading side: the statements of a dialogue, a workshop or a session as
the themes library (synthesis/themes.py) takes them, and a run's themes worked out from them, from
scratch or from its parent's themes by a merge or a split."""

from django.utils.translation import gettext_noop

from idm.deliberation.models import KeyMessageEvidence, RecommendationEvidence, Statement, SynthesisRun
from idm.deliberation.services import dialogue_statements
from idm.synthesis import themes as library


def statements_of(dialogue, workshop=None, session=None):
    """The complete, non-empty statements of the scope, rapporteur's notes left out: what was
    said, whatever its attribution policy (the workbench is the staff's)."""
    found = dialogue_statements(dialogue).filter(complete=True).exclude(
        kind=Statement.Kind.NOTE).exclude(text="")
    if session is not None:
        found = found.filter(session=session)
    elif workshop is not None:
        found = found.filter(session__workshop=workshop)
    return found.select_related("speaker_category", "session__workshop", "reference_event"
                                ).order_by("pk")


def as_input(statement: Statement) -> library.Statement:
    return library.Statement(
        id=str(statement.pk), text=statement.text,
        language=statement.language if statement.language != Statement.Language.OTHER else "",
        category=statement.speaker_category.name if statement.speaker_category_id else "",
        workshop=(statement.session.workshop.city if statement.session_id
                  else statement.reference_event.title),
        session=statement.session.title if statement.session_id else "")


def theme_dict(theme: library.Theme, number: int, key_message: int | None = None) -> dict:
    return {"number": number, **theme.to_dict(), "key_message": key_message}


# The library's steps in the words the pages show: they keep the English message and translate
# it as they show it (synthesis_run.html, views.synthesis_status).
STEPS = {"reading the statements": gettext_noop("Reading the statements"),
         "weighing the words": gettext_noop("Weighing the words"),
         "vectors ready": gettext_noop("Sentence vectors ready"),
         "grouping the statements": gettext_noop("Grouping the statements"),
         "naming the themes": gettext_noop("Naming the themes")}


def _in_steps(progress):
    def step(fraction: float, message: str) -> None:
        progress(fraction, STEPS.get(message, gettext_noop("Themes found")))
    return step


def result(run: SynthesisRun, progress) -> dict:
    """The run's report: its themes, numbered, each with the key message made from it (none
    yet), and the statements that fit none."""
    inputs = [as_input(s) for s in statements_of(run.dialogue, run.workshop, run.session)]
    if run.parent_id is None:
        found = library.find_themes(inputs, themes=run.themes_asked, seed=run.seed,
                                    engine=run.engine, progress=_in_steps(progress))
        return {"statements": len(inputs), "engine": found.engine, "seed": found.seed,
                "themes": [theme_dict(t, n) for n, t in enumerate(found.themes, 1)],
                "unassigned": list(found.unassigned)}
    parent = run.parent.report
    kept = [dict(t) for t in parent["themes"]]
    known = {i.id for i in inputs}
    next_number = max((t["number"] for t in kept), default=0) + 1
    unassigned = [i for i in parent["unassigned"] if i in known]
    progress(0.2, gettext_noop("Reading the themes of the run it is made from"))
    if "merge" in run.operation:
        merged = [t for t in kept if t["number"] in run.operation["merge"]]
        ids = [m["id"] for t in merged for m in t["members"] if m["id"] in known]
        theme = library.describe(inputs, ids, engine=run.engine, seed=run.seed)
        kept = [t for t in kept if t not in merged]
        kept.append(theme_dict(theme, next_number))
    else:
        split = next(t for t in kept if t["number"] == run.operation["split"])
        ids = [m["id"] for m in split["members"] if m["id"] in known]
        parts = library.split(inputs, ids, parts=run.operation.get("parts"), seed=run.seed,
                              engine=run.engine)
        at = kept.index(split)
        kept[at:at + 1] = [theme_dict(t, next_number + i) for i, t in enumerate(parts.themes)]
        unassigned += list(parts.unassigned)
    progress(0.9, gettext_noop("Ordering the themes"))
    for theme in kept:  # statements deleted since the parent ran are gone from its themes
        theme["members"] = [m for m in theme["members"] if m["id"] in known]
    kept = [t for t in kept if t["members"]]
    kept.sort(key=lambda t: (-len(t["members"]), t["number"]))
    return {"statements": len(inputs), "engine": run.engine, "seed": run.seed, "themes": kept,
            "unassigned": unassigned}


def evidence_of(statement_ids) -> dict[int, list[tuple[str, int]]]:
    """For each statement already used as evidence: what it supports, ("km", key message
    number) or ("rec", recommendation id)."""
    used: dict[int, list[tuple[str, int]]] = {}
    for statement, number in KeyMessageEvidence.objects.filter(
            statement__in=statement_ids).values_list("statement", "key_message__number"):
        used.setdefault(statement, []).append(("km", number))
    for statement, pk in RecommendationEvidence.objects.filter(
            statement__in=statement_ids).values_list("statement", "recommendation"):
        used.setdefault(statement, []).append(("rec", pk))
    return used
