"""Claim: over one million statements, the search page's first page (count up to 10,000, the
25 best-ranked statements) comes in under 100 ms for every query, common words included, on
both databases.

Peer: the same question asked the way an app without full-text search asks it,
`Statement.objects.filter(text__icontains=...)` (a LIKE scan), measured in the same run on the
same data; and, for scale, idm's own search when it ranks and counts every match (what the
page did before the bound). Both engines are measured: SQLite (FTS5) in a file under var/bench,
PostgreSQL (tsvector and GIN) in the scratch database. "first page" is what the search page
asks of the search (the count up to the bound and the 25 best-ranked statements); "whole page"
is the page rendered for a visitor.
Run: `.venv/bin/python bench/search_million.py [--rows N] [--repeat 5] [--reuse]` (needs
PostgreSQL at 127.0.0.1:5432; --reuse keeps databases already loaded with N statements).
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [("migration", "migration"), ('"global compact"', "global compact"),
           ("remittances", "remittances"), ("traffickers", "traffickers")]
GOAL_MS = 100


def load(rows: int):
    """A workshop of `rows` statements made of General Debate sentences, indexed."""
    import csv
    import random

    from idm.core import search
    from idm.deliberation.models import Statement
    from idm.dialogues.models import Dialogue, Series, Session, Workshop

    series = Series.objects.create(slug="bench", name_en="Bench")
    dialogue = Dialogue.objects.create(series=series, number=1, year=2030, theme_en="Bench")
    workshop = Workshop.objects.create(dialogue=dialogue, slug="bench", title_en="Bench",
                                       city_en="Geneva", time_zone="Europe/Zurich",
                                       first_day="2030-01-01", last_day="2030-01-02")
    sessions = [Session.objects.create(
        workshop=workshop, title_en=f"Session {n}", kind="panel",
        start=datetime.datetime(2030, 1, 1, 8 + n % 10, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 1, 1, 9 + n % 10, tzinfo=datetime.UTC)) for n in range(20)]
    source = ROOT / "src/idm/deliberation/demo_data/ungdc-2018-migration.csv"
    with source.open(encoding="utf-8") as f:
        sentences = [s.strip() + "." for row in csv.DictReader(f)
                     for s in row["text"].split(".") if len(s.split()) > 4]
    rng = random.Random(1_000_000)
    batch = 20_000
    for offset in range(0, rows, batch):
        statements = Statement.objects.bulk_create(
            Statement(session=sessions[(offset + n) % 20], speaker_name="Delegate",
                      text=" ".join(rng.sample(sentences, 3)), order=offset + n,
                      attribution=rng.choice(["attributed", "chatham-house", "anonymous"]))
            for n in range(min(batch, rows - offset)))
        search.index_many("statement", [(s.pk, s.text) for s in statements])
    return workshop


def build_and_measure(rows: int, repeat: int) -> list[float]:
    """Runs inside a process whose IDM_DATABASE_URL names one database; returns the first
    page's times."""
    import django
    from _setup import median_seconds

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from idm.core import search
    from idm.deliberation import privacy
    from idm.deliberation.models import Statement
    from idm.dialogues.models import Workshop

    engine = "PostgreSQL tsvector" if connection.vendor == "postgresql" else "SQLite FTS5"
    workshop = Workshop.objects.filter(slug="bench").first()
    if workshop and Statement.objects.count() == rows:
        print(f"{engine}: {rows:,} statements already loaded")
    elif Statement.objects.exists():
        sys.exit(f"{engine}: the database holds other statements; run without --reuse")
    else:
        started = time.perf_counter()
        workshop = load(rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a loaded table
        print(f"{engine}: {rows:,} statements loaded and indexed in "
              f"{time.perf_counter() - started:.0f} s")
    print(f"  {'query':<22} {'hits':>8}  {'first page':>10}  {'whole page':>10}  "
          f"{'all ranked':>10}  {'LIKE scan':>10}  LIKE / first page   (ms, median of {repeat})")
    browser = Client(HTTP_HOST="localhost")

    def measure(query: str, phrase: str, label: str, where: dict, filters: dict) -> float:
        """The first page's time for `query` among the public statements `where` selects (as
        the page's `filters` select them)."""
        statements = privacy.public_statements(Statement.objects.filter(**where))

        def first_page():
            """What the search page asks: the count up to the bound, the first 25 ranked."""
            page = Paginator(search.Results(statements, "statement", query), 25).get_page(1)
            return page.paginator.count, list(page.object_list)

        def whole_page():
            response = browser.get(reverse("deliberation:search"),
                                   {"q": query, **filters})
            assert response.status_code == 200

        def all_ranked():
            found = search.matching(statements, "statement", query)
            return found.count(), list(found[:25])

        def like_scan():
            found = statements.filter(text__icontains=phrase)
            return found.count(), list(found.order_by("-pk")[:25])

        hits = search.matching(statements, "statement", query).count()
        first = median_seconds(first_page, repeat=repeat)
        whole = median_seconds(whole_page, repeat=repeat)
        ranked = median_seconds(all_ranked, repeat=max(1, repeat // 2))
        like = median_seconds(like_scan, repeat=max(1, repeat // 2))
        print(f"  {label:<22} {hits:>8,}  {first * 1000:10.1f}  {whole * 1000:10.1f}  "
              f"{ranked * 1000:10.1f}  {like * 1000:10.1f}  {like / first:8.1f}x")
        return first

    firsts = [measure(query, phrase, query, {"session__workshop": workshop},
                      {"workshop": workshop.pk}) for query, phrase in QUERIES]
    slowest = max(firsts) * 1000
    print(f"  goal: every first page under {GOAL_MS} ms: "
          f"{'met' if slowest < GOAL_MS else 'NOT met'} (slowest {slowest:.1f} ms)")
    # Beyond the goal: a common word inside a narrow filter walks many matches to find the
    # newest that pass it.
    session = workshop.sessions.order_by("pk").first()
    measure("migration", "migration", "migration, 1 session", {"session": session},
            {"session": session.pk})
    return firsts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep databases already loaded with --rows statements")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.engine:
        build_and_measure(args.rows, args.repeat)
        return
    from _setup import DEFAULT_URL, setup_django

    # One child process per engine, each with its own settings.
    url = os.environ.get("IDM_BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(fresh=not args.reuse)
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    sqlite_file = bench_dir / f"search-{args.rows}.sqlite3"
    if not args.reuse:
        sqlite_file.unlink(missing_ok=True)
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "idm.settings",
            "IDM_DATA_DIR": str(bench_dir), "PYTHONPATH": str(Path(__file__).parent)}
    for engine, database in (("sqlite", f"sqlite:///{sqlite_file}"), ("postgresql", url)):
        subprocess.run([sys.executable, __file__, "--engine", engine, "--rows", str(args.rows),
                        "--repeat", str(args.repeat)],
                       env={**base, "IDM_DATABASE_URL": database}, check=True)


if __name__ == "__main__":
    main()
