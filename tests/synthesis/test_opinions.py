"""Opinion groups and consensus: the Pol.is math, checked against Pol.is's own exports and on votes
whose answer is known."""

import json

import numpy as np
import pytest

from idm.synthesis import opinions
from idm.synthesis.polis_export import ExportError, read_export
from tests.conftest import SHARED, shared_path

pytestmark = pytest.mark.unit

POLIS = SHARED / "data" / "polis"
WITH_MATRIX = sorted(p.name for p in POLIS.glob("*") if (p / "participants-votes.csv").exists())
WITH_HISTORY = sorted(p.name for p in POLIS.glob("*") if (p / "votes.csv").exists())
# The conversations whose groups must match Pol.is's (issue: "Consultations").
MATCHED = ["austria-climate.5twd2jsnkf.2022-08-08", "bg2050-volunteers", "scoop-hivemind.biodiversity"]


def analysed(name: str):
    export = read_export(shared_path("data", "polis", name))
    votes = opinions.latest_votes(export.votes)
    out = [c.id for c in export.comments if c.moderated_out]
    return export, votes, opinions.analyze(votes, moderated_out=out)


# ----------------------------------------------------------------------------- against Pol.is

def test_group_informed_consensus_equals_polis():
    export = read_export(shared_path("data", "polis", "bg2050-volunteers"))
    votes = opinions.latest_votes(export.votes)
    polis_groups = np.array([-1 if export.groups.get(p) is None else export.groups[p]
                             for p in votes.participants])
    result = opinions.analyze(votes, groups_of=polis_groups)
    ours = dict(zip(votes.statements, result.group_informed_consensus, strict=True))
    theirs = {c.id: c.group_informed_consensus for c in export.comments}
    assert len(theirs) == 371 and None not in theirs.values()
    assert max(abs(ours[c] - theirs[c]) for c in theirs) < 1e-9


@pytest.mark.parametrize("name", WITH_HISTORY or ["bg2050-volunteers"])
def test_tallies_equal_the_counts_in_comments_csv(name):
    export = read_export(shared_path("data", "polis", name))
    tallies = export.tallies()
    for comment in export.comments:
        assert (tallies["agree"][comment.id], tallies["disagree"][comment.id]) == (
            comment.agrees, comment.disagrees), comment.id


@pytest.mark.parametrize("name", sorted(set(WITH_HISTORY) & set(WITH_MATRIX)) or ["bg2050-volunteers"])
def test_latest_votes_equal_participants_votes_csv(name):
    folder = shared_path("data", "polis", name)
    latest = opinions.latest_votes(read_export(folder).votes)
    # The same folder without votes.csv: the matrix as Pol.is wrote it.
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as copy:
        for file in ("comments.csv", "participants-votes.csv"):
            shutil.copy(folder / file, copy)
        matrix = opinions.latest_votes(read_export(copy).votes)
    ours = {(p, s): v for p, s, v in _cells(latest)}
    theirs = {(p, s): v for p, s, v in _cells(matrix)}
    assert ours == theirs
    assert len(ours) > 1000


def _cells(votes: opinions.Votes):
    dense = votes.dense()
    rows, columns = np.nonzero(~np.isnan(dense))
    return [(votes.participants[i], votes.statements[j], int(dense[i, j]))
            for i, j in zip(rows, columns, strict=True)]


@pytest.mark.parametrize("name", MATCHED)
def test_groups_match_polis(name):
    export, votes, result = analysed(name)
    polis = {p: g for p, g in export.groups.items() if g is not None}
    ours = {p: int(g) for p, g in zip(votes.participants, result.group_of, strict=True) if g >= 0}
    assert abs(len(ours) - len(polis)) <= 2, (len(ours), len(polis))
    both = sorted(set(ours) & set(polis))
    assert opinions.adjusted_rand_index([ours[p] for p in both], [polis[p] for p in both]) >= 0.9
    assert len(result.groups) == len(set(polis.values()))


def test_following_the_conversation_gives_polis_live_groups():
    """Pol.is's groups come from updates as votes arrived, each starting from the last one's
    clusters. On brexit-consensus, one analysis of the final votes finds 3 groups where Pol.is shows
    2; followed as it happened (an analysis per 2 minutes of votes), idm finds Pol.is's 2."""
    export = read_export(shared_path("data", "polis", "brexit-consensus"))
    assert export.has_history
    out = [c.id for c in export.comments if c.moderated_out]
    polis = {p: g for p, g in export.groups.items() if g is not None}

    def agreement(result):
        ours = {p: int(g) for p, g in zip(result.participants, result.group_of, strict=True) if g >= 0}
        both = sorted(set(ours) & set(polis))
        return opinions.adjusted_rand_index([ours[p] for p in both], [polis[p] for p in both])

    afresh = opinions.analyze(opinions.latest_votes(export.votes), moderated_out=out)
    followed = opinions.replay(export.votes, moderated_out=out, every=120_000)
    assert len(afresh.groups) == 3 and agreement(afresh) < 0.6
    assert len(followed.groups) == 2 and agreement(followed) >= 0.85
    # What it carries keeps as JSON: every clustered participant's base cluster, and k = 2 chosen
    # at many updates in a row.
    carried = opinions.Clustering.from_json(json.loads(json.dumps(followed.clustering.to_json())))
    assert carried == followed.clustering
    assert len(carried.base_of) == int((followed.group_of >= 0).sum())
    assert (carried.smoothed_k, carried.last_k) == (2, 2) and carried.last_k_count > 4


def test_representative_statements_and_consensus_on_real_votes():
    export, votes, result = analysed("bg2050-volunteers")
    texts = {c.id: c for c in export.comments}
    for group in result.groups:
        assert 1 <= len(group.representative) <= 5
        for stats in group.representative:
            assert not texts[stats.statement].moderated_out
            assert stats.n_trials >= stats.n_success
    agree = result.consensus["agree"]
    assert agree and all(s.p_success > 0.5 and s.p_test > opinions.Z_90 for s in agree)
    ranks = [s.p_success * s.p_test for s in agree]
    assert ranks == sorted(ranks, reverse=True)


# ------------------------------------------------------------------------- votes with a known answer

def two_camps(people=30, statements=12, seed=0):
    """Half the people agree with the first half of the statements and disagree with the rest; the
    other half the opposite; everyone agrees with the last statement."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(people):
        camp = p % 2
        for s in range(statements):
            agrees = s == statements - 1 or (s < statements // 2) == (camp == 0)
            vote = 1 if agrees else -1
            if rng.uniform() < 0.1:
                vote = 0
            rows.append((f"p{p}", f"s{s}", vote))
    return rows


def test_two_camps_become_two_groups_with_their_statements():
    votes = opinions.latest_votes(two_camps())
    result = opinions.analyze(votes)
    assert len(result.groups) == 2
    camp_of = {f"p{p}": p % 2 for p in range(30)}
    assert opinions.adjusted_rand_index([camp_of[p] for p in votes.participants], result.group_of) == 1.0
    for group in result.groups:
        camp = camp_of[group.members[0]]
        mine = {f"s{s}" for s in range(6)} if camp == 0 else {f"s{s}" for s in range(6, 11)}
        agreed = {s.statement for s in group.representative if s.direction == "agree"}
        assert agreed and agreed <= mine, (camp, agreed)
    assert [s.statement for s in result.consensus["agree"]][:1] == ["s11"]
    assert result.group_informed_consensus[votes.statements.index("s11")] == max(
        result.group_informed_consensus)


def test_the_latest_vote_counts_and_a_moderated_statement_is_left_out():
    rows = [(p, s, v) for p, s, v in two_camps()]
    rows += [("p0", "s0", -1)]  # p0 changes their mind
    votes = opinions.latest_votes(rows)
    assert votes.dense()[votes.participants.index("p0"), votes.statements.index("s0")] == -1
    assert votes.tallies()["votes"][votes.statements.index("s0")] == 30
    result = opinions.analyze(votes, moderated_out={"s11"})
    chosen = {s.statement for g in result.groups for s in g.representative}
    chosen |= {s.statement for v in result.consensus.values() for s in v}
    assert "s11" not in chosen


def test_times_order_the_votes():
    votes = opinions.latest_votes([("a", "s", 1, 20), ("a", "s", -1, 10)])
    assert votes.dense().tolist() == [[1.0]]


def test_the_same_votes_give_the_same_analysis():
    rows = two_camps(people=60, statements=20, seed=3)
    first = opinions.analyze(opinions.latest_votes(rows)).to_dict()
    second = opinions.analyze(opinions.latest_votes(list(rows))).to_dict()
    assert first == second


def test_a_group_keeps_its_number_as_votes_arrive():
    """Started afresh, groups are numbered by their first member; carried, a group keeps its number
    even when a newcomer of the other camp now comes first."""
    rows = two_camps(people=40, statements=12)
    first = opinions.analyze(opinions.latest_votes(rows))
    group_of = dict(zip(first.participants, first.group_of.tolist(), strict=True))
    newcomer = [("n0", s, v) for p, s, v in rows if p == "p1"]  # votes as p1 (camp 1) does
    votes = opinions.latest_votes(newcomer + rows)  # the newcomer is now the first participant
    carried = opinions.analyze(votes, carried=first.clustering)
    afresh = opinions.analyze(votes)
    assert dict(zip(carried.participants, carried.group_of.tolist(), strict=True)) == {
        **group_of, "n0": group_of["p1"]}
    assert afresh.group_of[votes.participants.index("p1")] == 0 != group_of["p1"]


def test_a_new_number_of_groups_waits_for_four_analyses_in_a_row():
    state = opinions.Clustering(last_k=2, last_k_count=9, smoothed_k=2)
    for count in (1, 2, 3):
        state = state.next({}, {}, 3)
        assert (state.last_k, state.last_k_count, state.smoothed_k) == (3, count, 2)
    assert state.next({}, {}, 3).smoothed_k == 3
    assert state.next({}, {}, 2).smoothed_k == 2 and state.next({}, {}, 2).last_k_count == 1


@pytest.mark.parametrize("rows", [[], [("a", "s", 1)], [("a", "s", 1), ("b", "s", -1)],
                                  [("a", "s1", 0), ("a", "s2", 0), ("b", "s1", 0)]])
def test_tiny_conversations_give_an_answer(rows):
    result = opinions.analyze(opinions.latest_votes(rows))
    assert result.projection.shape == (len({r[0] for r in rows}), 2)
    assert np.isfinite(result.projection).all()
    clustered = {p for p, g in zip(result.participants, result.group_of, strict=True) if g >= 0}
    assert {m for g in result.groups for m in g.members} == clustered
    result.to_dict()


@pytest.mark.parametrize("bad", ["2", "yes", None, "1.5"])
def test_a_bad_vote_is_named(bad):
    with pytest.raises(ValueError, match=r"vote 2: .* is not -1, 0 or 1"):
        opinions.latest_votes([("a", "s", 1), ("a", "t", bad)])


def test_a_sparse_conversation_is_never_made_dense(monkeypatch):
    """20,000 participants x 10,000 statements would be 1.6 GB dense; 200,000 votes are analysed."""
    rng = np.random.default_rng(0)
    cells = rng.choice(20_000 * 10_000, size=200_000, replace=False)
    votes = opinions.from_cells([str(i) for i in range(20_000)], [str(j) for j in range(10_000)],
                                (cells // 10_000, cells % 10_000, rng.choice([-1, 0, 1], 200_000)))
    monkeypatch.setattr(opinions.Votes, "dense", lambda self: pytest.fail("made dense"))
    result = opinions.analyze(votes)
    assert result.projection.shape == (20_000, 2)


# ------------------------------------------------------------------------------ reading exports

def test_a_bad_export_is_named(tmp_path):
    with pytest.raises(ExportError, match="no comments.csv"):
        read_export(tmp_path)
    (tmp_path / "comments.csv").write_text("comment-id,comment-body,moderated\n1,Hello,1\n1,Again,0\n")
    with pytest.raises(ExportError, match="row 3: comment-id 1 appears twice"):
        read_export(tmp_path)
    (tmp_path / "comments.csv").write_text("comment-id,comment-body,moderated\n1,Hello,1\n2,Bye,7\n")
    with pytest.raises(ExportError, match=r"row 3: moderated '7' is not one of -1, 0, 1"):
        read_export(tmp_path)
    (tmp_path / "comments.csv").write_text("comment-id,comment-body,moderated\n1,Hello,1\n")
    with pytest.raises(ExportError, match="no votes.csv or participants-votes.csv"):
        read_export(tmp_path)
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,1,7,1\n2,9,7,1\n")
    with pytest.raises(ExportError, match=r"votes.csv, row 3: comment-id '9' is not in comments.csv"):
        read_export(tmp_path)
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,1,7,agree\n")
    with pytest.raises(ExportError, match=r"votes.csv, row 2: vote 'agree' is not a whole number"):
        read_export(tmp_path)


def test_equal_silhouettes_choose_the_larger_number_of_groups(monkeypatch):
    """Pol.is's max-key takes the last of equal scores: the larger k."""
    monkeypatch.setattr(opinions, "silhouette", lambda points, labels: 0.5)
    result = opinions.analyze(opinions.latest_votes(two_camps(people=60, statements=20, seed=3)))
    assert max(result.silhouettes) == result.clustering.last_k > 2


def test_a_point_that_weighs_nothing_never_holds_a_cluster():
    """Carried clusters restarted where one point weighs nothing: it is neither kept as a cluster
    nor chosen to start one, and the start ends."""
    points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    for k, start in ((2, [0, 0, -1]), (3, [0, 0, 1])):
        ids, centres = opinions._clean_start(points, k, np.array([1.0, 1.0, 0.0]), np.array(start))
        assert ids.tolist() == [0, 1] and centres.tolist() == [[0.0, 0.0], [0.1, 0.0]]


def test_a_replayed_vote_must_be_a_vote():
    with pytest.raises(ValueError, match=r"vote 2: 2 is not -1, 0 or 1"):
        opinions.replay([("a", "s", 1, 1), ("a", "t", 2, 2)])
