"""Themes in statements (synthesis/themes.py) and the words they rest on (synthesis/language.py)."""

import csv
import json
import socket
from pathlib import Path

import pytest

from idm.synthesis import language
from idm.synthesis.themes import Statement, Synthesis, describe, find_themes, split

pytestmark = pytest.mark.unit

UNGDC = (Path(__file__).resolve().parents[3] / "shared" / "data" / "ungdc"
         / "general_debate_2018_migration_paragraphs.csv")

REMITTANCES = [
    "Remittances sent home by migrant workers support families and pay for schooling.",
    "The cost of sending remittances is still too high; transfer fees eat into what families receive.",
    "Remittances are a lifeline for families in countries of origin, more than aid.",
    "Lowering remittance fees and using mobile money would leave more for families at home.",
    "Diaspora remittances should be channelled into local investment, not only family consumption.",
    "Banks must cut remittance transfer costs to three per cent as the SDG target says.",
]
CLIMATE = [
    "Climate change is already displacing people from low-lying islands and coasts.",
    "Droughts and floods caused by climate change force farmers to leave their land.",
    "People displaced by disasters and climate change need legal pathways and protection.",
    "Sea level rise will displace whole communities; planned relocation must respect their rights.",
    "Early warning of disasters and climate adaptation reduce forced displacement.",
    "Climate displacement within borders is larger than across them and needs national plans.",
]
SKILLS = [
    "Labour migration schemes should recognise the skills and diplomas of migrant workers.",
    "Ethical recruitment and no recruitment fees protect migrant workers from debt bondage.",
    "Skills partnerships train workers before they migrate, for jobs in both countries.",
    "Recruitment agencies charging fees to migrant workers must be regulated and inspected.",
    "Recognition of skills and qualifications lets migrant workers use their training.",
    "Bilateral labour agreements match skills shortages with workers ready to move.",
]
CATEGORIES = ["Government", "Civil society", "Private sector"]
WORKSHOPS = ["2018-new-york", "2018-geneva"]


def statements(texts: list[str], prefix: str, language_code: str = "en") -> list[Statement]:
    return [Statement(f"{prefix}{i}", text, language_code, CATEGORIES[i % 3], WORKSHOPS[i % 2])
            for i, text in enumerate(texts)]


def three_topics() -> list[Statement]:
    return statements(REMITTANCES, "r") + statements(CLIMATE, "c") + statements(SKILLS, "s")


def topic_of(member_id: str) -> str:
    return member_id[0]


def as_json(synthesis: Synthesis) -> str:
    return json.dumps(synthesis.to_dict(), ensure_ascii=False, sort_keys=False)


def test_three_topics_give_three_pure_themes_with_telling_labels():
    synthesis = find_themes(three_topics())
    assert len(synthesis.themes) == 3
    for theme in synthesis.themes:
        assert len({topic_of(m.id) for m in theme.members}) == 1, theme
    labels = {topic_of(t.members[0].id): t.label for t in synthesis.themes}
    assert "remittance" in labels["r"]
    assert "climate" in labels["c"]
    assert "skills" in labels["s"] or "recruitment" in labels["s"] or "workers" in labels["s"]
    assert synthesis.unassigned == ()


def test_a_theme_shows_its_spread_scores_and_representatives():
    theme = find_themes(three_topics()).themes[0]
    assert theme.label == " · ".join(theme.key_phrases[:3])
    assert sum(theme.categories.values()) == len(theme.members)
    assert set(theme.categories) == set(CATEGORIES)
    assert sum(theme.workshops.values()) == len(theme.members)
    scores = [m.score for m in theme.members]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert 0 < theme.coherence <= 1
    assert 1 <= len(theme.representatives) <= 3
    assert set(theme.representatives) <= {m.id for m in theme.members}
    # Spread over stakeholder categories: three representatives from three categories here.
    by_id = {s.id: s for s in three_topics()}
    assert len({by_id[i].category for i in theme.representatives}) == 3


def test_same_input_and_seed_give_byte_identical_results():
    first = find_themes(three_topics(), seed=7)
    again = find_themes(three_topics(), seed=7)
    assert as_json(first) == as_json(again)
    assert first.seed == 7 and first.engine == "tfidf"


def test_to_dict_is_json_and_from_dict_reverses_it():
    synthesis = find_themes(three_topics())
    data = json.loads(as_json(synthesis))
    assert Synthesis.from_dict(data) == synthesis
    assert as_json(Synthesis.from_dict(data)) == as_json(synthesis)


def test_the_number_of_themes_can_be_given():
    assert len(find_themes(three_topics(), themes=2).themes) == 2
    assert len(find_themes(three_topics(), themes=5).themes) == 5
    # Never more themes than statements.
    assert len(find_themes(statements(REMITTANCES[:2], "r"), themes=5).themes) <= 2


@pytest.mark.parametrize("arguments", [{"engine": "bert"}, {"themes": 0}, {"themes": -3}])
def test_unknown_engine_or_fewer_than_one_theme_is_refused(arguments):
    with pytest.raises(ValueError, match="engine|themes"):
        find_themes(three_topics(), **arguments)


def test_progress_is_reported_up_to_done():
    seen = []
    find_themes(three_topics(), progress=lambda fraction, message: seen.append((fraction, message)))
    fractions = [f for f, _ in seen]
    assert len(seen) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)


def test_empty_input_gives_no_theme():
    synthesis = find_themes([])
    assert synthesis.themes == () and synthesis.unassigned == ()


def test_one_statement_is_one_theme():
    synthesis = find_themes([Statement("1", "Remittances support families at home.")])
    assert [[m.id for m in t.members] for t in synthesis.themes] == [["1"]]
    assert synthesis.themes[0].representatives == ("1",)


def test_two_statements_about_one_thing_share_a_theme_two_unrelated_do_not():
    alike = find_themes(statements(REMITTANCES[:1] + REMITTANCES[2:3], "r"))
    assert len(alike.themes) == 1 and len(alike.themes[0].members) == 2
    unrelated = find_themes([Statement("a", "Remittances support families."),
                             Statement("b", "Droughts displace farmers.")])
    assert all(len(t.members) == 1 for t in unrelated.themes)
    assert {m.id for t in unrelated.themes for m in t.members} | set(unrelated.unassigned) == {"a", "b"}


def test_duplicate_statements_land_together_with_the_same_score():
    corpus = three_topics() + [Statement("dup", REMITTANCES[0], "en"), Statement("dup2", REMITTANCES[0])]
    theme = next(t for t in find_themes(corpus).themes if "r0" in {m.id for m in t.members})
    scores = {m.id: m.score for m in theme.members}
    assert scores["dup"] == scores["dup2"] == scores["r0"]
    # A reader wants three different quotes, not the same one twice.
    texts = [next(s.text for s in corpus if s.id == i) for i in theme.representatives]
    assert len(set(texts)) == len(texts)


def test_blank_text_and_stop_words_only_fit_no_theme():
    corpus = three_topics() + [Statement("blank", ""), Statement("spaces", "  \n "),
                               Statement("stop", "And the of, with it.")]
    synthesis = find_themes(corpus)
    assert {"blank", "spaces", "stop"} <= set(synthesis.unassigned)
    assert all(m.id not in {"blank", "spaces", "stop"} for t in synthesis.themes for m in t.members)


def test_one_word_statements():
    corpus = [Statement(str(i), word) for i, word in
              enumerate(["Remittances", "remittances!", "Climate", "Recruitment", "Remittances"])]
    synthesis = find_themes(corpus)
    together = [t for t in synthesis.themes if {"0", "1", "4"} <= {m.id for m in t.members}]
    assert len(together) == 1
    assert "remittances" in together[0].label


def test_a_statement_too_short_to_tell_its_language_takes_the_run_s():
    corpus = three_topics() + [Statement("short", "Remittances!")]
    theme = next(t for t in find_themes(corpus).themes if "r0" in {m.id for m in t.members})
    # "Remittances!" says no stop word; read as English like the run, its lemma meets theirs.
    assert "short" in {m.id for m in theme.members}


def test_french_and_spanish_use_their_own_stop_words_and_lemmas():
    french = language.terms("Les enseignants accueillaient les élèves des écoles", "fr")
    assert french == ["enseignant", "accueillir", "eleve", "ecole", "enseignant accueillir", "eleve ecole"]
    spanish = language.terms("Los maestros recibían a los alumnos de las escuelas", "es")
    assert spanish == ["maestro", "recibir", "alumno", "escuela", "maestro recibir", "alumno escuela"]
    # Accents folded, case too.
    assert language.terms("Les réfugiés", "fr") == language.terms("LES RÉFUGIÉS", "fr")


def test_the_words_of_migration_policy_are_one_term_in_the_three_languages():
    english = set(language.terms("Remittances sent by migrant workers support families", "en"))
    french = set(language.terms("Les envois de fonds des travailleurs migrants soutiennent les familles",
                                "fr"))
    spanish = set(language.terms("Las remesas de los trabajadores migrantes apoyan a las familias", "es"))
    assert {"remittance", "migrant worker", "family", "support"} <= english & french & spanish
    # Shown as written: the French theme's key phrase reads in French.
    assert language.phrase_surface("Les envois de fonds des travailleurs", "fr", {"remittance"}) == {
        "remittance": "envois de fonds"}


def test_languages_are_detected_when_not_given():
    assert language.detect("Les envois de fonds des travailleurs sont essentiels pour les familles") == "fr"
    assert language.detect("Las remesas de los trabajadores son esenciales para las familias") == "es"
    assert language.detect("Remittances from workers are essential for the families") == "en"
    assert language.detect("Wir brauchen mehr legale Wege für Arbeitsmigration") == ""
    assert language.detect("") == ""


def test_english_french_and_spanish_in_one_run_keep_topics_apart():
    french = [
        "Les envois de fonds des travailleurs migrants soutiennent les familles restées au pays.",
        "Le coût des envois de fonds reste trop élevé pour les familles.",
        "Les envois de fonds comptent plus que l'aide pour les familles des pays d'origine.",
        "Le changement climatique déplace déjà les populations des îles et des côtes.",
        "Les sécheresses dues au changement climatique forcent les paysans à partir.",
        "Les personnes déplacées par le changement climatique ont besoin de protection.",
    ]
    spanish = [
        "Las remesas de los trabajadores migrantes sostienen a las familias.",
        "El costo de enviar remesas sigue siendo demasiado alto para las familias.",
        "Las remesas importan más que la ayuda para las familias de los países de origen.",
        "El cambio climático ya desplaza a las poblaciones de las islas y las costas.",
        "Las sequías causadas por el cambio climático obligan a los campesinos a partir.",
        "Las personas desplazadas por el cambio climático necesitan protección.",
    ]
    corpus = (statements(REMITTANCES[:3], "r") + statements(CLIMATE[:3], "c")
              + [Statement(f"{'r' if i < 3 else 'c'}fr{i}", t) for i, t in enumerate(french)]
              + [Statement(f"{'r' if i < 3 else 'c'}es{i}", t, "es") for i, t in enumerate(spanish)])
    synthesis = find_themes(corpus)
    assert len(synthesis.themes) >= 2
    for theme in synthesis.themes:
        assert len({topic_of(m.id) for m in theme.members}) == 1, theme.label
    labels = " ".join(t.label for t in synthesis.themes)
    assert "envois de fonds" in labels or "remesas" in labels


def test_a_statement_in_an_unexpected_language_does_not_break_the_run():
    german = Statement("de", "Wir brauchen mehr legale Wege für Arbeitsmigration und Fachkräfte.", "de")
    corpus = three_topics() + [german]
    synthesis = find_themes(corpus)
    placed = {m.id for t in synthesis.themes for m in t.members} | set(synthesis.unassigned)
    assert placed == {s.id for s in corpus}
    assert as_json(synthesis) == as_json(find_themes(corpus))


def test_describe_gives_the_merged_theme():
    corpus = three_topics()
    ids = [s.id for s in corpus if s.id[0] in "rs"]
    theme = describe(corpus, ids)
    assert {m.id for m in theme.members} == set(ids)
    assert set(theme.representatives) <= set(ids)
    assert sum(theme.categories.values()) == len(ids)
    assert 0 < theme.coherence <= 1
    # A merge of two themes is looser than either.
    alone = describe(corpus, [s.id for s in corpus if s.id[0] == "r"])
    assert alone.coherence > theme.coherence
    # The same theme as find_themes() gives, when the ids are one of its themes.
    found = next(t for t in find_themes(corpus).themes if t.members[0].id[0] == "r")
    assert describe(corpus, [m.id for m in found.members]).label == found.label
    with pytest.raises(ValueError, match="nope"):
        describe(corpus, ["nope"])


def test_split_divides_a_theme_in_at_least_two():
    corpus = three_topics()
    ids = [s.id for s in corpus if s.id[0] in "rc"]
    parts = split(corpus, ids)
    assert len(parts.themes) >= 2
    assert {m.id for t in parts.themes for m in t.members} | set(parts.unassigned) == set(ids)
    for theme in parts.themes:
        assert len({topic_of(m.id) for m in theme.members}) == 1
    assert len(split(corpus, ids, parts=3).themes) == 3


def test_wordllama_runs_offline(monkeypatch):
    pytest.importorskip("wordllama")

    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    synthesis = find_themes(three_topics(), engine="wordllama")
    assert synthesis.engine == "wordllama"
    assert sum(len(t.members) for t in synthesis.themes) + len(synthesis.unassigned) == 18
    assert as_json(synthesis) == as_json(find_themes(three_topics(), engine="wordllama"))


@pytest.mark.skipif(not UNGDC.exists(), reason=f"{UNGDC} is not here (a user's clone has no ../shared)")
def test_themes_of_real_general_debate_paragraphs_hold_their_key_phrases():
    with UNGDC.open(encoding="utf-8") as file:
        corpus = [Statement(f"{row['country_iso3']}-{row['paragraph']}", row["text"], "en")
                  for row in csv.DictReader(file)]
    synthesis = find_themes(corpus)
    assert 4 <= len(synthesis.themes) <= 20
    assert len(synthesis.unassigned) < len(corpus) // 10
    text = {s.id: s.text.lower() for s in corpus}
    for theme in synthesis.themes:
        # Most of a theme's statements say one of its first key phrases, as written.
        saying = [m for m in theme.members if any(p in text[m.id] for p in theme.key_phrases[:3])]
        assert len(saying) >= 0.5 * len(theme.members), theme.label
