"""Schwartz & Hearst on the examples of their paper and of its reference implementation's tests."""

import pytest

from idm.synthesis.abbreviations import Definition, best_long_form, collect, find_definitions

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text,short,long", [
    # The paper's running example (Schwartz & Hearst 2003, section 2).
    ("heat shock transcription factor (HSTF)", "HSTF", "heat shock transcription factor"),
    # Examples from the yeast corpus used in the paper's evaluation.
    ("The endoplasmic reticulum (ER) in Saccharomyces cerevisiae", "ER", "endoplasmic reticulum"),
    ("a homolog of mammalian Wiskott-Aldrich syndrome protein (WASP), and", "WASP",
     "Wiskott-Aldrich syndrome protein"),
    ("a homolog of WASP-interacting protein (WIP).", "WIP", "WASP-interacting protein"),
    ("Ribonuclease P (RNase P) is a ubiquitous endoribonuclease", "RNase P", "Ribonuclease P"),
    # The dialogue's own vocabulary.
    ("The International Organization for Migration (IOM) is the secretariat.", "IOM",
     "International Organization for Migration"),
    ("Sustainable Development Goals (SDGs) include migration.", "SDGs",
     "Sustainable Development Goals"),
    # French elides the article into the long form's first word; the definition starts after it.
    ("les États membres de l’Organisation internationale pour les migrations (OIM)", "OIM",
     "Organisation internationale pour les migrations"),
    ("le rôle de l'Organisation des Nations Unies (ONU)", "ONU",
     "Organisation des Nations Unies"),
])
def test_long_form_then_short_form(text, short, long):
    assert Definition(short, long) in find_definitions(text)


def test_short_form_then_long_form():
    found = find_definitions("IOM (International Organization for Migration) leads.")
    assert found == [Definition("IOM", "International Organization for Migration")]


def test_the_shortest_matching_long_form_is_chosen():
    # Only "heat shock transcription factor", not the words before it.
    assert best_long_form("HSTF", "the expression of heat shock transcription factor") == (
        "heat shock transcription factor")


@pytest.mark.parametrize("text", [
    "the plasma membrane (cortical ER) and",    # two words inside, neither an abbreviation
    "as shown earlier (see below) the",         # no capital: not an abbreviation here
    "Director, Ministry of Labour (demo)",      # a demonstration mark, not an abbreviation
    "a long way (1998) ago",                    # no letter
])
def test_what_is_not_a_definition(text):
    assert find_definitions(text) == []


def test_one_sorted_list_corrected_by_the_rapporteur():
    texts = ["The International Organization for Migration (IOM) and the United Nations (UN).",
             "Regional consultative processes (RCPs) and the United Nations (UN) again.",
             "African Union (AU) members."]
    definitions = collect(texts, additions={"GCM": "Global Compact for Migration",
                                            "RCPs": "regional consultative processes on migration"},
                          removals={"AU"})
    assert [(d.short, d.long) for d in definitions] == [
        ("GCM", "Global Compact for Migration"),
        ("IOM", "International Organization for Migration"),
        ("RCPs", "regional consultative processes on migration"),
        ("UN", "United Nations")]


def test_two_long_forms_for_one_short_form_the_first_read_is_kept():
    """The report keeps the long form a reader meets first, so that the list agrees with the
    first definition in the text; the rapporteur's entry, if any, overrides both."""
    introduction = "Regional consultative processes (RCPs) meet every year."
    quote = "We joined two RCPs (regional cooperation platforms on migration) last year."
    assert collect([introduction, quote]) == [
        Definition("RCPs", "Regional consultative processes")]
    assert collect([quote, introduction]) == [
        Definition("RCPs", "regional cooperation platforms on migration")]
    assert collect([quote, introduction], additions={"RCPs": "regional consultative processes"}) == [
        Definition("RCPs", "regional consultative processes")]


@pytest.mark.parametrize("text,expected", [
    # Lists of definitions, as UN tables' notes write them.
    ("Abbreviations: EIT = economies in transition, GHG = greenhouse gas, LULUCF = land use.",
     [("EIT", "economies in transition"), ("GHG", "greenhouse gas")]),
    ("GDP=gross domestic product, PPP=purchasing power parities.",
     [("GDP", "gross domestic product"), ("PPP", "purchasing power parities")]),
    # A plural short form of a singular long form.
    ("comply with the terms of Memoranda of Agreement (MOAs) governing them",
     [("MOAs", "Memoranda of Agreement")]),
    # The long form starts with the Office, not with "of the United Nations…".
    ("the Office of the United Nations High Commissioner for Human Rights (OHCHR) said",
     [("OHCHR", "Office of the United Nations High Commissioner for Human Rights")]),
    # It does not reach back over another parenthesis or a slash-joined name.
    ("the United Nations Children's Fund (UNICEF); United Nations Development Programme (UNDP)",
     [("UNICEF", "United Nations Children's Fund"),
      ("UNDP", "United Nations Development Programme")]),
    ("an ECO/UNICEF/World Health Organization (WHO) meeting",
     [("WHO", "World Health Organization")]),
    # Initials that spell the short form win over the shortest end that holds its letters.
    ("the Integrated Management Information System (IMIS) was upgraded",
     [("IMIS", "Integrated Management Information System")]),
    # A list's long form ends with the word of the short form's last initial.
    ("GMS = general management services The proposed budget includes them.",
     [("GMS", "general management services")]),
    # The sentence going on is not a long form.
    ("The United Nations currently has 54 information centres (UNICs).", []),
])
def test_definitions_of_un_documents(text, expected):
    assert [(d.short, d.long) for d in find_definitions(text)] == expected


def test_definitions_come_in_the_order_of_the_text():
    text = "GHG = greenhouse gas. The Global Compact for Migration (GCM) was adopted."
    assert [d.short for d in find_definitions(text)] == ["GHG", "GCM"]


@pytest.mark.parametrize("text,expected", [
    # Initials may be further apart than the paper's limit when the words between them are
    # "of", "the", "pour", "para": the Global Compact's name is found in the three languages.
    ("the Global Compact for Safe, Orderly and Regular Migration (GCM) was adopted",
     [("GCM", "Global Compact for Safe, Orderly and Regular Migration")]),
    ("le Pacte mondial pour des migrations sûres, ordonnées et régulières (PMM) a été adopté",
     [("PMM", "Pacte mondial pour des migrations sûres, ordonnées et régulières")]),
    ("el Pacto Mundial para la Migración Segura, Ordenada y Regular (PMM) fue adoptado",
     [("PMM", "Pacto Mundial para la Migración Segura, Ordenada y Regular")]),
    ("Samoa is party to the Convention on the Elimination of All Forms of Discrimination against "
     "Women (CEDAW).",
     [("CEDAW", "Convention on the Elimination of All Forms of Discrimination against Women")]),
])
def test_initials_far_apart(text, expected):
    assert [(d.short, d.long) for d in find_definitions(text)] == expected


@pytest.mark.parametrize("text,expected", [
    ("The claim concerns the Kuwait Investment Authority (“KIA”) and its reserves.",
     [("KIA", "Kuwait Investment Authority")]),
    ("L'Organisation internationale pour les migrations (« OIM ») a publié son rapport.",
     [("OIM", "Organisation internationale pour les migrations")]),
    ("La Organización Internacional para las Migraciones (“OIM”) publicó su informe.",
     [("OIM", "Organización Internacional para las Migraciones")]),
])
def test_quotation_marks_around_the_short_form(text, expected):
    assert [(d.short, d.long) for d in find_definitions(text)] == expected


@pytest.mark.parametrize("text,expected", [
    # The long form ends with the word that gives the short form its last letter.
    ("The Science and Technology for Development Network (STDev) met in Geneva.",
     [("STDev", "Science and Technology for Development")]),
    ("the implementation of the Global Energy Efficiency 21 project (GEE21) and its sub-projects",
     [("GEE21", "Global Energy Efficiency 21")]),
    ("la Comisión Económica para América Latina y el Caribe (CEPAL) publicó su estudio",
     [("CEPAL", "Comisión Económica para América Latina")]),
    # Not when it would end on "and", nor inside a list of words.
    ("the Economic Commission for Latin America and the Caribbean (ECLA) reported",
     [("ECLA", "Economic Commission for Latin America and the Caribbean")]),
    ("le Pacte mondial pour des migrations sûres, ordonnées et régulières (PMM) a été adopté",
     [("PMM", "Pacte mondial pour des migrations sûres, ordonnées et régulières")]),
    # Nor when every word names one of its letters.
    ("Regional consultative processes on migration (RCPs) meet every year.",
     [("RCPs", "Regional consultative processes")]),
    ("The International Dialogue on Migration (IDM) is IOM's principal forum.",
     [("IDM", "International Dialogue on Migration")]),
])
def test_long_form_ends_with_the_last_named_word(text, expected):
    assert [(d.short, d.long) for d in find_definitions(text)] == expected


def test_a_possessive_is_not_part_of_the_long_form():
    found = find_definitions("to examine the General Security Service's (GSS) methods of interrogation")
    assert found == [Definition("GSS", "General Security Service")]


@pytest.mark.parametrize("text,expected", [
    # The long form in the parenthesis may follow lower-case words...
    ("a subscription programme based on RSS (which stands for Really Simple Syndication) is offered",
     [("RSS", "Really Simple Syndication")]),
    # ...and be one or two lower-case words, in the three languages.
    ("“NO” (not occurring) for emissions by sources, “NE” (not estimated) for existing emissions",
     [("NO", "not occurring"), ("NE", "not estimated")]),
    ("« NE » (non estimé) pour les émissions existantes", [("NE", "non estimé")]),
    ("NE (no estimado) para las emisiones existentes", [("NE", "no estimado")]),
    # The word before must look abbreviated, and the parenthesis must not only mention it.
    ("losses found to be direct losses by the Commission (and in respect of which the Commission "
     "has made awards of compensation)", []),
    ("Myra Kovary (Network of Women with Disabilities), Erzsebet Foldesi (National Federation of "
     "Disabled Persons' Associations of Hungary)", []),
    ("Coordination among ToSs (through an annual ToS leader meetings for example) improved.", []),
])
def test_short_form_then_long_form_in_un_documents(text, expected):
    assert [(d.short, d.long) for d in find_definitions(text)] == expected


@pytest.mark.parametrize("text", [
    # A web address is not a long form.
    "please contact the focal point at UNAIDS (e-mail ortegav@unaids.org).",
    "For more, see http://www.ceu.cz/EIA/SEA/UPD/Default.aspx (SEA).",
    # A long form that starts in lower case and goes on with a name is the sentence.
    "An upward trend was discernible only in the World Tourism Organization (UNWTO).",
])
def test_sentences_that_are_not_long_forms(text):
    assert find_definitions(text) == []


@pytest.mark.parametrize("text,expected", [
    # The name's initials are the short form's letters in another order.
    ("the United Nations Children's Fund (UNICEF) and the United Nations Population Fund (UNFPA)",
     [("UNICEF", "United Nations Children's Fund"), ("UNFPA", "United Nations Population Fund")]),
    ("the International Union for Conservation of Nature (IUCN) and the International Council "
     "for Science (ICSU)",
     [("IUCN", "International Union for Conservation of Nature"),
      ("ICSU", "International Council for Science")]),
    # A list of other short forms is not part of the long form.
    ("agencies including WHO, UNDP, WFP, United Nations Population Fund (UNFPA), UNICEF",
     [("UNFPA", "United Nations Population Fund")]),
])
def test_names_whose_initials_are_in_another_order(text, expected):
    assert [(d.short, d.long) for d in find_definitions(text)] == expected
