"""Cohort solver: hard constraints and exact optimality against brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock.matching import CandidateSet, solve


@st.composite
def instances(draw):
    """Small random cohort: edges (with scores), capacities, fixed and forbidden pairs."""
    n_mentees = draw(st.integers(1, 6))
    n_mentors = draw(st.integers(1, 4))
    capacities = draw(st.lists(st.integers(0, 3), min_size=n_mentors, max_size=n_mentors))
    pairs = draw(st.lists(st.tuples(st.integers(0, n_mentees - 1), st.integers(0, n_mentors - 1)),
                          unique=True, max_size=n_mentees * n_mentors))
    scores = draw(st.lists(st.sampled_from([0.0, 0.05, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 1.0]),
                           min_size=len(pairs), max_size=len(pairs)))
    forbidden = [p for p in pairs if draw(st.integers(0, 9)) == 0]
    fixed = {}
    for mentee in range(n_mentees):
        if draw(st.integers(0, 7)) == 0:
            fixed[mentee] = draw(st.integers(0, n_mentors - 1))
    return n_mentees, n_mentors, capacities, pairs, scores, forbidden, sorted(fixed.items())


def _candidates(n_mentees, n_mentors, pairs, scores):
    edges = [(f"e{i}", f"m{j}", s) for (i, j), s in zip(pairs, scores, strict=True)]
    return CandidateSet.from_edges([f"e{i}" for i in range(n_mentees)], [f"m{j}" for j in range(n_mentors)], edges)


def brute_force(n_mentees, capacities, pairs, scores, forbidden, fixed, objective, min_score):
    """Best (matched, total) by enumerating every assignment of the free mentees."""
    capacities = list(capacities)
    fixed_map = dict(fixed)
    for _, j in fixed:
        capacities[j] = max(capacities[j] - 1, 0)
    score_of = {p: s for p, s in zip(pairs, scores, strict=True) if p not in set(forbidden)}
    if min_score is not None:
        score_of = {p: s for p, s in score_of.items() if s >= min_score}
    free = [i for i in range(n_mentees) if i not in fixed_map]
    options = [[None] + [j for (a, j) in score_of if a == i] for i in free]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        used = [0] * len(capacities)
        for j in choice:
            if j is not None:
                used[j] += 1
        if any(u > c for u, c in zip(used, capacities, strict=True)):
            continue
        matched = sum(j is not None for j in choice)
        total = sum(score_of[(i, j)] for i, j in zip(free, choice, strict=True) if j is not None)
        key = (matched, total) if objective == "participation" else (0, total)
        if key[0] > best[0] or (key[0] == best[0] and total > best[1] + 1e-12):
            best = key
    return best


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from(["participation", "score"]), st.sampled_from([None, 0.3]))
def test_solver_is_feasible_and_optimal(instance, objective, min_score):
    n_mentees, n_mentors, capacities, pairs, scores, forbidden, fixed = instance
    candidates = _candidates(n_mentees, n_mentors, pairs, scores)
    result = solve(candidates, capacities, objective=objective, min_score=min_score,
                   fixed_pairs=[(f"e{i}", f"m{j}") for i, j in fixed],
                   forbidden_pairs=[(f"e{i}", f"m{j}") for i, j in forbidden])
    fixed_map = dict(fixed)
    edge_score = dict(zip(pairs, scores, strict=True))
    used = np.zeros(n_mentors, dtype=int)
    for i in range(n_mentees):
        j = result.mentor_of[i]
        if i in fixed_map:
            assert j == fixed_map[i] and result.fixed[i]
            continue
        if j < 0:
            assert result.unmatched_reason[i] in {"no_candidate", "capacity", "below_min_score"}
            continue
        used[j] += 1
        assert (i, j) in edge_score, "assigned pair must be a candidate edge"
        assert (i, j) not in forbidden
        assert min_score is None or edge_score[(i, j)] >= min_score
        assert result.score_of[i] == pytest.approx(edge_score[(i, j)])
    remaining = np.maximum(np.array(capacities) - np.bincount([j for _, j in fixed], minlength=n_mentors), 0)
    assert (used <= remaining).all()
    free_score = sum(result.score_of[i] for i in range(n_mentees) if result.mentor_of[i] >= 0 and i not in fixed_map)
    free_matched = sum(1 for i in range(n_mentees) if result.mentor_of[i] >= 0 and i not in fixed_map)
    best_matched, best_total = brute_force(n_mentees, capacities, pairs, scores, forbidden, fixed, objective,
                                           min_score)
    if objective == "participation":
        assert free_matched == best_matched
    assert free_score == pytest.approx(best_total, abs=1e-6)
    assert result.optimal


def test_participation_prefers_more_matches_over_score():
    # a-m1 1.0 alone vs a-m2 0.1 + b-m1 0.05: participation matches both, score keeps the best pair.
    candidates = CandidateSet.from_edges(["a", "b"], ["m1", "m2"], [("a", "m1", 1.0), ("a", "m2", 0.1),
                                                                    ("b", "m1", 0.05)])
    both = solve(candidates, [1, 1], objective="participation")
    assert both.matched == 2 and both.assignments() == [("a", "m2", 0.1), ("b", "m1", 0.05)]
    best = solve(candidates, [1, 1], objective="score")
    assert best.assignments() == [("a", "m1", 1.0)] and best.unmatched_reason == {1: "capacity"}


def test_unmatched_reasons():
    candidates = CandidateSet.from_edges(["a", "b", "c", "d"], ["m1", "m2"],
                                         [("a", "m1", 0.9), ("b", "m1", 0.8), ("c", "m2", 0.1)])
    result = solve(candidates, [1, 1], min_score=0.2)
    assert result.assignments() == [("a", "m1", pytest.approx(0.9))]
    assert result.unmatched_reason == {1: "capacity", 2: "below_min_score", 3: "no_candidate"}


def test_forbidden_edges_and_zero_capacity_mean_no_candidate():
    candidates = CandidateSet.from_edges(["a", "b"], ["m1", "m2"], [("a", "m1", 0.9), ("b", "m2", 0.8)])
    result = solve(candidates, [1, 0], forbidden_pairs=[("a", "m1")])
    assert result.matched == 0
    assert result.unmatched_reason == {0: "no_candidate", 1: "no_candidate"}


def test_fixed_pair_uses_capacity_even_without_edge():
    candidates = CandidateSet.from_edges(["a", "b"], ["m1"], [("a", "m1", 0.9), ("b", "m1", 0.8)])
    result = solve(candidates, [1], fixed_pairs=[("b", "m1")])
    assert result.assignments() == [("b", "m1", pytest.approx(0.8))]
    assert result.unmatched_reason == {0: "no_candidate"}


def test_invalid_arguments():
    candidates = CandidateSet.from_edges(["a"], ["m1"], [("a", "m1", 0.9)])
    with pytest.raises(ValueError):
        solve(candidates, [1], objective="fast")
    with pytest.raises(ValueError):
        solve(candidates, [-1])
    with pytest.raises(ValueError):
        solve(candidates, [1], fixed_pairs=[("zz", "m1")])


def test_medium_random_instance_matches_linear_program():
    """Cross-check a 300 x 60 instance against the LP relaxation (totally unimodular => integral)."""
    from scipy.optimize import linprog  # pylint: disable=import-outside-toplevel
    rng = np.random.default_rng(5)
    n, m = 300, 60
    rows = np.repeat(np.arange(n), 8)
    cols = rng.integers(0, m, rows.size)
    keys = np.unique(rows * m + cols)
    rows, cols = keys // m, keys % m
    scores = np.round(rng.random(rows.size), 3) + 0.001
    capacities = rng.integers(1, 4, m)
    candidates = CandidateSet(rows, cols, scores, tuple(f"e{i}" for i in range(n)), tuple(f"m{j}" for j in range(m)))
    result = solve(candidates, capacities, objective="score")
    a_ub = np.zeros((n + m, rows.size))
    a_ub[rows, np.arange(rows.size)] = 1
    a_ub[n + cols, np.arange(rows.size)] = 1
    lp = linprog(-scores, A_ub=a_ub, b_ub=np.concatenate((np.ones(n), capacities)), bounds=(0, 1), method="highs")
    assert result.total_score == pytest.approx(-lp.fun, abs=1e-6)
    assert np.bincount(result.mentor_of[result.mentor_of >= 0], minlength=m).max() <= capacities.max()
    assert (np.bincount(result.mentor_of[result.mentor_of >= 0], minlength=m) <= capacities).all()


@pytest.mark.parametrize("length", [6, 70])
def test_participation_needs_a_long_augmenting_path(length):
    """The extra match costs ``length`` perfect pairs.

    The small unmatched penalties (4R, 64R) are not enough: the solver must escalate and still
    return the maximum matched count.
    """
    mentees = [f"e{i}" for i in range(length + 1)] + ["x1", "x2", "y"]
    mentors = [f"m{i}" for i in range(length)] + ["spare", "q", "r1", "r2"]
    edges = [(f"e{i}", f"m{i}", 1.0) for i in range(length)]
    edges += [(f"e{i + 1}", f"m{i}", 0.01) for i in range(length)] + [("e0", "spare", 0.01)]
    # Second component where neither side can be saturated (no full matching of either side).
    edges += [("x1", "q", 0.5), ("x2", "q", 0.5), ("y", "r1", 0.5), ("y", "r2", 0.5)]
    candidates = CandidateSet.from_edges(mentees, mentors, edges)
    capacities = [1] * len(mentors)
    result = solve(candidates, capacities)
    assert result.matched == length + 3
    assert result.optimal
    assert result.total_score == pytest.approx(0.01 * (length + 1) + 1.0)
    assert solve(candidates, capacities, objective="score").total_score == pytest.approx(length + 1.0)


def test_saturating_side_paths_match_brute_force():
    """Fewer slots than mentees (every slot filled) and the reverse (every mentee matched)."""
    rng = np.random.default_rng(3)
    for n_mentees, capacities in ((7, [1, 1, 2]), (4, [2, 2, 3])):
        pairs = [(i, j) for i in range(n_mentees) for j in range(len(capacities))]
        scores = list(np.round(rng.random(len(pairs)), 2))
        candidates = _candidates(n_mentees, len(capacities), pairs, scores)
        result = solve(candidates, capacities)
        best_matched, best_total = brute_force(n_mentees, capacities, pairs, scores, [], [], "participation", None)
        assert result.matched == best_matched and result.optimal
        assert result.total_score == pytest.approx(best_total)


def test_large_graph_path_stays_exact_when_one_side_is_small(monkeypatch):
    from mentoring_xblock.matching import solver  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(solver, "SATURATING_EDGE_FACTOR", 10**9)
    rng = np.random.default_rng(11)
    n, m = 120, 10
    pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.5]
    scores = list(np.round(rng.random(len(pairs)), 3))
    candidates = _candidates(n, m, pairs, scores)
    capacities = rng.integers(1, 4, m)
    reference = solve(candidates, capacities)
    large = solve(candidates, capacities, exact_edge_limit=1)  # forces the large-graph branch
    assert large.method == "lapjvsp" and large.optimal
    assert large.matched == reference.matched == capacities.sum()
    assert large.total_score == pytest.approx(reference.total_score)
    balanced = solve(candidates, np.full(m, n // m), exact_edge_limit=1)  # not one-sided: the flow solver
    assert balanced.method == "flow"
    exact = solve(candidates, np.full(m, n // m))
    assert balanced.matched == exact.matched
    lowest = exact.total_score - balanced.stats["certified_gap"] - 1e-9
    assert lowest <= balanced.total_score <= exact.total_score + 1e-9


def test_saturating_side_both_orientations_and_fallback():
    """Large-cohort branch: LAPJVsp from the smaller side when it can be filled, else the flow solver."""
    rng = np.random.default_rng(21)

    def cohort(n, m, density, capacity):
        pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < density]
        scores = list(np.round(rng.random(len(pairs)), 3) + 0.001)
        return _candidates(n, m, pairs, scores), np.full(m, capacity)

    for n, m, capacity in ((200, 10, 4), (20, 10, 8)):  # fewer slots than mentees, and the reverse
        candidates, capacities = cohort(n, m, 0.6, capacity)
        reference = solve(candidates, capacities, flow_min_mentees=10**9)
        large = solve(candidates, capacities, flow_min_mentees=0)
        assert large.method == "lapjvsp" and large.optimal
        assert large.matched == reference.matched == min(n, capacities.sum())
        assert large.total_score == pytest.approx(reference.total_score)
    # Two mentors (capacity 3) share the same three mentees: their six slots cannot all be filled.
    edges = [(f"e{i}", f"m{j}", 0.5 + 0.1 * i) for i in range(3) for j in range(2)]
    edges += [(f"e{i}", "m2", 0.2) for i in range(3, 12)]
    candidates = CandidateSet.from_edges([f"e{i}" for i in range(12)], ["m0", "m1", "m2"], edges)
    result = solve(candidates, [3, 3, 2], flow_min_mentees=0)
    assert result.method == "flow" and result.matched == 5
    assert result.total_score == pytest.approx(solve(candidates, [3, 3, 2]).total_score)
