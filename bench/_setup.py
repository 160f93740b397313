"""Shared set-up for the benchmarks: a scratch PostgreSQL database (or the one IDM_BENCH_DATABASE_URL
names), migrated, with Django configured; and a timer that reports the median of warm runs."""

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/idm_bench"


def setup_django(fresh: bool = True) -> str:
    """Creates (or recreates) the bench database, points idm at it and migrates it."""
    url = os.environ.get("IDM_BENCH_DATABASE_URL", DEFAULT_URL)
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, autocommit=True) as connection:
            if fresh:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                        [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL is needed at {server}: {error}")
    os.environ["IDM_DATABASE_URL"] = url
    os.environ.setdefault("IDM_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idm.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # E-mails are kept in memory: the benchmarks measure idm, not a terminal printing mail.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("migrate", verbosity=0)
    return url


def median_seconds(run, repeat: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(runs: int, function, *args, **kwargs):
    """(median seconds of `runs` calls, the last call's result)."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result
