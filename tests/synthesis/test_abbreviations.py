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
    "the Global Compact for Safe, Orderly and Regular Migration (GCM)",  # too many words apart
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
