"""Claim: idm finds themes a reader can recognize in real statements, and statements that the same
opinion group agrees with share a theme more often than chance, more often than with the peer.

Peer: plain scikit-learn, as a newcomer would write it: TfidfVectorizer(stop_words="english")
and KMeans(n_clusters=10, n_init=10) on the same statements (BERTopic would need torch and
downloaded models: not offline).
Data: ../shared/data/ungdc/general_debate_2018_migration_paragraphs.csv, 403 paragraphs of the
2018 UN General Debate on migration (CC0), and the comments of the Pol.is conversations in
../shared/data/polis/ (CC BY 4.0, The Computational Democracy Project; two of them in German,
a language idm does not know).
Scored without a judge, on each Pol.is conversation with a participants-votes.csv: a comment is
agreed by an opinion group (Pol.is's own group-id) when at least 5 of the group's members voted
on it and more than half of those votes are "agree". "Same-group pairs" are the pairs of
comments agreed by one same group. Their share in one theme is divided by the chance rate: the
share of all pairs of the conversation's comments that are in one theme (a comment that fits no
theme shares none). A ratio of 1 is chance; the median over the conversations is reported,
itself the median over seeds 0, 1, 2. Internal measures: silhouette (cosine) of the themes in
one common space for all (the peer's TF-IDF), and the mean coherence (own space).
Run: `.venv/bin/python bench/themes_quality.py [--seeds 3] [--show]`; --show prints each
theme's label and three representative statements of the default engine (UNGDC and two Pol.is
conversations). Quality figures do not vary between runs for a seed; seconds do.
"""

import argparse
import csv
import statistics
import sys
import time
import warnings
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from idm.synthesis import themes  # noqa: E402
from idm.synthesis.themes import Statement  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
UNGDC = SHARED / "ungdc" / "general_debate_2018_migration_paragraphs.csv"
POLIS = SHARED / "polis"
PEER_THEMES = 10
# (engine, clustering method): the default first.
VARIANTS = [("tfidf", "kmeans"), ("tfidf", "agglomerative"), ("tfidf", "nmf"), ("tfidf", "hdbscan"),
            ("wordllama", "kmeans"), ("wordllama", "agglomerative")]
SHOWN = ["scoop-hivemind.biodiversity", "brexit-consensus"]


def ungdc() -> list[Statement]:
    with UNGDC.open(encoding="utf-8") as file:
        return [Statement(f"{row['country_iso3']}-{row['paragraph']}", row["text"], "en")
                for row in csv.DictReader(file)]


def comments(folder: Path) -> list[Statement]:
    """The comments people could vote on (not moderated out)."""
    with (folder / "comments.csv").open(encoding="utf-8") as file:
        return [Statement(row["comment-id"], row["comment-body"]) for row in csv.DictReader(file)
                if row["moderated"] != "-1" and row["comment-body"].strip()]


def agreed_by_group(folder: Path) -> dict[str, set[str]]:
    """Opinion group -> the comments that more than half of its voters (at least 5) agree with."""
    votes: dict[tuple[str, str], list[int]] = defaultdict(list)
    with (folder / "participants-votes.csv").open(encoding="utf-8") as file:
        reader = csv.DictReader(file)
        fixed = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
        columns = [c for c in reader.fieldnames if c not in fixed]
        for row in reader:
            group = row["group-id"]
            if group == "":
                continue
            for comment in columns:
                if row[comment] != "":
                    votes[group, comment].append(int(float(row[comment])))
    agreed: dict[str, set[str]] = defaultdict(set)
    for (group, comment), cast in votes.items():
        if len(cast) >= 5 and sum(v == 1 for v in cast) > len(cast) / 2:
            agreed[group].add(comment)
    return agreed


def ratio_to_chance(theme_of: dict[str, int], agreed: dict[str, set[str]], ids: list[str]) -> float:
    """Share of same-group pairs in one theme over the share of all pairs in one theme."""
    pairs = {pair for group in agreed.values() for pair in combinations(sorted(group & set(ids)), 2)}
    if not pairs:
        return float("nan")

    def together(a: str, b: str) -> bool:
        return a in theme_of and theme_of.get(a) == theme_of.get(b)

    sizes = np.bincount(list(theme_of.values())) if theme_of else np.array([])
    chance = float((sizes * (sizes - 1)).sum()) / (len(ids) * (len(ids) - 1))
    observed = sum(together(a, b) for a, b in pairs) / len(pairs)
    return observed / chance if chance else float("nan")


def peer(statements: list[Statement], seed: int) -> dict[str, int]:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in statements])
    labels = KMeans(n_clusters=min(PEER_THEMES, len(statements)), n_init=10,
                    random_state=seed).fit_predict(matrix)
    return {s.id: int(label) for s, label in zip(statements, labels, strict=True)}


def ours(statements: list[Statement], seed: int, engine: str, method: str):
    with themes._threads():
        synthesis = themes._synthesize(statements, themes=None, seed=seed, engine=engine,
                                       method=method, progress=None)
    theme_of = {m.id: i for i, t in enumerate(synthesis.themes) for m in t.members}
    return theme_of, synthesis


def silhouette(statements: list[Statement], theme_of: dict[str, int]) -> float:
    """Silhouette (cosine) of the assigned statements in the peer's TF-IDF space, one for all."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

    kept = [s for s in statements if s.id in theme_of]
    labels = [theme_of[s.id] for s in kept]
    if len(set(labels)) < 2 or len(set(labels)) >= len(kept):
        return float("nan")
    matrix = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in kept])
    return float(silhouette_score(matrix, labels, metric="cosine"))


def show(name: str, statements: list[Statement]) -> None:
    synthesis = themes.find_themes(statements)
    text = {s.id: " ".join(s.text.split()) for s in statements}
    print(f"\n### {name}: {len(statements)} statements, {len(synthesis.themes)} themes, "
          f"{len(synthesis.unassigned)} fit none (default engine, seed 0)")
    for theme in synthesis.themes:
        print(f"- {theme.label} ({len(theme.members)} statements, coherence {theme.coherence:.2f})")
        for member in theme.representatives:
            quote = text[member]
            print(f"    \"{quote[:150]}{'...' if len(quote) > 150 else ''}\"")


def main() -> None:
    # NMF stops at its iteration limit on some conversations; its figures stand as measured.
    warnings.filterwarnings("ignore", message="Maximum number of iterations")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--variants", default="all", help="'default' for the default engine only")
    options = parser.parse_args()
    if not UNGDC.exists() or not POLIS.exists():
        sys.exit(f"skipped: {SHARED} is not here (a user's clone has no ../shared)")
    variants = VARIANTS[:1] if options.variants == "default" else VARIANTS
    seeds = range(options.seeds)
    conversations = sorted(p.parent for p in POLIS.glob("*/participants-votes.csv"))
    if options.show:
        show("UN General Debate 2018, migration paragraphs", ungdc())
        for name in SHOWN:
            show(f"Pol.is {name}", comments(POLIS / name))
        print()

    names = [f"{engine}+{method}" for engine, method in variants] + [f"peer KMeans k={PEER_THEMES}"]
    ratios: dict[str, list[float]] = defaultdict(list)  # name -> per conversation (median of seeds)
    rows = []
    for folder in conversations:
        statements = comments(folder)
        agreed = agreed_by_group(folder)
        ids = [s.id for s in statements]
        row = [folder.name, len(statements)]
        for (engine, method), name in zip(variants, names, strict=False):
            values = [ratio_to_chance(ours(statements, seed, engine, method)[0], agreed, ids)
                      for seed in seeds]
            ratios[name].append(statistics.median(values))
            row.append(ratios[name][-1])
        values = [ratio_to_chance(peer(statements, seed), agreed, ids) for seed in seeds]
        ratios[names[-1]].append(statistics.median(values))
        row.append(ratios[names[-1]][-1])
        rows.append(row)

    print(f"Pol.is: same-group pairs in one theme, ratio to chance (median of seeds 0..{len(seeds) - 1})")
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'conversation':{width}}{'comments':>9}" + "".join(f"{n:>25}" for n in names))
    for row in rows:
        print(f"{row[0]:{width}}{row[1]:>9}" + "".join(f"{v:>25.2f}" for v in row[2:]))
    medians = {name: statistics.median(v for v in values if v == v) for name, values in ratios.items()}
    print(f"{'median':{width}}{'':>9}" + "".join(f"{medians[n]:>25.2f}" for n in names))

    print("\nInternal measures, seed 0 (UN General Debate paragraphs; Pol.is medians over conversations)")
    print(f"{'engine+method':26}{'themes':>7}{'fit none':>9}{'silhouette':>11}{'coherence':>10}"
          f"{'Pol.is silh.':>13}{'seconds':>9}")
    corpus = ungdc()
    for (engine, method), name in zip(variants, names, strict=False):
        started = time.perf_counter()
        theme_of, synthesis = ours(corpus, 0, engine, method)
        seconds = time.perf_counter() - started
        coherence = statistics.mean(t.coherence for t in synthesis.themes) if synthesis.themes else 0
        polis = statistics.median(silhouette(comments(f), ours(comments(f), 0, engine, method)[0])
                                  for f in conversations)
        print(f"{name:26}{len(synthesis.themes):>7}{len(synthesis.unassigned):>9}"
              f"{silhouette(corpus, theme_of):>11.3f}{coherence:>10.2f}{polis:>13.3f}{seconds:>9.2f}")
    started = time.perf_counter()
    theme_of = peer(corpus, 0)
    seconds = time.perf_counter() - started
    polis = statistics.median(silhouette(comments(f), peer(comments(f), 0)) for f in conversations)
    print(f"{names[-1]:26}{PEER_THEMES:>7}{0:>9}{silhouette(corpus, theme_of):>11.3f}{'':>10}"
          f"{polis:>13.3f}{seconds:>9.2f}")
    default = names[0]
    print(f"\nratio idm ({default}) / peer, Pol.is same-group ratio: "
          f"{medians[default] / medians[names[-1]]:.2f}")


if __name__ == "__main__":
    main()
