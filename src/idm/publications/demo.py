"""The publication of the IDM 2018 demo: No. 28 with its real identifiers, built from the demo's
data and marked as a demonstration, in English, French and Spanish. The French and Spanish texts
are demonstration translations (demo_data/, not IOM's official text); they arrive the way a
translator's work does: a TMX seeds the translation memory, and an exchange file pre-filled from
it is imported."""

from pathlib import Path

from django.db import transaction

from idm.consultations.demo import load_demo_consultation
from idm.core import roles
from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.reference import load_reference_data, reference_data_loaded
from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import Theme
from idm.dialogues.demo import load_demo, load_demo_participants
from idm.dialogues.models import Dialogue
from idm.practices.demo import load_demo_practices
from idm.publications import exchange, services
from idm.publications.build import BuildResult, build
from idm.publications.models import Edition, Publication

ACTOR = "idm demo"
TRANSLATIONS = Path(__file__).parent / "demo_data" / "idm-28-demo-translations.tmx"
# IOM's own French and Spanish names and address, as its publications print them.
PUBLISHER = {"en": "International Organization for Migration (IOM)",
             "fr": "Organisation internationale pour les migrations (OIM)",
             "es": "Organización Internacional para las Migraciones (OIM)"}
ADDRESS = {"en": "17 route des Morillons, P.O. Box 17, 1211 Geneva 19, Switzerland",
           "fr": "17 route des Morillons, C.P. 17, 1211 Genève 19, Suisse",
           "es": "17 route des Morillons, C.P. 17, 1211 Ginebra 19, Suiza"}

INTRODUCTION = """\
The International Dialogue on Migration (IDM) is IOM's principal forum for migration policy dialogue. In 2018 it was devoted to inclusive and innovative partnerships for effective global governance of migration, in the year the Global Compact for Safe, Orderly and Regular Migration (GCM) was adopted.

Two workshops took place: in New York, at United Nations Headquarters, on 26 and 27 March 2018, and in Geneva, at the Palais des Nations, on 8 and 9 October 2018, ahead of the Intergovernmental Conference in Marrakech. They brought together representatives of Member States of the International Organization for Migration (IOM), United Nations (UN) agencies, regional consultative processes (RCPs), civil society, the private sector, migrant and diaspora associations and academia.

This demonstration report is assembled by idm from the demonstration's data: its key messages keep the titles of the real report with texts written for the demonstration, and the statements it quotes come either from fictional speakers in illustrative sessions or from the general debate of the 73rd session of the UN General Assembly (UNGA)."""

CONCLUSIONS = """\
Participants saw partnerships and capacity development as two sides of the implementation of the Global Compact: partnerships carry the knowledge and resources that capacity development needs, and capacity development makes partnerships last.

They asked that the capacity-building mechanism of the Global Compact be demand-driven and inclusive of local authorities, civil society, diasporas and the private sector, and that existing regional processes be built upon before new ones are created."""


def load_demo_dialogue() -> Dialogue:
    """The demo's dialogue with everything the apps below the publication give it: reference
    data, the roles' permissions, the programme, participants, statements, the consultation and
    the practices (what `idm demo` loads before it builds the report)."""
    if not reference_data_loaded():
        load_reference_data()
    roles.grant_role_permissions()
    dialogue = load_demo()
    load_demo_participants(dialogue)
    load_demo_deliberation(dialogue)
    load_demo_consultation(dialogue)
    load_demo_practices(dialogue)
    return dialogue


@transaction.atomic
def create_publication(dialogue: Dialogue) -> Publication:
    publication = Publication.objects.filter(dialogue=dialogue).first()
    if publication is not None:
        return publication
    publication = core_services.save(Publication(
        dialogue=dialogue, slug=f"idm-{dialogue.number}",
        title=dialogue.theme_en, title_en=dialogue.theme_en, title_fr=dialogue.theme_fr,
        abstract_en=("The report of the two workshops of the International Dialogue on "
                     "Migration in 2018, organized around six key messages on partnerships and "
                     "capacity development for the global governance of migration, with "
                     "conclusions, recommendations and the final agendas."),
        introduction=INTRODUCTION, introduction_en=INTRODUCTION,
        conclusions=CONCLUSIONS, conclusions_en=CONCLUSIONS,
        **{f"publisher_{code}": name for code, name in PUBLISHER.items()},
        **{f"publisher_address_{code}": address for code, address in ADDRESS.items()},
        year=dialogue.year, rights_en=f"© {dialogue.year} International Organization for "
                                      "Migration (IOM)",
        original_language="en", demonstration=True, consultation_figures=True, practices=True),
        ACTOR)
    publication.themes.set([Theme.objects.get_or_create(name=name)[0] for name in
                            ("partnerships", "capacity development", "global governance")])
    # Real identifiers, from publications.iom.int (shared/reference/FACTS.md section 1.2).
    core_services.save(Edition(publication=publication, language="en",
                               isbn="978-92-9068-774-0", issn="1726-2224"), ACTOR)
    core_services.save(Edition(publication=publication, language="fr",
                               isbn="978-92-9068-780-1", issn="1726-4030"), ACTOR)
    core_services.save(Edition(publication=publication, language="es"), ACTOR)
    return publication


@transaction.atomic
def translate_demo_publication(publication: Publication) -> dict[str, int]:
    """The demonstration translations, through the translators' exchange: the TMX goes into the
    memory, then each language's exchange file, pre-filled from it, is imported. Returns how many
    texts each language received."""
    content = TRANSLATIONS.read_bytes()
    services.add_to_memory(exchange.read_tmx(content, TRANSLATIONS.name),
                           "idm demo: demonstration translations")
    received = {}
    for language in LANGUAGES:
        if language == "en":
            continue
        name = f"{publication.slug}-{language}.xlf"
        incoming = exchange.read_translations(exchange.write_xliff(publication, language), name)
        received[language] = services.import_translations(incoming, ACTOR)
    return received


def build_demo_publication(dialogue: Dialogue) -> BuildResult:
    publication = create_publication(dialogue)
    translate_demo_publication(publication)
    publication.refresh_from_db()
    result = build(publication, list(LANGUAGES), ["pdf", "docx", "epub", "html"], ACTOR)
    for version in result.built.values():
        services.publish(version, ACTOR)
    return result
