"""Claim: idm puts 100,000 statements into themes in under 60 s on 2 cores with under 2 GB of
memory (default engine), and time and memory grow about linearly from 1,000 statements.

Peer: plain scikit-learn, as in bench/themes_quality.py: TfidfVectorizer(stop_words="english")
and KMeans(n_clusters=10, n_init=10) on the same statements, same run, on one thread as idm.
Data: statements built from real text nobody here wrote: the 1,773 sentences of the 403
paragraphs of ../shared/data/ungdc/ (2018 UN General Debate, CC0) and the 3,888 comments of the
English Pol.is conversations of ../shared/data/polis/ (CC BY 4.0). Statement i is 1 to 3 of
these, drawn at random (seed 0) and joined, with a random stakeholder category and workshop.
Measured: each run in a fresh child process; seconds of find_themes() alone (the peer: vectorizer
and k-means), peak memory the child's maximum resident set (getrusage), statements and
libraries included.
Run: `.venv/bin/python bench/themes_scale.py [--sizes 1000,10000,100000] [--runs 3,3,1]`;
medians of the runs given for each size (by default 5 at 1,000, 3 at 10,000, 1 at 100,000).
"""

import argparse
import csv
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
UNGDC = SHARED / "ungdc" / "general_debate_2018_migration_paragraphs.csv"
POLIS = SHARED / "polis"
CATEGORIES = ["Government", "UN system", "International organization", "Civil society",
              "Private sector", "Migrant and diaspora association", "Academia"]
WORKSHOPS = ["2018-new-york", "2018-geneva"]


def pieces() -> list[str]:
    found = []
    with UNGDC.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            found += [s for s in re.split(r"(?<=[.!?])\s+", row["text"]) if s.strip()]
    for path in sorted(POLIS.glob("*/comments.csv")):
        if path.parent.name.startswith("austria"):  # German
            continue
        with path.open(encoding="utf-8") as file:
            found += [row["comment-body"] for row in csv.DictReader(file) if row["comment-body"].strip()]
    return found


def statements(size: int):
    from idm.synthesis.themes import Statement

    rng = random.Random(0)
    pool = pieces()
    return [Statement(str(i), " ".join(rng.sample(pool, rng.randint(1, 3))), "",
                      rng.choice(CATEGORIES), rng.choice(WORKSHOPS)) for i in range(size)]


def child(size: int, tool: str) -> None:
    """One measured run, printed as JSON."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from threadpoolctl import threadpool_limits

    from idm.synthesis.themes import find_themes

    corpus = statements(size)
    started = time.perf_counter()
    if tool == "idm":
        found = len(find_themes(corpus).themes)
    else:
        # One thread, as idm uses: two threads on a busy 2-core machine make k-means far slower.
        with threadpool_limits(limits=1):
            matrix = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in corpus])
            found = len(set(KMeans(n_clusters=10, n_init=10, random_state=0).fit_predict(matrix)))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "themes": found}))


def measure(size: int, tool: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(size), tool],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", default="5,3,1")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(int(options.child[0]), options.child[1])
        return
    if not UNGDC.exists() or not POLIS.exists():
        sys.exit(f"skipped: {SHARED} is not here (a user's clone has no ../shared)")
    sizes = [int(s) for s in options.sizes.split(",")]
    runs = [int(r) for r in options.runs.split(",")]
    print(f"{'statements':>10}{'runs':>5}{'idm s':>9}{'idm MiB':>9}{'themes':>7}"
          f"{'peer s':>9}{'peer MiB':>9}{'time idm/peer':>15}")
    for size, count in zip(sizes, runs + runs[-1:] * len(sizes), strict=False):
        ours = [measure(size, "idm") for _ in range(count)]
        theirs = [measure(size, "peer") for _ in range(count)]
        seconds = statistics.median(r["seconds"] for r in ours)
        peer_seconds = statistics.median(r["seconds"] for r in theirs)
        print(f"{size:>10,}{count:>5}{seconds:>9.2f}{statistics.median(r['peak_mib'] for r in ours):>9.0f}"
              f"{ours[0]['themes']:>7}{peer_seconds:>9.2f}"
              f"{statistics.median(r['peak_mib'] for r in theirs):>9.0f}{seconds / peer_seconds:>15.2f}",
              flush=True)
    print("goal: 100,000 statements in under 60 s and 2,048 MiB on 2 cores")


if __name__ == "__main__":
    main()
