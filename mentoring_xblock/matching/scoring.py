"""Vectorised pair scoring and top-k candidate pruning.

:func:`score_candidates` (cohort scoring) uses :class:`_FastScorer`: every criterion except
availability is linear in a few mentee features (topic indicators scaled per mentee, one-hot
codes of the language set / time zone / seniority / choice answers against small mentor-side
tables, hard rules as a large negative penalty), so a block of mentees against all mentors is
ONE sparse x dense product plus one for the availability hours (clipped at the need). Each
block keeps only its ``top_k`` best mentors per mentee (threshold from strided group maxima,
then ``flatnonzero``), so the candidate set grows with N * k, not N * M; blocks run on a few
threads (the numpy / scipy kernels release the GIL).

:func:`score_matrix_rows` (single mentees: :func:`suggest`, and the reference the tests
compare against) keeps the per-criterion formula of :class:`_Encoded`: sets are 0/1 indicator
matrices over the tokens both sides use, time zone / seniority come from small value tables.
Both agree up to float32 rounding (sum order).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp

from .model import MatchingConfig, Profile

DENSE_VOCABULARY_LIMIT = 512
DEFAULT_BLOCK_ELEMENTS = 1 << 21
# score_candidates: 2 MiB float32 blocks stay in L2 and in malloc's reused arenas (no fresh page
# faults per block): 0.32 s -> 0.21 s cold at 10000x2000.
CANDIDATE_BLOCK_ELEMENTS = 1 << 19


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


def _timezone_values(config: MatchingConfig, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Time-zone criterion of every (left, right) pair of UTC offsets (minutes, NaN unknown)."""
    distance = np.abs(left[:, None] - right[None, :]) % 1440
    hours = np.minimum(distance, 1440 - distance) / np.float32(60)
    value = np.clip(1 - hours / np.float32(config.max_timezone_distance_hours), 0, 1)
    return np.nan_to_num(value, nan=0.0).astype(np.float32)


def _seniority_values(config: MatchingConfig, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Seniority criterion of every (mentee level, mentor level) pair (NaN unknown)."""
    gap = right[None, :] - left[:, None]
    value = np.clip(gap / np.float32(config.seniority_target_gap), 0, 1)
    return np.nan_to_num(value, nan=0.0).astype(np.float32)


def _gap_blocked(config: MatchingConfig, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where the seniority gap is below ``min_seniority_gap`` (NaN compares False)."""
    gap = right[None, :] - left[:, None]
    return gap < config.min_seniority_gap


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
        return _timezone_values(self.config, left, right)

    def _seniority_value(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return _seniority_values(self.config, left, right)

    def _gap_blocked(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return _gap_blocked(self.config, left, right)

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


def _set_codes(sets: Sequence[Iterable], vocabulary: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, token column) of every member of ``sets`` found in ``vocabulary``, and the set sizes."""
    lengths = np.fromiter((len(items) for items in sets), dtype=np.int64, count=len(sets))
    tokens = np.fromiter((vocabulary.get(token, -1) for items in sets for token in items), dtype=np.int64,
                         count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(sets), dtype=np.int64), lengths)
    keep = tokens >= 0
    return rows[keep], tokens[keep], lengths


def _dense_sets(sets: Sequence[Iterable], vocabulary: dict) -> np.ndarray:
    """0/1 float32 indicator (len(sets) x len(vocabulary))."""
    rows, cols, _ = _set_codes(sets, vocabulary)
    out = np.zeros((len(sets), len(vocabulary)), dtype=np.float32)
    out[rows, cols] = 1
    return out


def _category_codes(values) -> tuple[np.ndarray, list]:
    """Code per value (first-seen order) and the distinct values."""
    codes: dict = {}
    code = np.fromiter((codes.setdefault(v, len(codes)) for v in values), dtype=np.int64, count=len(values))
    return code, list(codes)


class _FastScorer:  # pylint: disable=too-many-instance-attributes
    """Scores of all (mentee, mentor-with-capacity) pairs, block by block, as ONE float32 matmul.

    Every criterion except availability is linear in a mentee feature vector: topic
    indicators scaled by ``w_topics / (W |wanted|)``, and one-hot codes of the mentee's language
    set, time zone, seniority and choice answers whose mentor-side rows are small tables of the
    criterion value (times ``w / W``). Hard rules add ``PENALTY`` through the same product
    (language required, seniority gap, small exclusion-group vocabularies), so a pair is allowed
    iff its product is above ``ALLOWED_FLOOR``. Availability ``min(overlap, need) / need`` is a
    second product on hour indicators scaled by ``w / (W need)``, clipped at ``w / W``. Blocks
    are mentees x mentors; a mentee row has few features, so each product is a sparse x dense
    one (one axpy per feature, ~0.7 ns per pair, far cheaper than a dense GEMM over all
    features). The per-mentee top-k threshold is the k-th largest of the maxima of strided
    column groups (a lower bound of the k-th largest score); only entries above it are
    extracted (``flatnonzero``) and ranked.
    """

    def __init__(self, mentees: Sequence[Profile], mentors: Sequence[Profile], config: MatchingConfig,
                 forbidden: Iterable[tuple[str, str]]):

        cfg = self.config = config
        total = float(config.total_weight or 1.0)
        capacity = np.fromiter((m.capacity for m in mentors), dtype=np.int64, count=len(mentors))
        self.active = np.flatnonzero(capacity > 0)
        act = [mentors[j] for j in self.active]
        self.n, self.m = len(mentees), len(act)
        rows_l, cols_l, vals_l, tables = [], [], [], []  # mentee features (COO) / mentor tables (m x f)
        self.direct = []  # fallbacks for large vocabularies: rows -> (R x m) float32 term
        width = 0

        def feature(rows, cols, vals, table):
            nonlocal width
            rows_l.append(rows)
            cols_l.append(cols + width)
            vals_l.append(np.asarray(vals, dtype=np.float32))
            tables.append(np.asarray(table, dtype=np.float32))
            width += table.shape[1]

        def one_hot(codes, table):  # codes < 0: no feature
            rows = np.flatnonzero(codes >= 0)
            feature(rows, codes[rows], np.ones(rows.size, dtype=np.float32), table)

        everyone = np.arange(self.n, dtype=np.int64)
        w_topics = cfg.weight("topics")
        if w_topics > 0:
            vocabulary = _vocabulary([p.topics for p in mentees], [p.topics for p in act])
            if len(vocabulary) <= DENSE_VOCABULARY_LIMIT:
                rows, cols, wanted = _set_codes([p.topics for p in mentees], vocabulary)
                scale = np.float32(w_topics / total) / np.maximum(wanted, 1).astype(np.float32)
                feature(rows, cols, scale[rows], _dense_sets([p.topics for p in act], vocabulary))
            else:
                overlap = _SetOverlap([p.topics for p in mentees], [p.topics for p in act])
                wanted_f = np.array([len(p.topics) for p in mentees], dtype=np.float32)

                w_scaled = np.float32(w_topics / total)

                def topics_term(block, overlap=overlap, wanted_f=wanted_f, w=w_scaled):
                    want = wanted_f[block, None]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        return (w * np.where(want > 0, overlap.block(block, self.m) / want, 0)).astype(np.float32)
                self.direct.append(topics_term)
        w_language = np.float32(cfg.weight("language") / total)
        if cfg.weight("language") > 0 or cfg.language_required:
            codes, sets = _category_codes([p.languages for p in mentees])
            vocabulary = _vocabulary(sets, [p.languages for p in act])
            if len(sets) <= CATEGORY_LIMIT:
                if vocabulary:
                    shared = (_dense_sets(sets, vocabulary) @ _dense_sets([p.languages for p in act], vocabulary).T) > 0
                else:
                    shared = np.zeros((len(sets), self.m), dtype=bool)
                table = np.where(shared, w_language, np.float32(0))
                if cfg.language_required:
                    table[~shared] = PENALTY
                one_hot(codes, table.T)
            else:
                overlap = _SetOverlap([p.languages for p in mentees], [p.languages for p in act])

                def language_term(block, overlap=overlap):
                    shared = overlap.block(block, self.m) > 0
                    out = np.where(shared, w_language, np.float32(0))
                    if cfg.language_required:
                        out[~shared] = PENALTY
                    return out
                self.direct.append(language_term)
        pair_terms = []
        if cfg.weight("timezone") > 0:
            pair_terms.append((_offsets(mentees), _offsets(act), partial(_timezone_values, cfg),
                               np.float32(cfg.weight("timezone") / total), None))
        if cfg.weight("seniority") > 0 or cfg.min_seniority_gap is not None:
            pair_terms.append((_levels(mentees), _levels(act), partial(_seniority_values, cfg),
                               np.float32(cfg.weight("seniority") / total),
                               partial(_gap_blocked, cfg) if cfg.min_seniority_gap is not None else None))
        for left, right, func, weight, blocked in pair_terms:
            values, codes = np.unique(left, return_inverse=True)

            def table_of(lvals, rvals, func=func, weight=weight, blocked=blocked):
                out = func(lvals, rvals) * weight if weight > 0 else np.zeros((lvals.size, rvals.size), np.float32)
                if blocked is not None:
                    out[blocked(lvals, rvals)] = PENALTY
                return out.astype(np.float32)
            if values.size <= CATEGORY_LIMIT:
                one_hot(codes.ravel().astype(np.int64), table_of(values, right).T)
            else:
                self.direct.append(lambda block, left=left, right=right, table_of=table_of:
                                   table_of(left[block], right))
        for question, weight in sorted(cfg.choice_weights.items()):
            if weight <= 0:
                continue
            answers = [p.answers.get(question) for p in mentees]
            codes, values = _category_codes(answers)
            index = {v: c for c, v in enumerate(values) if v is not None}
            codes = np.array([index.get(v, -1) for v in values], dtype=np.int64)[codes] if values else codes
            right = np.fromiter((index.get(p.answers.get(question), -2) if question in p.answers else -2
                                 for p in act), dtype=np.int64, count=self.m)
            if len(index) <= CATEGORY_LIMIT:
                table = (np.arange(len(values))[:, None] == right[None, :]) * np.float32(weight / total)
                one_hot(codes, table.T)
            else:
                w_scaled = np.float32(weight / total)
                self.direct.append(lambda block, codes=codes, right=right, w=w_scaled:
                                   w * (codes[block, None] == right[None, :]).astype(np.float32))
        self.exclusions = None
        vocabulary = _vocabulary([p.exclusion_groups for p in mentees], [p.exclusion_groups for p in act])
        if vocabulary and len(vocabulary) <= CATEGORY_LIMIT:
            rows, cols, _ = _set_codes([p.exclusion_groups for p in mentees], vocabulary)
            feature(rows, cols, np.ones(rows.size), _dense_sets([p.exclusion_groups for p in act], vocabulary)
                    * PENALTY)
        elif vocabulary:
            self.exclusions = (_indicator([p.exclusion_groups for p in mentees], vocabulary),
                               _indicator([p.exclusion_groups for p in act], vocabulary).T.tocsr())
        if not tables:  # no linear criterion: a zero feature keeps the product well-formed
            feature(everyone[:0], everyone[:0], [], np.zeros((self.m, 1), dtype=np.float32))
        self.features = sp.csr_matrix((np.concatenate(vals_l), (np.concatenate(rows_l), np.concatenate(cols_l))),
                                      shape=(self.n, width), dtype=np.float32)
        self.features.sum_duplicates()
        self.mentor_table_t = np.ascontiguousarray(np.concatenate(tables, axis=1).T)  # width x m
        self.hours = None
        w_hours = cfg.weight("availability")
        if w_hours > 0:
            vocabulary = _vocabulary([p.availability for p in mentees], [p.availability for p in act])
            if vocabulary:
                rows, cols, count = _set_codes([p.availability for p in mentees], vocabulary)
                need = np.minimum(count, cfg.availability_target_hours).astype(np.float32)
                scale = np.float32(w_hours / total) / np.maximum(need, 1)
                self.hours = sp.csr_matrix((scale[rows], (rows, cols)), shape=(self.n, len(vocabulary)),
                                           dtype=np.float32)
                self.hours_cap = np.where(need > 0, np.float32(w_hours / total), np.float32(0)).astype(np.float32)
                self.hours_table_t = np.ascontiguousarray(_dense_sets([p.availability for p in act], vocabulary).T)
        active_index = {p.id: j for j, p in enumerate(act)}
        mentee_index = {p.id: i for i, p in enumerate(mentees)}
        pair_rows, pair_cols = _pair_indices(forbidden, mentee_index, active_index)
        same = np.fromiter((i for i, p in enumerate(mentees) if p.id in active_index), dtype=np.int64)
        same_cols = np.fromiter((active_index[mentees[i].id] for i in same), dtype=np.int64, count=same.size)
        pair_rows, pair_cols = np.concatenate((pair_rows, same)), np.concatenate((pair_cols, same_cols))
        order = np.argsort(pair_rows, kind="stable")
        self.blocked_rows, self.blocked_cols = pair_rows[order], pair_cols[order]

    def block(self, start: int, stop: int) -> np.ndarray:
        """Scores of mentees ``start:stop`` (rows) against active mentors (columns), float32.

        Entries <= ``ALLOWED_FLOOR`` (or -inf) are not allowed.
        """
        rows = slice(start, stop)
        # Sparse (few features per mentee) x dense mentor table: one axpy per mentee feature.
        scores = np.asarray(self.features[rows] @ self.mentor_table_t, dtype=np.float32)
        if self.hours is not None:
            hours = np.asarray(self.hours[rows] @ self.hours_table_t, dtype=np.float32)
            np.minimum(hours, self.hours_cap[rows, None], out=hours)
            scores += hours
        for term in self.direct:
            scores += term(rows)
        if self.exclusions is not None:
            shared = (self.exclusions[0][rows] @ self.exclusions[1]).tocoo()
            scores[shared.row, shared.col] = -np.inf
        lo, hi = np.searchsorted(self.blocked_rows, (start, stop))
        scores[self.blocked_rows[lo:hi] - start, self.blocked_cols[lo:hi]] = -np.inf
        return scores

    @staticmethod
    def top(scores: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mentee's ``k`` best allowed mentors (all when ``k`` is None).

        Returns (local mentee, active mentor, score), ordered by mentee, decreasing score, mentor.
        """
        height, m = scores.shape
        floor = np.float32(np.nextafter(ALLOWED_FLOOR, np.float32(1)))
        threshold = np.full(height, floor, dtype=np.float32)
        size = min(TOP_CHUNK, m // (TOP_GROUPS_PER_K * k)) if k is not None else 0
        if size >= 2:
            # Group g holds columns g, g + groups, g + 2 groups...: the k-th largest group maximum
            # is a lower bound of the k-th largest score (k groups each hold a score >= it).
            groups = m // size
            maxima = scores[:, :groups * size].reshape(height, size, groups).max(axis=1)
            np.maximum(threshold, np.partition(maxima, groups - k, axis=1)[:, groups - k], out=threshold)
        flat = np.flatnonzero(scores >= threshold[:, None])
        row, mentor = np.divmod(flat, m)
        value = scores.ravel()[flat] + np.float32(0)  # -0.0 -> +0.0
        # Stable sort on (row, decreasing score); equal scores keep increasing mentor order.
        key = (row.astype(np.int64) << 31) | (0x7FFFFFFF - value.view(np.int32).astype(np.int64))
        order = np.argsort(key, kind="stable")
        mentor, row, value = mentor[order], row[order], value[order]
        if k is not None:
            counts = np.bincount(row, minlength=height)
            rank = np.arange(row.size) - np.repeat(np.cumsum(counts) - counts, counts)
            keep = rank < k
            mentor, row, value = mentor[keep], row[keep], value[keep]
        return row, mentor, value


PENALTY = np.float32(-4.0)
ALLOWED_FLOOR = np.float32(-1.5)
CATEGORY_LIMIT = 256
TOP_CHUNK = 32
TOP_GROUPS_PER_K = 8
SCORING_THREADS = min(4, os.cpu_count() or 1)


def score_candidates(mentees: Sequence[Profile], mentors: Sequence[Profile], config: MatchingConfig,
                     forbidden: Iterable[tuple[str, str]] = (), *,
                     block_elements: int = CANDIDATE_BLOCK_ELEMENTS) -> CandidateSet:
    """Score every allowed pair and keep the ``config.top_k`` best mentors per mentee.

    Hard rules (pair dropped): no shared language when ``language_required``, a shared
    exclusion group, a ``forbidden`` ``(mentee_id, mentor_id)`` pair, a mentor without
    capacity, the same person on both sides, a seniority gap below ``min_seniority_gap``.
    All pairs are kept when ``top_k`` is None or mentees x mentors <= ``all_pairs_threshold``.
    Scores equal :func:`score_matrix_rows` up to float32 rounding (one fused product, see
    :class:`_FastScorer`); ties inside a mentee are broken by mentor input order.
    """
    n_mentors = len(mentors)
    keep_all = config.top_k is None or len(mentees) * n_mentors <= config.all_pairs_threshold \
        or config.top_k >= n_mentors
    ids = (tuple(m.id for m in mentees), tuple(m.id for m in mentors))
    empty = np.zeros(0, dtype=np.int64)
    if not mentees or not mentors:
        return CandidateSet(empty, empty, np.zeros(0), *ids)
    scorer = _FastScorer(mentees, mentors, config, forbidden)
    if scorer.m == 0:
        return CandidateSet(empty, empty, np.zeros(0), *ids)
    k = None if keep_all else config.top_k
    step = max(1, block_elements // max(1, n_mentors))
    starts = range(0, len(mentees), step)

    def one_block(start):
        row, mentor, value = scorer.top(scorer.block(start, min(start + step, len(mentees))), k)
        return row + start, scorer.active[mentor], value
    threads = min(SCORING_THREADS, len(starts))
    if threads > 1:  # numpy / scipy kernels release the GIL: blocks run in parallel
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(one_block, starts))
    else:
        parts = [one_block(start) for start in starts]
    rows_out, cols_out, scores_out = zip(*parts, strict=True)
    return CandidateSet(np.concatenate(rows_out).astype(np.int64), np.concatenate(cols_out).astype(np.int64),
                        np.concatenate(scores_out).astype(np.float64), *ids)
