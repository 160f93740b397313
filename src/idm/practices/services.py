"""What changes practices, and what the registry reads: saving a practice (audited, indexed for
search, its tags suggested), a registered user's submission and the secretariat's review, the
public's practices, the facets of a search and the RCPs as organizations."""

import csv
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from idm.core import search
from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.deliberation import tag_suggestions
from idm.practices import mail
from idm.practices.models import Link, Practice

SEARCH_KIND = "practice"
RCPS = Path(__file__).parent / "data" / "rcps.csv"


def searchable_text(practice: Practice) -> str:
    """Title and summary in every language, and who implements it."""
    texts = [getattr(practice, f"{field}_{code}") or ""
             for field in ("title", "summary") for code in LANGUAGES]
    texts += [str(o) for o in practice.implementers.all()]
    texts += [str(o) for o in practice.partners.all()]
    return "\n".join(t for t in texts if t)


def reindex(practice: Practice) -> None:
    search.index(SEARCH_KIND, practice.pk, searchable_text(practice))


def after_change(practice: Practice, *, suggest: bool = True) -> None:
    """What follows any change of a practice once its relations are saved: the search reads its
    new words (and its implementers' names), and new words get their tags suggested."""
    reindex(practice)
    if suggest and suggested_tags(practice) is None:
        ask_tags([practice.pk])


def save(practice: Practice, actor, *, relations: dict | None = None,
         suggest: bool = True) -> Practice:
    """Saves the practice and its many-to-many `relations` ({field: objects}) in one
    transaction, audited and indexed; `suggest=False` when the caller asks for the tag
    suggestions of many at once."""
    with transaction.atomic():
        core_services.save(practice, actor)
        for field, objects in (relations or {}).items():
            getattr(practice, field).set(objects)
        after_change(practice, suggest=suggest)
    return practice


# So many of a user's practices may wait for review at once: a form cannot flood the secretariat.
WAITING_LIMIT = 20


WAITING = (Practice.Status.SUBMITTED, Practice.Status.UNDER_REVIEW)  # for the secretariat


def waiting_review(user) -> int:
    return Practice.objects.filter(submitted_by=user, status__in=WAITING).count()


def submit(practice: Practice, user, *, relations: dict,
           links: list[tuple[str, str]] = ()) -> Practice:
    """A registered user's practice, with its links, waiting for the secretariat's review; the
    submitter hears that it was received."""
    practice.status = Practice.Status.SUBMITTED
    practice.submitted_by = user
    with transaction.atomic():
        save(practice, user, relations=relations)
        core_services.save_many([Link(practice=practice, title=title, url=url)
                                 for title, url in links], user)
        mail.notify_submitter(practice)
    return practice


def review(practice: Practice, actor, *, status: str, message: str,
           relations: dict | None = None) -> Practice:
    """The secretariat's decision on a practice (its status, a message to the submitter, the
    tags it settles on); the submitter is written to when the status or the message changes."""
    changed = (status, message) != (practice.status, practice.review_message)
    practice.status, practice.review_message = status, message
    with transaction.atomic():
        save(practice, actor, relations=relations)
        if changed:
            mail.notify_submitter(practice)
    return practice


def submitted_by(user) -> QuerySet:
    return Practice.objects.filter(submitted_by=user).order_by("-created_at", "-pk")


# Tag suggestions: the GCM objectives and SDG targets that the title and summary most likely
# concern, for the secretariat's review, worked out by a worker as a statement's are.

def tag_words(practice: Practice) -> str:
    """The words the suggestions are made for: title and summary in the submitter's language."""
    # The words in the submitter's language, else the first language that has them: never the
    # language a page happens to be in, so the worker and the pages read the same words.
    languages = (practice.language, *LANGUAGES)
    return "\n\n".join(next((getattr(practice, f"{field}_{code}") for code in languages
                              if getattr(practice, f"{field}_{code}")), "")
                        for field in ("title", "summary")).strip()


def suggested_tags(practice: Practice) -> dict | None:
    """As tag_suggestions.read: None while no suggestion was made for the present words."""
    return tag_suggestions.read(tag_words(practice), practice.suggested_tags)


def ask_tags(practice_ids) -> None:
    from idm.practices.tasks import suggest_tags as task

    ids = sorted(set(practice_ids))
    if ids and settings.IDM_TAG_SUGGESTIONS:
        transaction.on_commit(lambda: task.enqueue(ids))


def suggest_tags(practice_ids) -> int:
    """Works out and keeps the suggestions of the practices whose words have none; returns how
    many. A practice whose words changed meanwhile keeps none: its change asked for its own."""
    practices = [p for p in Practice.objects.filter(pk__in=practice_ids)
                 if suggested_tags(p) is None and tag_words(p)]
    if not practices:
        return 0
    words = [tag_words(p) for p in practices]
    kept = 0
    for practice, value in zip(practices, tag_suggestions.work_out(words), strict=True):
        # Derived from the words, not an editor's change: kept without an audit entry.
        fresh = Practice.objects.filter(pk=practice.pk).first()
        if fresh is not None and tag_words(fresh) == tag_words(practice):
            kept += Practice.objects.filter(pk=practice.pk).update(suggested_tags=value)
    return kept


def published() -> QuerySet:
    return Practice.objects.filter(status=Practice.Status.PUBLISHED)


def with_related(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related("implementers__category", "partners", "countries",
                                     "gcm_objectives", "progress_reports")


# Facets: what the registry filters on, each with its field path.
FACETS = {
    "objective": "gcm_objectives__number",
    "principle": "principles__code",
    "region": "countries__region",
    "country": "countries__iso2",
    "type": "type",
    "level": "level",
    "category": "implementers__category__code",
}


def filtered(queryset: QuerySet, chosen: dict) -> QuerySet:
    """The practices that have every chosen facet value ({facet: value})."""
    for facet, value in chosen.items():
        queryset = queryset.filter(**{FACETS[facet]: value})
    return queryset.distinct()


def facet_counts(queryset: QuerySet) -> dict[str, dict]:
    """For each facet, how many of these practices have each value."""
    found = queryset.order_by().values("pk")  # a subquery, however many practices match
    counts = {}
    for facet, path in FACETS.items():
        rows = (Practice.objects.filter(pk__in=found).exclude(**{f"{path}__isnull": True})
                .order_by().values(path).annotate(n=Count("pk", distinct=True)))
        counts[facet] = {row[path]: row["n"] for row in rows if row[path] not in ("", None)}
    return counts


def matching_words(queryset: QuerySet, words: str) -> search.Results:
    """Ranked, for a page of results."""
    return search.Results(queryset, SEARCH_KIND, words)


def matching(queryset: QuerySet, words: str) -> QuerySet:
    """All that match, for the facets' counts."""
    return search.matching(queryset, SEARCH_KIND, words)


def public_statements_of(practice: Practice) -> QuerySet:
    from idm.deliberation import privacy

    return privacy.public_statements(practice.statements.select_related(
        "session__workshop", "person", "speaker_category", "reference_event"))


def public_key_messages_of(practice: Practice) -> QuerySet:
    from idm.deliberation.models import KeyMessage

    return practice.key_messages.filter(status=KeyMessage.Status.FINAL).select_related("dialogue")


def load_rcps(apps=global_apps) -> int:
    """The regional consultative processes and inter-regional forums of data/rcps.csv as
    organizations of their category (created or updated by name); `apps` is the migration state
    when run from one. Returns how many there are."""
    organization = apps.get_model("dialogues", "Organization")
    category = apps.get_model("core", "StakeholderCategory").objects.filter(code="rcp_irf").first()
    if category is None:  # no reference data in this database (a migration test's empty state)
        return 0
    with RCPS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        acronym = row["acronym"] if row["acronym"] != row["name"] and len(row["acronym"]) <= 30 else ""
        found = organization.objects.filter(Q(name=row["name"]) | Q(name_en=row["name"])).first()
        values = {"acronym": acronym, "category": category, "region": row["region"]}
        if found is None:
            organization.objects.create(name=row["name"], name_en=row["name"], **values)
        else:
            for key, value in values.items():
                setattr(found, key, value)
            found.save()
    return len(rows)
