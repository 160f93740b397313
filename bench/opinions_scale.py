"""Claim: a synthetic conversation of 10,000 participants x 5,000 statements with 1,000,000 votes
is analysed in under 2 s on 2 cores, and time grows about linearly with the votes.

Peer: red-dwarf 0.4.0 (PyPI `red-dwarf`), `reddwarf.implementations.polis.run_pipeline` on the
same latest votes (min_user_vote_threshold=7, random_state=0; its Pol.is-like kmeans with
init="polis"), timed once at the largest size only with `--peer` (its pandas pivot, PCA and
statement projection are dense: 10,000 x 5,000 and 5,000 x 5,000 float matrices).
Data: built here, deterministic (numpy seed 0): participants in 3 opinion camps; each camp has
a leaning in [-1, 1] per statement; each vote is on a (participant, statement) cell drawn at
random without repetition, agree with probability 0.9 * (0.5 + 0.4 * leaning of the voter's
camp), disagree otherwise 90 % of the time, pass 10 %. Sizes: 1,000 / 10,000 / 100,000 /
1,000,000 votes on 316 x 158 / 1,000 x 500 / 3,162 x 1,581 / 10,000 x 5,000 participants x
statements (2 % of the cells voted at each size). At 1,000 and 10,000 votes the participants
cast about 3 and 10 votes each, so fewer reach the 7 needed to be clustered and the groups
there say little.
Measured: `opinions.from_cells` and `opinions.analyze` separately, medians of 5 runs, one BLAS
thread (so one of the 2 cores); peak memory of the analysis by tracemalloc (Python and numpy
allocations) and the process's maximum resident set (getrusage); the ARI of idm's groups
against the planted camps over the clustered participants; "next s", the web app's following
analysis, which starts from the clusters of the one before (here those of the first 90 % of the
votes), median of 5 runs.
Run: `.venv/bin/python bench/opinions_scale.py [--runs 5] [--peer]`.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _setup import timed  # noqa: E402

from idm.synthesis import opinions  # noqa: E402

# (participants, statements, votes): 1M votes on 10,000 x 5,000 (2 % of the cells); smaller
# sizes divide participants and statements by sqrt(10) at each step, so the density stays 2 %.
SIZES = [(316, 158, 1_000), (1_000, 500, 10_000), (3_162, 1_581, 100_000), (10_000, 5_000, 1_000_000)]
CAMPS = 3


def conversation(participants: int, statements: int, n_votes: int):
    rng = np.random.default_rng(0)
    camp = rng.integers(0, CAMPS, participants)
    leaning = rng.uniform(-1, 1, (CAMPS, statements))
    cells = rng.choice(participants * statements, size=n_votes, replace=False)
    rows, columns = cells // statements, cells % statements
    p_agree = 0.5 + 0.4 * leaning[camp[rows], columns]
    u = rng.uniform(size=n_votes)
    values = np.where(u < p_agree * 0.9, 1, np.where(u < 0.9, -1, 0))
    ids = [str(i) for i in range(participants)], [str(j) for j in range(statements)]
    return camp, *ids, (rows, columns, values)


def peer(participants, statements, cells) -> float:
    import warnings

    from reddwarf.implementations import polis as reddwarf_polis

    warnings.filterwarnings("ignore")
    rows, columns, values = cells
    given = [{"participant_id": int(r), "statement_id": int(c), "vote": int(v), "modified": i}
             for i, (r, c, v) in enumerate(zip(rows, columns, values, strict=True))]
    started = time.perf_counter()
    reddwarf_polis.run_pipeline(votes=given, min_user_vote_threshold=7, random_state=0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer", action="store_true", help="also time red-dwarf once at 1M votes")
    args = parser.parse_args()
    print(f"{CAMPS} planted camps, seed 0, medians of {args.runs} runs, one BLAS thread")
    print(f"{'votes':>10}{'participants':>13}{'statements':>11}{'build s':>9}{'analyze s':>10}"
          f"{'peak MB':>9}{'groups':>7}{'clustered':>10}{'ARI camps':>10}{'next s':>8}")
    for participants, statements, n_votes in SIZES:
        camp, p_ids, s_ids, cells = conversation(participants, statements, n_votes)
        build, votes = timed(args.runs, opinions.from_cells, p_ids, s_ids, cells)
        seconds, analysis = timed(args.runs, opinions.analyze, votes)
        tracemalloc.start()
        opinions.analyze(votes)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        clustered = analysis.group_of >= 0
        ari = opinions.adjusted_rand_index(camp[clustered], analysis.group_of[clustered])
        # The web app's next analysis: it starts from the clusters of the one before, here the
        # analysis of the first 90 % of the votes (the last 10 % bring newcomers and moves).
        earlier = opinions.analyze(opinions.from_cells(
            p_ids, s_ids, tuple(a[: n_votes * 9 // 10] for a in cells))).clustering
        following, _ = timed(args.runs, opinions.analyze, votes, carried=earlier)
        print(f"{n_votes:>10,}{participants:>13,}{statements:>11,}{build:>9.3f}{seconds:>10.3f}"
              f"{peak:>9.0f}{len(analysis.groups):>7}{int(clustered.sum()):>10,}{ari:>10.3f}"
              f"{following:>8.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process maximum resident set: {rss:.0f} MB (all sizes, libraries included)")
    if args.peer:
        print(f"red-dwarf run_pipeline at {n_votes:,} votes, one run: "
              f"{peer(p_ids, s_ids, cells):.1f} s")
    else:
        print("red-dwarf not run (pass --peer; one run at 1,000,000 votes)")


if __name__ == "__main__":
    main()
