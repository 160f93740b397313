"""Claim: a 10,000-row participants file imports in seconds on SQLite and PostgreSQL, checked
row by row and audited, so that a visitor who registers meanwhile waits seconds, not minutes;
100,000 rows import too.

Peer: Django's `bulk_create` of the same people and registrations with no check, no matching
of known people and no audit log (the floor of any import), measured in the same run.
Run: `.venv/bin/python bench/participant_import.py [--rows 10000] [--engine sqlite|postgresql]`
(both engines by default; PostgreSQL at 127.0.0.1:5432).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from _setup import setup_django

REPEAT = 3


def participants_csv(rows: int, prefix: str = "") -> bytes:
    lines = ["email,given_name,family_name,category,country,organization,status,language"]
    lines += [f"{prefix}person{n}@example.org,Given{n},Family{n},academia,CH,University {n % 50},"
              f"approved,{('en', 'fr', 'es')[n % 3]}" for n in range(rows)]
    return "\n".join(lines).encode()


def run(engine: str, rows: int) -> None:
    if engine == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="idm-bench-"))
        os.environ["IDM_BENCH_DATABASE_URL"] = ""
        os.environ["IDM_DATA_DIR"] = str(folder)
        os.environ["DJANGO_SETTINGS_MODULE"] = "idm.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        call_command("migrate", verbosity=0)
    else:
        setup_django()
    from django.db import connections

    from idm.core.models import StakeholderCategory
    from idm.dialogues import participants
    from idm.dialogues.models import Dialogue, Person, Registration, Series, Workshop

    series = Series.objects.create(slug="bench", name_en="Bench")
    dialogue = Dialogue.objects.create(series=series, number=1, year=2030, theme_en="Bench")
    category = StakeholderCategory.objects.get(code="academia")

    def workshop(slug):
        return Workshop.objects.create(dialogue=dialogue, slug=slug, title_en=slug,
                                       city_en="Geneva", time_zone="Europe/Zurich",
                                       first_day=date(2030, 1, 1), last_day=date(2030, 1, 2),
                                       registration="open", capacity=None,
                                       requires_approval=False)

    idm_times, plain_times, waits = [], [], []
    for run_number in range(REPEAT):
        target = workshop(f"idm-{run_number}")
        content = participants_csv(rows, prefix=f"r{run_number}-")
        waited = {}

        def visitor(target=target, waited=waited, run_number=run_number):
            time.sleep(0.3)  # once the import holds the database
            start = time.perf_counter()
            try:
                participants.register(target, participants.RegistrationData(
                    email=f"visitor{run_number}@example.org", family_name="Visitor",
                    category=category))
                waited["seconds"] = time.perf_counter() - start
            except Exception as error:  # what a visitor would meet
                waited["error"] = repr(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=visitor)
        thread.start()
        start = time.perf_counter()
        result = participants.import_participants(target, content, "bench.csv", "bench")
        idm_times.append(time.perf_counter() - start)
        thread.join()
        assert result.created == rows
        waits.append(waited.get("seconds", waited.get("error")))

        plain = workshop(f"plain-{run_number}")
        start = time.perf_counter()
        people = Person.objects.bulk_create(
            Person(email=f"plain{run_number}-{n}@example.org", given_name=f"Given{n}",
                   family_name=f"Family{n}") for n in range(rows))
        Registration.objects.bulk_create(
            Registration(workshop=plain, person=person, email=person.email, category=category,
                         status="approved") for person in people)
        plain_times.append(time.perf_counter() - start)

    idm_seconds, plain_seconds = statistics.median(idm_times), statistics.median(plain_times)
    print(f"{rows:,} rows on {engine}, median of {REPEAT} runs")
    print(f"idm import_participants():  {idm_seconds:7.2f} s (checked, matched, audited)")
    print(f"Django bulk_create (peer):  {plain_seconds:7.2f} s (no checks, no audit)")
    print(f"ratio idm / plain bulk_create: {idm_seconds / plain_seconds:.1f}")
    print("a registration sent 0.3 s into each import: "
          + ", ".join(f"done after {w:.2f} s" if isinstance(w, float) else w for w in waits))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    if options.engine:
        run(options.engine, options.rows)
        return
    # Each engine in a process of its own: Django is set up once per process.
    for engine in ("sqlite", "postgresql"):
        subprocess.run([sys.executable, __file__, "--engine", engine, "--rows",
                        str(options.rows)], check=True)


if __name__ == "__main__":
    main()
