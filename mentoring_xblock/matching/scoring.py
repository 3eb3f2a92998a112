"""Vectorised pair scoring and top-k candidate pruning.

Sets (topics, languages, exclusion groups, availability hours) are encoded as 0/1 indicator
matrices restricted to the tokens both sides use; overlaps of a block of mentees against all
mentors are one matrix product (dense BLAS for small vocabularies, sparse x dense otherwise).
Mentees are processed in blocks so memory stays bounded by ``block_elements`` floats per
temporary, and each block keeps only its ``top_k`` best mentors per mentee (argpartition), so
the candidate set grows with N * k, not N * M.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .model import MatchingConfig, Profile

DENSE_VOCABULARY_LIMIT = 512
DEFAULT_BLOCK_ELEMENTS = 1 << 21


@dataclass
class CandidateSet:
    """Allowed (mentee, mentor) pairs with their scores, as parallel arrays.

    ``mentee`` and ``mentor`` index ``mentee_ids`` / ``mentor_ids``; rows are grouped by
    mentee (input order) and sorted by decreasing score inside a mentee.
    """

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    mentee_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.mentee.size)

    @property
    def n_mentees(self) -> int:
        """Number of mentees (rows) of the cohort."""
        return len(self.mentee_ids)

    @property
    def n_mentors(self) -> int:
        """Number of mentors (columns) of the cohort."""
        return len(self.mentor_ids)

    @classmethod
    def from_edges(cls, mentee_ids: Sequence[str], mentor_ids: Sequence[str],
                   edges: Iterable[tuple[str, str, float]]) -> CandidateSet:
        """Build a candidate set from ``(mentee_id, mentor_id, score)`` triples."""
        mentee_index = {m: i for i, m in enumerate(mentee_ids)}
        mentor_index = {m: j for j, m in enumerate(mentor_ids)}
        rows, cols, scores = [], [], []
        for mentee_id, mentor_id, score in edges:
            rows.append(mentee_index[mentee_id])
            cols.append(mentor_index[mentor_id])
            scores.append(float(score))
        return cls(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                   np.asarray(scores, dtype=np.float64), tuple(mentee_ids), tuple(mentor_ids))


def _vocabulary(mentee_sets: Sequence[Iterable], mentor_sets: Sequence[Iterable]) -> dict:
    """Tokens used on both sides (others can never overlap), mapped to column numbers."""
    left = set().union(*mentee_sets) if mentee_sets else set()
    right = set().union(*mentor_sets) if mentor_sets else set()
    return {token: n for n, token in enumerate(sorted(left & right, key=str))}


def _indicator(sets: Sequence[Iterable], vocabulary: dict) -> sp.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    for items in sets:
        indices.extend(vocabulary[t] for t in items if t in vocabulary)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                         shape=(len(sets), max(len(vocabulary), 1)))


class _SetOverlap:
    """Counts |A_i & B_j| for a block of mentees i against all mentors j."""

    def __init__(self, mentee_sets, mentor_sets):
        vocabulary = _vocabulary(mentee_sets, mentor_sets)
        self.empty = not vocabulary
        self.mentee_matrix = _indicator(mentee_sets, vocabulary)
        mentor_matrix = _indicator(mentor_sets, vocabulary)
        self.dense = len(vocabulary) <= DENSE_VOCABULARY_LIMIT
        self.mentor_t = np.ascontiguousarray(mentor_matrix.T.toarray()) if self.dense else mentor_matrix.T.tocsr()

    def block(self, rows: slice, n_mentors: int) -> np.ndarray:
        """Overlap counts as float32 (rows x mentors)."""
        n_rows = rows.stop - rows.start
        if self.empty:
            return np.zeros((n_rows, n_mentors), dtype=np.float32)
        left = self.mentee_matrix[rows]
        if self.dense:
            return left.toarray() @ self.mentor_t
        return np.asarray((left @ self.mentor_t).toarray(), dtype=np.float32)


class _Encoded:  # pylint: disable=too-many-instance-attributes
    """Array encoding of a cohort for one config (mentors with no capacity already removed)."""

    def __init__(self, mentees: Sequence[Profile], mentors: Sequence[Profile], config: MatchingConfig):
        self.config = config
        self.n_mentors = len(mentors)
        self.total_weight = config.total_weight or 1.0
        self.topics = _SetOverlap([m.topics for m in mentees], [m.topics for m in mentors])
        self.wanted = np.array([len(m.topics) for m in mentees], dtype=np.float32)
        self.languages = _SetOverlap([m.languages for m in mentees], [m.languages for m in mentors])
        self.exclusions = _SetOverlap([m.exclusion_groups for m in mentees], [m.exclusion_groups for m in mentors])
        self.hours = _SetOverlap([m.availability for m in mentees], [m.availability for m in mentors])
        target = config.availability_target_hours
        self.hours_needed = np.array([min(len(m.availability), target) for m in mentees], dtype=np.float32)
        self.offset_mentee = _offsets(mentees)
        self.offset_mentor = _offsets(mentors)
        self.level_mentee = _levels(mentees)
        self.level_mentor = _levels(mentors)
        # Time zone and seniority take few distinct values: score them once per pair of values.
        self.tz_table = _Table(self.offset_mentee, self.offset_mentor, self._timezone_value)
        self.level_table = _Table(self.level_mentee, self.level_mentor, self._seniority_value)
        self.gap_table = None
        if config.min_seniority_gap is not None:
            self.gap_table = _Table(self.level_mentee, self.level_mentor, self._gap_blocked)
        self.choices = []
        for question, weight in sorted(config.choice_weights.items()):
            if weight <= 0:
                continue
            codes: dict = {}
            left = np.array([codes.setdefault(m.answers[question], len(codes)) if question in m.answers else -1
                             for m in mentees], dtype=np.int64)
            right = np.array([codes.get(m.answers[question], -2) if question in m.answers else -2
                              for m in mentors], dtype=np.int64)
            self.choices.append((np.float32(weight), left, right))

    def _timezone_value(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        distance = np.abs(left[:, None] - right[None, :]) % 1440
        hours = np.minimum(distance, 1440 - distance) / np.float32(60)
        value = np.clip(1 - hours / np.float32(self.config.max_timezone_distance_hours), 0, 1)
        return np.nan_to_num(value, nan=0.0).astype(np.float32)

    def _seniority_value(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        gap = right[None, :] - left[:, None]
        value = np.clip(gap / np.float32(self.config.seniority_target_gap), 0, 1)
        return np.nan_to_num(value, nan=0.0).astype(np.float32)

    def _gap_blocked(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        gap = right[None, :] - left[:, None]
        return gap < self.config.min_seniority_gap  # NaN (unknown level) compares False

    def block(self, rows: slice) -> np.ndarray:
        """Weighted-mean scores (float32, rows x mentors); -inf where a hard rule drops the pair."""
        cfg = self.config
        n = self.n_mentors
        total = np.zeros((rows.stop - rows.start, n), dtype=np.float32)
        allowed = self.exclusions.block(rows, n) == 0
        if cfg.weight("topics") > 0:
            wanted = self.wanted[rows, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                total += np.float32(cfg.weight("topics")) * np.where(
                    wanted > 0, self.topics.block(rows, n) / wanted, 0).astype(np.float32)
        if cfg.weight("language") > 0 or cfg.language_required:
            shared = self.languages.block(rows, n) > 0
            if cfg.language_required:
                allowed &= shared
            total += np.float32(cfg.weight("language")) * shared
        if cfg.weight("availability") > 0:
            needed = self.hours_needed[rows, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(needed > 0, np.minimum(self.hours.block(rows, n), needed) / needed, 0)
            total += np.float32(cfg.weight("availability")) * value.astype(np.float32)
        if cfg.weight("timezone") > 0:
            total += np.float32(cfg.weight("timezone")) * self.tz_table.block(rows)
        if self.gap_table is not None:
            allowed &= ~self.gap_table.block(rows)
        if cfg.weight("seniority") > 0:
            total += np.float32(cfg.weight("seniority")) * self.level_table.block(rows)
        for weight, left, right in self.choices:
            total += weight * (left[rows, None] == right[None, :])
        total /= np.float32(self.total_weight)
        total[~allowed] = -np.inf
        return total


class _Table:
    """``func(left[rows], right)`` for a block of rows, via a table of distinct value pairs."""

    MAX_DISTINCT = 4096

    def __init__(self, left: np.ndarray, right: np.ndarray, func):
        self.left, self.right, self.func = left, right, func
        left_values, self.left_code = np.unique(left, return_inverse=True)
        right_values, self.right_code = np.unique(right, return_inverse=True)
        self.table = None
        if left_values.size * right_values.size <= self.MAX_DISTINCT * 64 and right_values.size <= self.MAX_DISTINCT:
            self.table = func(left_values, right_values)

    def block(self, rows: slice) -> np.ndarray:
        """Values for mentees ``rows`` against all mentors."""
        if self.table is None:
            return self.func(self.left[rows], self.right)
        return np.take(self.table[self.left_code[rows]], self.right_code, axis=1)


def _offsets(profiles: Sequence[Profile]) -> np.ndarray:
    return np.array([np.nan if p.utc_offset_minutes is None else p.utc_offset_minutes for p in profiles],
                    dtype=np.float32)


def _levels(profiles: Sequence[Profile]) -> np.ndarray:
    return np.array([np.nan if p.seniority is None else p.seniority for p in profiles], dtype=np.float32)


def _pair_indices(pairs, mentee_index: dict, mentor_index: dict) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = [], []
    for mentee_id, mentor_id in pairs:
        if mentee_id in mentee_index and mentor_id in mentor_index:
            rows.append(mentee_index[mentee_id])
            cols.append(mentor_index[mentor_id])
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def score_matrix_rows(mentees: Sequence[Profile], mentors: Sequence[Profile], config: MatchingConfig,
                      forbidden: Iterable[tuple[str, str]] = (), *, block_elements: int = DEFAULT_BLOCK_ELEMENTS):
    """Yield ``(first_row, scores)`` blocks of the full score matrix (-inf: pair not allowed).

    Mentors are all kept as columns; a mentor with no capacity has a column of -inf.
    """
    encoded = _Encoded(mentees, mentors, config)
    mentor_index = {m.id: j for j, m in enumerate(mentors)}
    no_capacity = np.array([m.capacity <= 0 for m in mentors], dtype=bool)
    forbid_rows, forbid_cols = _pair_indices(forbidden, {m.id: i for i, m in enumerate(mentees)}, mentor_index)
    same_rows = np.array([i for i, m in enumerate(mentees) if m.id in mentor_index], dtype=np.int64)
    same_cols = np.array([mentor_index[mentees[i].id] for i in same_rows], dtype=np.int64)
    step = max(1, block_elements // max(1, len(mentors)))
    for start in range(0, len(mentees), step):
        stop = min(start + step, len(mentees))
        block = encoded.block(slice(start, stop))
        block[:, no_capacity] = -np.inf
        for rows, cols in ((forbid_rows, forbid_cols), (same_rows, same_cols)):
            inside = (rows >= start) & (rows < stop)
            block[rows[inside] - start, cols[inside]] = -np.inf
        yield start, block


def score_candidates(mentees: Sequence[Profile], mentors: Sequence[Profile], config: MatchingConfig,
                     forbidden: Iterable[tuple[str, str]] = (), *,
                     block_elements: int = DEFAULT_BLOCK_ELEMENTS) -> CandidateSet:
    """Score every allowed pair and keep the ``config.top_k`` best mentors per mentee.

    Hard rules (pair dropped): no shared language when ``language_required``, a shared
    exclusion group, a ``forbidden`` ``(mentee_id, mentor_id)`` pair, a mentor without
    capacity, the same person on both sides, a seniority gap below ``min_seniority_gap``.
    All pairs are kept when ``top_k`` is None or mentees x mentors <= ``all_pairs_threshold``.
    """
    n_mentors = len(mentors)
    keep_all = config.top_k is None or len(mentees) * n_mentors <= config.all_pairs_threshold \
        or config.top_k >= n_mentors
    rows_out, cols_out, scores_out = [], [], []
    for start, block in score_matrix_rows(mentees, mentors, config, forbidden, block_elements=block_elements):
        if keep_all:
            cols = np.broadcast_to(np.arange(n_mentors), block.shape)
        else:
            cols = np.argpartition(block, n_mentors - config.top_k, axis=1)[:, n_mentors - config.top_k:]
        values = np.take_along_axis(block, cols, axis=1)
        local_rows = np.broadcast_to(np.arange(block.shape[0])[:, None], cols.shape)
        finite = np.isfinite(values)
        rows_out.append(local_rows[finite] + start)
        cols_out.append(cols[finite])
        scores_out.append(values[finite])
    if rows_out:
        rows = np.concatenate(rows_out).astype(np.int64)
        cols = np.concatenate(cols_out).astype(np.int64)
        scores = np.concatenate(scores_out).astype(np.float64)
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
        scores = np.zeros(0)
    order = np.lexsort((cols, -scores, rows))
    return CandidateSet(rows[order], cols[order], scores[order],
                        tuple(m.id for m in mentees), tuple(m.id for m in mentors))
