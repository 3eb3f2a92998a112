"""Epsilon-scaling auction (experimental b-matching solver): exact against LAPJVsp and brute force."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock.matching.auction import auction
from mentoring_xblock.matching.solver import _assign


def _csr(rows, cols, n):
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    return np.searchsorted(rows, np.arange(n + 1)), cols, order


def _check(n, m, rows, cols, benefit, capacity):
    indptr, ecol, order = _csr(rows, cols, n)
    ben = benefit[order]
    mentor_of, edge_of, optimal, stats = auction(indptr, ecol, ben, capacity)
    assigned = mentor_of >= 0
    # Feasible: each assignment is one of the person's edges; capacities respected.
    assert (ecol[edge_of[assigned]] == mentor_of[assigned]).all()
    assert (np.searchsorted(indptr, edge_of[assigned], side="right") - 1 == np.flatnonzero(assigned)).all()
    assert (np.bincount(mentor_of[assigned], minlength=m) <= capacity).all()
    assert optimal, stats
    return int(ben[edge_of[assigned]].sum())


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), unique=True, max_size=n * m))
    benefit = draw(st.lists(st.integers(0, 20), min_size=len(pairs), max_size=len(pairs)))
    capacity = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    return n, m, pairs, benefit, capacity


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_auction_equals_brute_force(graph):
    n, m, pairs, benefit, capacity = graph
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    total = _check(n, m, rows, cols, np.array(benefit, dtype=np.int64), np.array(capacity, dtype=np.int64))
    options = [[None] + [(j, b) for (a, j), b in zip(pairs, benefit, strict=True) if a == i] for i in range(n)]
    best = 0
    for choice in itertools.product(*options):
        used = np.bincount([c[0] for c in choice if c is not None], minlength=m)
        if (used <= capacity).all():
            best = max(best, sum(c[1] for c in choice if c is not None))
    assert total == best


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["participation", "score"]))
def test_auction_equals_lapjvsp_on_medium_instances(seed, objective):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 300)), int(rng.integers(5, 60))
    rows = np.repeat(np.arange(n), int(rng.integers(1, 8)))
    cols = rng.integers(0, m, rows.size)
    keys = np.unique(rows * m + cols)
    rows, cols = keys // m, keys % m
    levels = 1000
    quality = rng.integers(1, levels + 1, rows.size)
    capacity = rng.integers(0, 4, m)
    bonus = n * levels + 1 if objective == "participation" else 0
    total = _check(n, m, rows, cols, quality + bonus, capacity)
    mentor_of, _ = _assign(rows, cols, quality.astype(float), capacity, n, objective)
    sel = np.flatnonzero(mentor_of >= 0)
    exact = quality[np.searchsorted(keys, sel * m + mentor_of[sel])].sum() + bonus * sel.size
    assert total == exact
