"""Themes in statements: groups of statements about the same thing, each with its key phrases.

A rapporteur facing a thousand statements sees the themes in them: each theme has a label (its
distinctive key phrases), its statements with a membership score, the few statements that
represent it best (central, and spread over stakeholder categories and workshops), how it
spreads over categories and workshops, and a coherence score; statements that fit no theme are
listed apart. Offline, on the CPU, the same input and seed giving the same result.

Engines:
- "tfidf" (the default): the terms of language.py (lemmas, accents folded, two-word phrases,
  the glossary's French and Spanish terms in English), weighted by TF-IDF, reduced by a
  truncated SVD (latent semantic analysis, 2 sqrt(n) dimensions, at most 100) and grouped by
  k-means, the number of themes being the one of best silhouette (cosine) from 2 to 20.
  Measured against Ward agglomerative clustering, NMF topics and HDBSCAN on the same vectors:
  as good on the Pol.is check, and the only one that both places every statement (HDBSCAN
  left 275 of 403 paragraphs out) and fits 100,000 statements (Ward needs n^2 memory).
- "wordllama": sentence vectors from WordLlama (its 256-dimension weights ship in its wheel,
  read from the package's own folder, nothing downloaded), grouped the same way.
Key phrases come from the terms in both: those a theme's statements hold much more often than
the others (their share in the theme times the log of that share over their share overall).
bench/themes_quality.py measures the engines and methods; bench/themes_scale.py time and memory.

    synthesis = find_themes([Statement("1", "Remittances support families", "en"), ...])
    synthesis.themes[0].label  # 'remittances · families · fees'
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from idm.synthesis import language as lang

ENGINES = ("tfidf", "wordllama")
# Clustering methods bench/themes_quality.py compares; find_themes() uses DEFAULT_METHOD.
METHODS = ("kmeans", "agglomerative", "nmf", "hdbscan")
DEFAULT_METHOD = "kmeans"
# At most this many themes when their number comes from the data: a rapporteur drafts about six
# key messages, and more than a screen of themes is no longer a synthesis.
MOST_THEMES = 20
REPRESENTATIVES = 3
KEY_PHRASES = 6
LABEL_PHRASES = 3
# Above this many statements, k-means runs in mini-batches and the number of themes is chosen
# on a sample: 100,000 statements must take under a minute on 2 cores.
LARGE = 20_000
SAMPLE = 3_000
ROUND = 4  # decimals of scores: the same input gives byte-identical JSON


@dataclass(frozen=True)
class Statement:
    """A statement to synthesize; `language` "en", "fr", "es" or "" (detected)."""

    id: str
    text: str
    language: str = ""
    category: str = ""
    workshop: str = ""
    session: str = ""


@dataclass(frozen=True)
class Member:
    """A statement in a theme, with its membership score (0..1, closeness to the theme's centre)."""

    id: str
    score: float


@dataclass(frozen=True)
class Theme:
    """Statements about the same thing, with what sets them apart."""

    label: str
    key_phrases: tuple[str, ...]
    members: tuple[Member, ...]  # best score first
    representatives: tuple[str, ...]  # ids, most representative first
    categories: dict[str, int] = field(default_factory=dict)  # stakeholder category -> members
    workshops: dict[str, int] = field(default_factory=dict)
    coherence: float = 0.0  # mean membership score, 0..1

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "key_phrases": list(self.key_phrases),
            "members": [{"id": m.id, "score": m.score} for m in self.members],
            "representatives": list(self.representatives),
            "categories": dict(self.categories),
            "workshops": dict(self.workshops),
            "coherence": self.coherence,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Theme":
        return cls(
            label=data["label"],
            key_phrases=tuple(data["key_phrases"]),
            members=tuple(Member(m["id"], m["score"]) for m in data["members"]),
            representatives=tuple(data["representatives"]),
            categories=dict(data["categories"]),
            workshops=dict(data["workshops"]),
            coherence=data["coherence"],
        )


@dataclass(frozen=True)
class Synthesis:
    """The themes of a set of statements, largest first, and the statements that fit none."""

    themes: tuple[Theme, ...]
    unassigned: tuple[str, ...]
    engine: str
    seed: int

    def to_dict(self) -> dict:
        return {
            "engine": self.engine,
            "seed": self.seed,
            "themes": [theme.to_dict() for theme in self.themes],
            "unassigned": list(self.unassigned),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Synthesis":
        return cls(
            themes=tuple(Theme.from_dict(theme) for theme in data["themes"]),
            unassigned=tuple(data["unassigned"]),
            engine=data["engine"],
            seed=data["seed"],
        )


Progress = Callable[[float, str], None]


def find_themes(statements: Iterable[Statement], *, themes: int | None = None, seed: int = 0,
                engine: str = "tfidf", progress: Progress | None = None) -> Synthesis:
    """The themes of the statements: `themes` of them, or as many as the data shows when None.

    progress(fraction, message) is called a few times. Raises ValueError for an unknown engine
    or fewer than one theme."""
    statements = list(statements)
    with _threads():
        return _synthesize(statements, themes=themes, seed=seed, engine=engine,
                           method=DEFAULT_METHOD, progress=progress)


def split(statements: Iterable[Statement], ids: Iterable[str], *, parts: int | None = None,
          seed: int = 0, engine: str = "tfidf") -> Synthesis:
    """The themes within one theme's statements (the rapporteur splits it): `parts` themes, or as
    many as the data shows, at least two when there are two statements with words."""
    chosen = set(ids)
    subset = [s for s in statements if s.id in chosen]
    _check_ids(chosen, subset)
    with _threads():
        return _synthesize(subset, themes=parts, seed=seed, engine=engine, method=DEFAULT_METHOD,
                           progress=None, fewest=2)


def describe(statements: Iterable[Statement], ids: Iterable[str], *, engine: str = "tfidf",
             seed: int = 0) -> Theme:
    """The theme the given statements make among all `statements` (the rapporteur merges two
    themes): label, key phrases, representatives, spread and coherence as find_themes() computes
    them, each member scored by its closeness to their centre."""
    _check_engine(engine)
    statements = list(statements)
    chosen = set(ids)
    _check_ids(chosen, [s for s in statements if s.id in chosen])
    with _threads():
        corpus = _Corpus(statements, engine, seed)
    rows = np.array([i for i, s in enumerate(statements) if s.id in chosen], dtype=np.int64)
    return _theme(corpus, rows)


def _threads():
    """One thread for numpy and scikit-learn: the k-means and SVD steps here are small, and on
    two threads they wait on each other (k-means of 400 statements 15 times slower, measured on
    a busy 2-core machine; 100,000 statements faster on one thread too)."""
    # The limit reaches only the libraries loaded when it is set: load scikit-learn's OpenMP first.
    import sklearn.cluster  # noqa: F401

    return threadpool_limits(limits=1)


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")


def _check_ids(wanted: set[str], found: list[Statement]) -> None:
    missing = wanted - {s.id for s in found}
    if missing:
        raise ValueError(f"no statement has the id(s) {', '.join(sorted(missing)[:10])}")


def _synthesize(statements: list[Statement], *, themes: int | None, seed: int, engine: str,
                method: str, progress: Progress | None, fewest: int = 1) -> Synthesis:
    _check_engine(engine)
    if themes is not None and (isinstance(themes, bool) or not isinstance(themes, int) or themes < 1):
        raise ValueError(f"themes must be a whole number of at least 1, not {themes!r}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    report = progress or (lambda fraction, message: None)
    report(0.0, "reading the statements")
    corpus = _Corpus(statements, engine, seed, report)
    report(0.6, "grouping the statements")
    valid = corpus.valid
    groups: list[np.ndarray] = []
    if len(valid):
        labels = _cluster(corpus.vectors[valid], themes, seed, method, fewest)
        groups = [valid[labels == label] for label in sorted(set(labels.tolist())) if label >= 0]
        if themes is None and len(groups) > 1:
            # A theme of one or two statements among many is a stray, not a theme.
            smallest = 2 if len(valid) < 200 else 3
            kept = [g for g in groups if len(g) >= smallest]
            groups = kept if len(kept) >= min(fewest, len(groups)) else groups
    report(0.8, "naming the themes")
    found = [_theme(corpus, rows) for rows in groups]
    found.sort(key=lambda t: (-len(t.members), t.label, t.members[0].id if t.members else ""))
    assigned = {m.id for t in found for m in t.members}
    unassigned = tuple(dict.fromkeys(s.id for s in statements if s.id not in assigned))
    report(1.0, f"{len(found)} themes")
    return Synthesis(themes=tuple(found), unassigned=unassigned, engine=engine, seed=seed)


class _Corpus:
    """The statements' terms, TF-IDF matrix and vectors in the engine's space."""

    def __init__(self, statements: list[Statement], engine: str, seed: int,
                 report: Progress | None = None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        report = report or (lambda fraction, message: None)
        self.statements = statements
        read = [lang.read(s.text, s.language) for s in statements]
        # A statement too short to tell its language ("Remittances!") is most likely in the
        # language of most statements of the run, if most are in one.
        counted = Counter(code for code, _ in read if code)
        usual = min(counted, key=lambda code: (-counted[code], code)) if counted else ""
        if usual and counted[usual] > len(statements) / 2:
            read = [lang.read(s.text, usual) if not code and not s.language.strip() else (code, terms)
                    for s, (code, terms) in zip(statements, read, strict=True)]
        self.languages = [code for code, _ in read]
        term_lists = [terms for _, terms in read]
        report(0.3, "weighing the words")
        n = len(statements)
        self.terms = np.array([], dtype=object)
        self.tfidf = sparse.csr_matrix((n, 0), dtype=np.float32)
        if any(term_lists):
            vectorizer = TfidfVectorizer(analyzer=_identity, min_df=2 if n >= 20 else 1,
                                         sublinear_tf=True, dtype=np.float32)
            try:
                self.tfidf = vectorizer.fit_transform(term_lists).tocsr()
                self.terms = vectorizer.get_feature_names_out()
            except ValueError:  # every term in a single statement: nothing shared
                pass
        self.present = (self.tfidf > 0).astype(np.float32).tocsr()
        self.overall = np.asarray(self.present.sum(axis=0)).ravel()  # statements holding each term
        if engine == "wordllama":
            # A statement with no word at all stays out; one whose words no other statement
            # shares still has a meaning to place.
            self.valid = np.array([i for i, t in enumerate(term_lists) if t], dtype=np.int64)
            self.vectors = np.zeros((n, 256), dtype=np.float32)
            if len(self.valid):
                self.vectors[self.valid] = _embed([statements[i].text for i in self.valid])
        else:
            self.valid = np.flatnonzero(np.diff(self.tfidf.indptr) > 0).astype(np.int64)
            self.vectors = _lsa(self.tfidf, self.valid, seed)
        report(0.5, "vectors ready")


def _identity(terms: list[str]) -> list[str]:
    return terms


def _normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1)).astype(np.float32)


def _lsa(tfidf: sparse.csr_matrix, valid: np.ndarray, seed: int) -> np.ndarray:
    """Latent semantic analysis: the TF-IDF rows in 2 sqrt(n), at most 100, dimensions, unit length."""
    from sklearn.decomposition import TruncatedSVD

    n, width = tfidf.shape
    vectors = np.zeros((n, 0), dtype=np.float32)
    if len(valid) == 0:
        return vectors
    # Fewer dimensions for fewer statements: with as many dimensions as statements, every
    # statement is its own direction and the themes split into near-copies.
    dimensions = min(100, width - 1, len(valid) - 1, round(2 * len(valid) ** 0.5))
    if dimensions < 2:
        dense = tfidf.toarray()
        return _normalize(dense)
    svd = TruncatedSVD(n_components=dimensions, random_state=seed, n_iter=5)
    reduced = np.zeros((n, dimensions), dtype=np.float32)
    if len(valid) > LARGE:
        # The directions of LARGE statements drawn at random are those of all of them, at a
        # fraction of the time.
        sample = np.sort(np.random.default_rng(seed).choice(valid, LARGE, replace=False))
        svd.fit(tfidf[sample])
        reduced[valid] = svd.transform(tfidf[valid])
    else:
        reduced[valid] = svd.fit_transform(tfidf[valid])
    return _normalize(reduced)


@lru_cache(maxsize=1)
def _wordllama():
    """WordLlama's 256-dimension model, read from the files its wheel installs.

    WordLlama.load() looks for its tokenizer in a folder named "tokenizer" while the wheel
    installs it under "tokenizers", and then downloads it: reading the two files directly keeps
    the run offline."""
    from pathlib import Path

    try:
        import wordllama
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    except ImportError as error:
        raise ValueError("engine 'wordllama' needs the wordllama package (pip install wordllama)") \
            from error
    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as weights:
        embedding = weights.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer)


def _embed(texts: list[str]) -> np.ndarray:
    return _normalize(np.asarray(_wordllama().embed(texts, norm=False, batch_size=256)))


def _cluster(vectors: np.ndarray, themes: int | None, seed: int, method: str,
             fewest: int = 1) -> np.ndarray:
    """A label for each row (unit vectors); -1 for a row that fits no group (hdbscan only)."""
    n = len(vectors)
    distinct = len(np.unique(vectors.round(5), axis=0)) if n <= LARGE else n
    if themes is not None:
        k = min(themes, distinct)
    elif distinct <= 2:
        k = 2 if distinct == 2 and (fewest >= 2 or not _similar(vectors)) else 1
    else:
        k = 0
    if method == "hdbscan" and themes is None and n >= 10:
        return _hdbscan(vectors)
    return _cluster_k(vectors, k, distinct, seed, method, fewest)


def _cluster_k(vectors: np.ndarray, k: int, distinct: int, seed: int, method: str,
               fewest: int) -> np.ndarray:
    """k groups (0: the number of best silhouette)."""
    n = len(vectors)
    if k == 0:
        # A theme of fewer than about five statements is not yet a theme.
        most = min(MOST_THEMES, distinct - 1, max(len(vectors) // 5, 2))
        k = _best_k(vectors, seed, method, most, max(fewest, 2))
    if k <= 1:
        return np.zeros(n, dtype=np.int64)
    return _fit(vectors, k, seed, method)


def _similar(vectors: np.ndarray) -> bool:
    return bool(float(vectors[0] @ vectors[1]) >= 0.1)


def _fit(vectors: np.ndarray, k: int, seed: int, method: str, tries: int = 10) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans

    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)
    if method == "nmf":
        from sklearn.decomposition import NMF

        # NMF wants non-negative input: the halves of each coordinate (positive and negative).
        positive = np.hstack([np.maximum(vectors, 0), np.maximum(-vectors, 0)])
        weights = NMF(n_components=k, random_state=seed, init="nndsvd", max_iter=300).fit_transform(positive)
        return weights.argmax(axis=1)
    if len(vectors) > LARGE:
        return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=min(tries, 3),
                               batch_size=4096).fit_predict(vectors)
    return KMeans(n_clusters=k, random_state=seed, n_init=tries).fit_predict(vectors)


def _best_k(vectors: np.ndarray, seed: int, method: str, most: int, fewest: int) -> int:
    """The number of groups of best silhouette (cosine) between `fewest` and `most`, measured on
    a sample of at most SAMPLE rows."""
    from sklearn.metrics import silhouette_score

    if most < fewest:
        return max(most, 1)
    rng = np.random.default_rng(seed)
    sample = vectors
    if len(vectors) > SAMPLE:
        sample = vectors[np.sort(rng.choice(len(vectors), SAMPLE, replace=False))]
    best, best_score = fewest, -2.0
    for k in range(fewest, most + 1):
        # Few tries on a large sample: the choice of k needs only the shape of the curve.
        labels = _fit(sample, k, seed, "kmeans" if method == "hdbscan" else method,
                      tries=10 if len(sample) <= 500 else 2)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(sample, labels, metric="cosine")
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best


def _hdbscan(vectors: np.ndarray) -> np.ndarray:
    from sklearn.cluster import HDBSCAN

    smallest = max(3, len(vectors) // 100)
    return HDBSCAN(min_cluster_size=smallest, metric="euclidean", copy=True).fit_predict(vectors)


def _theme(corpus: _Corpus, rows: np.ndarray) -> Theme:
    """The Theme of the statements at `rows`, among all the corpus's statements."""
    statements = corpus.statements
    rows = np.asarray(rows, dtype=np.int64)
    centre = corpus.vectors[rows].mean(axis=0) if len(rows) and corpus.vectors.shape[1] else None
    if centre is not None and np.linalg.norm(centre) > 0:
        centre = centre / np.linalg.norm(centre)
        scores = np.clip(corpus.vectors[rows] @ centre, 0.0, 1.0)
    else:
        scores = np.zeros(len(rows), dtype=np.float32)
    scores = np.round(scores.astype(np.float64), ROUND)
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], int(rows[i])))
    members = tuple(Member(statements[rows[i]].id, float(scores[i])) for i in order)
    phrases = _key_phrases(corpus, rows, [int(rows[i]) for i in order])
    categories = Counter(statements[r].category for r in rows if statements[r].category)
    workshops = Counter(statements[r].workshop for r in rows if statements[r].workshop)
    return Theme(
        label=" · ".join(phrases[:LABEL_PHRASES]),
        key_phrases=tuple(phrases),
        members=members,
        representatives=_representatives(corpus, [int(rows[i]) for i in order],
                                          [float(scores[i]) for i in order]),
        categories=dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        workshops=dict(sorted(workshops.items(), key=lambda kv: (-kv[1], kv[0]))),
        coherence=round(float(scores.mean()), ROUND) if len(scores) else 0.0,
    )


def _key_phrases(corpus: _Corpus, rows: np.ndarray, best_first: list[int]) -> list[str]:
    """The terms the theme's statements hold much more often than all statements, as written."""
    if len(rows) == 0 or corpus.present.shape[1] == 0:
        return []
    inside = np.asarray(corpus.present[rows].sum(axis=0)).ravel()
    overall = corpus.overall
    share_in = inside / len(rows)
    share_all = overall / max(corpus.present.shape[0], 1)
    least = 2 if len(rows) >= 4 else 1
    candidates = np.flatnonzero(inside >= least)
    if len(candidates) == 0:
        return []
    with np.errstate(divide="ignore", invalid="ignore"):
        # Distinctive (share in the theme over share overall) and frequent in the theme; a
        # theme that is the whole corpus falls back on frequency alone.
        lift = np.log(share_in[candidates] / share_all[candidates])
    score = share_in[candidates] * (lift + 0.05)
    terms = corpus.terms
    order = sorted(range(len(candidates)), key=lambda i: (-score[i], terms[candidates[i]]))
    chosen: list[str] = []
    counts = {terms[c]: inside[c] for c in candidates}
    for i in order[:200]:
        term = terms[candidates[i]]
        words = term.split()
        if len(words) == 1:
            if any(term in c.split() for c in chosen):
                continue
            chosen.append(term)
        else:
            inner = [c for c in chosen if c in words]
            if inner:
                # "labour migration" instead of "labour" when it carries most of its uses.
                if all(counts[term] >= max(2, 0.5 * counts[c]) for c in inner):
                    chosen = [term if c == inner[0] else c for c in chosen if c not in inner[1:]]
                continue
            if any(set(words) == set(c.split()) for c in chosen):
                continue
            chosen.append(term)
        if len(chosen) >= KEY_PHRASES:
            break
    return _as_written(corpus, best_first[:60], chosen)


def _as_written(corpus: _Corpus, rows: list[int], terms: list[str]) -> list[str]:
    """Each term in the words its statements most often use for it ("envoi fonds" -> "envois de
    fonds")."""
    seen: dict[str, Counter] = {term: Counter() for term in terms}
    wanted = set(terms)
    for row in rows:
        statement = corpus.statements[row]
        for term, surface in lang.phrase_surface(statement.text, corpus.languages[row], wanted).items():
            seen[term][surface] += 1
    written = []
    for term in terms:
        surfaces = sorted(seen[term].items(), key=lambda kv: (-kv[1], kv[0]))
        written.append(surfaces[0][0] if surfaces else term)
    return list(dict.fromkeys(written))


def _representatives(corpus: _Corpus, rows: list[int], scores: list[float]) -> tuple[str, ...]:
    """Up to REPRESENTATIVES ids: the most central statement, then, among the central ones (at
    least 0.6 of the best score), those that add a stakeholder category or a workshop not yet
    shown; never a copy or near-copy of one chosen."""
    statements = corpus.statements
    pool = [(row, score) for row, score in zip(rows[:60], scores[:60], strict=True)
            if score >= 0.6 * scores[0]]
    chosen: list[int] = []
    while len(chosen) < REPRESENTATIVES:
        categories = {statements[r].category for r in chosen}
        workshops = {statements[r].workshop for r in chosen}
        texts = {lang.fold(" ".join(statements[r].text.split())) for r in chosen}
        best, best_value = None, -1.0
        for row, score in pool:
            if row in chosen or lang.fold(" ".join(statements[row].text.split())) in texts:
                continue
            # Near-copies by their words: in a reduced space, different statements can coincide.
            if chosen and corpus.tfidf.shape[1] and \
                    (corpus.tfidf[chosen] @ corpus.tfidf[row].T).max() > 0.9:
                continue
            category, workshop = statements[row].category, statements[row].workshop
            value = score + 0.3 * bool(category and category not in categories) \
                + 0.15 * bool(workshop and workshop not in workshops)
            if value > best_value + 1e-12:
                best, best_value = row, value
        if best is None:
            break
        chosen.append(best)
    return tuple(statements[r].id for r in chosen)
