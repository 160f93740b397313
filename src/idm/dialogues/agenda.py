"""A workshop's agenda as the pages, the printable PDF and the calendar file show it."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.formats import date_format

from idm.dialogues.models import Session, SessionRole, Workshop


def utc_offset(moment: datetime) -> str:
    """'UTC+02:00' for an aware datetime."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_label(moment: datetime) -> str:
    """'CEST, UTC+02:00': what a reader needs to place a local time."""
    abbreviation = moment.tzname() or ""
    offset = utc_offset(moment)
    # Some zones have no abbreviation and tzname() repeats the offset ("-03").
    if not abbreviation or abbreviation[0] in "+-":
        return offset
    return f"{abbreviation}, {offset}"


def format_date_range(first: date, last: date) -> str:
    """'8–9 October 2018', '30 September–1 October 2018', in the active language."""
    if first == last:
        return date_format(first, "j F Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{date_format(first, 'j')}\u2013{date_format(last, 'j F Y')}"
    if first.year == last.year:
        return f"{date_format(first, 'j F')}\u2013{date_format(last, 'j F Y')}"
    return f"{date_format(first, 'j F Y')}\u2013{date_format(last, 'j F Y')}"


@dataclass
class AgendaDay:
    day: date
    zone: str
    sessions: list[Session] = field(default_factory=list)


def sessions_with_speakers(workshop: Workshop):
    roles = SessionRole.objects.select_related("person", "organization").order_by("order", "id")
    return workshop.sessions.select_related("workshop").prefetch_related(
        Prefetch("roles", queryset=roles))


def agenda_days(workshop: Workshop) -> list[AgendaDay]:
    """The workshop's sessions grouped by local day, in order, each day with its zone label."""
    days: dict[date, AgendaDay] = {}
    for session in sessions_with_speakers(workshop):
        session.workshop = workshop
        day = session.local_start.date()
        if day not in days:
            days[day] = AgendaDay(day=day, zone=zone_label(session.local_start))
        days[day].sessions.append(session)
    return [days[d] for d in sorted(days)]
