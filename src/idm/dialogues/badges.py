"""Badge sheets and the check-in list of a workshop, printed through the Typst renderer."""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from idm.core.pdf import render_pdf
from idm.dialogues.agenda import format_date_range
from idm.dialogues.exports import TYPST_DIR
from idm.dialogues.models import Registration, SessionRole, Workshop


def approved(workshop: Workshop):
    return (workshop.registrations.filter(status=Registration.Status.APPROVED)
            .select_related("person", "organization", "country")
            .order_by("person__family_name", "person__given_name", "id"))


def _badge_role(registration: Registration, speakers: set[int]) -> str:
    """Speakers' badges say so, whatever role they registered with."""
    if registration.person_id in speakers:
        return Registration.Role.SPEAKER
    return registration.role


def _entries(workshop: Workshop) -> list[dict]:
    speakers = set(SessionRole.objects.filter(session__workshop=workshop).exclude(
        role=SessionRole.Role.RAPPORTEUR).values_list("person_id", flat=True))
    entries = []
    for registration in approved(workshop):
        person = registration.person
        role = _badge_role(registration, speakers)
        entries.append({
            "given": " ".join(p for p in (person.honorific, person.given_name) if p),
            "family": person.family_name,
            "organization": registration.organization_name,
            "country": registration.country.name if registration.country else "",
            "role": role, "role_label": str(Registration.Role(role).label),
            "fictional": person.fictional,
            "checked_in": registration.checked_in_at is not None,
        })
    return entries


def _common(workshop: Workshop, language: str) -> dict:
    dialogue = workshop.dialogue
    return {
        "lang": language,
        "series": dialogue.series.name,
        "event": f"{dialogue.series.name} {dialogue.year} · {workshop.city}",
        "title": workshop.title,
        "dates": format_date_range(workshop.first_day, workshop.last_day),
        "place": ", ".join(p for p in (workshop.venue, workshop.city) if p),
    }


def badges_pdf(workshop: Workshop, language: str) -> bytes:
    with translation.override(language):
        entries = _entries(workshop)
        data = {**_common(workshop, language), "badges": entries, "labels": {
            "demo": _("Demonstration data: fictional person"),
            "none": _("No approved participant yet.")}}
        return render_pdf(TYPST_DIR / "badges.typ", data)


def checkin_pdf(workshop: Workshop, language: str) -> bytes:
    with translation.override(language):
        entries = _entries(workshop)
        data = {**_common(workshop, language), "rows": entries,
                "printed": _("Printed %(when)s") % {
                    "when": date_format(timezone.localtime(timezone.now(), workshop.tz),
                                        "j F Y, H:i")},
                "labels": {
                    "heading": _("Check-in list"), "name": _("Name"),
                    "organization": _("Organization"), "country": _("Country"),
                    "role": _("Role"), "signature": _("Signature"), "page": _("Page"),
                    "count": ngettext("%(count)s approved participant",
                                      "%(count)s approved participants",
                                      len(entries)) % {"count": len(entries)},
                }}
        return render_pdf(TYPST_DIR / "checkin.typ", data)
