"""A workshop's agenda as the pages, the printed editions (the agenda PDF and the report's
appendices) and the calendar file show it."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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


def _with_speakers(sessions):
    roles = SessionRole.objects.select_related("person", "organization").order_by("order", "id")
    return sessions.select_related("workshop").prefetch_related(Prefetch("roles", queryset=roles))


def sessions_with_speakers(workshop: Workshop):
    return _with_speakers(workshop.sessions.all())


def sessions_by_workshop(workshops) -> dict[int, list[Session]]:
    """Every session of `workshops` with its speakers, in order, in two queries however many
    workshops there are (a report prints every agenda of its dialogue)."""
    found: dict[int, list[Session]] = {workshop.pk: [] for workshop in workshops}
    for session in _with_speakers(Session.objects.filter(workshop__in=list(found))):
        found[session.workshop_id].append(session)
    return found


def agenda_days(workshop: Workshop, sessions=None) -> list[AgendaDay]:
    """The workshop's sessions grouped by local day, in order, each day with its zone label;
    `sessions` when the caller has them already (from `sessions_by_workshop`)."""
    days: dict[date, AgendaDay] = {}
    for session in sessions_with_speakers(workshop) if sessions is None else sessions:
        session.workshop = workshop
        day = session.local_start.date()
        if day not in days:
            days[day] = AgendaDay(day=day, zone=zone_label(session.local_start))
        days[day].sessions.append(session)
    return [days[d] for d in sorted(days)]


def printed_agenda(workshop: Workshop, sessions=None) -> dict:
    """The agenda as every printed edition shows it, in the active language: the agenda PDF and
    the report's appendices both print this (with typst/agenda-days.typ and the report's HTML),
    so a demonstration's marks, illustrative sessions and fictional speakers, are in each.
    `sessions` as for `agenda_days`."""
    return {
        "title": workshop.title,
        "dates": format_date_range(workshop.first_day, workshop.last_day),
        "place": ", ".join(p for p in (workshop.venue, workshop.city) if p),
        "labels": {"illustrative": _("Illustrative session, made up for a demonstration."),
                   "fictional": _("fictional")},
        "days": [{
            "heading": date_format(day.day, "l j F Y"), "zone": day.zone,
            "sessions": [{
                "time": f"{s.local_start:%H:%M}\u2013{s.local_end:%H:%M}",
                "kind": s.get_kind_display(), "title": s.title, "room": s.room,
                "description": s.description, "illustrative": s.illustrative,
                "speakers": [{"role": r.get_role_display(), "name": r.person.full_name,
                              "affiliation": r.affiliation, "fictional": r.person.fictional}
                             for r in s.roles.all()],
            } for s in day.sessions],
        } for day in agenda_days(workshop, sessions)],
    }
