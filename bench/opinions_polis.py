"""Claim: idm's opinion groups match Pol.is's own groups (adjusted Rand index against the
`group-id` column of Pol.is's export), better than red-dwarf does, and a full analysis is at
least 10 times faster than red-dwarf's.

Peer: red-dwarf 0.4.0 (PyPI `red-dwarf`, "a DIMensional REDuction library for reproducing and
experimenting with Polis-like data pipelines"), `reddwarf.implementations.polis.run_pipeline`
with the same latest votes, `mod_out_statement_ids` (moderated == -1 or is-meta == "true", also
given as `meta_statement_ids`), `min_user_vote_threshold=7` and `random_state=0`. Its clusterer
is its Pol.is default: reducer "pca", clusterer "kmeans", which forces its `PolisKMeans` with
init="polis" (first unique points as centres), k = 2..5 (`max_group_count=5`) by silhouette.
Data: every conversation of ../shared/data/polis/ that has participants-votes.csv (Pol.is's open
data, CC BY 4.0). Votes come from votes.csv (the latest per participant and statement, by
timestamp); when votes.csv is absent (austria-climate.2vkxcncppn), from the cells of
participants-votes.csv (which hold the latest votes). Pol.is's groups: the `group-id` column of
participants-votes.csv (empty: not clustered). ARIs are over the participants both sides
clustered.
Work compared, per side ("full analysis"):
- idm `opinions.analyze(votes, moderated_out)` on the already-built Votes: PCA (sparse
  truncated SVD) and the sparsity-scaled projection of every participant; who is clustered (7
  votes, or the 15 most active); up to 100 base clusters by k-means, then groups of them for
  k = 2..5 by silhouette; each group's representative statements; consensus statements; the
  group-informed consensus.
- red-dwarf `run_pipeline(votes=[{participant_id, statement_id, vote, modified}, ...])` on its
  already-built list of vote dicts, which includes turning them into its dense pandas matrix
  (so the seconds of idm's own matrix building, `latest_votes`, are shown apart as "idm
  build"); dense PCA (scikit-learn) and the same scaled projection; who is clustered (7 votes);
  k-means of the participants themselves for k = 2..5 by silhouette (no base clusters, no
  15-most-active rule); each group's representative statements; consensus statements; the
  group-aware consensus (agree and disagree). It also computes more than idm: the projection of
  every statement (a statements x statements virtual vote matrix) and Pol.is's statement
  priorities.
Both run on one BLAS thread. Seconds are medians of 5 runs of each side on the same input.
Pol.is's groups are those of its live conversation: updates as votes arrived, each k-means starting
from the last update's clusters, k smoothed over updates. So agreement is also measured for idm
following the conversation the same way (`opinions.replay`, one analysis per window of W seconds
in which votes were cast, from votes.csv's timestamps; the "ARI W s" columns), as the web app does
(each analysis of a consultation starts from the previous one's clusters). A conversation with no
votes.csv has no history: its from-scratch ARI counts in those medians too. Pol.is's real
cadence is not in the export (it polls votes every 1 to 2 seconds and updates as fast as it can), so
several windows are shown; red-dwarf has no such mode (it always starts afresh).
Run: `.venv/bin/python bench/opinions_polis.py [--runs 5] [--every 120,600]`.
"""

import argparse
import csv
import os
import statistics
import sys
import warnings
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _setup import timed  # noqa: E402

from idm.synthesis import opinions  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(folder: Path) -> tuple[list[tuple], set[str], set[str], dict[str, str]]:
    """Vote rows (participant, statement, vote[, time]), the statements moderated out, the meta
    statements and Pol.is's group of each participant ("" when not clustered)."""
    comments = read(folder / "comments.csv")
    moderated = {c["comment-id"] for c in comments if c["moderated"] == "-1"}
    meta = {c["comment-id"] for c in comments if c.get("is-meta") == "true"}
    matrix = read(folder / "participants-votes.csv")
    polis = {r["participant"]: r["group-id"] for r in matrix}
    if (folder / "votes.csv").exists():
        rows = [(e["voter-id"], e["comment-id"], int(e["vote"]), int(e["timestamp"]))
                for e in read(folder / "votes.csv")]
    else:
        rows = [(r["participant"], c, int(r[c])) for r in matrix for c in r
                if c.isdigit() and r[c] != ""]
    return rows, moderated, meta, polis


def peer_votes(rows: list[tuple]) -> list[dict]:
    """red-dwarf's input: the latest vote per (participant, statement) (its pandas pivot refuses
    duplicates), ids as ints."""
    ordered = sorted(rows, key=lambda r: r[3]) if rows and len(rows[0]) > 3 else rows
    latest = {}
    for i, row in enumerate(ordered):
        latest[row[0], row[1]] = (row[2], row[3] if len(row) > 3 else i)
    return [{"participant_id": int(p), "statement_id": int(s), "vote": v, "modified": t}
            for (p, s), (v, t) in latest.items()]


def ari_with(polis: dict[str, str], labels: dict[str, int]) -> float:
    both = [p for p, g in labels.items() if g >= 0 and polis.get(p, "") != ""]
    if not both:
        return float("nan")
    return opinions.adjusted_rand_index([polis[p] for p in both], [labels[p] for p in both])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--every", default="120,600",
                        help="replay windows in seconds, comma-separated (empty: no replay)")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"skipped: {SHARED} is not here (a user's clone has no ../shared)")
    import pandas as pd
    from reddwarf.implementations import polis as reddwarf_polis

    warnings.filterwarnings("ignore")
    windows = [int(w) for w in args.every.split(",") if w.strip()]
    replayed: dict[int, list[float]] = {w: [] for w in windows}
    folders = sorted(p.parent for p in SHARED.glob("*/participants-votes.csv"))
    header = (f"{'conversation':<38}{'ptpts':>6}{'stmts':>6}{'votes':>7}{'clust idm/polis':>16}"
              f"{'k idm/polis':>12}{'ARI idm':>8}{'ARI rd':>8}{'idm s':>8}{'build s':>8}{'rd s':>8}"
              f"{'rd/idm':>7}" + "".join(f"{f'ARI {w} s':>10}" for w in windows))
    print(f"{len(folders)} conversations, seconds: medians of {args.runs} runs, one BLAS thread")
    print(header)
    ratios, aris, rd_aris = [], [], []
    for folder in folders:
        rows, moderated, meta, polis = load(folder)
        out = moderated | meta
        build, votes = timed(1, opinions.latest_votes, rows)
        ours_s, analysis = timed(args.runs, opinions.analyze, votes,
                                          moderated_out=out)
        ours = dict(zip(votes.participants, (int(g) for g in analysis.group_of), strict=True))
        given = peer_votes(rows)
        peer_s, result = timed(
            args.runs, reddwarf_polis.run_pipeline, votes=given,
            mod_out_statement_ids=sorted(int(s) for s in out),
            meta_statement_ids=sorted(int(s) for s in meta), min_user_vote_threshold=7, random_state=0)
        clusters = result.participants_df["cluster_id"]
        theirs = {str(p): -1 if pd.isna(g) else int(g) for p, g in clusters.items()}
        n_polis = sum(1 for g in polis.values() if g != "")
        k_polis = len({g for g in polis.values() if g != ""})
        ari, rd_ari = ari_with(polis, ours), ari_with(polis, theirs)
        ratio = peer_s / ours_s
        live = []
        for window in windows:
            if len(rows[0]) > 3:
                followed = opinions.replay(rows, out, every=window * 1000)
                live.append(ari_with(polis, dict(zip(followed.participants,
                                                     (int(g) for g in followed.group_of), strict=True))))
            else:
                live.append(ari)
            replayed[window].append(live[-1])
        ratios.append(ratio)
        aris.append(ari)
        rd_aris.append(rd_ari)
        print(f"{folder.name[:37]:<38}{votes.shape[0]:>6}{votes.shape[1]:>6}{int(votes.cast.nnz):>7}"
              f"{int((analysis.group_of >= 0).sum()):>9}/{n_polis:<6}{len(analysis.groups):>7}/{k_polis:<4}"
              f"{ari:>8.3f}{rd_ari:>8.3f}{ours_s:>8.3f}{build:>8.3f}{peer_s:>8.3f}{ratio:>7.1f}"
              + "".join(f"{a:>10.3f}" for a in live), flush=True)
    print(f"median over {len(folders)} conversations: ratio red-dwarf / idm seconds "
          f"{statistics.median(ratios):.1f} (min {min(ratios):.1f}); ARI vs Pol.is idm "
          f"{statistics.median(aris):.3f}, red-dwarf {statistics.median(rd_aris):.3f}; "
          f"idm ARI higher on {sum(a > b + 1e-9 for a, b in zip(aris, rd_aris, strict=True))}, equal on "
          f"{sum(abs(a - b) <= 1e-9 for a, b in zip(aris, rd_aris, strict=True))}, lower on "
          f"{sum(a < b - 1e-9 for a, b in zip(aris, rd_aris, strict=True))}")
    for window, found in replayed.items():
        print(f"idm following the conversation, one analysis per {window} s of votes: median ARI "
              f"{statistics.median(found):.3f} (red-dwarf {statistics.median(rd_aris):.3f}); higher on "
              f"{sum(a > b + 1e-9 for a, b in zip(found, rd_aris, strict=True))}, lower on "
              f"{sum(a < b - 1e-9 for a, b in zip(found, rd_aris, strict=True))}")


if __name__ == "__main__":
    main()
