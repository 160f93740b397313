"""One search interface, two engines: each finds exactly what a plain reading of the query finds.

The suite runs on SQLite (FTS5) and on PostgreSQL (tsvector) in CI; both are held here to the
same oracle, a few lines of Python that apply the query's meaning to the folded words, so the
two engines give the same hits for the same data.
"""

import csv
import re

import pytest

from idm.core import search
from idm.deliberation.demo import DATA
from idm.deliberation.models import Statement
from tests.dialogues import factories

QUERIES = ["migration", "migrants -refugees", '"global compact"', "refugees OR asylum",
           "diaspora*", "partnership* migra*", "capacity development", "Migración",
           "REMITTANCES", '"safe orderly and regular"', "traffick* smuggl*",
           "climate OR environment displacement", "10 7", "qwertyuiop", '-migration']


def oracle(text: str, query: str) -> bool:
    """What a query means, read plainly."""
    parsed = search.parse(query)
    if not parsed:
        return False
    tokens = search.words(text)
    joined = " " + " ".join(tokens) + " "

    def has(term: search.Term) -> bool:
        if len(term.words) > 1:
            return f" {' '.join(term.words)} " in joined
        word = term.words[0]
        return any(t.startswith(word) for t in tokens) if term.prefix else word in tokens

    return (all(any(has(t) for t in group) for group in parsed.groups)
            and not any(has(t) for t in parsed.excluded))


@pytest.fixture
def corpus(reference):
    """The 403 General Debate paragraphs, indexed."""
    workshop = factories.workshop()
    session = factories.session(workshop, workshop.first_day, *factories.times(10, 11))
    session.save()
    with (DATA / "ungdc-2018-migration.csv").open(encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    statements = Statement.objects.bulk_create(
        Statement(session=session, speaker_name="Delegate", text=text) for text in texts)
    search.index_many("statement", [(s.pk, s.text) for s in statements])
    return {s.pk: s.text for s in statements}


@pytest.mark.integration
@pytest.mark.parametrize("query", QUERIES)
def test_the_engine_finds_what_the_query_means(corpus, query):
    found = set(search.matching(Statement.objects.all(), "statement", query)
                .values_list("pk", flat=True))
    expected = {pk for pk, text in corpus.items() if oracle(text, query)}
    assert found == expected


@pytest.mark.integration
def test_the_corpus_gives_real_work_to_the_engines(corpus):
    sizes = {q: sum(oracle(t, q) for t in corpus.values()) for q in QUERIES}
    assert sizes["migration"] > 100 and 0 < sizes['"global compact"'] < sizes["migration"]
    assert sizes["REMITTANCES"] > 0 and sizes["diaspora*"] > 0
    assert sizes["qwertyuiop"] == 0 and sizes["-migration"] == 0


@pytest.mark.integration
def test_results_are_ranked_and_compose_with_filters(corpus):
    found = search.matching(Statement.objects.all(), "statement", "migration")
    ranks = [s.search_rank for s in found[:20]]
    assert ranks == sorted(ranks, reverse=True)
    narrowed = search.matching(Statement.objects.filter(pk__in=list(corpus)[:50]), "statement",
                               "migration")
    assert set(narrowed.values_list("pk", flat=True)) <= set(list(corpus)[:50])


@pytest.mark.integration
def test_reindexing_replaces_the_old_words(corpus):
    pk = next(iter(corpus))
    search.index("statement", pk, "Entirely new words about zanzibar")
    assert list(search.matching(Statement.objects.all(), "statement", "zanzibar")
                .values_list("pk", flat=True)) == [pk]
    search.remove("statement", pk)
    assert not search.matching(Statement.objects.all(), "statement", "zanzibar").exists()


@pytest.mark.unit
def test_queries_translate_to_both_engines():
    query = search.parse('Partnerships "global compact" refugees OR asylum -visa migra*')
    assert search._fts5(query) == ('("partnerships") AND ("global compact") AND ("refugees" OR '
                                   '"asylum") AND ("migra"*) NOT "visa"')
    assert search._tsquery(query) == ("(('partnerships')) & (('global' <-> 'compact')) & "
                                      "(('refugees') | ('asylum')) & (('migra':*)) & !('visa')")


@pytest.mark.unit
def test_words_are_folded():
    assert search.words("Migración, l'Été — «Côte d'Ivoire» 10.7") == [
        "migracion", "l", "ete", "cote", "d", "ivoire", "10", "7"]


@pytest.mark.unit
def test_highlight_marks_matches_and_escapes_the_rest():
    html = search.highlight("Les migrants <b>et</b> la Migración", "migration* migrants")
    assert html == ("Les <mark>migrants</mark> &lt;b&gt;et&lt;/b&gt; la Migración")
    html = search.highlight("We support the Global Compact today.", '"global compact"')
    assert "<mark>Global</mark> <mark>Compact</mark>" in html
    assert search.highlight("a " * 50 + "target" + " b" * 50, "target", context=10).startswith("… ")


@pytest.mark.unit
def test_quotes_cannot_break_out_of_either_engine():
    query = search.parse("it's \"o'neil\" 'x' \"\" OR -")
    assert all(re.fullmatch(r"[^\W_]+", w) for t in query.terms for w in t.words)
