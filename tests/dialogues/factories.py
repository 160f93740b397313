"""Small factories for dialogues, workshops and sessions in tests."""

from datetime import date, time

from idm.dialogues.models import (
    Dialogue,
    Organization,
    Person,
    Registration,
    Series,
    Session,
    SessionRole,
    Workshop,
)


def series(**values) -> Series:
    defaults = {"slug": "test-series", "name_en": "Test series", "issn_en": "1726-2224"}
    return Series.objects.get_or_create(slug=values.pop("slug", defaults["slug"]),
                                        defaults={**defaults, **values})[0]


def dialogue(number: int = 99, **values) -> Dialogue:
    return Dialogue.objects.create(series=series(), number=number, year=values.pop("year", 2030),
                                   theme_en=values.pop("theme_en", "A test theme"), **values)


def workshop(dialogue_obj: Dialogue | None = None, slug: str = "test-geneva", **values) -> Workshop:
    defaults = {"title_en": "Test workshop", "city_en": "Geneva", "venue_en": "Room XVIII",
                "time_zone": "Europe/Zurich", "first_day": date(2030, 10, 8),
                "last_day": date(2030, 10, 9)}
    return Workshop.objects.create(dialogue=dialogue_obj or dialogue(), slug=slug,
                                   **{**defaults, **values})


def session(workshop_obj: Workshop, day: date, start: time, end: time, **values) -> Session:
    return Session(workshop=workshop_obj, title_en=values.pop("title_en", "A session"),
                   start=workshop_obj.aware(day, start), end=workshop_obj.aware(day, end), **values)


def person(family_name: str = "Okafor", **values) -> Person:
    return Person.objects.create(family_name=family_name, **values)


def times(start_hour: int, end_hour: int) -> tuple[time, time]:
    return time(start_hour), time(end_hour)


def registration(workshop_obj: Workshop, email: str = "", **values) -> Registration:
    """An approved registration by default, for a new person in the civil society category."""
    from idm.core.models import StakeholderCategory

    person_obj = values.pop("person", None) or person(f"Voter{Registration.objects.count() + 1}")
    values.setdefault("status", Registration.Status.APPROVED)
    values.setdefault("category", StakeholderCategory.objects.get(code="civil_society"))
    return Registration.objects.create(workshop=workshop_obj, person=person_obj,
                                       email=email or f"{person_obj.family_name.lower()}@example.org",
                                       **values)


def panel(workshop_values: dict | None = None, **session_values) -> Session:
    """A session on 8 October 2030 with three panelists of one civil-society network (a
    Chatham House speaker's category may show: a group of three); `session.people` lists them."""
    from idm.core.models import StakeholderCategory

    held = workshop(first_day=date(2030, 10, 8), last_day=date(2030, 10, 9),
                    **(workshop_values or {}))
    panel_session = session(held, date(2030, 10, 8), time(10), time(11),
                            title_en="Panel on partnerships", **session_values)
    panel_session.save()
    network = Organization.objects.create(
        name_en="Sahel Network", name="Sahel Network",
        category=StakeholderCategory.objects.get(code="civil_society"))
    people = [person("Diallo", given_name="Amina"), person("Moreau", given_name="Paul"),
              person("Reyes", given_name="Lucia")]
    for order, someone in enumerate(people):
        SessionRole.objects.create(session=panel_session, person=someone, role="panelist",
                                   title_en="Director", organization=network, order=order)
    panel_session.people = people
    return panel_session
