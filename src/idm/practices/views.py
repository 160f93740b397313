"""The registry of practices: the public's search with facets and a page per practice; a
registered user's submissions; the secretariat's review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from idm.core import roles
from idm.practices import services
from idm.practices.forms import RegistryForm, ReviewForm, SubmissionForm
from idm.practices.models import Practice

PAGE_SIZE = 20


def registry(request):
    """Published practices, filtered by words and facets; each facet lists the values the found
    practices have, with their counts, as links that narrow the search."""
    form = RegistryForm(request.GET)
    if not form.is_valid():
        return render(request, "practices/registry.html", {"form": form, "page": None,
                                                           "facets": []}, status=400)
    practices = services.filtered(services.published(), form.chosen())
    words = form.cleaned_data["q"]
    listed = services.matching_words(practices, words) if words else practices.order_by("title", "pk")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    order = {p.pk: i for i, p in enumerate(page.object_list)}
    shown = sorted(services.with_related(Practice.objects.filter(pk__in=order)),
                   key=lambda p: order[p.pk])
    today = timezone.localdate()
    for practice in shown:
        practice.light = practice.status_light(today)
    params = request.GET.copy()
    params.pop("page", None)
    counted = services.matching(practices, words) if words else practices
    facets = form.facet_options(services.facet_counts(counted))
    for facet in facets:
        # A facet's links replace its value in the search, and keep the others.
        others = params.copy()
        others.pop(facet["name"], None)
        facet["query"] = others.urlencode()
    return render(request, "practices/registry.html", {
        "form": form, "page": page, "practices": shown, "facets": facets,
        "params": params.urlencode(), "words": words,
        "waiting_review": (Practice.objects.filter(status__in=services.WAITING).count()
                           if roles.is_secretariat(request.user) else None)})


def practice_detail(request, pk: int):
    """A practice, where it was presented and the key messages that cite it. Only published
    practices are public; the secretariat and rapporteurs see the others, marked, and a
    submitter their own, with the secretariat's message."""
    staff = roles.is_staff(request.user)
    practices = Practice.objects.all() if staff else services.published()
    if not staff and request.user.is_authenticated:
        practices = Practice.objects.filter(Q(status=Practice.Status.PUBLISHED)
                                            | Q(submitted_by=request.user))
    practice = get_object_or_404(services.with_related(practices).prefetch_related(
        "principles", "sdg_targets", "links", "deliverables", "sessions__workshop"), pk=pk)
    return render(request, "practices/practice.html", {
        "practice": practice, "light": practice.status_light(timezone.localdate()),
        "statements": services.public_statements_of(practice),
        "key_messages": services.public_key_messages_of(practice), "staff": staff,
        "own": practice.submitted_by_id is not None and practice.submitted_by_id == request.user.pk,
        "secretariat": roles.is_secretariat(request.user)})


@login_required
def submit(request):
    """Any registered user tells the registry about a practice; the secretariat reviews it
    before anyone else sees it."""
    form = SubmissionForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        if services.waiting_review(request.user) >= services.WAITING_LIMIT:
            form.add_error(None, _("%(limit)s of your practices are waiting for review: please "
                                   "wait for the secretariat's answer before you submit more.")
                           % {"limit": services.WAITING_LIMIT})
        else:
            practice, relations, links = form.practice(request.user)
            services.submit(practice, request.user, relations=relations, links=links)
            messages.success(request, _("Thank you: your practice was submitted. The secretariat "
                                        "will review it and write to you."))
            return redirect("practices:mine")
    return render(request, "practices/submit.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def mine(request):
    """The practices the user submitted, where each is in the review, and the secretariat's
    messages."""
    return render(request, "practices/mine.html", {
        "practices": services.submitted_by(request.user)})


@roles.secretariat_required
def review_queue(request):
    """What waits for the secretariat's review, oldest first."""
    waiting = (Practice.objects.filter(status__in=services.WAITING)
               .select_related("submitted_by").order_by("created_at", "pk"))
    return render(request, "practices/review_queue.html", {"practices": waiting})


@roles.secretariat_required
def review(request, pk: int):
    """The secretariat's decision on a practice: its status, a message to the submitter, and the
    tags it settles on, with the ones suggested from its words marked."""
    practice = get_object_or_404(Practice.objects.select_related("submitted_by"), pk=pk)
    form = ReviewForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.review(Practice.objects.get(pk=pk), request.user, status=data["status"],
                        message=data["review_message"],
                        relations={field: data[field] for field in ReviewForm.RELATIONS})
        messages.success(request, _("Review saved."))
        return redirect("practices:review-queue")
    return render(request, "practices/review.html", {
        "form": form, "practice": practice, "suggested": services.suggested_tags(practice),
        "words": services.tag_words(practice)}, status=400 if form.errors else 200)
