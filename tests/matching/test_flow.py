"""The large-cohort flow solver: exact with band 0, within its certificate with cost scaling."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock.matching import CandidateSet, solve
from mentoring_xblock.matching.flow import solve_transport


@st.composite
def networks(draw):
    """Small b-matching: sorted unique pairs, integer benefits, capacities, "alone" benefits."""
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    pairs = sorted(draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), unique=True,
                                 max_size=n * m)))
    benefit = draw(st.lists(st.integers(0, 1000), min_size=len(pairs), max_size=len(pairs)))
    capacity = draw(st.lists(st.integers(1, 3), min_size=m, max_size=m))
    participation = draw(st.booleans())
    return n, m, pairs, benefit, capacity, participation


def best_total(n, pairs, benefit, capacity, unmatched):
    """Largest total benefit over every assignment, and its matched count (brute force)."""
    options = [[None] + [k for (i, k), _ in zip(pairs, benefit, strict=True) if i == row] for row in range(n)]
    value = dict(zip(pairs, benefit, strict=True))
    best = None
    for choice in itertools.product(*options):
        loads = np.bincount([k for k in choice if k is not None], minlength=len(capacity))
        if (loads > np.asarray(capacity)).any():
            continue
        total = sum(value[(i, k)] if k is not None else unmatched for i, k in enumerate(choice))
        if best is None or total > best[0]:
            best = (total, sum(k is not None for k in choice))
    return best


def _solve(n, pairs, benefit, capacity, unmatched, bands):
    rows = np.array([i for i, _ in pairs], dtype=np.int64)
    cols = np.array([k for _, k in pairs], dtype=np.int64)
    result = solve_transport(rows, cols, np.array(benefit, dtype=np.int64), np.array(capacity, dtype=np.int64),
                             np.full(n, unmatched, dtype=np.int64), bands=bands)
    value = dict(zip(pairs, benefit, strict=True))
    loads = np.bincount(result.mentor_of[result.mentor_of >= 0], minlength=len(capacity))
    assert (loads <= np.array(capacity)).all()
    total = 0
    for i, k in enumerate(result.mentor_of):
        if k >= 0:
            assert (i, k) in value, "assigned pair must be an allowed pair"
            total += value[(i, k)]
        else:
            total += unmatched
    return result, total


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(networks())
def test_band_zero_is_exact_and_certified(network):
    n, _, pairs, benefit, capacity, participation = network
    unmatched = -(n + 1) * 1001 if participation else 0
    result, total = _solve(n, pairs, benefit, capacity, unmatched, bands=(0,))
    assert result.gap == 0
    assert total == best_total(n, pairs, benefit, capacity, unmatched)[0]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(networks(), st.sampled_from([(512, 64, 8), (300, 0), (2000, 100)]))
def test_cost_scaling_stays_within_its_certificate(network, bands):
    n, _, pairs, benefit, capacity, participation = network
    unmatched = -(n + 1) * 1001 if participation else 0
    result, total = _solve(n, pairs, benefit, capacity, unmatched, bands=bands)
    best, best_matched = best_total(n, pairs, benefit, capacity, unmatched)
    assert best - result.gap <= total <= best
    if participation and result.gap <= 1000:  # a gap below one unmatched penalty proves the count maximal
        assert (result.mentor_of >= 0).sum() == best_matched


def _random_cohort(seed, n, m, degree, balanced):
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), degree)
    cols = rng.integers(0, m, rows.size)
    keys = np.unique(rows * m + cols)
    rows, cols = keys // m, keys % m
    scores = np.round(rng.random(rows.size), 2) * 0.9 + 0.05  # ties, like real weighted criteria
    capacity = rng.integers(1, 6, m)
    if balanced:
        capacity = np.maximum(1, np.round(capacity * n / capacity.sum())).astype(int)
    ids = tuple(f"e{i}" for i in range(n)), tuple(f"m{j}" for j in range(m))
    return CandidateSet(rows, cols, scores, *ids), capacity


@pytest.mark.parametrize("objective", ["participation", "score"])
@pytest.mark.parametrize("balanced", [True, False])
def test_medium_cohort_matches_the_exact_solver(objective, balanced, monkeypatch):
    from mentoring_xblock.matching import solver  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(solver, "SATURATING_SIDE_SHARE", 0)  # the flow solver even where LAPJVsp is quick
    candidates, capacity = _random_cohort(7, 1500, 150, 6, balanced)
    exact = solve(candidates, capacity, objective=objective, flow_min_mentees=10**9)
    flow = solve(candidates, capacity, objective=objective, flow_min_mentees=0)
    assert exact.method == "lapjvsp" and exact.optimal
    assert flow.method == "flow"
    if objective == "participation":
        assert flow.matched == exact.matched
    gap = flow.stats["certified_gap"]
    assert exact.total_score - gap - 1e-6 <= flow.total_score <= exact.total_score + 1e-6
    assert flow.total_score >= 0.999 * exact.total_score
    loads = np.bincount(flow.mentor_of[flow.mentor_of >= 0], minlength=capacity.size)
    assert (loads <= capacity).all()


def test_flow_path_honours_fixed_forbidden_and_min_score():
    candidates, capacity = _random_cohort(3, 300, 40, 5, True)
    fixed = [("e0", candidates.mentor_ids[candidates.mentor[0]]), ("e5", "m1")]
    forbidden = [(candidates.mentee_ids[candidates.mentee[k]], candidates.mentor_ids[candidates.mentor[k]])
                 for k in range(0, len(candidates), 7)]
    kwargs = {"fixed_pairs": fixed, "forbidden_pairs": forbidden, "min_score": 0.3}
    exact = solve(candidates, capacity, flow_min_mentees=10**9, **kwargs)
    flow = solve(candidates, capacity, flow_min_mentees=0, **kwargs)
    assert flow.method == "flow" and flow.matched == exact.matched
    assert flow.mentor_of[0] == exact.mentor_of[0] and flow.fixed[0] and flow.fixed[5]
    forbidden_keys = {(candidates.mentee_ids.index(a), candidates.mentor_ids.index(b)) for a, b in forbidden}
    for i in np.flatnonzero((flow.mentor_of >= 0) & ~flow.fixed):
        assert (i, flow.mentor_of[i]) not in forbidden_keys
        assert flow.score_of[i] >= 0.3
    # Who has no (good enough) candidate does not depend on the solver; who loses out on capacity may.
    for reason in ("no_candidate", "below_min_score"):
        assert ({i for i, r in flow.unmatched_reason.items() if r == reason}
                == {i for i, r in exact.unmatched_reason.items() if r == reason})
    assert len(flow.unmatched_reason) == len(exact.unmatched_reason)
    assert exact.total_score - flow.stats["certified_gap"] - 1e-6 <= flow.total_score


def test_mentees_without_candidates_and_empty_input():
    result = solve_transport(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                             np.array([2]), np.array([-10, -10]))
    assert result.mentor_of.tolist() == [-1, -1] and result.gap == 0
    result = solve_transport(np.array([1]), np.array([0]), np.array([5]), np.array([1]), np.array([-10, -10, -10]))
    assert result.mentor_of.tolist() == [-1, 0, -1] and result.gap == 0


def test_a_loose_certificate_falls_back_to_the_exact_flow(monkeypatch):
    from mentoring_xblock.matching import solver  # pylint: disable=import-outside-toplevel
    candidates, capacity = _random_cohort(9, 400, 40, 6, True)
    exact = solve(candidates, capacity, flow_min_mentees=10**9)
    monkeypatch.setattr(solver, "FLOW_BANDS", (solver.SCORE_LEVELS * 64,))  # far too coarse to prove anything
    flow = solve(candidates, capacity, flow_min_mentees=0)
    assert flow.method == "flow" and flow.optimal and flow.stats["certified_gap"] == 0
    assert flow.matched == exact.matched
    assert flow.total_score == pytest.approx(exact.total_score)
