"""Pages of the consultations: the secretariat's (create, moderate, close, results that refresh as
votes arrive) and the voters' (one statement at a time, made for phones, no script needed)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from idm.consultations import services
from idm.consultations.forms import ConsultationForm, SubmissionForm
from idm.consultations.models import Consultation, ConsultationAnalysis, ConsultationStatement, Vote
from idm.core import charts, jobs, roles
from idm.core.identifiers import is_id
from idm.core.models import StakeholderCategory
from idm.dialogues.models import Dialogue, Registration

Item = ConsultationStatement
VOTER_COOKIE = "idm-voter-%s"
VOTER_COOKIE_AGE = 60 * 60 * 24 * 90


# The secretariat ------------------------------------------------------------------------------

@roles.staff_required
def consultations(request, number: int):
    """A dialogue's consultations, and a new one."""
    dialogue = get_object_or_404(Dialogue, number=number)
    form = ConsultationForm(request.POST or None, dialogue=dialogue)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.create(
                dialogue, request.user, title=data["title"], workshop=data["workshop"],
                opens_at=data["opens_at"], closes_at=data["closes_at"], voters=data["voters"],
                submissions=data["submissions"], key_messages=data["key_messages"],
                recommendations=data["recommendations"], statements=data["statements"])
        except services.ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The consultation is ready."))
            return redirect(consultation)
    listed = dialogue.consultations.select_related("workshop").order_by("-created_at")
    return render(request, "consultations/list.html", {
        "dialogue": dialogue, "form": form, "consultations": listed},
        status=400 if request.method == "POST" else 200)


@roles.staff_required
def manage(request, pk: int):
    """What is put to the vote, how many votes each has, and the submissions to moderate."""
    consultation = get_object_or_404(Consultation.objects.select_related("dialogue", "workshop"), pk=pk)
    items = consultation.items.select_related("key_message", "recommendation", "statement")
    counts = services.vote_counts(consultation)
    rows = [(item, counts.get(item.pk, 0)) for item in items]
    return render(request, "consultations/manage.html", {
        "consultation": consultation, "dialogue": consultation.dialogue, "rows": rows,
        "pending": [item for item, _n in rows if item.status == Item.Status.PENDING],
        "voters": consultation.voter_set.count(), "votes": sum(counts.values()),
        "link": request.build_absolute_uri(reverse("consultations:vote", args=[consultation.link]))})


@require_POST
@roles.staff_required
def moderate(request, pk: int, item: int):
    consultation = get_object_or_404(Consultation, pk=pk)
    submitted = get_object_or_404(consultation.items, pk=item)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return HttpResponse(_("Accept or reject."), status=400)
    services.moderate(submitted, request.user, accept=decision == "accept")
    return redirect(consultation)


@require_POST
@roles.staff_required
def close(request, pk: int):
    consultation = get_object_or_404(Consultation, pk=pk)
    if consultation.is_open():
        services.close(consultation, request.user)
        messages.success(request, _("The consultation is closed: no more votes are taken."))
    return redirect(consultation)


@roles.staff_required
def results(request, pk: int):
    """The opinion map, the groups and what each stands for, the consensus, and agreement by
    stakeholder category, from the latest analysis; the page reloads when a newer one is done."""
    jobs.fail_abandoned(ConsultationAnalysis)
    consultation = get_object_or_404(Consultation.objects.select_related("dialogue"), pk=pk)
    analysis = services.latest_analysis(consultation)
    context = {"consultation": consultation, "dialogue": consultation.dialogue, "analysis": analysis,
               "waiting": consultation.analyses.exclude(status__in=[ConsultationAnalysis.Status.DONE,
                                                                    ConsultationAnalysis.Status.FAILED]
                                                        ).exists()}
    if analysis is not None:
        context.update(_shown(consultation, analysis.report))
    return render(request, "consultations/results.html", context)


@roles.staff_required
def results_status(request, pk: int):
    """What the results page polls: the latest analysis done, and the votes cast so far."""
    consultation = get_object_or_404(Consultation, pk=pk)
    analysis = services.latest_analysis(consultation)
    return JsonResponse({"analysis": analysis.pk if analysis else None,
                         "votes": Vote.objects.filter(item__consultation=consultation).count()})


def _shown(consultation: Consultation, report: dict) -> dict:
    items = consultation.items.select_related("key_message", "recommendation", "statement").in_bulk()
    names = dict(StakeholderCategory.objects.values_list("code", "name"))
    group_names = {g["id"]: _("Group %(letter)s") % {"letter": chr(ord("A") + g["id"])}
                   for g in report["groups"]}

    def statement(stats: dict) -> dict:
        return {**stats, "item": items.get(stats["statement"])}

    figures = report["statements"]
    groups = [{**g, "name": group_names[g["id"]],
               "representative": [statement(s) for s in g["representative"] if s["statement"] in items]}
              for g in report["groups"]]
    rows = []
    for item_id, counts in figures.items():
        item = items.get(int(item_id))
        if item is None:
            continue
        votes = counts["agree"] + counts["disagree"] + counts["pass"]
        by_group = [(group_names.get(int(g)), *shares(c)) for g, c in sorted(counts["by_group"].items())]
        rows.append({"item": item, "votes": votes, **counts, "by_group": by_group})
    rows.sort(key=lambda r: -r["group_informed_consensus"])
    legend = {-1: _("Not in a group"), **group_names}
    points = [(x, y, g) for _v, _s, x, y, g in report["participants"]]
    opinion_map = charts.opinion_map_svg(
        _("Opinion map"), points, legend,
        description=_("%(voters)s participants placed by how they voted; %(groups)s opinion groups.")
        % {"voters": len(points), "groups": len(groups)})
    categories = sorted({c for counts in figures.values() for c in counts["by_category"] if c})
    by_category = []
    for code in categories:
        agree = sum(c["by_category"].get(code, [0, 0, 0])[0] for c in figures.values())
        total = sum(sum(c["by_category"].get(code, [0, 0, 0])) for c in figures.values())
        by_category.append((names.get(code, code), agree, total))
    category_chart = charts.bar_chart_svg(
        _("Votes that agree (%)"),
        [name for name, _a, _t in by_category],
        [(_("Agree"), [round(100 * a / t) if t else 0 for _n, a, t in by_category])]) if by_category else ""
    return {"groups": groups, "rows": rows, "opinion_map": opinion_map, "category_chart": category_chart,
            "by_category": by_category, "report": report,
            "consensus": {k: [statement(s) for s in v if s["statement"] in items]
                          for k, v in report["consensus"].items()}}


def shares(counts: list[int]) -> tuple[int, int, int, int]:
    """(votes, agree %, disagree %, pass %) of [agree, disagree, pass]."""
    total = sum(counts)
    return (total, *(round(100 * n / total) if total else 0 for n in counts))


# Voters -----------------------------------------------------------------------------------------

def vote(request, link: str, token: str | None = None):
    """One statement at a time: agree, disagree or pass; then the next. Registered participants
    come through their registration's private link; anyone with the link, through the link."""
    consultation = get_object_or_404(Consultation.objects.select_related("dialogue"), link=link)
    voter, registration = _voter(request, consultation, token)
    here = request.path
    if request.method == "POST":
        if not consultation.is_open():
            messages.error(request, _("This consultation is closed."))
            return redirect(here)
        if "text" in request.POST:
            return _submit(request, consultation, voter, registration, here)
        item, value = request.POST.get("item", ""), request.POST.get("value", "")
        if not is_id(item) or value not in ("1", "-1", "0"):
            return HttpResponse(_("Choose agree, disagree or pass."), status=400)
        if voter is None:
            voter = services.new_link_voter(consultation)
        try:
            services.cast(consultation, voter, int(item), int(value))
        except services.ConsultationError as error:
            messages.error(request, str(error))
        response = redirect(here + ("mine/" if request.POST.get("back") == "mine" else ""))
        _remember(request, response, consultation, voter, registration)
        return response
    items = services.open_items(consultation)
    total = items.count()
    voted = services.my_votes(voter)
    item = services.next_item(consultation, voter) if consultation.is_open() else None
    response = render(request, "consultations/vote.html", {
        "consultation": consultation, "item": item, "total": total,
        "done": sum(1 for i in items.values_list("pk", flat=True) if i in voted),
        "open": consultation.is_open(), "registration": registration,
        "closed": consultation.closes_at is not None and consultation.closes_at <= timezone.now(),
        "form": SubmissionForm() if consultation.submissions else None})
    return _private(response)


def my_votes(request, link: str, token: str | None = None):
    """The voter's own votes, to change any of them; nobody else's."""
    consultation = get_object_or_404(Consultation, link=link)
    voter, registration = _voter(request, consultation, token)
    voted = services.my_votes(voter)
    rows = [(item, voted.get(item.pk)) for item in services.open_items(consultation)]
    return _private(render(request, "consultations/my_votes.html", {
        "consultation": consultation, "rows": rows, "open": consultation.is_open(),
        "registration": registration, "vote_url": request.path.removesuffix("mine/")}))


def registration_consultations(request, token: str):
    """The consultations a registered participant may vote in, from their private page."""
    registration = get_object_or_404(Registration.objects.select_related("workshop__dialogue"), token=token)
    found = []
    if registration.status == Registration.Status.APPROVED:
        for consultation in registration.workshop.dialogue.consultations.filter(
                voters=Consultation.Voters.REGISTERED).order_by("-opens_at"):
            if consultation.workshop_id in (None, registration.workshop_id):
                found.append(consultation)
    return _private(render(request, "consultations/for_registration.html", {
        "registration": registration, "consultations": found}))


def _voter(request, consultation: Consultation, token: str | None):
    """(voter or None, registration or None) for this request; 404 for a link that is not right."""
    if token is not None:
        registration = Registration.objects.filter(token=token).select_related("workshop").first()
        if registration is None or consultation.voters != Consultation.Voters.REGISTERED:
            raise Http404
        try:
            return services.voter_for_registration(consultation, registration), registration
        except services.ConsultationError as error:
            raise Http404(str(error)) from None
    if consultation.voters != Consultation.Voters.LINK:
        raise Http404(_("This consultation is for registered participants, through their private link."))
    key = request.get_signed_cookie(VOTER_COOKIE % consultation.pk, default=None)
    return services.voter_for_key(consultation, key), None


def _remember(request, response, consultation, voter, registration) -> None:
    if registration is None and voter is not None:
        response.set_signed_cookie(VOTER_COOKIE % consultation.pk, voter.key, max_age=VOTER_COOKIE_AGE,
                                   httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def _submit(request, consultation, voter, registration, here):
    form = SubmissionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("text", [])) or _("Write the statement first."))
        return redirect(here)
    if voter is None:
        voter = services.new_link_voter(consultation)
    try:
        services.submit(consultation, voter, form.cleaned_data["text"])
    except services.ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: your statement is put to the vote once the secretariat has "
                                    "read it."))
    response = redirect(here)
    _remember(request, response, consultation, voter, registration)
    return response


def _private(response):
    # How someone votes is theirs: never kept by a shared cache, never sent to another site.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response
