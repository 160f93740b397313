"""Tag suggestions: the SDG goals (1-17) and GCM objectives (1-23) a statement concerns, with scores.

For each text and each goal or objective: a yes/no decision and a score in [0, 1], plus the SDG
targets closest to the text. Offline, on the CPU, from texts that ship in `data/` (see SOURCE.md):

1. Reference model: a logistic regression over TF-IDF words and WordLlama sentence vectors, fitted
   on the official wording of the 169 SDG targets, 231 indicators and 17 goals (English, French,
   Spanish), gives P(goal | text); with it, the text's closest target and indicator per goal, by
   TF-IDF and by sentence vector. The same for the 23 GCM objectives and their actions.
2. Example model: the same kind of regression fitted on texts that experts said concern an SDG
   (the SDG Classification Benchmark), fitted out of fold so the next step sees honest scores.
3. Goal models: for each goal, a yes/no logistic regression over words, character pieces and
   sentence vectors, fitted on the texts the experts judged for that goal (their yes and no), on
   the goal's English titles and targets as yeses, and, as weak noes, on the texts said to concern
   another goal and the other goals' titles and targets; also fitted out of fold.
4. Decision: a logistic regression over these scores for one (text, goal) pair, fitted on the
   experts' yes/no labels, turns them into the score and the decision (score >= threshold).

GCM objectives have no expert labels: their decision uses a second decision model fitted on the
SDG labels with the reference scores only (no example model, no goal models, no per-goal term),
applied to the GCM reference scores. Its accuracy is not measured.

Use: `TagSuggester.from_data().suggest(texts)` fits in about a minute; `cached_suggester(folder)` keeps
the fitted suggester in a folder and reads it back in a fraction of a second.
"""

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).parent / "data"
SDG_GOALS = tuple(range(1, 18))
GCM_OBJECTIVES = tuple(range(1, 24))
DEFAULT_THRESHOLD = 0.5
WORDLLAMA_WEIGHT = 0.5  # sentence vectors next to TF-IDF: at 1.0 they drown the words
OTHER_GOALS_WEIGHT = 0.3  # a text said to concern another goal, as a no for this one: a weak one
FOLDS = 5
SEED = 0


@dataclass(frozen=True)
class ReferenceText:
    """One wording that describes a goal or objective: a goal title, a target, an indicator,
    a GCM objective's title or one of its actions."""
    number: int
    code: str
    text: str


@dataclass(frozen=True)
class Example:
    """A text that experts said does (`concerned`) or does not concern SDG `goal`."""
    text: str
    goal: int
    concerned: bool


@dataclass(frozen=True)
class Tag:
    kind: str  # "sdg" or "gcm"
    number: int
    concerned: bool
    score: float

    @property
    def label(self) -> str:
        return f"{'SDG' if self.kind == 'sdg' else 'GCM objective'} {self.number}"


@dataclass(frozen=True)
class TargetMatch:
    code: str  # "10.7"
    score: float  # cosine similarity of the text to the target's wording


@dataclass(frozen=True)
class Suggestion:
    sdg: tuple[Tag, ...]  # goals 1..17 in order
    gcm: tuple[Tag, ...]  # objectives 1..23 in order
    sdg_targets: tuple[TargetMatch, ...]  # closest targets of the goals concerned, best first

    @property
    def likely(self) -> list[Tag]:
        """The goals and objectives concerned, most likely first."""
        return sorted((t for t in self.sdg + self.gcm if t.concerned), key=lambda t: -t.score)


# ---------------------------------------------------------------- reading the shipped texts

def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def load_sdg_texts(path: Path = DATA_DIR / "sdg_texts.csv",
                   languages=("en", "fr", "es")) -> list[ReferenceText]:
    """Goals, targets and indicators in the languages asked for (official UN wording)."""
    texts = []
    for row in _read_csv(path):
        for lang in languages:
            if row.get(f"text_{lang}"):
                texts.append(ReferenceText(int(row["goal"]), f"{row['kind']}:{row['code']}",
                                           row[f"text_{lang}"]))
    return texts


def load_gcm_texts(path: Path = DATA_DIR / "gcm_actions.csv",
                   objectives: Iterable[Path] = ()) -> list[ReferenceText]:
    """The GCM objectives' titles and actions (A/RES/73/195, English). `objectives` may name CSV
    files with `number` and `title*`/`short*` columns (idm's core reference data, which carries the
    short titles and the French and Spanish titles) to add those wordings."""
    texts = [ReferenceText(int(r["objective"]), f"{r['objective']}.{r['action']}", r["text_en"])
             for r in _read_csv(path)]
    known = {(t.number, t.text) for t in texts}
    for table in objectives:
        for row in _read_csv(table):
            for column, value in row.items():
                if (column.startswith(("title", "short")) and "source" not in column and value
                        and (int(row["number"]), value) not in known):
                    known.add((int(row["number"]), value))
                    texts.append(ReferenceText(int(row["number"]), f"{row['number']}:{column}", value))
    return texts


def load_examples(path: Path = DATA_DIR / "sdg_benchmark.csv") -> list[Example]:
    """Expert-labelled texts (`text,sdg,label` columns)."""
    return [Example(r["text"], int(r["sdg"]), r["label"].strip().lower() == "true") for r in _read_csv(path)]


# ---------------------------------------------------------------- sentence vectors

@lru_cache(maxsize=1)
def _wordllama():
    """WordLlama's 256-dimension model from the files its wheel ships. `WordLlama.load()` in 0.4.0
    looks for the tokenizer under `tokenizer/` while the wheel has it under `tokenizers/`, and then
    downloads it: loading the two files directly keeps everything offline."""
    import wordllama
    from safetensors import safe_open
    from wordllama.inference import WordLlamaInference
    from wordllama.wordllama import WordLlama

    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer, binary=False)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length sentence vectors, shape (len(texts), 256)."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        vectors = np.asarray(_wordllama().embed(list(texts), norm=True), dtype=np.float32)
    return np.nan_to_num(vectors)  # a text with no token has a zero vector, not NaN


# ---------------------------------------------------------------- the models

_WORD = re.compile(r"(?u)\b\w[\w\-']+\b")


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    # No stop-word list: the texts are in three languages; max_df drops the function words.
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.3, token_pattern=_WORD.pattern,
                           strip_accents="unicode", lowercase=True)


class _GroupModel:
    """P(group | text) by a logistic regression over TF-IDF and sentence vectors, and each text's
    closest wording per group."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, groups: Sequence[int], n_groups: int,
                 weights=None, keep_wording: bool = False):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression

        self.n_groups = n_groups
        self.vectorizer = _vectorizer()
        words = self.vectorizer.fit_transform(texts)
        features = hstack([words, csr_matrix(vectors * WORDLLAMA_WEIGHT)]).tocsr()
        # newton-cg: the same optimum as lbfgs in a tenth of the time on these features.
        self.model = LogisticRegression(C=10, solver="newton-cg", max_iter=1000)
        self.model.fit(features, groups, sample_weight=weights)
        self.groups = np.asarray(groups)
        if keep_wording:
            self.words, self.vectors = words, vectors

    def probabilities(self, words, vectors: np.ndarray) -> np.ndarray:
        from scipy.sparse import csr_matrix, hstack

        features = hstack([words, csr_matrix(vectors * WORDLLAMA_WEIGHT)]).tocsr()
        probabilities = np.zeros((features.shape[0], self.n_groups))
        probabilities[:, self.model.classes_ - 1] = self.model.predict_proba(features)
        return probabilities

    def similarities(self, words, vectors: np.ndarray) -> list[np.ndarray]:
        """Per text and group: best and mean of the three best cosines to the group's wordings, by
        TF-IDF words and by sentence vector."""
        by_words = (words @ self.words.T).toarray()
        by_vectors = vectors @ self.vectors.T
        features = []
        for matrix in (by_words, by_vectors):
            best = np.zeros((matrix.shape[0], self.n_groups))
            top3 = np.zeros_like(best)
            for group in range(1, self.n_groups + 1):
                columns = matrix[:, self.groups == group]
                if columns.shape[1]:
                    best[:, group - 1] = columns.max(1)
                    top3[:, group - 1] = np.sort(columns, 1)[:, -3:].mean(1)
            features += [best, top3]
        return features

    def scores(self, texts: Sequence[str], vectors: np.ndarray) -> list[np.ndarray]:
        """P(group | text), then the similarities when the wordings were kept."""
        words = self.vectorizer.transform(texts)
        similarities = self.similarities(words, vectors) if hasattr(self, "words") else []
        return [self.probabilities(words, vectors), *similarities]


def _characters():
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Pieces of words catch what whole words miss: plurals, compounds, the three languages' endings.
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                           strip_accents="unicode", lowercase=True, max_features=200_000)


class _GoalModels:
    """For each goal, the log-odds that a text concerns it, by a yes/no logistic regression over
    TF-IDF words, character pieces and sentence vectors, fitted on the texts the experts judged for
    that goal and, with less weight, as noes, the texts they said concern another goal. The goal's
    own wording (`reference`: its titles and targets) joins its yeses, the other goals' wording its
    weak noes: the examples of a goal are a few dozen, its targets name what they leave out."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, goals: np.ndarray,
                 labels: np.ndarray, reference: Sequence[ReferenceText] = (),
                 reference_vectors: np.ndarray | None = None):
        from scipy.sparse import vstack
        from sklearn.linear_model import LogisticRegression

        self.words, self.characters = _vectorizer().fit(texts), _characters().fit(texts)
        features = self._features(texts, vectors)
        wording = self._features([t.text for t in reference], reference_vectors) if reference else None
        wording_goals = np.array([t.number for t in reference], dtype=int)
        self.models: dict[int, object] = {}
        for goal in SDG_GOALS:
            own, others = goals == goal, (goals != goal) & labels
            rows = np.flatnonzero(own | others)
            answers = np.r_[own[rows] & labels[rows], wording_goals == goal]
            if len(set(answers)) < 2:  # nothing to tell apart: every text gets the same chance
                self.models[goal] = float(answers.mean()) if answers.size else 0.5
                continue
            weights = np.r_[np.where(own[rows], 1.0, OTHER_GOALS_WEIGHT),
                            np.where(wording_goals == goal, 1.0, OTHER_GOALS_WEIGHT)]
            fitted = features[rows] if wording is None else vstack([features[rows], wording]).tocsr()
            self.models[goal] = LogisticRegression(C=10, solver="liblinear", max_iter=1000).fit(
                fitted, answers, sample_weight=weights)

    def _features(self, texts: Sequence[str], vectors: np.ndarray):
        from scipy.sparse import csr_matrix, hstack

        return hstack([self.words.transform(texts), self.characters.transform(texts),
                       csr_matrix(vectors * WORDLLAMA_WEIGHT)]).tocsr()

    def log_odds(self, texts: Sequence[str], vectors: np.ndarray,
                 goals: np.ndarray | None = None) -> np.ndarray:
        """Shape (texts, 17); with `goals` (one per text, 1 to 17), only each text's own goal is
        scored and the shape is (texts,)."""
        features = self._features(texts, vectors)
        chances = np.zeros((len(texts), len(SDG_GOALS)))
        for goal, model in self.models.items():
            rows = np.arange(len(texts)) if goals is None else np.flatnonzero(goals == goal)
            if rows.size:
                chances[rows, goal - 1] = (model if isinstance(model, float)
                                           else model.predict_proba(features[rows])[:, 1])
        odds = np.log(chances + 1e-6) - np.log(1 - chances + 1e-6)
        return odds if goals is None else odds[np.arange(len(texts)), goals - 1]


def _relative(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every cell: its margin over the best other cell of its row, and whether it is the row's best."""
    order = np.sort(matrix, 1)
    best, second = order[:, -1:], order[:, -2:-1]
    others_best = np.where(matrix >= best, second, best)
    return matrix - others_best, (matrix >= best).astype(float)


def _pair_features(scores: list[np.ndarray], with_log: Sequence[bool]) -> np.ndarray:
    """Features of every (text, group) pair, shape (texts, groups, features)."""
    columns = []
    for matrix, log in zip(scores, with_log, strict=True):
        margin, is_best = _relative(matrix)
        if log:
            columns.append(np.log(matrix + 1e-6))
        columns += [matrix, margin, is_best]
    return np.stack(columns, axis=2)


class TagSuggester:
    """Fitted once from reference texts and labelled examples; then `suggest(texts)`."""

    def __init__(self, sdg_texts: Sequence[ReferenceText], gcm_texts: Sequence[ReferenceText],
                 examples: Sequence[Example], *, seed: int = SEED):
        with _one_thread():
            self._fit(sdg_texts, gcm_texts, examples, seed)

    def _fit(self, sdg_texts, gcm_texts, examples, seed):
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        if not examples:
            raise ValueError("the decision needs expert-labelled examples, see load_examples()")
        seen = set()
        # The example model learns English wording: the first wording of each code is the English one.
        self._english = [t for t in sdg_texts if not (t.code in seen or seen.add(t.code))]
        self._english_vectors = embed([t.text for t in self._english])
        # The goal models learn from the goals' titles and targets; indicators name measures, not aims.
        self._aims = [i for i, t in enumerate(self._english) if not t.code.startswith("indicator:")]
        self.sdg = _GroupModel([t.text for t in sdg_texts], embed([t.text for t in sdg_texts]),
                               [t.number for t in sdg_texts], len(SDG_GOALS), keep_wording=True)
        self.gcm = _GroupModel([t.text for t in gcm_texts], embed([t.text for t in gcm_texts]),
                               [t.number for t in gcm_texts], len(GCM_OBJECTIVES), keep_wording=True)
        self.targets = [t for t in sdg_texts if t.code.startswith("target:")]
        self.target_vectors = embed([t.text for t in self.targets])
        self.examples = list(examples)
        texts = [e.text for e in self.examples]
        vectors = embed(texts)
        rows = np.arange(len(texts))
        goals = np.array([e.goal - 1 for e in self.examples])
        labels = np.array([e.concerned for e in self.examples])
        general = _pair_features(self.sdg.scores(texts, vectors), _LOGS)[rows, goals]
        own, goal_odds = self._out_of_fold(texts, vectors, goals, labels, seed)
        full = np.concatenate([general, own[rows, goals], np.eye(len(SDG_GOALS))[goals],
                               goal_odds[:, None]], axis=1)
        self.general_scaler = StandardScaler().fit(general)
        self.general = LogisticRegression(max_iter=3000).fit(self.general_scaler.transform(general), labels)
        self.full_scaler = StandardScaler().fit(full)
        self.full = LogisticRegression(max_iter=3000).fit(self.full_scaler.transform(full), labels)
        self.example_model = self._example_model(rows, texts, vectors)
        self.goal_models = self._goal_models(rows, texts, vectors, goals, labels)

    @classmethod
    def from_data(cls, data_dir: Path = DATA_DIR, gcm_objectives: Iterable[Path] = (),
                  examples: Sequence[Example] | None = None) -> "TagSuggester":
        """The suggester from the texts shipped in `data_dir`; `gcm_objectives` as in load_gcm_texts()."""
        return cls(load_sdg_texts(data_dir / "sdg_texts.csv"),
                   load_gcm_texts(data_dir / "gcm_actions.csv", gcm_objectives),
                   load_examples(data_dir / "sdg_benchmark.csv") if examples is None else examples)

    def _example_model(self, indices, texts, vectors) -> _GroupModel:
        chosen = [i for i in indices if self.examples[i].concerned]
        # The reference wordings join the examples, with less weight, so that every goal has a class.
        return _GroupModel([texts[i] for i in chosen] + [t.text for t in self._english],
                           np.concatenate([vectors[chosen], self._english_vectors]),
                           [self.examples[i].goal for i in chosen] + [t.number for t in self._english],
                           len(SDG_GOALS), np.r_[np.ones(len(chosen)), np.full(len(self._english), 0.3)])

    def _goal_models(self, indices, texts, vectors, goals, labels) -> _GoalModels:
        return _GoalModels([texts[i] for i in indices], vectors[indices], goals[indices] + 1,
                           labels[indices], [self._english[i] for i in self._aims],
                           self._english_vectors[self._aims])

    def _out_of_fold(self, texts, vectors, goals, labels, seed) -> tuple[np.ndarray, np.ndarray]:
        """The example model's pair features of P(goal | text) and the goal models' log-odds for
        each text's own goal, each text scored by models fitted without it (nor any copy of its
        wording)."""
        from sklearn.model_selection import GroupKFold

        scores = np.zeros((len(texts), len(SDG_GOALS)))
        odds = np.zeros(len(texts))
        folds = GroupKFold(n_splits=min(FOLDS, len(set(texts))), shuffle=True, random_state=seed)
        for fitted, held in folds.split(texts, groups=texts):
            held_texts = [texts[i] for i in held]
            model = self._example_model(fitted, texts, vectors)
            scores[held] = model.scores(held_texts, vectors[held])[0]
            goal_models = self._goal_models(fitted, texts, vectors, goals, labels)
            odds[held] = goal_models.log_odds(held_texts, vectors[held], goals[held] + 1)
        return _own_features(scores), odds

    def sdg_scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Scores in [0, 1] that each text concerns each goal, shape (texts, 17)."""
        vectors = embed(texts) if vectors is None else vectors
        general = _pair_features(self.sdg.scores(texts, vectors), _LOGS)
        own = _own_features(self.example_model.scores(texts, vectors)[0])
        n, goals = len(texts), len(SDG_GOALS)
        one_hot = np.broadcast_to(np.eye(goals), (n, goals, goals))
        goal_odds = self.goal_models.log_odds(texts, vectors)[:, :, None]
        full = np.concatenate([general, own, one_hot, goal_odds], axis=2).reshape(n * goals, -1)
        return self.full.predict_proba(self.full_scaler.transform(full))[:, 1].reshape(n, goals)

    def gcm_scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Scores in [0, 1] that each text concerns each GCM objective, shape (texts, 23)."""
        vectors = embed(texts) if vectors is None else vectors
        general = _pair_features(self.gcm.scores(texts, vectors), _LOGS)
        n, objectives = general.shape[:2]
        flat = self.general_scaler.transform(general.reshape(n * objectives, -1))
        return self.general.predict_proba(flat)[:, 1].reshape(n, objectives)

    def suggest(self, texts: Iterable[str], threshold: float = DEFAULT_THRESHOLD,
                targets: int = 3) -> list[Suggestion]:
        """For each text: every goal and objective with its decision (score >= threshold) and
        score, and the `targets` closest SDG targets among the goals concerned."""
        texts = [" ".join(str(t).split()) for t in texts]
        if not texts:
            return []
        with _one_thread():
            vectors = embed(texts)
            sdg = self.sdg_scores(texts, vectors)
            gcm = self.gcm_scores(texts, vectors)
        closeness = vectors @ self.target_vectors.T
        codes = [t.code.split(":", 1)[1] for t in self.targets]
        target_goals = np.array([t.number for t in self.targets])
        # Nothing to go by in a text without a word: it concerns nothing.
        has_words = np.array([bool(_WORD.search(t)) for t in texts])[:, None]
        sdg_yes, gcm_yes = (sdg >= threshold) & has_words, (gcm >= threshold) & has_words
        sdg_scores, gcm_scores = np.round(sdg, 4).tolist(), np.round(gcm, 4).tolist()
        suggestions = []
        for i in range(len(texts)):
            sdg_tags = tuple(Tag("sdg", g, bool(sdg_yes[i, g - 1]), sdg_scores[i][g - 1]) for g in SDG_GOALS)
            gcm_tags = tuple(Tag("gcm", o, bool(gcm_yes[i, o - 1]), gcm_scores[i][o - 1])
                             for o in GCM_OBJECTIVES)
            candidates = np.flatnonzero(sdg_yes[i][target_goals - 1])
            best, seen = [], set()
            for j in candidates[np.argsort(-closeness[i, candidates], kind="stable")]:
                if codes[j] not in seen:  # the same target in three languages
                    seen.add(codes[j])
                    best.append(TargetMatch(codes[j], round(float(closeness[i, j]), 4)))
                    if len(best) == targets:
                        break
            suggestions.append(Suggestion(sdg_tags, gcm_tags, tuple(best)))
        return suggestions


def _one_thread():
    """One BLAS thread: several threads make these small fits slower (and their last digits vary)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


# The reference scores: P(group | text) (with its logarithm), then four similarities.
_LOGS = (True, False, False, False, False)


def _own_features(scores: np.ndarray) -> np.ndarray:
    """log P, margin over the best other goal, is the best: the example model's pair features."""
    return _pair_features([scores], (True,))[:, :, [0, 2, 3]]


def cached_suggester(cache_dir: Path | None, data_dir: Path = DATA_DIR,
                     gcm_objectives: Sequence[Path] = ()) -> TagSuggester:
    """The suggester from the shipped data, fitted once (about a minute) and then read from `cache_dir`
    (well under a second). The cache file is named after everything the fit depends on: the data
    files, this module and scikit-learn's version; a change to any of them fits anew."""
    import hashlib
    import pickle

    import sklearn

    digest = hashlib.sha256(sklearn.__version__.encode())
    inputs = [data_dir / "sdg_texts.csv", data_dir / "gcm_actions.csv", data_dir / "sdg_benchmark.csv",
              *gcm_objectives, Path(__file__)]
    for path in inputs:
        digest.update(Path(path).read_bytes())
    cache = Path(cache_dir) / f"tags-{digest.hexdigest()[:16]}.pickle" if cache_dir else None
    if cache is not None and cache.is_file():
        # Written by this function into idm's own data folder, never from outside.
        with open(cache, "rb") as f:
            return pickle.load(f)  # noqa: S301
    suggester = TagSuggester.from_data(data_dir, gcm_objectives)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("tags-*.pickle"):
            old.unlink(missing_ok=True)
        partial = cache.with_suffix(".partial")
        with open(partial, "wb") as f:
            pickle.dump(suggester, f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cache)
    return suggester
