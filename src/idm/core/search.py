"""Full-text search behind one small interface, with two engines: SQLite FTS5 by default,
PostgreSQL full-text search in production. Both see the same folded words and the same query,
so they find the same things; highlighting is done here, from the original text.

    index("statement", pk, text)            # after every change
    matching(Statement.objects, "statement", 'partnerships "capacity development" -visa')
    Results(Statement.objects, "statement", "migration")   # for a page: bounded, ranked
    highlight(text, query)                  # the text, escaped, with <mark> around matches

A query is words (all must appear), "quoted phrases", OR between alternatives, -word to
exclude and word* for a prefix.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: 'Migración' -> 'migracion'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


# The query --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a phrase
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """Groups joined by AND; a group is one or more terms joined by OR; `excluded` are NOT."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.groups)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse(text: str) -> Query:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for negated, phrase, bare in TOKEN.findall(text):
        if bare == "OR":
            join_next = bool(groups)
            continue
        negated = negated == "-" or bare.startswith("-")
        raw = phrase if phrase or not bare else bare.lstrip("-")
        prefix = raw.endswith("*") and not phrase
        found = tuple(words(raw))
        if not found:
            continue
        term = Term(found, prefix=prefix and len(found) == 1)
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts5(query: Query) -> str:
    def term(t: Term) -> str:
        text = '"' + " ".join(t.words) + '"'
        return text + "*" if t.prefix else text

    expression = " AND ".join(
        "(" + " OR ".join(term(t) for t in group) + ")" for group in query.groups)
    for t in query.excluded:
        expression += f" NOT {term(t)}"
    return expression


def _tsquery(query: Query) -> str:
    def term(t: Term) -> str:
        parts = [f"'{w}'" + (":*" if t.prefix else "") for w in t.words]
        return "(" + " <-> ".join(parts) + ")"

    expression = " & ".join("(" + " | ".join(term(t) for t in group) + ")"
                            for group in query.groups)
    for t in query.excluded:
        expression += f" & !{term(t)}"
    return expression


# Indexing ---------------------------------------------------------------------------------------


def index(kind: str, object_id: int, text: str) -> None:
    """Adds or replaces the searchable text of one object."""
    from idm.core.models import SearchEntry

    SearchEntry.objects.update_or_create(kind=kind, object_id=object_id,
                                         defaults={"words": " ".join(words(text))})


def index_many(kind: str, items: list[tuple[int, str]], batch_size: int = 2000) -> None:
    """Indexes many objects at once (imports, the demo, rebuilding)."""
    from idm.core.models import SearchEntry

    SearchEntry.objects.filter(kind=kind, object_id__in=[pk for pk, _ in items]).delete()
    SearchEntry.objects.bulk_create(
        [SearchEntry(kind=kind, object_id=pk, words=" ".join(words(text))) for pk, text in items],
        batch_size=batch_size)


def remove(kind: str, object_id: int) -> None:
    from idm.core.models import SearchEntry

    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


# Searching --------------------------------------------------------------------------------------


def matching(queryset: QuerySet, kind: str, text: str) -> QuerySet:
    """`queryset` narrowed to the objects whose text matches, with `search_rank` (higher is
    better), ordered by it. Other filters compose before or after. Every match is ranked: for a
    page of a common word's matches, `Results` ranks fewer."""
    query = parse(text)
    if not query:
        return queryset.none()
    return _found(queryset, kind, query).order_by("-search_rank", "pk")


class Results:
    """The matches of a query as a search page shows them: among the `bound` most recently
    indexed matches (10,000 unless IDM_SEARCH_BOUND says otherwise), the best ranked first.

    Up to the bound that is every match, ranked, and `count()` is exact; past it `more` is true
    and the count stops at the bound. Ranking is the costly part (every match's words are read),
    so a word found in a third of a million statements is not ranked a third of a million
    times: the engines find the newest matches from their index alone and stop at the bound.
    Django's Paginator takes a Results as it takes a queryset.
    """

    def __init__(self, queryset: QuerySet, kind: str, text: str, *, bound: int | None = None):
        self.queryset, self.kind, self.query = queryset, kind, parse(text)
        self.bound = bound if bound is not None else getattr(settings, "IDM_SEARCH_BOUND",
                                                             10_000)

    @cached_property
    def _candidates(self) -> list[tuple[int, float]]:
        """(pk, rank) of the newest matches, one more than the bound to tell whether there are
        more."""
        if not self.query:
            return []
        newest = (_found(self.queryset.order_by().prefetch_related(None), self.kind, self.query)
                  .order_by("-search_entry").values_list("pk", "search_rank"))[:self.bound + 1]
        if connection.vendor != "postgresql":
            return list(newest)
        with transaction.atomic(), connection.cursor() as cursor:
            # Parallel workers would each walk the index that one process stops walking at
            # the bound: on two cores, 90 ms instead of 70 for 10,000 matches of a million.
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return list(newest)

    @cached_property
    def _ranked(self) -> list[tuple[int, float]]:
        return sorted(self._candidates[:self.bound], key=lambda found: (-found[1], found[0]))

    @property
    def more(self) -> bool:
        return len(self._candidates) > self.bound

    def count(self) -> int:
        return len(self._ranked)

    def __len__(self):
        return self.count()

    def __getitem__(self, page: slice) -> list:
        ranks = dict(self._ranked[page])
        objects = self.queryset.in_bulk(list(ranks))
        for pk, found in objects.items():
            found.search_rank = ranks[pk]
        # One deleted since the ranking is left out rather than failing the page.
        return [objects[pk] for pk in ranks if pk in objects]


def _found(queryset: QuerySet, kind: str, query: Query) -> QuerySet:
    """The matching objects with `search_rank` and `search_entry` (their search entry, in the
    order they were indexed).

    The search tables join the query itself (rather than an IN subquery), so the engine's
    index drives it and the rank is read in the same pass, even over a million rows.
    """
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    joined = [f"core_searchentry.object_id = {table}.id"]
    if connection.vendor == "postgresql":
        tsquery = _tsquery(query)
        return queryset.extra(  # noqa: S610 - values are bound parameters
            tables=["core_searchentry"],
            where=["core_searchentry.kind = %s", *joined,
                   "core_searchentry.vector @@ to_tsquery('simple', %s)"],
            params=[kind, tsquery],
            select={"search_rank": "ts_rank(core_searchentry.vector, to_tsquery('simple', %s))",
                    "search_entry": "core_searchentry.id"},
            select_params=[tsquery])
    return queryset.extra(  # noqa: S610 - values are bound parameters
        tables=["core_searchentry", "core_searchentry_fts"],
        # The unary + keeps SQLite from starting at the kind index and probing the FTS
        # table once per entry: the MATCH then drives the join (40 ms, not 2 s, at 50k).
        # Ordered by the FTS table's rowid, FTS5 walks its index newest first and stops early.
        where=["core_searchentry_fts.rowid = core_searchentry.id",
               "+core_searchentry.kind = %s", *joined, "core_searchentry_fts MATCH %s"],
        params=[kind, _fts5(query)],
        select={"search_rank": "-bm25(core_searchentry_fts)",
                "search_entry": "core_searchentry_fts.rowid"})


def highlight(text: str, query_text: str, *, context: int | None = None) -> SafeString:
    """The text, HTML-escaped, with each matching word in <mark>; with `context`, only the
    first match with that many characters around it."""
    query = parse(query_text)
    singles = {t.words[0]: t.prefix for t in query.terms if len(t.words) == 1}
    phrase_words = {w for t in query.terms if len(t.words) > 1 for w in t.words}

    def hit(word: str) -> bool:
        folded = fold(word)
        if folded in phrase_words or folded in singles:
            return True
        return any(prefix and folded.startswith(w) for w, prefix in singles.items())

    spans = [m.span() for m in WORD.finditer(text) if hit(m.group())]
    start, end = 0, len(text)
    if context is not None and spans:
        start = max(0, spans[0][0] - context)
        end = min(len(text), spans[0][1] + context)
    out, position = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(escape(text[position:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        position = b
    out.append(escape(text[position:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every part escaped above
