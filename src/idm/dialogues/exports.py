"""Agenda exports: CSV and XLSX (the import's columns), ICS for calendars, PDF through Typst."""

from datetime import UTC, datetime
from pathlib import Path

import icalendar
from django.utils import translation
from django.utils.translation import gettext as _

from idm.core.languages import LANGUAGES
from idm.core.pdf import render_pdf
from idm.core.spreadsheets import CONTENT_TYPES as SPREADSHEET_TYPES
from idm.core.spreadsheets import write_csv, write_xlsx
from idm.dialogues.agenda import printed_agenda, sessions_with_speakers
from idm.dialogues.models import Session, SessionRole, Workshop

FORMATS = ("ics", "csv", "xlsx", "pdf")
CONTENT_TYPES = {**SPREADSHEET_TYPES, "ics": "text/calendar; charset=utf-8",
                 "pdf": "application/pdf"}
TYPST_DIR = Path(__file__).resolve().parent / "typst"


def _per_language(name: str, help_text: str) -> list[tuple[str, str]]:
    return [(f"{name}_{lang}", f"{help_text} ({lang})") for lang in LANGUAGES]


# One row per speaker of a session (a session without speakers has one row with the speaker
# columns empty). On import, a workshop's or a session's columns may be left empty after their
# first row: they are the same as above.
AGENDA_COLUMNS: list[tuple[str, str]] = [
    ("workshop", "Workshop short name, e.g. 2018-geneva"),
    *_per_language("workshop_title", "Workshop title"),
    *_per_language("workshop_city", "City"),
    *_per_language("workshop_venue", "Venue"),
    ("time_zone", "IANA time zone of the venue, e.g. Europe/Zurich"),
    ("first_day", "First day of the workshop, YYYY-MM-DD"),
    ("last_day", "Last day of the workshop, YYYY-MM-DD"),
    ("session", "Session number within the workshop: rows with the same number are one session"),
    ("session_id", "idm's id of the session, as the export writes it; empty for a new session. "
                   "Replacing an agenda updates the session with this id in place"),
    ("date", "Day of the session, YYYY-MM-DD"),
    ("start", "Start, HH:MM in the workshop's time zone"),
    ("end", "End, HH:MM in the workshop's time zone"),
    ("kind", "One of: " + ", ".join(Session.Kind.values)),
    ("room", "Room; two sessions cannot share a room at the same time"),
    *_per_language("title", "Session title"),
    *_per_language("description", "Session description"),
    ("illustrative", "yes if the session is made up for a demonstration"),
    ("source_note", "Where the facts of the session come from"),
    ("role", "Speaker's role, one of: " + ", ".join(SessionRole.Role.values)),
    ("honorific", "Ms, Mr, Dr, H.E. ..."),
    ("given_name", "Speaker's given name"),
    ("family_name", "Speaker's family name"),
    ("email", "Speaker's e-mail; matches the person already known"),
    ("speaker_fictional", "yes if the speaker is made up for a demonstration"),
    *_per_language("speaker_title", "Speaker's title at the time"),
    *_per_language("organization", "Speaker's organization at the time"),
    ("organization_acronym", "Organization acronym, e.g. IOM"),
    ("organization_category", "Stakeholder category code, for a new organization"),
    ("organization_country", "ISO country code of a new organization, e.g. CH"),
    ("organization_fictional", "yes if the organization is made up for a demonstration"),
]
COLUMN_NAMES = [name for name, _ in AGENDA_COLUMNS]


def agenda_rows(workshop: Workshop) -> list[dict]:
    """The agenda as flat rows, in the workshop's time zone, in every language."""
    base = {"workshop": workshop.slug, "time_zone": workshop.time_zone,
            "first_day": workshop.first_day, "last_day": workshop.last_day}
    for lang in LANGUAGES:
        base[f"workshop_title_{lang}"] = getattr(workshop, f"title_{lang}") or ""
        base[f"workshop_city_{lang}"] = getattr(workshop, f"city_{lang}") or ""
        base[f"workshop_venue_{lang}"] = getattr(workshop, f"venue_{lang}") or ""
    rows = []
    for number, session in enumerate(sessions_with_speakers(workshop), start=1):
        start, end = workshop.local(session.start), workshop.local(session.end)
        session_columns = {
            "session": number, "session_id": session.pk, "date": start.date(),
            "start": start.time().replace(tzinfo=None),
            "end": end.time().replace(tzinfo=None), "kind": session.kind, "room": session.room,
            "illustrative": session.illustrative, "source_note": session.source_note,
        }
        for lang in LANGUAGES:
            session_columns[f"title_{lang}"] = getattr(session, f"title_{lang}") or ""
            session_columns[f"description_{lang}"] = getattr(session, f"description_{lang}") or ""
        roles = list(session.roles.all()) or [None]
        for role in roles:
            row = {**base, **session_columns}
            if role is not None:
                person, organization = role.person, role.organization
                row.update({
                    "role": role.role, "honorific": person.honorific,
                    "given_name": person.given_name, "family_name": person.family_name,
                    "email": person.email, "speaker_fictional": person.fictional,
                    "organization_acronym": organization.acronym if organization else "",
                    "organization_category": organization.category.code if organization else "",
                    "organization_country": (organization.country.iso2
                                             if organization and organization.country else ""),
                    "organization_fictional": bool(organization and organization.fictional),
                })
                for lang in LANGUAGES:
                    row[f"speaker_title_{lang}"] = getattr(role, f"title_{lang}") or ""
                    row[f"organization_{lang}"] = getattr(role, f"organization_name_{lang}") or ""
            rows.append(row)
    return rows


def to_csv(rows: list[dict]) -> bytes:
    return write_csv(COLUMN_NAMES, rows)


def to_xlsx(rows: list[dict], *, with_column_sheet: bool = False) -> bytes:
    return write_xlsx(COLUMN_NAMES, rows, title="Agenda",
                      column_help=AGENDA_COLUMNS if with_column_sheet else None)


def template(fmt: str) -> bytes:
    """An empty agenda file with the columns (and, in XLSX, a sheet that explains them)."""
    return to_csv([]) if fmt == "csv" else to_xlsx([], with_column_sheet=True)


def _speaker_line(role: SessionRole) -> str:
    parts = [role.person.full_name, role.title, role.organization_name]
    return f"{', '.join(p for p in parts if p)} ({role.get_role_display()})"


def to_ics(workshop: Workshop, language: str) -> bytes:
    """One event per session, in the workshop's time zone, with its VTIMEZONE."""
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//idm//agenda//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        # Text, escaped as text: icalendar writes an X- property as it is given, and a line
        # break in a title would end the line there (icalendar refuses to write it).
        calendar.add("x-wr-calname", icalendar.vText(f"{workshop.title} ({workshop.city})"))
        calendar.add("x-wr-timezone", workshop.time_zone)
        stamp = datetime.now(UTC).replace(microsecond=0)
        place = ", ".join(p for p in (workshop.venue, workshop.city) if p)
        for session in sessions_with_speakers(workshop):
            event = icalendar.Event()
            event.add("uid", f"session-{session.pk}@{workshop.slug}.idm")
            event.add("dtstamp", stamp)
            event.add("dtstart", workshop.local(session.start))
            event.add("dtend", workshop.local(session.end))
            event.add("summary", session.title)
            # The venue often names the main room already ("Room XVIII, Palais des Nations").
            room = session.room if session.room.lower() not in place.lower() else ""
            event.add("location", ", ".join(p for p in (room, place) if p))
            event.add("categories", [session.get_kind_display()])
            lines = [session.description] if session.description else []
            lines += [_speaker_line(role) for role in session.roles.all()]
            if session.illustrative:
                lines.append(_("Illustrative session, made up for a demonstration."))
            if lines:
                event.add("description", "\n".join(lines))
            calendar.add_component(event)
        calendar.add_missing_timezones()
        return calendar.to_ical()


def pdf_data(workshop: Workshop, language: str) -> dict:
    """What the Typst agenda template prints, already in `language`: the printed agenda (the
    one the report's appendices print too) under the dialogue's heading."""
    with translation.override(language):
        agenda = printed_agenda(workshop)
        dialogue = workshop.dialogue
        return {
            **agenda,
            "lang": language,
            "series": dialogue.series.name,
            "dialogue": _("International Dialogue on Migration No. %(number)s") % {
                "number": dialogue.number},
            "theme": dialogue.theme,
            "labels": {
                **agenda["labels"], "agenda": _("Agenda"), "page": _("Page"),
                "times": _("All times are %(city)s time") % {"city": workshop.city},
            },
        }


def to_pdf(workshop: Workshop, language: str) -> bytes:
    return render_pdf(TYPST_DIR / "agenda.typ", pdf_data(workshop, language), standard="ua-1")


def export_agenda(workshop: Workshop, fmt: str, language: str = "en") -> bytes:
    if fmt == "csv":
        return to_csv(agenda_rows(workshop))
    if fmt == "xlsx":
        return to_xlsx(agenda_rows(workshop))
    if fmt == "ics":
        return to_ics(workshop, language)
    if fmt == "pdf":
        return to_pdf(workshop, language)
    raise ValueError(f"unknown agenda format {fmt!r}; use one of {', '.join(FORMATS)}")


def filename(workshop: Workshop, fmt: str, language: str = "en") -> str:
    suffix = f"-{language}" if fmt in ("ics", "pdf") else ""
    return f"agenda-{workshop.slug}{suffix}.{fmt}"

