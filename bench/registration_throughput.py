"""Claim: idm registers concurrent participants on PostgreSQL without exceeding the capacity or
repeating an e-mail, at a throughput close to Django's own unguarded insert.

Peer: Django's ORM `Registration.objects.create()` with no row lock, no duplicate check and no
audit log (what a plain Django app does), measured in the same run with the same clients.
Run: `.venv/bin/python bench/registration_throughput.py` (needs PostgreSQL at 127.0.0.1:5432).
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from _setup import setup_django

CLIENTS = 16
ROUNDS = 3
PER_CLIENT = 40


def main():
    setup_django()
    from django.db import connections

    from idm.core.models import StakeholderCategory
    from idm.dialogues import participants
    from idm.dialogues.models import Dialogue, Person, Registration, Series, Workshop

    series = Series.objects.create(slug="bench", name_en="Bench")
    dialogue = Dialogue.objects.create(series=series, number=1, year=2030, theme_en="Bench")
    category = StakeholderCategory.objects.get(code="ngo")
    total = CLIENTS * PER_CLIENT

    def workshop(slug, capacity):
        return Workshop.objects.create(dialogue=dialogue, slug=slug, title_en=slug,
                                       city_en="Geneva", time_zone="Europe/Zurich",
                                       first_day="2030-01-01", last_day="2030-01-02",
                                       registration="open", capacity=capacity)

    def run(worker):
        barrier = threading.Barrier(CLIENTS)

        def client(number):
            barrier.wait()
            try:
                for item in range(PER_CLIENT):
                    worker(f"c{number}-{item}@example.org")
            finally:
                connections.close_all()

        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(client, range(CLIENTS)))
        return time.perf_counter() - start

    rounds = []
    for number in range(ROUNDS):
        guarded = workshop(f"idm-{number}", capacity=total // 2)
        idm_seconds = run(lambda email, guarded=guarded, number=number: participants.register(
            guarded, participants.RegistrationData(email=f"r{number}-{email}",
                                                   family_name="Bench", category=category)))
        plain = workshop(f"plain-{number}", capacity=total // 2)

        def plain_insert(email, plain=plain, number=number):
            person = Person.objects.create(family_name="Bench", email=f"p{number}-{email}")
            Registration.objects.create(workshop=plain, person=person, email=email,
                                        category=category)

        plain_seconds = run(plain_insert)
        rounds.append((idm_seconds, plain_seconds,
                       guarded.registrations.filter(status__in=Registration.SEATED).count(),
                       plain.registrations.filter(status__in=Registration.SEATED).count()))

    idm_seconds = statistics.median(r[0] for r in rounds)
    plain_seconds = statistics.median(r[1] for r in rounds)
    seated, plain_seated = max(r[2] for r in rounds), min(r[3] for r in rounds)
    print(f"{CLIENTS} concurrent clients, {total} registrations each way, capacity {total // 2}, "
          f"median of {ROUNDS} rounds")
    print(f"idm register():        {total / idm_seconds:8.0f} registrations/s, "
          f"at most {seated} seated (capacity held: {seated == total // 2})")
    print(f"Django plain create(): {total / plain_seconds:8.0f} registrations/s, "
          f"at least {plain_seated} seated (capacity held: {plain_seated <= total // 2})")
    print(f"ratio idm / plain Django throughput: {plain_seconds / idm_seconds:.2f}")

if __name__ == "__main__":
    main()
