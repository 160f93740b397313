"""Many people registering at the same moment: the capacity holds and no e-mail registers twice.

Real threads, each with its own database connection, on the suite's database: PostgreSQL in
CI's second pass (row locks), SQLite in the first (serialized writers).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from idm.core.models import StakeholderCategory
from idm.dialogues import participants
from idm.dialogues.models import Person, Registration, Workshop
from tests.dialogues import factories

pytestmark = pytest.mark.integration
CLIENTS = 60
CAPACITY = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity_nor_repeat_an_email(reference):
    workshop = factories.workshop(registration=Workshop.Registration.OPEN, capacity=CAPACITY)
    category = StakeholderCategory.objects.get(code="ngo")
    # 60 attempts by 50 people: ten of them try twice at the same moment.
    emails = [f"person{n}@example.org" for n in range(50)] + [
        f"PERSON{n}@example.org" for n in range(10)]
    start = threading.Barrier(CLIENTS)
    outcomes = []

    def attempt(email):
        start.wait()
        try:
            participants.register(workshop, participants.RegistrationData(
                email=email, family_name="Tester", category=category))
            return "registered"
        except participants.RegistrationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        outcomes = list(pool.map(attempt, emails))

    registrations = Registration.objects.filter(workshop=workshop)
    assert outcomes.count("registered") == 50 and outcomes.count("refused") == 10
    assert registrations.count() == 50
    assert registrations.filter(status__in=Registration.SEATED).count() == CAPACITY
    assert registrations.filter(status="waitlisted").count() == 50 - CAPACITY
    assert registrations.values("email").distinct().count() == 50
    assert Person.objects.filter(email__iendswith="@example.org").count() == 50
    print(f"{connection.vendor}: {CLIENTS} concurrent registrations")
