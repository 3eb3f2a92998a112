"""Cohort assignment: each mentee gets at most one mentor, mentor capacities respected.

Model: a bipartite b-matching. Every mentor with capacity c is expanded into c identical
"slots"; every mentee gets a private "unmatched" column. A full minimum-cost assignment of
mentees to columns (scipy's LAPJVsp, ``min_weight_full_bipartite_matching``) then solves:

* ``participation``: matching a mentee costs ``R + 1 - q`` (q = score scaled to 0..R),
  staying unmatched costs ``BIG = n_max * R + 2`` (n_max = mentees of the largest connected
  component). One more match always saves more than any score difference, so the optimum has
  the maximum matched count and, among those, the best total score (lexicographic).
* ``score``: staying unmatched costs ``R + 1`` (a zero-score match), so the optimum is the
  maximum total score. Pairs below ``min_score`` are removed first.

Faster exact paths (same optimum): for ``participation`` the maximum matched count ``nu`` is
computed first (Hopcroft-Karp, ``maximum_bipartite_matching`` on the slot graph). When ``nu``
saturates the smaller side (every slot filled, or every mentee matched), the lexicographic
optimum is simply the min-cost full matching of that side, solved without any "unmatched"
columns (LAPJVsp then runs shortest paths only from the small side: 4x faster on
oversubscribed cohorts). Otherwise the unmatched cost starts small (4 R + 2, then 64 R + 2),
which keeps LAPJVsp's searches short; a solution that matches ``nu`` mentees is optimal among
all maximum matchings, hence the lexicographic optimum; failing that, the always-sufficient
``n_max * R + 2`` is used.

With integer costs (scores quantised to ``R = 2**20`` levels of the largest score) and all
sums below 2**52, the float64 arithmetic of LAPJVsp is exact, so the result is provably
optimal for the quantised scores (``SolveResult.optimal``). Cohorts too large for that fall
back to float costs (optimal up to rounding).

Large cohorts: LAPJVsp resets O(columns) arrays for every augmenting row, so its cost grows with
rows x slots. From ``flow_min_mentees`` mentees (or above ``exact_edge_limit`` expanded edges)
the cohort goes to :mod:`.flow` (a phased min-cost flow on scipy's Dijkstra and max-flow
kernels, cost scaling down to a band of ``FLOW_BANDS[-1]`` score levels per arc), which returns
a certified bound on its distance to the optimum (``stats["certified_gap"]``, in score units;
``optimal`` when it is 0). One exception stays on LAPJVsp: when one side is much smaller and can
be saturated (see ``SATURATING_SIDE_SHARE``), LAPJVsp only searches from that side and is exact
and fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, maximum_bipartite_matching, min_weight_full_bipartite_matching

from .flow import solve_transport
from .model import OBJECTIVES
from .scoring import CandidateSet

NO_CANDIDATE = "no_candidate"
CAPACITY = "capacity"
BELOW_MIN_SCORE = "below_min_score"
SCORE_LEVELS = 1 << 20
EXACT_SUM_LIMIT = float(1 << 52)
# Graphs above ``exact_edge_limit`` expanded edges (but at most SATURATING_EDGE_FACTOR times it)
# are still solved exactly when one side has at most SATURATING_SIDE_SHARE of the other's size
# and can be saturated (LAPJVsp then only runs shortest paths from the small side).
SATURATING_SIDE_SHARE = 0.6
SATURATING_EDGE_FACTOR = 4
# From this many mentees with candidates, LAPJVsp's per-row O(columns) work loses to the flow solver.
FLOW_MIN_MENTEES = 4000
# Cost-scaling bands of the flow solver (score levels per arc; SCORE_LEVELS = one whole score).
FLOW_BANDS = (SCORE_LEVELS >> 4, SCORE_LEVELS >> 7, SCORE_LEVELS >> 9)


@dataclass
class SolveResult:
    """Outcome of :func:`solve`.

    ``mentor_of[i]`` is the mentor index of mentee ``i`` (-1: unmatched) and ``score_of[i]``
    its pair score (NaN when unmatched). ``unmatched_reason`` maps an unmatched mentee index to
    ``no_candidate``, ``capacity`` or ``below_min_score``. ``fixed`` marks coordinator-fixed
    pairs. ``optimal`` is True when the solve is provably optimal.
    """

    mentor_of: np.ndarray
    score_of: np.ndarray
    fixed: np.ndarray
    unmatched_reason: dict[int, str]
    mentee_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]
    optimal: bool = True
    method: str = "lapjvsp"
    stats: dict = field(default_factory=dict)

    @property
    def matched(self) -> int:
        """Number of matched mentees."""
        return int((self.mentor_of >= 0).sum())

    @property
    def total_score(self) -> float:
        """Sum of the scores of all assigned pairs (fixed pairs included)."""
        return float(np.nansum(self.score_of[self.mentor_of >= 0]))

    def assignments(self) -> list[tuple[str, str, float]]:
        """``(mentee_id, mentor_id, score)`` in mentee input order."""
        rows = np.flatnonzero(self.mentor_of >= 0)
        return [(self.mentee_ids[i], self.mentor_ids[self.mentor_of[i]], float(self.score_of[i])) for i in rows]


def _edge_keys(rows: np.ndarray, cols: np.ndarray, n_mentors: int) -> np.ndarray:
    return rows.astype(np.int64) * max(n_mentors, 1) + cols.astype(np.int64)


def _resolve_pairs(pairs: Iterable[tuple[str, str]], candidates: CandidateSet, what: str):
    mentee_index = {m: i for i, m in enumerate(candidates.mentee_ids)}
    mentor_index = {m: j for j, m in enumerate(candidates.mentor_ids)}
    rows, cols = [], []
    for mentee_id, mentor_id in pairs:
        if mentee_id not in mentee_index or mentor_id not in mentor_index:
            raise ValueError(f"{what} pair ({mentee_id!r}, {mentor_id!r}) names an unknown id")
        rows.append(mentee_index[mentee_id])
        cols.append(mentor_index[mentor_id])
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def _with_private_columns(slots: sp.csr_matrix, unmatched_cost: float) -> sp.csr_matrix:
    """``slots`` with one extra column per row (its private "unmatched" column)."""
    n, n_slots = slots.shape
    ends = slots.indptr[1:]
    data = np.insert(slots.data, ends, unmatched_cost)
    indices = np.insert(slots.indices, ends, n_slots + np.arange(n, dtype=slots.indices.dtype))
    indptr = slots.indptr + np.arange(n + 1, dtype=slots.indptr.dtype)
    return sp.csr_matrix((data, indices, indptr), shape=(n, n_slots + n))


def _top_score(scores) -> float:
    """The largest score (scores are quantised relative to it), 1 when there is none above 0."""
    top = float(scores.max()) if scores.size else 1.0
    return top if top > 0 else 1.0


def _mentee_slot_graph(row_c, col_c, cost, cap, n) -> sp.csr_matrix:
    """Mentee x slot CSR: mentor ``k`` expanded into ``cap[k]`` slots, each edge repeated per slot."""
    n_slots = int(cap.sum())
    slot_first = np.concatenate(([0], np.cumsum(cap)[:-1]))
    reps = cap[col_c]
    index = np.int32 if n_slots + n < 2**31 - 1 and int(reps.sum()) < 2**31 - 1 else np.int64
    edge_rows = np.repeat(row_c.astype(index), reps)
    # Slot columns: slot_first[mentor] + 0..cap-1 for each edge (a running count per edge).
    first = np.cumsum(reps) - reps
    edge_cols = np.repeat((slot_first[col_c] - first).astype(index), reps)
    edge_cols += np.arange(edge_cols.size, dtype=index)
    edge_cost = np.repeat(cost, reps)
    if row_c.size < 2 or bool((np.diff(row_c * cap.size + col_c) > 0).all()):
        # Edges sorted by (mentee, mentor) (as solve passes them): the expansion is already in
        # CSR order with increasing slot columns per row.
        indptr = np.concatenate(([0], np.cumsum(np.bincount(edge_rows, minlength=n)))).astype(index)
        slots = sp.csr_matrix((edge_cost, edge_cols, indptr), shape=(n, n_slots))
        slots.has_sorted_indices = True
    else:
        slots = sp.csr_matrix((edge_cost, (edge_rows, edge_cols)), shape=(n, n_slots))
        slots.sort_indices()
    return slots


def assign_by_lap(rows, cols, scores, capacity, n_mentees, objective):
    """Exact b-matching of the given edges; returns (mentor per mentee or -1, provably exact).

    ``participation``: the maximum matched count ``nu`` is computed first (Hopcroft-Karp on
    the slot graph); the assignment is then solved with a small unmatched cost ``U`` (a few
    score ranges), which keeps LAPJVsp's shortest-path searches short. If that optimum matches
    ``nu`` mentees it maximises the score among all maximum matchings (any other one has the
    same unmatched penalty), i.e. it is the lexicographic optimum; otherwise ``U`` grows, up
    to the always-sufficient ``n_max * R + 2`` (n_max: mentees of the largest component).
    """
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    if rows.size == 0:
        return mentor_of, True
    # Compact to the mentees/mentors that have edges.
    mentees, row_c = _compact(rows)
    mentors, col_c = _compact(cols)
    n, m = mentees.size, mentors.size
    indegree = np.bincount(col_c, minlength=m)
    cap = np.minimum(capacity[mentors], indegree).astype(np.int64)
    top = _top_score(scores)
    # Integer costs stay exact in float64 while every assignment sum is below 2**52; the
    # small-penalty solves below never use a cost above 64 R + 2.
    quantised = float(n) * (64 + 2) * SCORE_LEVELS < EXACT_SUM_LIMIT
    levels = float(SCORE_LEVELS) if quantised else 1.0
    value = np.clip(scores, 0, None) / top * levels
    if quantised:
        value = np.rint(value)
    slots = _mentee_slot_graph(row_c, col_c, levels + 1 - value, cap, n)
    n_slots = slots.shape[1]
    if objective == "participation":
        most = int((maximum_bipartite_matching(slots, perm_type="column") >= 0).sum())
        costs = [4 * levels + 2, 64 * levels + 2]
    else:
        most, costs = None, [levels + 1]
    if most is not None and most == min(n, n_slots):
        # Every maximum matching saturates the smaller side: a full matching of that side with
        # no "unmatched" columns at all is exactly the lexicographic optimum.
        row, column = min_weight_full_bipartite_matching(slots)
        mentor_of[mentees[row]] = mentors[np.repeat(np.arange(m), cap)[column]]
        return mentor_of, quantised
    exact = quantised
    for unmatched_cost in costs + [None]:
        if unmatched_cost is None:  # always sufficient (lexicographic) penalty
            n_max = _largest_component(row_c, col_c, n, m)
            exact = quantised and float(n) * (n_max + 2) * SCORE_LEVELS < EXACT_SUM_LIMIT
            unmatched_cost = n_max * levels + 2
        _, column = min_weight_full_bipartite_matching(_with_private_columns(slots, unmatched_cost))
        matched = column < n_slots
        if most is None or int(matched.sum()) == most:
            break
    slot_owner = np.repeat(np.arange(m), cap)
    mentor_of[mentees[matched]] = mentors[slot_owner[column[matched]]]
    return mentor_of, exact


def _assign_saturating(rows, cols, scores, capacity, n_mentees):
    """Participation when the smaller side can be saturated; ``(None, False)`` when it cannot.

    Every maximum matching then fills the smaller side, so the lexicographic optimum is the
    min-cost full matching of that side, which LAPJVsp finds searching from that side only. The
    graph is built with the smaller side as rows (LAPJVsp would otherwise transpose it) and
    scipy's own full-matching check replaces a separate Hopcroft-Karp pass.
    """
    mentees, row_c = _compact(rows)
    mentors, col_c = _compact(cols)
    n, m = mentees.size, mentors.size
    cap = np.minimum(capacity[mentors], np.bincount(col_c, minlength=m)).astype(np.int64)
    n_slots = int(cap.sum())
    top = _top_score(scores)
    exact = float(min(n, n_slots)) * (SCORE_LEVELS + 1) < EXACT_SUM_LIMIT
    cost = np.float64(SCORE_LEVELS) + 1 - np.rint(np.clip(scores, 0, None) / top * SCORE_LEVELS)
    slot_owner = np.repeat(np.arange(m), cap)
    if n_slots < n:
        # Rows are slots: every slot of a mentor lists that mentor's mentees.
        order = np.argsort(col_c.astype(np.uint16) if m <= 1 << 16 else col_c, kind="stable")
        ptr = np.concatenate(([0], np.cumsum(np.bincount(col_c, minlength=m))))
        lens = np.repeat(ptr[1:] - ptr[:-1], cap)
        starts = np.repeat(ptr[:-1], cap)
        positions = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
        positions = order[positions]
        index = np.int32 if positions.size < 2**31 - 1 else np.int64
        graph = sp.csr_matrix((cost[positions], row_c[positions].astype(index),
                               np.concatenate(([0], np.cumsum(lens))).astype(index)), shape=(n_slots, n))
        graph.has_sorted_indices = True
        try:
            slot, mentee = min_weight_full_bipartite_matching(graph)
        except ValueError:
            return None, False
    else:
        # Rows are mentees: each edge becomes one edge per slot of its mentor.
        try:
            mentee, slot = min_weight_full_bipartite_matching(_mentee_slot_graph(row_c, col_c, cost, cap, n))
        except ValueError:
            return None, False
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    mentor_of[mentees[mentee]] = mentors[slot_owner[slot]]
    return mentor_of, exact


def _compact(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for non-negative ints, in O(n + max)."""
    present = np.bincount(values) > 0
    code = np.cumsum(present) - 1
    return np.flatnonzero(present), code[values]


def _largest_component(row_c, col_c, n, m) -> int:
    """Mentees in the largest connected component of the bipartite graph."""
    graph = sp.coo_matrix((np.ones(row_c.size), (row_c, col_c + n)), shape=(n + m, n + m))
    _, labels = connected_components(graph, directed=False)
    return int(np.bincount(labels[:n]).max())


def _flow_assign(rows, cols, scores, capacity, n_mentees, objective):
    """The flow solver on integer benefits; returns (mentor per mentee or -1, certified gap in score units, stats)."""
    top = _top_score(scores)
    benefit = np.rint(np.clip(scores, 0, None) / top * SCORE_LEVELS).astype(np.int64)
    # participation: leaving a mentee alone costs more than any total score difference.
    alone = -(n_mentees + 1) * SCORE_LEVELS if objective == "participation" else 0
    unmatched = np.full(n_mentees, alone, dtype=np.int64)
    result = solve_transport(rows, cols, benefit, capacity, unmatched, bands=FLOW_BANDS)
    if objective == "participation" and result.gap >= SCORE_LEVELS:
        # A bound below one whole score proves the matched count maximal (one match more is
        # worth more than any score total); without that proof, solve exactly (band 0, gap 0).
        result = solve_transport(rows, cols, benefit, capacity, unmatched, bands=(0,))
    stats = dict(result.stats)
    stats["certified_gap"] = result.gap * top / SCORE_LEVELS
    return result.mentor_of, result.gap, stats


def solve(candidates: CandidateSet, capacities, *, objective: str = "participation",
          min_score: float | None = None, fixed_pairs: Iterable[tuple[str, str]] = (),
          forbidden_pairs: Iterable[tuple[str, str]] = (), exact_edge_limit: int = 4_000_000,
          flow_min_mentees: int = FLOW_MIN_MENTEES) -> SolveResult:
    """Assign each mentee at most one mentor.

    ``capacities``: remaining capacity per mentor (aligned with ``candidates.mentor_ids``).
    ``fixed_pairs`` / ``forbidden_pairs``: ``(mentee_id, mentor_id)``; fixed pairs are kept as
    is (and use up capacity), forbidden pairs are never assigned. See the module docstring for
    the objectives and the algorithm.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    n_mentees, n_mentors = candidates.n_mentees, candidates.n_mentors
    capacity = np.asarray(capacities, dtype=np.int64).copy()
    if capacity.shape != (n_mentors,) or (capacity < 0).any():
        raise ValueError("capacities must be one integer >= 0 per mentor")
    rows, cols, scores = candidates.mentee, candidates.mentor, candidates.score
    keys = _edge_keys(rows, cols, n_mentors)
    order = np.argsort(keys, kind="stable")
    keys, rows, cols, scores = keys[order], rows[order], cols[order], scores[order]

    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    score_of = np.full(n_mentees, np.nan)
    fixed = np.zeros(n_mentees, dtype=bool)
    fixed_rows, fixed_cols = _resolve_pairs(fixed_pairs, candidates, "fixed")
    if np.unique(fixed_rows).size != fixed_rows.size:
        raise ValueError("a mentee has more than one fixed pair")
    if fixed_rows.size:
        mentor_of[fixed_rows] = fixed_cols
        fixed[fixed_rows] = True
        fixed_keys = _edge_keys(fixed_rows, fixed_cols, n_mentors)
        pos = np.minimum(np.searchsorted(keys, fixed_keys), max(keys.size - 1, 0))
        found = keys.size > 0 and keys[pos] == fixed_keys
        score_of[fixed_rows] = np.where(found, scores[pos] if keys.size else 0.0, 0.0)
        capacity = np.maximum(capacity - np.bincount(fixed_cols, minlength=n_mentors), 0)

    forbid_rows, forbid_cols = _resolve_pairs(forbidden_pairs, candidates, "forbidden")
    allowed = np.ones(keys.size, dtype=bool)
    if forbid_rows.size:
        allowed &= ~np.isin(keys, _edge_keys(forbid_rows, forbid_cols, n_mentors))
    allowed &= ~fixed[rows] & (capacity[cols] > 0)
    if keys.size:
        allowed &= np.concatenate(([True], keys[1:] != keys[:-1]))  # duplicate edges: keep first
    has_candidate = np.bincount(rows[allowed], minlength=n_mentees) > 0
    good = allowed.copy()
    if min_score is not None:
        good &= scores >= min_score
    if objective == "score":
        good &= scores > 0
    rows, cols, scores = rows[good], cols[good], scores[good]
    has_good = np.bincount(rows, minlength=n_mentees) > 0

    stats = {"edges": int(rows.size)}
    optimal = True
    method = "lapjvsp"
    assigned, exact = None, False
    expanded = int(capacity[cols].clip(0).sum())
    with_edges = int(has_good.sum())
    if expanded > exact_edge_limit or with_edges >= flow_min_mentees:
        slots = int(np.minimum(capacity, np.bincount(cols, minlength=n_mentors)).sum())
        if objective == "participation" and expanded <= SATURATING_EDGE_FACTOR * exact_edge_limit \
                and min(slots, with_edges) <= SATURATING_SIDE_SHARE * max(slots, with_edges):
            # One side is much smaller: when it can be saturated, the exact solve only runs
            # shortest paths from that side and stays fast even on a large graph.
            assigned, exact = _assign_saturating(rows, cols, scores, capacity, n_mentees)
        if assigned is None:
            assigned, gap, flow_stats = _flow_assign(rows, cols, scores, capacity, n_mentees, objective)
            exact = gap == 0
            method = "flow"
            stats.update(flow_stats)
    if assigned is None:
        assigned, exact = assign_by_lap(rows, cols, scores, capacity, n_mentees, objective)
    optimal = optimal and exact
    newly = assigned >= 0
    mentor_of[newly] = assigned[newly]
    if newly.any():
        pair_keys = _edge_keys(np.flatnonzero(newly), assigned[newly], n_mentors)
        edge_keys = _edge_keys(rows, cols, n_mentors)
        score_of[newly] = scores[np.searchsorted(edge_keys, pair_keys)]

    unmatched_reason = {}
    for i in np.flatnonzero(mentor_of < 0):
        if not has_candidate[i]:
            unmatched_reason[int(i)] = NO_CANDIDATE
        elif not has_good[i]:
            unmatched_reason[int(i)] = BELOW_MIN_SCORE
        else:
            unmatched_reason[int(i)] = CAPACITY
    return SolveResult(mentor_of, score_of, fixed, unmatched_reason, candidates.mentee_ids,
                       candidates.mentor_ids, optimal=optimal, method=method, stats=stats)
