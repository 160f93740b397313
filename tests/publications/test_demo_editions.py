"""The demo publishes No. 28 in English, French and Spanish: the French and Spanish texts come
through the translators' exchange from the shipped demonstration translations (a TMX), and
every edition names the two others."""

import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import KeyMessage
from idm.publications.demo import TRANSLATIONS, build_demo_publication
from idm.publications.document import check
from idm.publications.models import Edition, MemorySegment, Version
from idm.publications.texts import FIXED_TEXTS
from tests.publications.test_files import assert_epubcheck_passes

LANGUAGES = ("en", "fr", "es")
OTHERS = {"en": ("Français", "Español"), "fr": ("English", "Español"),
          "es": ("English", "Français")}


@pytest.fixture
def demo_editions(population):
    load_demo_deliberation(population)
    result = build_demo_publication(population)
    assert result.ok, result.missing
    return result


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_three_editions_are_built_and_published(demo_editions, tmp_path):
    publication = demo_editions.built["en"].edition.publication
    assert [check(publication, language) for language in LANGUAGES] == [[], [], []]
    published = {v.edition.language: v for v in Version.objects.filter(
        edition__publication=publication, status=Version.Status.PUBLISHED)}
    assert sorted(published) == sorted(LANGUAGES)
    # The French texts arrived through the memory that the shipped TMX seeded.
    assert MemorySegment.objects.filter(language="fr").count() >= 180
    assert TRANSLATIONS.exists()

    for language in ("fr", "es"):
        version = published[language]
        pdf = " ".join(" ".join((page.extract_text() or "").split())
                       for page in PdfReader(version.pdf.path).pages)
        for key_message in KeyMessage.objects.filter(status="final"):
            title = getattr(key_message, f"title_{language}")
            assert title and title != key_message.title_en
            assert " ".join(title.split()) in pdf, (language, key_message.number)
        assert_epubcheck_passes(version.epub.path, tmp_path)
        meta = version.document["meta"]
        with translation.override(language):
            said = str(FIXED_TEXTS["demonstration_translation"])
        assert said != str(FIXED_TEXTS["demonstration_translation"])  # translated
        assert meta["demonstration_note"].endswith(said)
        assert {other["language"] for other in meta["also_available"]} == set(LANGUAGES) - {
            language}
    # Real identifiers only: the French edition's ISBN is IOM's; the Spanish one has none.
    assert Edition.objects.get(publication=publication, language="fr").isbn == (
        "978-92-9068-780-1")
    spanish = Edition.objects.get(publication=publication, language="es")
    assert spanish.isbn == "" and spanish.isbn_pdf == ""
    assert published["es"].document["meta"]["isbn"] == ""


@pytest.mark.parametrize("interface", LANGUAGES)
def test_the_catalogue_lists_three_editions_each_naming_the_others(client, demo_editions,
                                                                 interface):
    catalogue = client.get(f"/{interface}/publications/").content.decode()
    for language in LANGUAGES:
        assert f'href="/{interface}/publications/idm-28/{language}/"' in catalogue
    for language in LANGUAGES:
        page = client.get(f"/{interface}/publications/idm-28/{language}/")
        assert page.status_code == 200
        html = page.content.decode()
        for other, name in zip(sorted(set(LANGUAGES) - {language}), sorted(OTHERS[language]),
                               strict=True):
            assert f'href="/{interface}/publications/idm-28/{other}/"' in html
            assert name in text_of(page)
    spanish = text_of(client.get(f"/{interface}/publications/idm-28/es/"))
    assert "ISBN" not in spanish
