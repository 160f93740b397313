"""Public pages of dialogues and agendas, and the secretariat's agenda import and exports."""

from datetime import time

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext

from idm.core import roles
from idm.core.spreadsheets import ImportFileError, read_upload
from idm.dialogues import exports, services
from idm.dialogues.agenda import agenda_days, zone_label
from idm.dialogues.models import DeletionRequest, Dialogue, IdentityChange, SessionRole, Workshop

PUBLIC_FORMATS = ("ics", "pdf")
SECRETARIAT_FORMATS = ("csv", "xlsx")


def _dialogues():
    return Dialogue.objects.select_related("series").prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("first_day")))


def home(request):
    return render(request, "dialogues/home.html", {"dialogues": _dialogues()})


def dialogue_detail(request, number: int):
    dialogue = get_object_or_404(_dialogues(), number=number)
    return render(request, "dialogues/dialogue.html", {"dialogue": dialogue})


def _workshop(slug: str) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("dialogue__series"), slug=slug)


def _agenda_context(workshop: Workshop) -> dict:
    days = agenda_days(workshop)
    # Days keep their order; a zone shows once even when the clocks change mid-workshop.
    zones = list(dict.fromkeys(day.zone for day in days))
    return {
        "workshop": workshop,
        "dialogue": workshop.dialogue,
        "days": days,
        "zones": zones or [zone_label(workshop.aware(workshop.first_day, time(12)))],
        "has_illustrative": any(s.illustrative for d in days for s in d.sessions),
    }


def agenda(request, slug: str):
    workshop = _workshop(slug)
    return render(request, "dialogues/agenda.html", _agenda_context(workshop))


def agenda_print(request, slug: str):
    workshop = _workshop(slug)
    return render(request, "dialogues/agenda_print.html", _agenda_context(workshop))


def speakers(request, slug: str):
    workshop = _workshop(slug)
    links = (SessionRole.objects.filter(session__workshop=workshop)
             .select_related("person", "session__workshop", "organization")
             .order_by("person__family_name", "person__given_name", "session__start"))
    people = {}
    for link in links:
        entry = people.setdefault(link.person_id, {"person": link.person, "links": []})
        entry["links"].append(link)
    return render(request, "dialogues/speakers.html", {
        "workshop": workshop, "dialogue": workshop.dialogue, "speakers": list(people.values())})


def agenda_file(request, slug: str, fmt: str):
    """ICS and PDF for everyone; CSV and XLSX (they carry e-mails) for the secretariat only."""
    workshop = _workshop(slug)
    if fmt in SECRETARIAT_FORMATS:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_secretariat(request.user):
            raise PermissionDenied
    elif fmt not in PUBLIC_FORMATS:
        raise Http404
    language = get_language()
    content = exports.export_agenda(workshop, fmt, language)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{exports.filename(workshop, fmt, language)}"')
    return response


# Secretariat ----------------------------------------------------------------------------------


class AgendaImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Agenda file (CSV or XLSX)"))
    replace = forms.BooleanField(
        label=gettext_lazy("Update the agenda of workshops that already have one"),
        help_text=gettext_lazy("Sessions are matched by their session_id (or start and title) "
                               "and keep their statements; sessions the file no longer has are "
                               "deleted."), required=False)
    delete_with_statements = forms.BooleanField(
        label=gettext_lazy("Also delete sessions the file no longer has when they have "
                           "statements, with their statements"), required=False)


@roles.secretariat_required
def manage(request):
    return render(request, "dialogues/manage.html", {
        "dialogues": _dialogues(),
        "names_to_review": IdentityChange.objects.filter(
            status=IdentityChange.Status.PENDING).count(),
        "deletion_requests": DeletionRequest.objects.filter(
            status=DeletionRequest.Status.PENDING).count()})


@roles.secretariat_required
def agenda_import(request, number: int):
    dialogue = get_object_or_404(Dialogue, number=number)
    form = AgendaImportForm(request.POST or None, request.FILES or None)
    errors = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_agenda(
                dialogue, read_upload(upload), upload.name, request.user,
                replace=form.cleaned_data["replace"],
                delete_with_statements=form.cleaned_data["delete_with_statements"])
        except ImportFileError as error:
            errors = error.errors
            status = 400
        else:
            messages.success(request, ngettext(
                "Imported %(sessions)s sessions with %(speakers)s speakers into %(workshops)s "
                "workshop.",
                "Imported %(sessions)s sessions with %(speakers)s speakers into %(workshops)s "
                "workshops.", result.workshops) % {
                "sessions": result.sessions, "speakers": result.speakers,
                "workshops": result.workshops})
            if result.sessions_deleted:
                messages.warning(request, ngettext(
                    "%(count)s session the file no longer has was deleted.",
                    "%(count)s sessions the file no longer has were deleted.",
                    result.sessions_deleted) % {"count": result.sessions_deleted})
            return redirect("dialogues:dialogue", number=dialogue.number)
    elif request.method == "POST":
        status = 400
    return render(request, "dialogues/agenda_import.html",
                  {"dialogue": dialogue, "form": form, "errors": errors}, status=status)


@roles.secretariat_required
def agenda_template(request, fmt: str):
    if fmt not in SECRETARIAT_FORMATS:
        raise Http404
    response = HttpResponse(exports.template(fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="agenda-template.{fmt}"'
    return response
