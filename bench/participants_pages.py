"""Claim: at 10,000 registrations the secretariat's participants list and the statistics page
answer within a second on PostgreSQL.

Peers, measured in the same run on the same data: for the list, Django's admin change list of
registrations (the page Django gives for free); for the statistics, the same figures counted by
PostgreSQL alone with one GROUP BY query per dimension (the floor of any implementation).
Run: `.venv/bin/python bench/participants_pages.py` (needs PostgreSQL at 127.0.0.1:5432).
"""

import random

from _setup import median_seconds, setup_django

REGISTRATIONS = 10_000


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from idm.core.models import Country, StakeholderCategory
    from idm.dialogues import statistics
    from idm.dialogues.models import Dialogue, Person, Registration, Series, Workshop

    rng = random.Random(10_000)
    series = Series.objects.create(slug="bench", name_en="Bench")
    dialogue = Dialogue.objects.create(series=series, number=1, year=2030, theme_en="Bench")
    workshop = Workshop.objects.create(dialogue=dialogue, slug="bench", title_en="Bench",
                                       city_en="Geneva", time_zone="Europe/Zurich",
                                       first_day="2030-01-01", last_day="2030-01-02")
    categories = list(StakeholderCategory.objects.all())
    countries = list(Country.objects.filter(independent=True))
    people = Person.objects.bulk_create(
        Person(given_name=f"Given{n}", family_name=f"Family{n}", email=f"p{n}@example.org",
               gender=rng.choice(["female", "male", "", "other"]))
        for n in range(REGISTRATIONS))
    Registration.objects.bulk_create(
        Registration(workshop=workshop, person=p, email=p.email,
                     category=rng.choice(categories), country=rng.choice(countries),
                     status=rng.choice(["approved"] * 8 + ["pending", "waitlisted"]),
                     consent_public=rng.random() < 0.7, token=f"t{p.pk}")
        for p in people)
    user = get_user_model().objects.create_user("bench", password="bench", is_staff=True,
                                                is_superuser=True)
    user.groups.add(Group.objects.get(name="secretariat"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    list_url = "/en/manage/workshops/bench/registrations/"
    idm_list = median_seconds(lambda: get(list_url))
    idm_search = median_seconds(lambda: get(list_url + "?q=Family99&status=approved"))
    admin_list = median_seconds(lambda: get("/en/admin/dialogues/registration/"))
    idm_stats = median_seconds(lambda: get("/en/manage/statistics/workshop/bench/"))
    idm_compute = median_seconds(lambda: statistics.for_workshop(workshop))

    def sql_only():
        with connection.cursor() as cursor:
            for column in ("category_id", "country_id", "role", "status"):
                cursor.execute(f"SELECT {column}, COUNT(DISTINCT person_id) FROM "
                               "dialogues_registration WHERE workshop_id = %s AND "
                               f"status = 'approved' GROUP BY {column}", [workshop.pk])
                cursor.fetchall()

    sql_stats = median_seconds(sql_only)
    print(f"{REGISTRATIONS:,} registrations on PostgreSQL, median of 5 warm runs")
    print(f"idm participants list (page 1 of 100):   {idm_list * 1000:7.1f} ms")
    print(f"idm participants list, search + filter:  {idm_search * 1000:7.1f} ms")
    print(f"Django admin change list (peer):         {admin_list * 1000:7.1f} ms")
    print(f"ratio idm list / admin list:             {idm_list / admin_list:7.2f}")
    print(f"idm statistics page:                     {idm_stats * 1000:7.1f} ms")
    print(f"idm statistics computation alone:        {idm_compute * 1000:7.1f} ms")
    print(f"PostgreSQL GROUP BY queries alone (peer): {sql_stats * 1000:6.1f} ms")
    print(f"ratio idm statistics / SQL alone:        {idm_compute / sql_stats:7.2f}")


if __name__ == "__main__":
    main()
