"""One search interface, two engines: each finds exactly what a plain reading of the query finds.

The suite runs on SQLite (FTS5) and on PostgreSQL (tsvector) in CI; both are held here to the
same oracle, a few lines of Python that apply the query's meaning to the folded words, so the
two engines give the same hits for the same data.
"""

import csv
import re

import pytest
from django.urls import reverse

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


def ranked(found) -> list[int]:
    return [s.pk for s in found]


@pytest.mark.integration
@pytest.mark.parametrize("query", ["migration", '"global compact"', "refugees OR asylum"])
def test_a_page_holds_the_best_ranked_matches(corpus, query):
    everything = search.matching(Statement.objects.all(), "statement", query)
    results = search.Results(Statement.objects.all(), "statement", query)
    assert results.count() == everything.count() and not results.more
    assert ranked(results[:25]) == ranked(everything[:25])
    assert ranked(results[25:50]) == ranked(everything[25:50])


@pytest.mark.integration
def test_past_the_bound_the_count_says_more_and_the_newest_matches_are_ranked(corpus):
    hits = [pk for pk, text in corpus.items() if oracle(text, "migration")]
    assert len(hits) > 100
    results = search.Results(Statement.objects.all(), "statement", "migration", bound=100)
    assert results.count() == 100 and results.more
    # The 100 indexed last, in the order every match is ranked in.
    newest = set(sorted(hits)[-100:])
    everything = ranked(search.matching(Statement.objects.all(), "statement", "migration"))
    assert ranked(results[:100]) == [pk for pk in everything if pk in newest]
    exact = search.Results(Statement.objects.all(), "statement", "migration", bound=len(hits))
    assert exact.count() == len(hits) and not exact.more


@pytest.mark.integration
def test_a_statement_that_says_the_word_more_often_comes_first(reference):
    workshop = factories.workshop()
    session = factories.session(workshop, workshop.first_day, *factories.times(10, 11))
    session.save()
    texts = {times: " ".join(["remittances"] * times + ["fill"] * (6 - times))
             for times in (1, 3, 2)}
    statements = {times: Statement.objects.create(session=session, text=text)
                  for times, text in texts.items()}
    search.index_many("statement", [(s.pk, s.text) for s in statements.values()])
    results = search.Results(Statement.objects.all(), "statement", "remittances")
    assert ranked(results[:25]) == [statements[3].pk, statements[2].pk, statements[1].pk]


@pytest.mark.integration
def test_the_search_page_says_more_than_the_bound_and_pages_through_it(corpus, client,
                                                                         settings):
    hits = [pk for pk, text in corpus.items() if oracle(text, "migration")]
    still_typed = hits[-3:]  # the newest: a bound must not let them in
    Statement.objects.filter(pk__in=still_typed).update(complete=False)
    settings.IDM_SEARCH_BOUND = 50
    url = reverse("deliberation:search")
    html = client.get(url, {"q": "migration"}).content.decode()
    assert "More than 50 statements" in html and "Page 1 of 2" in html
    last = client.get(url, {"q": "migration", "page": 9}).content.decode()
    assert "Page 2 of 2" in last and last.count('<article class="statement') == 25
    shown = {int(pk) for pk in re.findall(r'id="statement-(\d+)"', html + last)}
    assert shown == set(hits[-53:-3])
    # Under the bound the count is exact.
    settings.IDM_SEARCH_BOUND = 10_000
    html = client.get(url, {"q": "migration"}).content.decode()
    assert f"{len(hits) - 3} statements" in html and "More than" not in html


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
