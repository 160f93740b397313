"""Tag suggestions: the SDG goals and GCM objectives a statement concerns, from the shipped texts."""

import numpy as np
import pytest

from idm.synthesis import tags

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def suggester():
    # Fitted once for the module (about a minute) from the shipped data, as `idm tags suggest` does.
    return tags.TagSuggester.from_data()


def concerned(tagged) -> set[int]:
    return {t.number for t in tagged if t.concerned}


def test_the_shipped_reference_texts_are_complete():
    sdg = tags.load_sdg_texts(languages=("en",))
    targets = {t.code for t in sdg if t.code.startswith("target:")}
    assert len(targets) == 169
    assert "target:10.7" in targets and "target:17.19" in targets
    assert {t.number for t in sdg} == set(tags.SDG_GOALS)
    french = tags.load_sdg_texts(languages=("fr",))
    assert any("politiques migratoires" in t.text for t in french if t.code == "target:10.7")
    gcm = tags.load_gcm_texts()
    assert {t.number for t in gcm} == set(tags.GCM_OBJECTIVES)
    titles = {t.number: t.text for t in gcm if t.code.endswith(".title")}
    assert titles[20].startswith("Promote faster, safer and cheaper transfer of remittances")
    # The source repeats objective 2 under objective 20: none of objective 2's wording is there.
    second = {t.text for t in gcm if t.number == 2}
    assert not second & {t.text for t in gcm if t.number == 20}


def test_core_titles_join_the_gcm_wording(tmp_path):
    table = tmp_path / "objectives.csv"
    table.write_text("number,short_title,title_fr,source_fr\n20,Remittances,Promouvoir des transferts "
                     "de fonds plus rapides,https://example.org\n", encoding="utf-8")
    added = [t for t in tags.load_gcm_texts(objectives=[table]) if ":" in t.code]
    assert [(t.number, t.text) for t in added] == [(20, "Remittances"),
                                                   (20, "Promouvoir des transferts de fonds plus rapides")]


def test_every_goal_and_objective_gets_a_decision_and_a_score(suggester):
    [suggestion] = suggester.suggest(["Migrant workers need decent work and fair recruitment."])
    assert [t.number for t in suggestion.sdg] == list(range(1, 18))
    assert [t.number for t in suggestion.gcm] == list(range(1, 24))
    for tag in suggestion.sdg + suggestion.gcm:
        assert 0 <= tag.score <= 1
        assert tag.concerned == (tag.score >= tags.DEFAULT_THRESHOLD)
    assert [t.score for t in suggestion.likely] == sorted((t.score for t in suggestion.likely), reverse=True)


@pytest.mark.parametrize("text,sdg,gcm", [
    ("Sending remittances home costs migrants far too much; transfer fees must fall below 3 per cent.",
     10, 20),
    ("Victims of trafficking in persons must be protected and the traffickers prosecuted.", 16, 10),
    ("Migrants should have access to health care and schools whatever their status.", 3, 15),
    # Target 17.18 says the same; the suggester sees SDG 10 (10.7, migration) and misses 17.
    ("Data on migration must be disaggregated by sex, age and migration status.", 10, 1),
])
def test_statements_of_a_dialogue(suggester, text, sdg, gcm):
    [suggestion] = suggester.suggest([text])
    assert sdg in concerned(suggestion.sdg)
    assert gcm in concerned(suggestion.gcm)


def test_texts_far_from_migration(suggester):
    solar, fish = suggester.suggest([
        "Solar and wind power now supply a third of the country's electricity.",
        "Overfishing has depleted the stocks of tuna in the Pacific Ocean.",
    ])
    assert 7 in concerned(solar.sdg) and 14 not in concerned(solar.sdg)
    assert 14 in concerned(fish.sdg) and 7 not in concerned(fish.sdg)


def test_closest_targets_belong_to_the_goals_concerned(suggester):
    [suggestion] = suggester.suggest(["Reduce the transaction costs of migrant remittances."])
    assert suggestion.sdg_targets[0].code == "10.c"
    goals = concerned(suggestion.sdg)
    assert all(int(t.code.split(".")[0]) in goals for t in suggestion.sdg_targets)
    assert len({t.code for t in suggestion.sdg_targets}) == len(suggestion.sdg_targets)


def test_french_and_spanish_statements(suggester):
    french, spanish = suggester.suggest([
        "Tous les enfants migrants doivent avoir accès à l'éducation primaire et secondaire.",
        "Hay que reducir los costos de transacción de las remesas de los migrantes.",
    ])
    assert 4 in concerned(french.sdg)
    assert 10 in concerned(spanish.sdg)


def test_empty_and_one_word_statements(suggester):
    assert suggester.suggest([]) == []
    empty, punctuation, word = suggester.suggest(["", " ... ", "education"])
    assert not empty.likely and not punctuation.likely
    assert 4 in concerned(word.sdg)


def test_threshold(suggester):
    text = ["Migrant women face violence and discrimination at work."]
    [everything] = suggester.suggest(text, threshold=0.0)
    [nothing] = suggester.suggest(text, threshold=1.0 + 1e-9)
    assert len(everything.likely) == 17 + 23
    assert nothing.likely == []


def test_same_input_same_scores(suggester):
    texts = ["Climate change forces people to leave their homes.", "Ports need investment."]
    first, again = suggester.suggest(texts), suggester.suggest(list(reversed(texts)))
    assert first == list(reversed(again))


def test_fitting_is_reproducible():
    examples = tags.load_examples()[::4]
    sdg, gcm = tags.load_sdg_texts(languages=("en",)), tags.load_gcm_texts()
    text = ["Access to clean water and sanitation in camps for displaced people."]
    first = tags.TagSuggester(sdg, gcm, examples).sdg_scores(text)
    second = tags.TagSuggester(sdg, gcm, examples).sdg_scores(text)
    assert np.array_equal(first, second)
    assert np.argmax(first) == 6 - 1


def test_examples_are_required():
    with pytest.raises(ValueError, match="examples"):
        tags.TagSuggester(tags.load_sdg_texts(languages=("en",)), tags.load_gcm_texts(), [])


def test_the_cache_gives_the_same_suggester(tmp_path):
    examples = tags.load_examples()[::4]

    def small(data_dir=tags.DATA_DIR, gcm_objectives=()):
        return tags.TagSuggester(tags.load_sdg_texts(languages=("en",)), tags.load_gcm_texts(), examples)

    original = tags.TagSuggester.from_data
    tags.TagSuggester.from_data = staticmethod(small)
    try:
        fitted = tags.cached_suggester(tmp_path)
        [cache] = tmp_path.glob("tags-*.pickle")
        read = tags.cached_suggester(tmp_path)
    finally:
        tags.TagSuggester.from_data = original
    text = ["Safe and regular pathways for labour migration."]
    assert read is not fitted and read.suggest(text) == fitted.suggest(text)
    assert cache.stat().st_size > 0


# Texts an expert judged for SDG 6 (water: three yeses, three noes) and one said to concern SDG 8.
WATER = ["Safe drinking water and sanitation for every household.",
         "Wastewater treatment and clean water in rural villages.",
         "Water scarcity: wells and pipes for drinking water."]
NOT_WATER = ["The water polo team won the national championship.",
             "The film festival opened by the water front with a concert.",
             "Swimming and water sports for tourists on the beach."]
WORK = ["Decent work and fair wages for migrant workers."]
JUDGED = WATER + NOT_WATER + WORK
JUDGED_GOALS = np.array([6] * 6 + [8])
JUDGED_LABELS = np.array([True] * 3 + [False] * 3 + [True])


def test_a_goal_model_learns_from_the_experts_noes():
    """The goal models learn what the experts said no to, which the example model (yes only) never
    sees: a text like the noes of a goal gets lower odds for it than a text like its yeses. A goal
    no expert judged, without its wording, has only the weak noes of the other goals' texts: every
    text gets the same odds for it."""
    models = tags._GoalModels(JUDGED, tags.embed(JUDGED), JUDGED_GOALS, JUDGED_LABELS)
    asked = ["Clean drinking water and sanitation in the camps.",
             "A water sports festival on the beach with a concert."]
    odds = models.log_odds(asked, tags.embed(asked))
    assert odds.shape == (2, 17)
    assert odds[0, 6 - 1] > odds[1, 6 - 1]
    assert odds[0, 1 - 1] == odds[1, 1 - 1] < -10  # goal 1: only the other goals' yeses
    own = models.log_odds(asked, tags.embed(asked), goals=np.array([6, 6]))
    assert np.array_equal(own, odds[:, 6 - 1])


def test_a_goal_no_expert_judged_learns_from_its_targets():
    """The goals' own wording joins the examples: with SDG 14's and SDG 4's targets, and no text an
    expert judged for either, a text about the sea gets higher odds for 14 than a text about
    schools, and the other way round for 4."""
    reference = [tags.ReferenceText(14, "target:14.1", "By 2025, prevent and significantly reduce "
                                    "marine pollution of all kinds"),
                 tags.ReferenceText(14, "target:14.4", "Effectively regulate harvesting and end "
                                    "overfishing and destructive fishing practices"),
                 tags.ReferenceText(4, "target:4.1", "Ensure that all girls and boys complete free, "
                                    "equitable and quality primary and secondary education")]
    models = tags._GoalModels(JUDGED, tags.embed(JUDGED), JUDGED_GOALS, JUDGED_LABELS, reference,
                              tags.embed([t.text for t in reference]))
    asked = ["Overfishing and marine pollution are emptying the sea.",
             "Free primary and secondary education for every girl and boy."]
    odds = models.log_odds(asked, tags.embed(asked))
    assert odds[0, 14 - 1] > odds[1, 14 - 1]
    assert odds[1, 4 - 1] > odds[0, 4 - 1]
    assert odds[0, 1 - 1] == odds[1, 1 - 1]  # goal 1: no example and no wording
