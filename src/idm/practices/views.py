"""The public registry of practices: search with facets, and a page per practice."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from idm.core import roles
from idm.practices import services
from idm.practices.forms import RegistryForm
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
        "params": params.urlencode(), "words": words})


def practice_detail(request, pk: int):
    """A practice, where it was presented and the key messages that cite it. Only published
    practices are public; the secretariat and rapporteurs see the others, marked."""
    staff = roles.is_staff(request.user)
    practices = Practice.objects.all() if staff else services.published()
    practice = get_object_or_404(services.with_related(practices).prefetch_related(
        "principles", "sdg_targets", "links", "deliverables", "sessions__workshop"), pk=pk)
    return render(request, "practices/practice.html", {
        "practice": practice, "light": practice.status_light(timezone.localdate()),
        "statements": services.public_statements_of(practice),
        "key_messages": services.public_key_messages_of(practice), "staff": staff})
