"""The actor network of the practices registry: organizations linked by the published practices they
share, as a networkx graph, and that graph as GraphML, JSON (node-link) and an SVG picture."""

import io
import itertools
import json
import math
import textwrap
from collections import defaultdict

import matplotlib
import networkx as nx
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from idm.core import charts
from idm.core.models import StakeholderCategory
from idm.core.validators import without_control_characters
from idm.dialogues.models import Organization
from idm.practices import services

matplotlib.use("Agg")  # no screen: draw to files only (as core/charts.py)

import matplotlib.pyplot as plt  # noqa: E402

# The picture stays readable and quick to draw however large the registry grows: only the most
# connected organizations and the strongest links are drawn (the downloads have them all), only the
# first few are named, and the layout runs a fixed number of steps from a fixed seed.
DRAWN = 150
DRAWN_LINKS = 1200
LABELLED = 12
LAYOUT_SEED = 2018
LAYOUT_STEPS = 100
LABEL_LENGTH = 24
LINK_COLOUR = "#7d8794"


def actor_network(chosen: dict | None = None) -> nx.Graph:
    """Organizations (nodes, keyed by id) that implement or partner in the published practices
    with the `chosen` facet values ({"objective": 5, "region": "Africa"}, as services.filtered),
    linked when they share at least one. A node has name, acronym, label, category,
    category_name, region (when it has one) and practices (how many it is in); a link has weight
    (how many practices the two share), practices (their titles, "; " between) and practice_ids.
    Nodes come in name order and links in their nodes' order, so the same data gives the same
    files."""
    chosen = chosen or {}
    organizations = Organization.objects.select_related("category", "country")
    practices = (services.filtered(services.published(), chosen).order_by("pk")
                 .prefetch_related(Prefetch("implementers", queryset=organizations),
                                   Prefetch("partners", queryset=organizations)))
    found, counts, shared = {}, defaultdict(int), defaultdict(list)
    total = 0
    for practice in practices:
        total += 1
        members = {o.pk: o for o in (*practice.implementers.all(), *practice.partners.all())}
        found.update(members)
        for pk in members:
            counts[pk] += 1
        for pair in itertools.combinations(sorted(members), 2):
            shared[pair].append(practice)
    graph = nx.Graph(practices=total, **chosen)
    for organization in sorted(found.values(), key=lambda o: (o.name.casefold(), o.pk)):
        region = organization.region or (organization.country.region if organization.country else "")
        graph.add_node(organization.pk, name=organization.name, acronym=organization.acronym,
                       label=str(organization), category=organization.category.code,
                       category_name=organization.category.name, practices=counts[organization.pk],
                       **({"region": region} if region else {}))
    order = {pk: index for index, pk in enumerate(graph)}
    for a, b in sorted(shared, key=lambda pair: sorted(order[pk] for pk in pair)):
        together = sorted(shared[(a, b)], key=lambda p: (p.title.casefold(), p.pk))
        first, second = sorted((a, b), key=order.get)
        graph.add_edge(first, second, weight=len(together),
                       practices="; ".join(p.title for p in together),
                       practice_ids=",".join(str(p.pk) for p in together))
    return graph


def graphml(graph: nx.Graph) -> bytes:
    """The graph as GraphML; a control character that a name may hold (XML has no place for
    it) is left out."""
    clean = graph.copy()  # new attribute dicts: the caller's graph keeps its own
    attributes = [d for _node, d in clean.nodes(data=True)] + [d for *_ends, d in clean.edges(data=True)]
    for data in attributes:
        data.update({key: without_control_characters(value) for key, value in data.items()
                     if isinstance(value, str)})
    out = io.BytesIO()
    nx.write_graphml(clean, out, encoding="utf-8")
    return out.getvalue()


def node_link_json(graph: nx.Graph) -> str:
    """The graph as D3 and networkx read it: {"nodes": [...], "links": [...], ...}."""
    return json.dumps(nx.node_link_data(graph, edges="links"), ensure_ascii=False, indent=1,
                      sort_keys=True)


def ranked(graph: nx.Graph) -> list[dict]:
    """The organizations, those in the most practices first, each with the organizations it is
    linked to (the most shared practices first): the picture's text equivalent."""
    rows = []
    for node, data in graph.nodes(data=True):
        links = sorted(((graph.nodes[other]["label"], edge["weight"])
                        for other, edge in graph[node].items()),
                       key=lambda link: (-link[1], link[0].casefold()))
        rows.append({**data, "id": node, "links": [{"label": label, "weight": weight}
                                                   for label, weight in links]})
    return sorted(rows, key=lambda row: (-row["practices"], row["name"].casefold(), row["id"]))


def title(chosen: dict) -> str:
    parts = [_("Actor network")]
    if chosen.get("objective"):
        parts.append(_("GCM objective %(number)s") % {"number": chosen["objective"]})
    if chosen.get("region"):
        parts.append(chosen["region"])
    return " · ".join(parts)


def network_svg(graph: nx.Graph, title: str) -> str:
    """The network drawn: a circle per organization, coloured by stakeholder category and sized by
    its practices, a line per link as wide as the practices shared, the most connected named.
    Deterministic for the same graph; text drawn as paths, as core/charts.py draws."""
    shown = _drawn(graph)
    description = " ".join(filter(None, [
        _("Organizations linked by the published practices they share.") if len(graph) else "",
        _("Organizations: %(organizations)s; links: %(links)s; practices: %(practices)s.") % {
            "organizations": len(graph), "links": graph.number_of_edges(),
            "practices": graph.graph.get("practices", 0)},
        (_("The %(shown)s most connected organizations are drawn; the downloads have them all.")
         % {"shown": len(shown)}) if len(shown) < len(graph) else "",
        _("Colour: stakeholder category; circle size: number of practices; line width: number "
          "of shared practices.") if len(graph) else _("No published practice matches these filters."),
    ]))
    plt.rcParams.update(charts.STYLE)
    figure, axes = plt.subplots(figsize=(9.5, 6.4), dpi=72, layout="constrained")
    try:
        axes.set_title(title, loc="left", fontsize=11, color=charts.INK, fontweight="bold")
        axes.set_axis_off()
        if len(graph):
            _draw_network(figure, axes, shown)
        else:
            axes.text(0.5, 0.5, _("No published practice matches these filters."), ha="center",
                      va="center", fontsize=11, color=charts.INK, transform=axes.transAxes)
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "idm"})
    finally:
        plt.close(figure)
    return charts.accessible(out.getvalue().decode(), title, description)


def _connection(graph: nx.Graph):
    """How connected each organization is, for choosing what to draw and name: the practices it
    shares with others, then its own practices; ties by name."""
    strength = dict(graph.degree(weight="weight"))
    return lambda node: (-strength[node], -graph.nodes[node]["practices"],
                         graph.nodes[node]["name"].casefold(), node)


def _drawn(graph: nx.Graph) -> nx.Graph:
    """The part of the graph the picture shows: the DRAWN most connected organizations and, among
    them, the DRAWN_LINKS strongest links."""
    keep = sorted(graph, key=_connection(graph))[:DRAWN]
    shown = graph.subgraph(keep).copy()  # in the graph's order
    if shown.number_of_edges() > DRAWN_LINKS:
        order = {node: index for index, node in enumerate(shown)}
        links = sorted(shown.edges(data="weight"), key=lambda e: (-e[2], order[e[0]], order[e[1]]))
        shown.remove_edges_from([(a, b) for a, b, _w in links[DRAWN_LINKS:]])
    return shown


def _draw_network(figure, axes, graph: nx.Graph) -> None:
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED, iterations=LAYOUT_STEPS, weight="weight")
    orders = dict(StakeholderCategory.objects.values_list("code", "order"))
    categories = sorted({(data["category"], data["category_name"]) for _n, data in graph.nodes(data=True)},
                        key=lambda category: (orders.get(category[0], 0), category[0]))
    # Ten clear colours while they are enough; then twenty, then forty, none used twice.
    palette = (matplotlib.colormaps["tab10"].colors if len(categories) <= 10 else
               matplotlib.colormaps["tab20"].colors + matplotlib.colormaps["tab20b"].colors)
    colours = {code: palette[index % len(palette)] for index, (code, _name) in enumerate(categories)}
    # The more organizations, the smaller the circles and the fainter the lines.
    crowd = min(1.0, math.sqrt(40 / len(graph)))

    links = sorted(graph.edges(data="weight"), key=lambda e: e[2])  # the strongest on top
    if links:
        axes.add_collection(LineCollection(
            [(positions[a], positions[b]) for a, b, _w in links],
            linewidths=[min(7.0, (0.4 + 0.7 * crowd) * weight ** 0.7) for _a, _b, weight in links],
            colors=LINK_COLOUR, alpha=0.35 + 0.4 * crowd, zorder=1))
    nodes = list(graph)
    sizes = [_size(graph.nodes[n]["practices"], crowd) for n in nodes]
    axes.scatter([positions[n][0] for n in nodes], [positions[n][1] for n in nodes], s=sizes,
                 c=[colours[graph.nodes[n]["category"]] for n in nodes], edgecolors="white",
                 linewidths=0.8, zorder=2)
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for node in sorted(graph, key=_connection(graph))[:LABELLED]:
        data = graph.nodes[node]
        axes.annotate(_short(data["acronym"] or data["name"]), positions[node],
                      xytext=(0, math.sqrt(_size(data["practices"], crowd)) / 2 + 1.5),
                      textcoords="offset points", ha="center", va="bottom", fontsize=8 + crowd,
                      color=charts.INK, path_effects=halo, zorder=3)
    axes.margins(0.08)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markeredgecolor="white",
                      markerfacecolor=colours[code], label=textwrap.fill(name, 30))
               for code, name in categories]
    figure.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=8,
                  title=_("Stakeholder category"), title_fontsize=8, alignment="left")


def _size(practices: int, crowd: float) -> float:
    """A circle's area (points²): larger with more practices, smaller in a crowd."""
    return (60 + 90 * practices ** 0.75) * crowd


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[:LABEL_LENGTH - 1].rstrip() + "…"
