"""A report may print, under each key message put to a consultation, its votes and group-informed
consensus: in the PDF and the HTML, in the report's language, marked when the votes are
illustrative; nothing when the publication does not ask for it."""

import pytest
from django.utils import translation
from pypdf import PdfReader

from idm.consultations import services as consultations
from idm.consultations.demo import load_demo_consultation
from idm.deliberation.models import KeyMessage, Recommendation
from idm.publications import build as builder
from idm.publications.document import assemble
from idm.publications.models import Version

pytestmark = pytest.mark.integration


def lines(document: dict) -> dict[str, list[str]]:
    return {s["id"]: [b["text"] for b in s["blocks"] if b["type"] == "consultation"]
            for s in document["sections"]}


def test_key_messages_print_their_consultation_figures(publication, tmp_path):
    load_demo_consultation(publication.dialogue)
    publication.consultation_figures = False
    publication.save()
    assert not any(lines(assemble(publication, "en", strict=False)).values())

    publication.consultation_figures = True
    publication.save()
    first = KeyMessage.objects.get(dialogue=publication.dialogue, number=1)
    [figures] = consultations.figures_for(first)
    assert figures["votes"] > 100
    expected = (f"Consultation of participants in Geneva: {figures['agree']} of {figures['votes']} "
                f"agreed ({round(100 * figures['agree'] / figures['votes'])}%), "
                f"{figures['disagree']} disagreed and {figures['pass']} passed; group-informed "
                f"consensus {figures['group_informed_consensus']:.2f}.")
    found = lines(assemble(publication, "en", strict=False))
    assert [line.startswith(expected) for line in found["key-message-1"]] == [True]
    assert found["key-message-1"][0].endswith("(Illustrative votes: no such vote took place.)")
    assert all(len(found[f"key-message-{n}"]) == 1 for n in range(1, 7))
    assert found["introduction"] == found["conclusions"] == []

    french = lines(assemble(publication, "fr", strict=False))["key-message-1"][0]
    with translation.override("fr"):
        share = f"{figures['group_informed_consensus']:.2f}".replace(".", ",")
    assert french.startswith("Consultation des participants à Genève : ")
    assert f"consensus entre groupes {share}" in french and "Votes illustratifs" in french

    result = builder.build(publication, ["en"], ["pdf", "html"], None, lambda f, m: None)
    assert result.ok
    version = Version.objects.get(edition__publication=publication, edition__language="en")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(version.pdf.path).pages)
    assert text.count("Consultation of participants in Geneva:") == 6
    assert expected in text
    html = version.html.open("rb").read().decode()
    assert html.count('<p class="report-consultation">Consultation of participants in Geneva:') == 6


def test_a_recommendation_prints_the_figures_of_a_dialogue_wide_consultation(
        publication, django_capture_on_commit_callbacks):

    publication.consultation_figures = True
    publication.save()
    recommendation = Recommendation.objects.filter(dialogue=publication.dialogue,
                                                   status=KeyMessage.Status.FINAL).first()
    consultation = consultations.create(publication.dialogue, None, title="Recommendations",
                                        recommendations=[recommendation], voters="link")
    [item] = consultation.items.all()
    with django_capture_on_commit_callbacks(execute=True):
        for value in (1,) * 9 + (-1,) * 2 + (0,):
            consultations.cast(consultation, consultations.new_link_voter(consultation), item.pk, value)
    [figures] = consultations.figures_for(recommendation)
    document = assemble(publication, "en", strict=False)
    [block] = [b for s in document["sections"] for b in s["blocks"] if b["type"] == "recommendations"]
    printed = {i["text"]: i["consultation"] for g in block["groups"] for i in g["items"]}
    assert printed.pop(recommendation.text) == [
        "Consultation of participants: 9 of 12 agreed (75%), 2 disagreed and 1 passed; "
        f"group-informed consensus {figures['group_informed_consensus']:.2f}. A consensus statement."]
    assert not any(printed.values())
