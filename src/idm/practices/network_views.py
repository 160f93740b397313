"""The actor network of the practices registry: its public page (the picture, the organizations and
their links as a table, the downloads) and the picture, GraphML and JSON files, each for the same
?objective=&region= filters."""

from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.text import slugify

from idm.practices import network
from idm.practices.forms import FacetsForm


def network_page(request):
    form = FacetsForm(request.GET)
    if not form.is_valid():
        return render(request, "practices/network.html", {"form": form}, status=400)
    chosen = form.chosen()
    graph = network.actor_network(chosen)
    title = network.title(chosen)
    return render(request, "practices/network.html", {
        "form": form, "title": title, "graph": graph, "query": urlencode(chosen),
        "svg": network.network_svg(graph, title) if len(graph) else "",
        "organizations": network.ranked(graph), "links": graph.number_of_edges(),
        "practices": graph.graph["practices"]})


def network_svg(request):
    return _file(request, lambda graph, chosen: network.network_svg(graph, network.title(chosen)),
                 "image/svg+xml", "svg", attachment=False)


def network_graphml(request):
    return _file(request, lambda graph, _chosen: network.graphml(graph), "application/graphml+xml",
                 "graphml")


def network_json(request):
    return _file(request, lambda graph, _chosen: network.node_link_json(graph), "application/json",
                 "json")


def _file(request, make, content_type: str, extension: str, *, attachment: bool = True):
    form = FacetsForm(request.GET)
    if not form.is_valid():
        # A file cannot show the page's form: the answer names the wrong filter in plain text.
        return HttpResponseBadRequest(
            "\n".join(f"{form.fields[name].label}: {error}"
                      for name, errors in form.errors.items() for error in errors),
            content_type="text/plain; charset=utf-8")
    chosen = form.chosen()
    response = HttpResponse(make(network.actor_network(chosen), chosen), content_type=content_type)
    if attachment:
        name = "-".join(["actor-network", *(slugify(f"{k}-{v}") for k, v in chosen.items())])
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
