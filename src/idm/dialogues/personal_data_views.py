"""Personal data pages: the participant's (what idm holds about them, as a page and a JSON file,
and their request for deletion), reached through a link e-mailed to them; the secretariat's
(deletion requests to carry out, a closed dialogue to anonymize)."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from idm.core import roles
from idm.dialogues import personal_data
from idm.dialogues.models import DeletionRequest, Dialogue, Registration

PAGE_SIZE = 50


class LinkExpired(Exception):
    """The key was right but is too old: the participant asks for a new link."""

    def __init__(self, registration: Registration):
        super().__init__()
        self.registration = registration


def _private(response: HttpResponse) -> HttpResponse:
    # The address holds the keys: out of caches, and out of other sites' referrers (same-origin,
    # not no-referrer: the forms need their Origin for the CSRF check).
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _proven(token: str, key: str) -> Registration:
    """The registration of the private link, when the key proves its e-mail address: 404 for a
    wrong token or key (the same answer, so that neither can be guessed apart)."""
    registration = (Registration.objects.select_related("workshop__dialogue", "person")
                    .filter(token=token, anonymized_at__isnull=True).first())
    if registration is None:
        raise Http404
    try:
        personal_data.check_data_key(registration, key)
    except signing.SignatureExpired as expired:
        raise LinkExpired(registration) from expired
    except signing.BadSignature as error:
        raise Http404 from error
    return registration


def _expired(request, expired: LinkExpired) -> HttpResponse:
    return _private(render(request, "dialogues/personal_data_expired.html", {
        "registration": expired.registration}, status=410))


def personal_data_page(request, token: str, key: str):
    """What idm holds about the participant, to read."""
    try:
        registration = _proven(token, key)
    except LinkExpired as expired:
        return _expired(request, expired)
    collection = personal_data.gather(registration)
    return _private(render(request, "dialogues/personal_data.html", {
        "registration": registration, "collection": collection, "key": key,
        "waiting": registration.person.deletion_requests.filter(
            status=DeletionRequest.Status.PENDING).first()}))


def personal_data_file(request, token: str, key: str):
    """The same, as a JSON file."""
    try:
        registration = _proven(token, key)
    except LinkExpired as expired:
        return _expired(request, expired)
    collection = personal_data.gather(registration)
    content = json.dumps({
        "site": settings.IDM_SITE_NAME, "generated_at": timezone.now().isoformat(),
        "data": collection.as_dict()}, ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="idm-personal-data.json"'
    return _private(response)


def deletion_request(request, token: str, key: str):
    """The participant asks that their data be deleted: a page that says what goes and what
    stays, then a button."""
    try:
        registration = _proven(token, key)
    except LinkExpired as expired:
        return _expired(request, expired)
    if request.method == "POST":
        _request, new = personal_data.request_deletion(registration)
        if new:
            messages.success(request, _(
                "Your request is recorded. The secretariat will carry it out and confirm it by "
                "e-mail; your private links will then stop working."))
        else:
            messages.info(request, _("You have already asked: the secretariat will carry out "
                                     "your request."))
        return redirect("dialogues:personal-data", token=token, key=key)
    return _private(render(request, "dialogues/deletion_request_confirm.html", {
        "registration": registration, "key": key,
        "speaker": registration.person.session_roles.exists()}))


# The secretariat -------------------------------------------------------------------------------


@roles.secretariat_required
def deletion_requests(request):
    pending = (DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING)
               .select_related("person")
               .prefetch_related(Prefetch("person__registrations",
                                          queryset=Registration.objects.select_related("workshop")))
               .annotate(sessions=Count("person__session_roles", distinct=True))
               .order_by("requested_at", "id"))
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    done = (DeletionRequest.objects.filter(status=DeletionRequest.Status.DONE)
            .select_related("done_by").order_by("-done_at", "-id")[:20])
    return render(request, "dialogues/deletion_requests.html", {"page": page, "done": done})


@require_POST
@roles.secretariat_required
def carry_out_deletion(request, pk: int):
    deletion = get_object_or_404(DeletionRequest, pk=pk)
    try:
        personal_data.carry_out_deletion(
            deletion, request.user, keep_public_record=request.POST.get("keep_public_record")
            == "yes")
    except personal_data.PersonalDataError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Deletion request %(number)s is carried out.") % {
            "number": deletion.pk})
    return redirect("dialogues:deletion-requests")


class AnonymizeForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy(
        "I understand: names, e-mails, free answers and private links of these registrations "
        "are replaced for good."))


@roles.secretariat_required
def anonymize(request, number: int):
    dialogue = get_object_or_404(Dialogue, number=number)
    form = AnonymizeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = personal_data.anonymize_dialogue(dialogue, request.user)
            except personal_data.PersonalDataError as error:
                messages.error(request, str(error))
                status = 409
            else:
                messages.success(request, _(
                    "Registrations anonymized: %(registrations)s; people whose names were "
                    "erased: %(people)s.") % {
                    "registrations": result.counts["registrations anonymized"],
                    "people": result.counts["people anonymized"]})
                return redirect("dialogues:anonymize", number=dialogue.number)
        else:
            status = 400
    plan = personal_data.anonymization_plan(dialogue)
    return render(request, "dialogues/anonymize.html", {
        "dialogue": dialogue, "form": form, "plan": plan,
        "blockers": personal_data.anonymization_blockers(dialogue),
        "anonymized": Registration.objects.filter(workshop__dialogue=dialogue,
                                                  anonymized_at__isnull=False).count()},
        status=status)
