"""The actor network of the practices registry: organizations linked by the published practices
they share, filtered by GCM objective and region, as a page with a picture and a table, and as
GraphML, JSON and SVG files."""

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from django.utils import translation

from idm.core.models import Country, GcmObjective, StakeholderCategory
from idm.dialogues.models import Organization
from idm.practices import network, services
from idm.practices.models import Practice

pytestmark = pytest.mark.integration

SVG = "{http://www.w3.org/2000/svg}"


def organization(name: str, category: str, **values) -> Organization:
    return Organization.objects.create(name=name, name_en=name,
                                       category=StakeholderCategory.objects.get(code=category),
                                       **values)


def practice(title: str, implementers, partners=(), *, objectives=(), countries=(),
             status=Practice.Status.PUBLISHED) -> Practice:
    found = Practice(title=title, title_en=title, summary="What it does.", summary_en="What it does.",
                     type=Practice.Type.PARTNERSHIP, level=Practice.Level.REGIONAL, status=status)
    return services.save(found, None, relations={
        "implementers": implementers, "partners": partners,
        "gcm_objectives": GcmObjective.objects.filter(number__in=objectives),
        "countries": Country.objects.filter(iso2__in=countries)})


@pytest.fixture
def actors(reference):
    """Alliance and Ministry share two published practices, City one of them; Union is only in a
    practice not yet published."""
    alliance = organization("Fair Recruitment Alliance", "private_sector", acronym="FRA")
    ministry = organization("Ministry of Labour", "member_state",
                            country=Country.objects.get(iso2="SN"))
    city = organization("Coastal City", "local_authority", region="Western Africa")
    union = organization("Dockers' Union", "trade_union")
    practice("Recruitment corridor", [alliance, ministry], [city], objectives=[6], countries=["SN"])
    practice("Skills pilot", [alliance], [ministry], objectives=[18], countries=["DE"])
    practice("A submission", [alliance, union], [ministry], objectives=[6], countries=["SN"],
             status=Practice.Status.SUBMITTED)
    return {"alliance": alliance, "ministry": ministry, "city": city, "union": union}


def names(graph: nx.Graph) -> set[str]:
    return {data["name"] for _node, data in graph.nodes(data=True)}


def test_organizations_sharing_practices_are_linked_by_how_many_they_share(actors):
    graph = network.actor_network()
    alliance, ministry, city = actors["alliance"].pk, actors["ministry"].pk, actors["city"].pk
    assert names(graph) == {"Fair Recruitment Alliance", "Ministry of Labour", "Coastal City"}
    assert graph.nodes[alliance] == {
        "name": "Fair Recruitment Alliance", "acronym": "FRA", "label": "Fair Recruitment Alliance (FRA)",
        "category": "private_sector", "category_name": "Private sector", "practices": 2}
    assert graph.nodes[ministry]["region"] == "Africa"  # its country's region
    assert graph.nodes[city]["region"] == "Western Africa"  # its own
    link = graph.edges[alliance, ministry]
    assert link["weight"] == 2
    assert link["practices"] == "Recruitment corridor; Skills pilot"
    assert graph.edges[alliance, city]["weight"] == 1 and graph.edges[ministry, city]["weight"] == 1
    assert graph.graph["practices"] == 2


def test_an_unpublished_practice_adds_nothing(actors):
    graph = network.actor_network()
    assert actors["union"].pk not in graph
    assert graph.edges[actors["alliance"].pk, actors["ministry"].pk]["weight"] == 2  # not 3
    Practice.objects.filter(title="A submission").update(status=Practice.Status.PUBLISHED)
    graph = network.actor_network()
    assert graph.edges[actors["alliance"].pk, actors["union"].pk]["weight"] == 1
    assert graph.edges[actors["alliance"].pk, actors["ministry"].pk]["weight"] == 3


def test_the_objective_and_region_filters_change_the_graph(client, actors):
    page = client.get("/en/practices/network/?objective=6")
    assert page.status_code == 200
    shown = {o["name"]: o for o in page.context["organizations"]}
    assert set(shown) == {"Fair Recruitment Alliance", "Ministry of Labour", "Coastal City"}
    assert shown["Fair Recruitment Alliance"]["links"] == [
        {"label": "Coastal City", "weight": 1}, {"label": "Ministry of Labour", "weight": 1}]
    page = client.get("/en/practices/network/?region=Europe")
    assert [o["name"] for o in page.context["organizations"]] == [
        "Fair Recruitment Alliance", "Ministry of Labour"]
    assert page.context["links"] == 1 and page.context["practices"] == 1
    # The downloads and the registry's link keep the filters.
    html = page.content.decode()
    assert 'href="/en/practices/network.graphml?region=Europe"' in html
    assert 'href="/en/practices/?region=Europe"' in html


def test_the_page_lists_organizations_by_practices_with_the_picture(client, actors):
    page = client.get("/en/practices/network/")
    assert page.status_code == 200
    assert [o["name"] for o in page.context["organizations"]] == [
        "Fair Recruitment Alliance", "Ministry of Labour", "Coastal City"]  # 2, 2, 1 practices
    html = page.content.decode()
    assert "<svg" in html and "<title>Actor network</title>" in html
    assert "Ministry of Labour (2)" in html  # the alliance's link, with the practices shared
    assert "Dockers" not in html
    assert 'href="/en/practices/network/"' in client.get("/en/practices/").content.decode()


def test_the_graphml_download_reads_back(client, actors):
    response = client.get("/en/practices/network.graphml?objective=6")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/graphml+xml"
    assert response["Content-Disposition"] == 'attachment; filename="actor-network-objective-6.graphml"'
    graph = nx.read_graphml(io.BytesIO(response.content))
    alliance, ministry, city = (str(actors[k].pk) for k in ("alliance", "ministry", "city"))
    assert set(graph) == {alliance, ministry, city}
    assert graph.number_of_edges() == 3
    assert graph.nodes[alliance]["name"] == "Fair Recruitment Alliance"
    assert graph.nodes[alliance]["practices"] == 1
    assert graph.edges[alliance, ministry]["weight"] == 1
    assert graph.edges[alliance, ministry]["practices"] == "Recruitment corridor"
    everything = nx.read_graphml(io.BytesIO(client.get("/en/practices/network.graphml").content))
    assert everything.edges[alliance, ministry]["weight"] == 2


def test_a_control_character_in_a_name_does_not_break_the_graphml(client, actors):
    # Typed into the admin before idm refused them: XML has no place for it, so it is left out.
    Organization.objects.filter(pk=actors["city"].pk).update(name="Coastal\x0bCity")
    response = client.get("/en/practices/network.graphml")
    assert response.status_code == 200
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert graph.nodes[str(actors["city"].pk)]["name"] == "CoastalCity"


def test_the_json_download_has_the_nodes_and_links(client, actors):
    response = client.get("/en/practices/network.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="actor-network.json"'
    data = json.loads(response.content)
    assert [n["name"] for n in data["nodes"]] == [
        "Coastal City", "Fair Recruitment Alliance", "Ministry of Labour"]  # by name
    weights = {frozenset((link["source"], link["target"])): link["weight"] for link in data["links"]}
    assert weights == {frozenset((actors["alliance"].pk, actors["ministry"].pk)): 2,
                       frozenset((actors["alliance"].pk, actors["city"].pk)): 1,
                       frozenset((actors["ministry"].pk, actors["city"].pk)): 1}
    assert client.get("/en/practices/network.json").content == response.content  # deterministic


def test_the_svg_is_well_formed_with_a_title_and_text_as_paths(client, actors):
    response = client.get("/en/practices/network.svg?region=Africa")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.find(f"{SVG}title").text == "Actor network · Africa"
    assert "Organizations: 3; links: 3; practices: 1." in root.find(f"{SVG}desc").text
    assert root.find(f".//{SVG}text") is None  # text drawn as paths: the same everywhere
    assert client.get("/en/practices/network.svg?region=Africa").content == response.content


@pytest.mark.parametrize(("query", "field"), [("objective=99", "GCM objective"),
                                              ("objective=x", "GCM objective"),
                                              ("region=Atlantis", "Region")])
@pytest.mark.parametrize("path", ["network/", "network.svg", "network.graphml", "network.json"])
def test_a_bad_filter_is_a_400_naming_it(client, reference, path, query, field):
    response = client.get(f"/en/practices/{path}?{query}")
    assert response.status_code == 400
    assert f"{field}:" in response.content.decode()


def test_no_matching_practice_is_said_not_an_error(client, actors):
    page = client.get("/en/practices/network/?objective=6&region=Europe")
    assert page.status_code == 200
    html = page.content.decode()
    assert "No published practice matches these filters." in html and "<svg" not in html
    picture = client.get("/en/practices/network.svg?objective=6&region=Europe")
    assert picture.status_code == 200
    assert "No published practice matches these filters." in ET.fromstring(picture.content).find(
        f"{SVG}desc").text
    data = json.loads(client.get("/en/practices/network.json?objective=6&region=Europe").content)
    assert data["nodes"] == [] and data["links"] == []


def test_building_the_graph_takes_the_same_queries_for_one_or_many_practices(
        actors, django_assert_num_queries):
    with django_assert_num_queries(3):  # the practices, their implementers, their partners
        network.actor_network({"region": "Europe"})
    with django_assert_num_queries(3):
        network.actor_network()


def test_a_large_network_is_drawn_bounded(reference):
    graph = nx.Graph(practices=1)
    for node in range(400):
        graph.add_node(node, name=f"Organization {node}", acronym="", label=f"Organization {node}",
                       category="ngo", category_name="Non-governmental organization",
                       practices=1 + node % 5)
    graph.add_edges_from(((node, (node * 7 + 3) % 400) for node in range(400)), weight=1)
    with translation.override("en"):
        svg = network.network_svg(graph, "Actor network")
    root = ET.fromstring(svg)
    assert (f"The {network.DRAWN} most connected organizations are drawn"
            in root.find(f"{SVG}desc").text)
