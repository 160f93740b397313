"""Claim: full-text search over one million statements answers a typical query, with filters
and ranking, in well under a second on both databases.

Peer: the same question asked the way an app without full-text search asks it,
`Statement.objects.filter(text__icontains=...)` (a LIKE scan), measured in the same run on the
same data. Both engines are measured: SQLite (FTS5) in a file under var/bench, PostgreSQL
(tsvector and GIN) in the scratch database.
Run: `.venv/bin/python bench/search_million.py [--rows N]` (needs PostgreSQL at 127.0.0.1:5432).
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [("migration", "migration"), ('"global compact"', "global compact"),
           ("remittances", "remittances"), ("traffickers", "traffickers")]


def build_and_measure(rows: int) -> None:
    """Runs inside a process whose IDM_DATABASE_URL names one database."""
    import django
    from _setup import median_seconds

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from idm.core import search
    from idm.deliberation.models import Statement
    from idm.dialogues.models import Dialogue, Series, Session, Workshop

    series = Series.objects.create(slug="bench", name_en="Bench")
    dialogue = Dialogue.objects.create(series=series, number=1, year=2030, theme_en="Bench")
    workshop = Workshop.objects.create(dialogue=dialogue, slug="bench", title_en="Bench",
                                       city_en="Geneva", time_zone="Europe/Zurich",
                                       first_day="2030-01-01", last_day="2030-01-02")
    import datetime

    sessions = [Session.objects.create(
        workshop=workshop, title_en=f"Session {n}", kind="panel",
        start=datetime.datetime(2030, 1, 1, 8 + n % 10, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 1, 1, 9 + n % 10, tzinfo=datetime.UTC)) for n in range(20)]
    source = ROOT / "src/idm/deliberation/demo_data/ungdc-2018-migration.csv"
    with source.open(encoding="utf-8") as f:
        sentences = [s.strip() + "." for row in csv.DictReader(f)
                     for s in row["text"].split(".") if len(s.split()) > 4]
    rng = random.Random(1_000_000)
    started = time.perf_counter()
    batch = 20_000
    for offset in range(0, rows, batch):
        statements = Statement.objects.bulk_create(
            Statement(session=sessions[(offset + n) % 20], speaker_name="Delegate",
                      text=" ".join(rng.sample(sentences, 3)), order=offset + n,
                      attribution=rng.choice(["attributed", "chatham-house", "anonymous"]))
            for n in range(min(batch, rows - offset)))
        search.index_many("statement", [(s.pk, s.text) for s in statements])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    engine = "PostgreSQL tsvector" if connection.vendor == "postgresql" else "SQLite FTS5"
    print(f"{engine}: {rows:,} statements loaded and indexed in {loaded:.0f} s")
    statements = Statement.objects.filter(complete=True)
    for query, phrase in QUERIES:
        def idm_query(query=query):
            page = search.matching(statements.filter(session__workshop=workshop), "statement",
                                   query)
            return page.count(), list(page[:25])

        def like_query(phrase=phrase):
            page = statements.filter(session__workshop=workshop, text__icontains=phrase)
            return page.count(), list(page.order_by("-pk")[:25])

        hits = idm_query()[0]
        idm_seconds = median_seconds(idm_query, repeat=3)
        like_seconds = median_seconds(like_query, repeat=3)
        print(f"  {query:<20} {hits:>8,} hits  idm {idm_seconds * 1000:8.1f} ms   "
              f"LIKE scan {like_seconds * 1000:9.1f} ms   ratio {like_seconds / idm_seconds:6.1f}x")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.engine:
        build_and_measure(args.rows)
        return
    from _setup import DEFAULT_URL, setup_django

    # One child process per engine, each with its own settings.
    url = os.environ.get("IDM_BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django()  # recreates the PostgreSQL scratch database
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    sqlite_file = bench_dir / "search.sqlite3"
    sqlite_file.unlink(missing_ok=True)
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "idm.settings",
            "IDM_DATA_DIR": str(bench_dir), "PYTHONPATH": str(Path(__file__).parent)}
    for engine, database in (("sqlite", f"sqlite:///{sqlite_file}"), ("postgresql", url)):
        subprocess.run([sys.executable, __file__, "--engine", engine, "--rows", str(args.rows)],
                       env={**base, "IDM_DATABASE_URL": database}, check=True)


if __name__ == "__main__":
    main()
