"""Registration, participants lists, badges and statistics: the participant's and the secretariat's pages."""

import secrets

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from idm.core import roles
from idm.core.identifiers import is_id
from idm.core.spreadsheets import CONTENT_TYPES, ImportFileError, read_upload
from idm.dialogues import badges, participant_files, participants, personal_data, statistics
from idm.dialogues.forms import RegistrationFilterForm, RegistrationForm
from idm.dialogues.models import (
    DeletionRequest,
    Dialogue,
    IdentityChange,
    Registration,
    Workshop,
)

PAGE_SIZE = 100


def _workshop(slug: str) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("dialogue__series"), slug=slug)


# The participant ------------------------------------------------------------------------------


def register(request, slug: str):
    workshop = _workshop(slug)
    context = {"workshop": workshop, "dialogue": workshop.dialogue}
    if workshop.registration == Workshop.Registration.CLOSED:
        return render(request, "dialogues/register_closed.html", context)
    invitation = request.GET.get("invitation", "")
    # As bytes: compare_digest refuses a str that is not ASCII, and a link may carry anything.
    if workshop.registration == Workshop.Registration.INVITATION and not secrets.compare_digest(
            invitation.encode(), workshop.invitation_code.encode()):
        return render(request, "dialogues/register_closed.html",
                      {**context, "by_invitation": True}, status=403)
    form = RegistrationForm(request.POST or None, workshop=workshop)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = participants.register(workshop, form.registration_data())
            except participants.RegistrationError as error:
                form.add_error("email", str(error))
            else:
                messages.success(request, _(
                    "Thank you: your registration is received. We have sent you an e-mail "
                    "with the private link to this page."))
                return redirect(registration.get_absolute_url())
        status = 400
    return render(request, "dialogues/register.html", {**context, "form": form,
                                                         "invitation": invitation}, status=status)


def registration_detail(request, token: str):
    """The participant's own registration, reached through the private link, no account needed."""
    registration = get_object_or_404(
        Registration.objects.select_related("workshop__dialogue", "person", "organization",
                                            "category", "country"), token=token)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            participants.change_status(registration, "withdraw", "participant (private link)")
        except participants.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your registration is withdrawn."))
        return redirect(registration.get_absolute_url())
    if request.method == "POST" and request.POST.get("action") == "personal-data":
        # The data itself only through a link sent to the registered address: the private link
        # alone does not prove whose address it is (personal_data.py).
        if personal_data.send_data_link(registration):
            messages.success(request, _(
                "We have sent a link to %(email)s: open it to see your personal data, download "
                "it or ask us to delete it.") % {"email": registration.email})
        else:
            messages.info(request, _(
                "We sent you a link a few minutes ago: look for it in your e-mail."))
        return redirect(registration.get_absolute_url())
    can_withdraw = registration.status in participants.ACTIONS["withdraw"][0]
    response = render(request, "dialogues/registration.html", {
        "registration": registration, "workshop": registration.workshop,
        "can_withdraw": can_withdraw,
        # Only a request made through this link: another registration with the same address
        # may be someone else's.
        "deletion_requested": DeletionRequest.objects.filter(
            registration=registration, status=DeletionRequest.Status.PENDING).exists()})
    # The address is the key: keep it out of caches and of other sites' referrers.
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: the withdraw form needs its Origin for the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    return response


def participants_public(request, slug: str):
    """Approved participants who agreed to be listed, and nothing else about anyone."""
    workshop = _workshop(slug)
    paginator = Paginator(participants.publicly_listed(workshop), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "dialogues/participants_public.html", {
        "workshop": workshop, "dialogue": workshop.dialogue, "page": page})


# The secretariat -------------------------------------------------------------------------------

BULK_ACTIONS = [("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject")),
                ("promote", gettext_lazy("Promote from the waiting list")),
                ("withdraw", gettext_lazy("Withdraw"))]


def _filtered(workshop: Workshop, request):
    filters = RegistrationFilterForm(request.GET or None)
    registrations = filters.filter(workshop.registrations.all())
    return filters, registrations


@roles.secretariat_required
def registrations(request, slug: str):
    workshop = _workshop(slug)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in dict(BULK_ACTIONS):
            messages.error(request, _("Choose an action."))
        else:
            chosen = workshop.registrations.filter(
                pk__in=[v for v in request.POST.getlist("selected") if is_id(v)])
            done, refused = participants.change_many(chosen, action, request.user)
            messages.success(request, ngettext("%(count)s registration changed.",
                                               "%(count)s registrations changed.",
                                               done) % {"count": done})
            for refusal in refused:
                messages.warning(request, refusal)
        return redirect(request.get_full_path())
    filters, chosen = _filtered(workshop, request)
    chosen = chosen.select_related("person", "organization", "category", "country",
                                   "identity_change").order_by(
        "created_at", "id")
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {s: 0 for s in Registration.Status.values}
    counts.update(workshop.registrations.values_list("status").annotate(n=Count("id")))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dialogues/registrations.html", {
        "workshop": workshop, "dialogue": workshop.dialogue, "filters": filters, "page": page,
        "actions": BULK_ACTIONS, "counts": [(Registration.Status(s).label, n)
                                            for s, n in counts.items()],
        "seated": counts["pending"] + counts["approved"], "query": query.urlencode(),
        "invitation_url": request.build_absolute_uri(
            reverse("dialogues:register", args=[workshop.slug])
            + f"?invitation={workshop.invitation_code}"),
    })


@roles.secretariat_required
def identity_changes(request):
    """Names typed on registration forms that differ from the person on record: the
    secretariat accepts (the person is renamed everywhere) or refuses each."""
    if request.method == "POST":
        decide = {"accept": participants.accept_identity_change,
                  "refuse": participants.refuse_identity_change}.get(request.POST.get("action", ""))
        chosen = IdentityChange.objects.filter(
            pk__in=[v for v in request.POST.getlist("selected") if is_id(v)])
        if decide is None or not chosen:
            messages.error(request, _("Choose one or more changes and an action."))
        for change in chosen:
            try:
                decide(change, request.user)
            except participants.RegistrationError as error:
                messages.warning(request, f"{change}: {error}")
        if decide is not None and chosen:
            messages.success(request, _("Done."))
        return redirect("dialogues:identity-changes")
    pending = (IdentityChange.objects.filter(status=IdentityChange.Status.PENDING)
               .select_related("person", "registration__workshop")
               .annotate(sessions=Count("person__session_roles", distinct=True))
               .order_by("created_at", "id"))
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    decided = (IdentityChange.objects.exclude(status=IdentityChange.Status.PENDING)
               .select_related("person", "decided_by").order_by("-decided_at", "-id")[:20])
    return render(request, "dialogues/identity_changes.html", {"page": page, "decided": decided})


@roles.secretariat_required
def participants_file(request, slug: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    workshop = _workshop(slug)
    _, chosen = _filtered(workshop, request)
    content = participant_files.export_participants(chosen.order_by("created_at", "id"),
                                                    workshop, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="participants-{workshop.slug}.{fmt}"'
    return response


class ParticipantImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Participants file (CSV or XLSX)"))


@roles.secretariat_required
def participants_import(request, slug: str):
    workshop = _workshop(slug)
    form = ParticipantImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = participants.import_participants(workshop, read_upload(upload), upload.name,
                                                  request.user)
        except ImportFileError as error:
            errors, status = error.errors, 400
        else:
            messages.success(request, _(
                "Imported: %(created)s new and %(updated)s updated registrations; %(merged)s "
                "duplicate rows merged.") % {"created": result.created,
                                             "updated": result.updated,
                                             "merged": result.merged_rows})
            return redirect("dialogues:registrations", slug=workshop.slug)
    elif request.method == "POST":
        status = 400
    return render(request, "dialogues/participants_import.html", {
        "workshop": workshop, "dialogue": workshop.dialogue, "form": form, "errors": errors},
        status=status)


@roles.secretariat_required
def participants_template(request, slug: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    workshop = _workshop(slug)
    content = participant_files.export_participants(workshop.registrations.none(), workshop, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="participants-template.{fmt}"'
    return response


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@roles.secretariat_required
def badges_pdf(request, slug: str):
    workshop = _workshop(slug)
    return _pdf_response(badges.badges_pdf(workshop, get_language()), f"badges-{slug}.pdf")


@roles.secretariat_required
def checkin_pdf(request, slug: str):
    workshop = _workshop(slug)
    return _pdf_response(badges.checkin_pdf(workshop, get_language()), f"check-in-{slug}.pdf")


# Statistics: for the secretariat and the rapporteurs ---------------------------------------------


def _scope(kind: str, key: str):
    if kind == "workshop":
        workshop = _workshop(key)
        return workshop, statistics.for_workshop(workshop), workshop.title
    if kind == "dialogue":
        if not key.isascii() or not key.isdigit():
            raise Http404
        dialogue = get_object_or_404(Dialogue, number=int(key))
        return dialogue, statistics.for_dialogue(dialogue), dialogue.theme
    raise Http404


@roles.staff_required
def statistics_page(request, kind: str, key: str):
    subject, stats, title = _scope(kind, key)
    if request.GET.get("format") == "json":
        return JsonResponse(stats.as_dict(), json_dumps_params={"ensure_ascii": False})
    tables = [(dimension, title_, stats.table(dimension)) for dimension, title_ in (
        ("category", _("By stakeholder category")), ("region", _("By UN region")),
        ("subregion", _("By UN sub-region")), ("country", _("By country")),
        ("gender", _("By gender")), ("role", _("By registered role")),
        ("speaker_role", _("Speakers by role in the sessions")))]
    return render(request, "dialogues/statistics.html", {
        "kind": kind, "key": key, "subject": subject, "title": title, "stats": stats,
        "tables": tables, "charts": [(d, str(t)) for d, t in statistics.CHARTS.items()]})


@roles.staff_required
def statistics_chart(request, kind: str, key: str, dimension: str):
    if dimension not in statistics.CHARTS:
        raise Http404
    _subject, stats, _title = _scope(kind, key)
    return HttpResponse(statistics.chart_svg(stats, dimension), content_type="image/svg+xml")

