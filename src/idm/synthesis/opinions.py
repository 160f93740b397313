"""Opinion groups and consensus from agree / disagree / pass votes: the Pol.is math
(compdemocracy/polis, math/src/polismath/math/: conversation.clj, pca.clj, clusters.clj,
repness.clj, stats.clj), sparse from end to end, no Django.

Votes are +1 agree, -1 disagree, 0 pass (the sign of Pol.is's open data; its engine stores agree as
-1 internally and flips on export). The steps, as Pol.is takes them:

1. The latest vote per (participant, statement) counts. Statements moderated out (or marked meta)
   are zeroed: every participant is taken to have passed on them.
2. PCA of the vote matrix with missing votes imputed by their column's mean, two components; each
   participant's projection sums only over the statements they voted on and is scaled by
   sqrt(n_statements / n_votes), so that those who voted little are not bunched in the middle.
3. The participants "in the conversation" (at least min(7, n_statements) votes, and whoever was in
   before; the most active others while fewer than 15 are in) are clustered: up to 100 base
   clusters by k-means (100 steps at most), then groups by k-means of the base clusters weighted by
   their size (20 steps at most), for k = 2 .. min(5, 2 + n_base // 12), the k with the best
   silhouette of the base clusters. Each k-means starts from the clusters of the previous analysis
   (`Clustering`, clusters.clj clean-start-clusters), or from the first distinct points when there
   is none; a new best k is taken once it has been the best in 4 analyses in a row.
4. Each group's representative statements by Pol.is's proportion tests (90 %, one-sided);
   consensus statements over all participants (p > 0.5 and a significant test, ranked by p * z);
   group-informed consensus, the product over groups of (agrees + 1) / (votes + 2).

Pol.is's groups therefore depend on the order in which votes arrived and on when it updated, not
only on the final votes. The web app carries each analysis's clusters to the next, as Pol.is does
(and a group keeps its number while a workshop votes, unless one numbered before it is gone);
`replay` follows a recorded conversation the same way; `analyze` without `carried` starts
afresh, as Pol.is does when it recomputes a conversation.

Departures from Pol.is, and why:
- Pol.is updates whenever its poller finds new votes (every 1 to 2 seconds); idm analyses when a
  worker is free after votes arrive (one analysis queued at a time), and `replay` once per window
  of time in which votes were cast. The updates, and so the groups, can differ.
- Numbering: new groups are numbered by their first member (Pol.is numbers them by the order of
  their first centre), so that the numbering does not depend on the centres; carried groups keep
  theirs.
- Pol.is finds the components by 100 power iterations started from the last ones; idm takes them
  from a sparse truncated SVD (the same components to within rounding), so that 10,000 x 5,000
  votes never become a dense matrix; up to 100 statements, from the eigenvectors of the small
  statements x statements matrix (the same axes, faster).
- Statements with no vote are left out of the matrix, as in Pol.is (its matrix only has columns
  for statements that received a vote).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

AGREE, DISAGREE, PASS = 1, -1, 0
Z_90 = 1.2816  # one-sided 90 % (stats.clj z-sig-90?)
BASE_K = 100
MAX_K = 5
GREEDY_N = 15
MIN_VOTES = 7
MAX_ITERATIONS = 20  # groups (clusters.clj kmeans's default)
BASE_ITERATIONS = 100  # base clusters (conversation.clj :base-iters)
GRAM_COLUMNS = 100  # up to this many statements, the axes come from a dense eigendecomposition
K_BUFFER = 4  # updates a new k must win in a row (:group-k-buffer)
SAME_CLUSTERING = 0.01  # centres closer than this between two steps: converged (clusters.clj)


@dataclass(frozen=True)
class Votes:
    """The latest vote of each participant on each statement, as two sparse matrices over the same
    (participant, statement) cells: `cast` is 1 where a vote was cast, `value` holds +1 and -1 (a pass
    is cast with the value 0)."""
    participants: tuple[str, ...]
    statements: tuple[str, ...]
    cast: sparse.csr_matrix
    value: sparse.csr_matrix

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participants), len(self.statements)

    def tallies(self) -> dict[str, np.ndarray]:
        """Per statement: agrees, disagrees, passes and votes."""
        agree = np.asarray((self.value > 0).sum(axis=0)).ravel()
        disagree = np.asarray((self.value < 0).sum(axis=0)).ravel()
        votes = np.asarray(self.cast.sum(axis=0)).ravel().astype(int)
        return {"agree": agree, "disagree": disagree, "pass": votes - agree - disagree, "votes": votes}

    def dense(self) -> np.ndarray:
        """The matrix with NaN where no vote was cast (for checks on small conversations)."""
        matrix = np.full(self.shape, np.nan)
        rows, columns = self.cast.nonzero()
        matrix[rows, columns] = np.asarray(self.value[rows, columns]).ravel()
        return matrix


def latest_votes(votes: Iterable[tuple], participants: Sequence[str] | None = None,
                 statements: Sequence[str] | None = None) -> Votes:
    """Votes from (participant, statement, vote[, time]) rows, in the order they were cast unless a
    time is given; the latest per pair counts. Participants are numbered in the order of their first
    vote (as Pol.is adds them to its matrix) unless `participants` is given; statements likewise.
    A vote other than -1, 0 or 1 raises ValueError naming it."""
    rows = list(votes)
    if rows and len(rows[0]) > 3:
        rows.sort(key=lambda row: row[3])  # stable: equal times keep their order
    participant_ids = list(participants) if participants is not None else []
    statement_ids = list(statements) if statements is not None else []
    p_index = {p: i for i, p in enumerate(participant_ids)}
    s_index = {s: i for i, s in enumerate(statement_ids)}
    latest: dict[tuple[int, int], int] = {}
    for number, row in enumerate(rows, start=1):
        participant, statement, vote = row[0], row[1], _vote(number, row[2])
        if participant not in p_index:
            if participants is not None:
                raise ValueError(f"vote {number}: unknown participant {participant!r}")
            p_index[participant] = len(participant_ids)
            participant_ids.append(participant)
        if statement not in s_index:
            if statements is not None:
                raise ValueError(f"vote {number}: unknown statement {statement!r}")
            s_index[statement] = len(statement_ids)
            statement_ids.append(statement)
        latest[p_index[participant], s_index[statement]] = vote
    return from_cells(participant_ids, statement_ids, latest)


def _vote(number: int, vote) -> int:
    """The vote as -1, 0 or 1; anything else raises ValueError naming the vote's number."""
    try:
        value = int(vote)
    except (TypeError, ValueError):
        raise ValueError(f"vote {number}: {vote!r} is not -1, 0 or 1") from None
    if value not in (AGREE, DISAGREE, PASS):
        raise ValueError(f"vote {number}: {vote!r} is not -1, 0 or 1")
    return value


def from_cells(participants: Sequence[str], statements: Sequence[str], cells) -> Votes:
    """Votes from {(participant index, statement index): vote} or three arrays (rows, columns, votes)."""
    if isinstance(cells, dict):
        keys = np.array(list(cells.keys()), dtype=np.int64).reshape(-1, 2)
        rows, columns = keys[:, 0], keys[:, 1]
        values = np.fromiter(cells.values(), dtype=np.float64, count=len(cells))
    else:
        rows, columns, values = (np.asarray(a) for a in cells)
        values = values.astype(np.float64)
    shape = (len(participants), len(statements))
    cast = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)
    value = sparse.csr_matrix((values, (rows, columns)), shape=shape)
    value.eliminate_zeros()
    return Votes(tuple(participants), tuple(statements), cast, value)


# ------------------------------------------------------------------------------------------ results

@dataclass(frozen=True)
class StatementStats:
    """A statement's figures in a group (or among all participants, for consensus)."""
    statement: str
    direction: str  # "agree" or "disagree": the one it is representative (or consensual) for
    n_success: int  # agrees (or disagrees) among those who voted on it
    n_trials: int  # votes on it, passes included
    p_success: float  # (n_success + 1) / (n_trials + 2)
    p_test: float  # z of that proportion against one half
    repness: float | None = None  # p_success against the other groups' (groups only)
    repness_test: float | None = None  # z of the difference (groups only)
    best_agree: bool = False

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Group:
    id: int
    members: tuple[str, ...]  # participant ids
    center: tuple[float, float]
    representative: tuple[StatementStats, ...]


@dataclass(frozen=True)
class Analysis:
    participants: tuple[str, ...]
    statements: tuple[str, ...]
    projection: np.ndarray  # (participants, 2): the opinion map
    components: np.ndarray  # (2, statements)
    in_conversation: np.ndarray  # bool per participant: clustered
    group_of: np.ndarray  # per participant: group id, or -1 when not clustered
    groups: tuple[Group, ...]
    consensus: dict[str, tuple[StatementStats, ...]]  # "agree" / "disagree", best first
    group_informed_consensus: np.ndarray  # per statement
    silhouettes: dict[int, float] = field(default_factory=dict)  # k -> silhouette of the base clusters
    clustering: "Clustering | None" = None  # what the next analysis starts from

    def to_dict(self) -> dict:
        return {
            "participants": [{"id": p, "group": int(g) if g >= 0 else None,
                              "x": round(float(x), 6), "y": round(float(y), 6)}
                             for p, g, (x, y) in zip(self.participants, self.group_of, self.projection,
                                                     strict=True)],
            "groups": [{"id": g.id, "members": len(g.members),
                        "representative": [s.to_dict() for s in g.representative]} for g in self.groups],
            "consensus": {k: [s.to_dict() for s in v] for k, v in self.consensus.items()},
            "group_informed_consensus": {s: round(float(c), 12) for s, c in
                                         zip(self.statements, self.group_informed_consensus, strict=True)},
        }


# ------------------------------------------------------------------------------------------- steps

def in_conversation(votes: Votes, already: Iterable[str] = ()) -> np.ndarray:
    """Who is clustered (conversation.clj :in-conv): those `already` in, and whoever has at least
    min(7, n_statements) votes; the most active others while fewer than 15 are in."""
    counts = np.asarray(votes.cast.sum(axis=1)).ravel()
    already = set(already)
    chosen = (counts >= min(MIN_VOTES, votes.shape[1])) | np.array(
        [p in already for p in votes.participants], dtype=bool)
    missing = GREEDY_N - int(chosen.sum())
    if missing > 0:
        others = np.flatnonzero(~chosen & (counts > 0))
        # Most votes first; equal counts in participant order.
        chosen[others[np.argsort(-counts[others], kind="stable")][:missing]] = True
    return chosen


def _columns_kept(matrix: sparse.csr_matrix, kept: np.ndarray) -> sparse.csr_matrix:
    """The matrix with the cells of the columns not kept set to 0 (stored zeros: the same cells,
    so no new matrix structure is built)."""
    found = matrix.copy()
    found.data = found.data * kept[found.indices]
    return found


def _zeroed(votes: Votes, moderated_out: set[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The rating matrix after moderation: moderated-out columns hold a 0 (a pass) for everyone.
    Returns the centred values (sparse) and each participant's number of votes counted there."""
    out = np.array([s in moderated_out for s in votes.statements], dtype=bool)
    cast, value = (_columns_kept(m, ~out) for m in (votes.cast, votes.value))
    counts = np.asarray(cast.sum(axis=0)).ravel()
    means = np.divide(np.asarray(value.sum(axis=0)).ravel(), counts, out=np.zeros(len(counts)),
                      where=counts > 0)
    # Imputed cells equal their column's mean: centred, they are 0, so the centred matrix stays
    # sparse (x - mean where a vote was cast, 0 elsewhere; a zeroed column is 0 everywhere).
    centred = (value - cast.multiply(means)).tocsr()
    votes_counted = np.asarray(cast.sum(axis=1)).ravel() + int(out.sum())
    return centred, votes_counted


def principal_components(centred: sparse.csr_matrix, seed: int = 0) -> np.ndarray:
    """The two leading principal axes of the (mean-imputed, centred) matrix, shape (2, statements),
    each with its largest coordinate positive (Pol.is's sign is arbitrary too)."""
    n_rows, n_columns = centred.shape
    k = min(2, n_rows, n_columns)
    components = np.zeros((2, n_columns))
    if k == 0 or centred.nnz == 0:
        return components
    if min(n_rows, n_columns) <= 3:
        _, _, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        found = vt[:k]
    elif n_columns <= GRAM_COLUMNS:
        # Few statements (a workshop's consultation): the eigenvectors of the small statements x
        # statements matrix are the same axes, found in a fraction of ARPACK's time.
        _, vectors = np.linalg.eigh((centred.T @ centred).toarray())
        found = vectors[:, ::-1][:, :k].T
    else:
        from scipy.sparse.linalg import svds

        start = np.random.default_rng(seed).standard_normal(min(n_rows, n_columns))
        _, singular, vt = svds(centred.astype(np.float64), k=k, v0=start)
        found = vt[np.argsort(-singular)]
    for i, axis in enumerate(found):
        components[i] = axis * (1 if axis[np.argmax(np.abs(axis))] >= 0 else -1)
    return components


def project(centred: sparse.csr_matrix, components: np.ndarray, votes_counted: np.ndarray) -> np.ndarray:
    """Each participant's place on the opinion map (pca.clj sparsity-aware-project-ptpt)."""
    n_statements = centred.shape[1]
    scale = np.sqrt(n_statements / np.maximum(votes_counted, 1))
    return np.asarray(centred @ components.T) * scale[:, None]


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first k distinct rows, in order (clusters.clj init-clusters)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def kmeans(points: np.ndarray, k: int, weights: np.ndarray | None = None,
           max_iterations: int = MAX_ITERATIONS, start: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pol.is's k-means (clusters.clj kmeans). Without `start`, the centres start at the first k
    distinct points; with it (each point's cluster id in the previous clustering, -1 for a point new
    since), they start from the previous clusters (`_clean_start`). Each step assigns every point to
    its closest centre, drops the clusters left empty and moves each centre to its members'
    (weighted) mean; it stops when no centre moved by SAME_CLUSTERING or after max_iterations steps.
    Returns the centres, each point's cluster (an index into them) and the clusters' ids, ascending
    (carried from `start`, new ones numbered after them)."""
    weights = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    if start is not None and (np.asarray(start) >= 0).any():
        ids, centres = _clean_start(points, k, weights, np.asarray(start, dtype=np.int64))
    else:
        centres = _first_distinct(points, k)
        ids = np.arange(len(centres))
    for _ in range(max_iterations + 1):
        labels = _closest(points, centres)
        used = np.unique(labels)
        sums = np.zeros((len(centres), points.shape[1]))
        np.add.at(sums, labels, points * weights[:, None])
        totals = np.bincount(labels, weights=weights, minlength=len(centres))
        moved = sums[used] / totals[used][:, None]
        converged = len(used) == len(centres) and np.all(
            np.linalg.norm(np.sort(moved, axis=0) - np.sort(centres, axis=0), axis=1) < SAME_CLUSTERING)
        centres, ids = moved, ids[used]
        if converged:
            break
    # A centre that the last assignment leaves without members is not a cluster (and would
    # weigh nothing in the groups' k-means).
    labels = _closest(points, centres)
    used = np.unique(labels)
    return centres[used], np.searchsorted(used, labels), ids[used]


def _means(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, ids: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """The clusters of `ids` that still have members, and their (weighted) centres."""
    member = labels >= 0
    index = np.searchsorted(ids, labels[member])
    totals = np.bincount(index, weights=weights[member], minlength=len(ids))
    sums = np.zeros((len(ids), points.shape[1]))
    np.add.at(sums, index, points[member] * weights[member][:, None])
    kept = totals > 0
    return ids[kept], sums[kept] / totals[kept][:, None]


def _clean_start(points: np.ndarray, k: int, weights: np.ndarray, start: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The previous clusters made ready for new data (clusters.clj clean-start-clusters): centred on
    their members' new places (members gone, clusters gone); clusters that now share a centre become
    one, under the id of the larger; then, while fewer than k clusters (and fewer than the distinct
    points), the point farthest from every centre starts a cluster of its own. Returns ids, centres."""
    labels = start.copy()
    labels[weights <= 0] = -1  # a point that weighs nothing cannot hold a cluster
    ids, centres = _means(points, weights, labels, np.unique(labels[labels >= 0]))
    sizes = np.bincount(np.searchsorted(ids, labels[labels >= 0]), minlength=len(ids))
    seen: dict[tuple, tuple[int, int]] = {}
    for cluster, centre, size in zip(ids.tolist(), centres, sizes.tolist(), strict=True):
        key = tuple(centre)
        if key in seen:  # uniqify-clusters; merge-clusters keeps the larger, the later when equal
            other, other_size = seen[key]
            kept = other if other_size > size else cluster
            labels[(labels == other) | (labels == cluster)] = kept
            seen[key] = (kept, other_size + size)
        else:
            seen[key] = (cluster, size)
    ids = np.unique(labels[labels >= 0])
    possible = min(k, len(np.unique(points, axis=0)))
    while True:
        ids, centres = _means(points, weights, labels, ids)
        if len(ids) >= possible:
            return ids, centres
        nearest = np.where(weights > 0, _squared_distances(points, centres).min(axis=1), -1.0)
        farthest = len(points) - 1 - int(np.argmax(nearest[::-1]))  # max-key: the last of equals
        if nearest[farthest] <= 0:
            return ids, centres
        labels[farthest] = ids.max() + 1
        ids = np.append(ids, ids.max() + 1)


def _closest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each point's closest centre; between equally close ones the last, as Clojure's min-key."""
    # Measured to the centres in reverse order, so that argmin's first of equals is the last
    # centre, on a contiguous array.
    return len(centres) - 1 - np.argmin(_squared_distances(points, centres[::-1]), axis=1)


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(points, centres) squared distances, summed axis by axis (no points x centres x axes array)."""
    distances = (points[:, 0, None] - centres[None, :, 0]) ** 2
    for axis in range(1, points.shape[1]):
        distances += (points[:, axis, None] - centres[None, :, axis]) ** 2
    return distances


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette of the points, unweighted; a point alone in its cluster counts 0
    (clusters.clj silhouette)."""
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    clusters, index = np.unique(labels, return_inverse=True)
    if len(clusters) < 2:
        return 0.0
    members = np.eye(len(clusters))[index]  # point x cluster
    sizes = members.sum(axis=0)
    totals = distances @ members  # each point's summed distance to each cluster
    rows = np.arange(len(points))
    own_size = sizes[index]
    alone = own_size == 1
    a = totals[rows, index] / np.where(alone, 1, own_size - 1)
    means = totals / sizes
    means[rows, index] = np.inf
    b = means.min(axis=1)
    largest = np.maximum(a, b)
    values = np.where(alone | (largest == 0), 0.0, (b - a) / np.where(largest == 0, 1, largest))
    return float(values.mean())


def max_groups(n_base: int) -> int:
    return min(MAX_K, 2 + n_base // 12)


def _group(participants: Sequence[str], points: np.ndarray, carried: "Clustering"
           ) -> tuple[np.ndarray, dict[int, float], "Clustering"]:
    """Base clusters, then groups of them (conversation.clj :base-clusters to :group-clusters),
    each k-means starting from the clusters `carried` from the previous analysis. Returns each
    point's group (0, 1, ... in the order of the groups' ids: a carried group keeps its number
    unless one numbered before it is gone), the silhouette of each k tried and what to carry to
    the next analysis."""
    start = np.array([carried.base_of.get(p, -1) for p in participants], dtype=np.int64)
    base_centres, base_index, base_ids = kmeans(points, min(BASE_K, len(points)),
                                                max_iterations=BASE_ITERATIONS, start=start)
    base_of = {p: int(b) for p, b in zip(participants, base_ids[base_index], strict=True)}
    if len(base_centres) < 2:
        return np.zeros(len(points), dtype=np.int64), {}, carried.next(base_of, {}, None)
    sizes = np.bincount(base_index, minlength=len(base_centres)).astype(np.float64)
    scores, clusterings = {}, {}
    for k in range(2, max_groups(len(base_centres)) + 1):
        if len(np.unique(base_centres, axis=0)) < k:
            break
        previous = carried.group_of.get(k, {})
        group_start = np.array([previous.get(int(b), -1) for b in base_ids], dtype=np.int64)
        _, labels, group_ids = kmeans(base_centres, k, weights=sizes, start=group_start)
        if len(np.unique(labels)) < 2:
            continue
        if (group_start < 0).all():
            # New groups are numbered by their first member, so that the numbering does not depend
            # on the centres; carried groups keep their ids, so a group keeps its rank among them.
            _, first = np.unique(labels[base_index], return_index=True)
            group_ids = np.argsort(np.argsort(first))
        clusterings[k] = group_ids[labels]
        scores[k] = silhouette(base_centres, labels)
    if not clusterings:
        return np.zeros(len(points), dtype=np.int64), scores, carried.next(base_of, {}, None)
    best = max(scores, key=lambda k: (scores[k], k))  # equal scores: the larger k (max-key)
    following = carried.next(base_of, {k: dict(zip(base_ids.tolist(), g.tolist(), strict=True))
                                       for k, g in clusterings.items()}, best)
    chosen = clusterings[following.smoothed_k if following.smoothed_k in clusterings else best]
    group_of_base = np.searchsorted(np.unique(chosen), chosen)
    return group_of_base[base_index], scores, following


@dataclass(frozen=True)
class Clustering:
    """What an analysis hands to the next, as Pol.is carries a conversation from update to update:
    who is in the conversation (once in, always in), each participant's base cluster, each base
    cluster's group for every k tried, and the smoothing of k (a new best k is taken once it has
    been the best K_BUFFER times in a row). Plain ids and numbers, so that it keeps as JSON."""
    in_conversation: frozenset = frozenset()
    base_of: dict = field(default_factory=dict)  # participant -> base cluster id
    group_of: dict = field(default_factory=dict)  # k -> {base cluster id: group id}
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def next(self, base_of: dict, group_of: dict, best_k: int | None) -> "Clustering":
        """conversation.clj :group-k-smoother."""
        count = self.last_k_count + 1 if best_k is not None and best_k == self.last_k else 1
        smoothed = best_k if count >= K_BUFFER or self.smoothed_k is None else self.smoothed_k
        return Clustering(self.in_conversation, base_of, group_of, best_k, count, smoothed)

    def to_json(self) -> dict:
        return {"in_conversation": sorted(self.in_conversation), "base_of": self.base_of,
                "group_of": {str(k): {str(b): g for b, g in groups.items()}
                             for k, groups in self.group_of.items()},
                "k": [self.last_k, self.last_k_count, self.smoothed_k]}

    @classmethod
    def from_json(cls, data: dict | None) -> "Clustering":
        if not data:
            return cls()
        last_k, count, smoothed = data["k"]
        return cls(frozenset(data["in_conversation"]), {str(p): int(b) for p, b in data["base_of"].items()},
                   {int(k): {int(b): int(g) for b, g in groups.items()}
                    for k, groups in data["group_of"].items()}, last_k, count, smoothed)


# ----------------------------------------------------------------------------- repness, consensus

def prop_test(success, n):
    return 2 * np.sqrt(n + 1) * ((success + 1) / (n + 1) - 0.5)


def two_prop_test(success_in, success_out, n_in, n_out):
    s1, s2, n1, n2 = success_in + 1, success_out + 1, n_in + 1, n_out + 1
    pi1, pi2, pooled = s1 / n1, s2 / n2, (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return np.where(pooled == 1, 0.0, z)


def _counts(value: sparse.csr_matrix, cast: sparse.csr_matrix, group_of: np.ndarray,
            groups: np.ndarray) -> tuple[np.ndarray, ...]:
    """Agrees, disagrees and votes per group (rows, in the order of `groups`) and statement,
    counted from the matrices' stored cells with numpy alone (no sparse product to build)."""
    position = np.full(value.shape[0], -1, dtype=np.int64)
    wanted = np.isin(group_of, groups)
    position[wanted] = np.searchsorted(groups, group_of[wanted])
    width = value.shape[1]

    def tally(matrix: sparse.csr_matrix, *selections) -> list[np.ndarray]:
        where = position[np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))]
        cell = where * width + matrix.indices
        found = []
        for select in selections:
            keep = (where >= 0) & select
            flat = np.bincount(cell[keep], weights=matrix.data[keep], minlength=len(groups) * width)
            found.append(np.abs(flat).reshape(len(groups), width))
        return found

    agree, disagree = tally(value, value.data > 0, value.data < 0)
    [seen] = tally(cast, np.ones(len(cast.data), dtype=bool))
    return agree, disagree, seen


def _finalize(statement: str, stats: dict, i: int, best_agree: bool = False) -> StatementStats:
    agree = stats["rat"][i] > stats["rdt"][i]
    a, d = ("na", "pa", "pat", "ra", "rat"), ("nd", "pd", "pdt", "rd", "rdt")
    n, p, t, r, rt = a if agree else d
    return StatementStats(statement, "agree" if agree else "disagree", int(stats[n][i]),
                          int(stats["ns"][i]), float(stats[p][i]), float(stats[t][i]),
                          float(stats[r][i]), float(stats[rt][i]), best_agree)


def representative_statements(votes: Votes, counts: tuple[np.ndarray, ...], index: int,
                              excluded: set[str], pick: int = 5) -> tuple[StatementStats, ...]:
    """repness.clj select-rep-comments for the group at `index` of the per-group `counts`
    (agrees, disagrees, votes), the others being the rest of the clustered participants."""
    na, nd, ns = (c[index] for c in counts)
    oa, od, os_ = (c.sum(axis=0) - c[index] for c in counts)
    stats = {"na": na, "nd": nd, "ns": ns,
             "pa": (na + 1) / (ns + 2), "pd": (nd + 1) / (ns + 2),
             "pat": prop_test(na, ns), "pdt": prop_test(nd, ns)}
    stats["ra"] = stats["pa"] / ((oa + 1) / (os_ + 2))
    stats["rd"] = stats["pd"] / ((od + 1) / (os_ + 2))
    stats["rat"] = two_prop_test(na, oa, ns, os_)
    stats["rdt"] = two_prop_test(nd, od, ns, os_)
    # Plain floats: the choice below walks the statements one by one.
    stats = {key: np.asarray(values, dtype=np.float64).tolist() for key, values in stats.items()}
    sufficient, best, best_agree = [], None, None
    for i, statement in enumerate(votes.statements):
        if statement in excluded:
            continue
        if ((stats["rat"][i] > Z_90 and stats["pat"][i] > Z_90)
                or (stats["rdt"][i] > Z_90 and stats["pdt"][i] > Z_90)):
            sufficient.append(_finalize(statement, stats, i))
        if not sufficient and (best is None or max(stats["rat"][i], stats["rdt"][i]) > best[1]):
            best = (i, max(stats["rat"][i], stats["rdt"][i]))
        if _beats_best_agree(stats, i, best_agree):
            best_agree = i
    head = []
    if best_agree is not None:
        head = [_finalize(votes.statements[best_agree], stats, best_agree, best_agree=True)]
        # repness.clj finalizes the best agree as it finalizes any statement: by rat > rdt.
    elif best is not None:
        head = [_finalize(votes.statements[best[0]], stats, best[0])]
    if not sufficient:
        return tuple(head)
    rest = [s for s in sufficient if not head or s.statement != head[0].statement or best_agree is None]
    rest.sort(key=lambda s: -(s.repness * s.repness_test * s.p_success * s.p_test))
    chosen = ([head[0]] if best_agree is not None else []) + rest
    chosen = chosen[:pick]
    # Agrees before disagrees (repness.clj agrees-before-disagrees).
    return tuple(sorted(chosen, key=lambda s: s.direction != "agree"))


def _beats_best_agree(stats: dict, i: int, best: int | None) -> bool:
    na, nd, ra, rat, pa, pat = (stats[k][i] for k in ("na", "nd", "ra", "rat", "pa", "pat"))
    if na == 0 and nd == 0:
        return False
    if best is not None:
        b_ra, b_rat, b_pa, b_pat = (stats[k][best] for k in ("ra", "rat", "pa", "pat"))
        if b_ra > 1.0:
            return ra * rat * pa * pat > b_ra * b_rat * b_pa * b_pat
        return pa * pat > b_pa * b_pat
    return pat > Z_90 or (ra > 1.0 and pa > 0.5)


def consensus_statements(votes: Votes, value, cast, excluded: set[str], pick: int = 5
                         ) -> dict[str, tuple[StatementStats, ...]]:
    """repness.clj select-consensus-comments: over all participants."""
    na, nd, ns = (c[0] for c in _counts(value, cast, np.zeros(value.shape[0], dtype=np.int64),
                                        np.zeros(1, dtype=np.int64)))
    found = {}
    for direction, n in (("agree", na), ("disagree", nd)):
        p, z = (n + 1) / (ns + 2), prop_test(n, ns)
        candidates = [i for i, s in enumerate(votes.statements)
                      if s not in excluded and p[i] > 0.5 and z[i] > Z_90]
        candidates.sort(key=lambda i: -(p[i] * z[i]))
        found[direction] = tuple(StatementStats(votes.statements[i], direction, int(n[i]), int(ns[i]),
                                                float(p[i]), float(z[i])) for i in candidates[:pick])
    return found


def group_informed_consensus(votes: Votes, group_of: np.ndarray) -> np.ndarray:
    """Per statement: the product over groups of (agrees + 1) / (votes + 2), from the latest votes
    of the clustered participants (conversation.clj :group-aware-consensus)."""
    groups = np.unique(group_of[group_of >= 0])
    if not len(groups):
        return np.ones(votes.shape[1])
    agree, _, seen = _counts(votes.value, votes.cast, group_of, groups)
    return ((agree + 1.0) / (seen + 2.0)).prod(axis=0)


# ---------------------------------------------------------------------------------------- analysis

def analyze(votes: Votes, moderated_out: Iterable[str] = (), seed: int = 0,
            groups_of: np.ndarray | None = None, carried: Clustering | None = None) -> Analysis:
    """The opinion map, the groups with their representative statements, the consensus statements
    and the group-informed consensus. `carried` is the `clustering` of the previous analysis of the
    same conversation: its clusters are where this one's start, as in Pol.is (without it, they start
    afresh). `groups_of` (per participant, -1 for none) takes groups found elsewhere (Pol.is's own,
    to check the statistics against its exports) instead of clustering."""
    excluded = set(moderated_out)
    carried = carried or Clustering()
    centred, counted = _zeroed(votes, excluded)
    components = principal_components(centred, seed)
    projection = project(centred, components, counted)
    clustered = in_conversation(votes, carried.in_conversation)
    silhouettes: dict[int, float] = {}
    following = None
    if groups_of is not None:
        group_of = np.asarray(groups_of, dtype=np.int64)
        clustered = group_of >= 0
    else:
        group_of = np.full(votes.shape[0], -1, dtype=np.int64)
        rows = np.flatnonzero(clustered)
        following = replace(carried, in_conversation=frozenset(
            carried.in_conversation | {votes.participants[i] for i in rows}))
        if len(rows):
            group_of[rows], silhouettes, following = _group(
                [votes.participants[i] for i in rows], projection[rows], following)
    # Repness reads the rating matrix (moderated-out columns zeroed, then left out of the choice).
    kept = np.array([s not in excluded for s in votes.statements], dtype=bool)
    value, cast = (_columns_kept(m, kept) for m in (votes.value, votes.cast))
    groups = []
    ids = np.unique(group_of[group_of >= 0])
    counts = _counts(value, cast, group_of, ids) if len(ids) else ()
    for index, group in enumerate(ids):
        members = np.flatnonzero(group_of == group)
        centre = projection[members].mean(axis=0)
        groups.append(Group(int(group), tuple(votes.participants[i] for i in members),
                            (float(centre[0]), float(centre[1])),
                            representative_statements(votes, counts, index, excluded)))
    return Analysis(votes.participants, votes.statements, projection, components, clustered, group_of,
                    tuple(groups), consensus_statements(votes, value, cast, excluded),
                    group_informed_consensus(votes, group_of), silhouettes, following)


def replay(rows: Iterable[tuple], moderated_out: Iterable[str] = (), every: float = 120_000
           ) -> Analysis:
    """The analysis at the end of a conversation followed as it happened: (participant, statement,
    vote, time) rows in order of time, one analysis per `every` (in the rows' unit of time; Pol.is's
    exports count milliseconds) in which votes were cast, each starting from the last one's clusters.
    Pol.is's live groups come out of such a sequence of updates, not of one analysis of the final
    votes."""
    rows = sorted(rows, key=lambda row: row[3])
    excluded = set(moderated_out)
    participants: dict = {}
    statements: dict = {}
    latest: dict[tuple[int, int], int] = {}
    carried, result = Clustering(), None
    for number, row in enumerate(rows):
        p = participants.setdefault(row[0], len(participants))
        s = statements.setdefault(row[1], len(statements))
        latest[p, s] = _vote(number + 1, row[2])
        if number + 1 < len(rows) and rows[number + 1][3] // every == row[3] // every:
            continue
        votes = from_cells(list(participants), list(statements), latest)
        result = analyze(votes, excluded, carried=carried)
        carried = result.clustering
    if result is None:
        return analyze(from_cells([], [], {}), excluded)
    return result


def adjusted_rand_index(a: Sequence, b: Sequence) -> float:
    """Agreement of two labellings of the same items (1 the same partition, about 0 chance)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(list(a), list(b)))


