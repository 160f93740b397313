"""Claim: idm's tag suggestions say whether a text concerns an SDG as well as the best published SDG
classifiers (goal: accuracy 88 on the SDG Classification Benchmark), offline, on the CPU.

Peer: seesus 1.2.1 (PyPI; regular expressions for the 169 SDG targets, Cai et al., JOSS 2024),
offline, on the same texts, scored the same way: a text concerns SDG n when seesus finds SDG n.
Published accuracies on the full benchmark: AFD SDG Prospector 88, GPT-4o 87, Deepseek v3 87,
Llama 3 70B 86, text2sdg 83, Aurora 79, JRC SDG Mapper 77, OSDG v1 70.
Data: ../shared/data/osdg/benchmark.csv, a fixed half (626 rows) of the SDG Classification
Benchmark (1,251 texts with expert yes/no labels for one SDG each; MIT, texts from the OSDG
Community Dataset, CC BY 4.0). idm ships the whole benchmark in src/idm/synthesis/data/ as the
examples its decision learns from; so nothing is measured on texts it learned from:
- "held-out half": idm learns from the other 625 rows only and is measured on the 626 of shared/;
- "5-fold": the 1,251 rows in five folds (a text and its copies in one fold), each fold measured
  by a suggester that learned from the four others; comparable with the published figures.
Both also report "reference only", the decision from the SDG reference wording alone (no example
model, no per-goal term): the way idm decides for GCM objectives, which have no expert labels.
Run: `.venv/bin/python bench/sdg_tags.py [--folds 5] [--splits 4]` (`--folds 0` skips the 5-fold
part; `--splits N` repeats it with N different shuffles of the texts into folds, the first one as
above, and prints the accuracy of each and their mean, since one split moves the figure by about
a point); accuracies do not vary from run to run; idm's seconds are medians of 3 runs, seesus's
one run.
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from idm.synthesis import tags  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "osdg" / "benchmark.csv"
SHIPPED = tags.DATA_DIR / "sdg_benchmark.csv"
PUBLISHED = {"AFD SDG Prospector": 88, "GPT-4o": 87, "Deepseek v3": 87, "Llama 3 70B": 86, "text2sdg": 83,
             "Aurora": 79, "JRC SDG Mapper": 77, "OSDG v1": 70}


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def examples_of(rows) -> list[tags.Example]:
    return [tags.Example(r["text"], int(r["sdg"]), r["label"] == "True") for r in rows]


def ours(train: list[tags.Example], test: list[tags.Example]) -> tuple[np.ndarray, np.ndarray, float]:
    """Decisions (full, reference only) for each test row, and the seconds to suggest them."""
    suggester = tags.TagSuggester(tags.load_sdg_texts(), tags.load_gcm_texts(), train)
    texts = [e.text for e in test]
    rows, goals = np.arange(len(test)), np.array([e.goal - 1 for e in test])
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        with tags._one_thread():
            vectors = tags.embed(texts)
            full = suggester.sdg_scores(texts, vectors)[rows, goals]
        seconds.append(time.perf_counter() - started)
    with tags._one_thread():
        general = tags._pair_features(suggester.sdg.scores(texts, vectors), tags._LOGS)[rows, goals]
        reference = suggester.general.predict_proba(suggester.general_scaler.transform(general))[:, 1]
    return full >= tags.DEFAULT_THRESHOLD, reference >= tags.DEFAULT_THRESHOLD, statistics.median(seconds)


def peer(test: list[tags.Example]) -> tuple[np.ndarray, float]:
    """seesus's decisions. Its `id_sus()` compiles its 400 kB of patterns anew for every text (3 s a
    text here); compiled once, each searched as `id_sus()` does, they give the same SDGs."""
    import regex
    from seesus.SDG_keys import SDG_keys

    started = time.perf_counter()
    patterns = [(regex.compile(k["SDG_keywords"], regex.IGNORECASE), int(k["SDG_id"].split("_")[0][3:]))
                for k in SDG_keys]
    compiled = time.perf_counter() - started
    started = time.perf_counter()
    found = [{goal for pattern, goal in patterns if pattern.search(e.text)} for e in test]
    decisions = np.array([e.goal in goals for e, goals in zip(test, found, strict=True)])
    return decisions, compiled + time.perf_counter() - started


def table(test: list[tags.Example], columns: dict[str, np.ndarray]) -> dict[str, float]:
    labels = np.array([e.concerned for e in test])
    goals = np.array([e.goal for e in test])
    print(f"{'SDG':>7}{'texts':>7}" + "".join(f"{name:>18}" for name in columns))
    for goal in tags.SDG_GOALS:
        chosen = goals == goal
        print(f"{goal:>7}{chosen.sum():>7}" + "".join(
            f"{100 * np.mean(d[chosen] == labels[chosen]):>18.1f}" for d in columns.values()))
    overall = {name: 100 * float(np.mean(d == labels)) for name, d in columns.items()}
    macro = {name: mean_of_goals(test, d) for name, d in columns.items()}
    print(f"{'all':>7}{len(test):>7}" + "".join(f"{overall[n]:>18.1f}" for n in columns))
    print(f"{'mean':>7}{'':>7}" + "".join(f"{macro[n]:>18.1f}" for n in columns)
          + "   (mean of the 17 SDGs' accuracies, as the published table's 'Average')")
    return macro


def k_fold(everything: list[tags.Example], folds: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Decisions (full, reference only) for every row by suggesters that learned from the other
    folds; a text and its copies stay in one fold."""
    from sklearn.model_selection import GroupKFold

    texts = [e.text for e in everything]
    full = np.zeros(len(everything), bool)
    reference = np.zeros(len(everything), bool)
    split = GroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(texts, groups=texts)
    for fitted, measured in split:
        full[measured], reference[measured], _ = ours([everything[i] for i in fitted],
                                                      [everything[i] for i in measured])
    return full, reference


def mean_of_goals(test: list[tags.Example], decisions: np.ndarray) -> float:
    """The mean of the 17 SDGs' accuracies, as the published table's 'Average'."""
    labels = np.array([e.concerned for e in test])
    goals = np.array([e.goal for e in test])
    return 100 * float(np.mean([np.mean(decisions[goals == g] == labels[goals == g])
                                for g in tags.SDG_GOALS]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--splits", type=int, default=1)
    arguments = parser.parse_args()
    folds = arguments.folds
    if not SHARED.exists():
        sys.exit(f"skipped: {SHARED} is not here (a user's clone has no ../shared)")
    shipped, half = rows_of(SHIPPED), rows_of(SHARED)
    held = {r["id"] for r in half}
    train = examples_of(r for r in shipped if r["id"] not in held)
    test = examples_of(half)
    if {e.text for e in train} & {e.text for e in test}:
        sys.exit("the held-out half shares texts with the rows learned from")
    print(f"held-out half: learned from {len(train)} rows, measured on {len(test)} rows of {SHARED.name}")
    started = time.perf_counter()
    full, reference, ours_seconds = ours(train, test)
    fit_seconds = time.perf_counter() - started - 3 * ours_seconds
    everything = examples_of(shipped)
    # One run of the peer over all the rows (it takes minutes); the held-out half is a part of them.
    theirs_all, peer_seconds = peer(everything)
    by_id = dict(zip((r["id"] for r in shipped), theirs_all, strict=True))
    theirs = np.array([by_id[r["id"]] for r in half])
    peer_seconds *= len(test) / len(everything)
    macro = table(test, {"idm": full, "idm ref. only": reference, "seesus (peer)": theirs})
    print(f"ratio idm / seesus accuracy (mean of SDGs): {macro['idm'] / macro['seesus (peer)']:.2f}")
    print(f"seconds for {len(test)} texts: idm {ours_seconds:.2f} (median of 3, after {fit_seconds:.0f} s "
          f"learning), seesus {peer_seconds:.2f} (one run over all rows, prorated)")
    if folds:
        splits = []
        for seed in range(max(1, arguments.splits)):
            full, reference = k_fold(everything, folds, seed)
            if seed == 0:
                print(f"\n{folds}-fold on all {len(everything)} rows of the benchmark (shipped copy)")
                macro = table(everything, {"idm": full, "idm ref. only": reference,
                                           "seesus (peer)": theirs_all})
                print(f"ratio idm / seesus accuracy (mean of SDGs): "
                      f"{macro['idm'] / macro['seesus (peer)']:.2f}")
            splits.append(mean_of_goals(everything, full))
            if arguments.splits > 1:
                print(f"{folds}-fold, shuffle {seed}: idm {splits[-1]:.1f} (mean of the SDGs)",
                      flush=True)
        if len(splits) > 1:
            print(f"{folds}-fold, mean over {len(splits)} shuffles: idm {statistics.mean(splits):.1f} "
                  f"(from {min(splits):.1f} to {max(splits):.1f})")
    print("published, full benchmark: " + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items()))


if __name__ == "__main__":
    main()
