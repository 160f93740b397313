"""While a long import holds the database, a visitor who registers is asked to try again (503),
and nothing half-done is left; never a server error."""

import sqlite3

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from idm.dialogues.models import Registration, Workshop
from tests.dialogues import factories
from tests.dialogues.test_registration import form_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def hold_the_database(workshop: Workshop):
    """Another connection in the middle of a long write, as an import is: on SQLite it holds
    the database's write lock, on PostgreSQL the workshop's row (imports lock it too)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        other = sqlite3.connect(settings["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 200")  # not 20 s in a test
        return other
    other = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"], password=settings["PASSWORD"],
                            dbname=settings["NAME"])
    other.execute("SELECT id FROM dialogues_workshop WHERE id = %s FOR UPDATE", [workshop.pk])
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    return other


def test_registering_while_the_database_is_busy_says_try_again(client, reference):
    workshop = factories.workshop(registration=Workshop.Registration.OPEN)
    url = reverse("dialogues:register", args=[workshop.slug])
    other = hold_the_database(workshop)
    try:
        response = client.post(url, form_data())
    finally:
        other.close()  # its transaction ends unfinished: rolled back
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing of what you sent was saved" in response.content.decode()
    assert not Registration.objects.exists()
    # Once the import is over, the same form goes through.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert client.post(url, form_data()).status_code == 302
    assert Registration.objects.count() == 1
