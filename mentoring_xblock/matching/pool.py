"""A mentor pool encoded once, for fast repeated suggestions (one mentee at a time).

:func:`suggest` encodes all mentors on every call. A service that answers many mentees against
the same mentors (the program block's suggestions) builds a :class:`MentorPool` once and calls
:meth:`MentorPool.suggest`, which only encodes the mentee and does one vectorised pass. Scores
are the same as :func:`score_matrix_rows` gives (same formula, same float32 arithmetic).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .explain import explain_pair
from .model import MatchingConfig, Profile
from .suggest import Suggestion

DENSE_LIMIT = 512  # vocabularies up to this size are kept as dense mentor x token matrices


class _MentorSets:
    """Mentor-side indicator matrix of one set attribute; overlap counts with one mentee's set."""

    def __init__(self, sets: Sequence[Iterable]):
        self.vocabulary = {token: n for n, token in enumerate(sorted(set().union(*sets), key=str))} if sets else {}
        indptr, indices = [0], []
        for items in sets:
            indices.extend(self.vocabulary[token] for token in items)
            indptr.append(len(indices))
        shape = (len(sets), max(len(self.vocabulary), 1))
        matrix = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int64),
                                np.asarray(indptr, dtype=np.int64)), shape=shape)
        self.matrix = matrix.toarray() if len(self.vocabulary) <= DENSE_LIMIT else matrix

    def overlap(self, items: Iterable) -> np.ndarray:
        """|mentee set & mentor set| for every mentor (float32)."""
        vector = np.zeros(self.matrix.shape[1], dtype=np.float32)
        columns = [self.vocabulary[token] for token in items if token in self.vocabulary]
        if not columns:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        vector[columns] = 1
        return np.asarray(self.matrix @ vector, dtype=np.float32).ravel()


class MentorPool:  # pylint: disable=too-many-instance-attributes
    """Mentors and a config, encoded once; ``suggest`` scores one mentee against all of them."""

    def __init__(self, mentors: Sequence[Profile], config: MatchingConfig):
        self.mentors = list(mentors)
        self.config = config
        self.index = {mentor.id: j for j, mentor in enumerate(self.mentors)}
        self.topics = _MentorSets([m.topics for m in self.mentors])
        self.languages = _MentorSets([m.languages for m in self.mentors])
        self.exclusions = _MentorSets([m.exclusion_groups for m in self.mentors])
        self.hours = _MentorSets([m.availability for m in self.mentors])
        self.offsets = np.array([np.nan if m.utc_offset_minutes is None else m.utc_offset_minutes
                                 for m in self.mentors], dtype=np.float32)
        self.levels = np.array([np.nan if m.seniority is None else m.seniority for m in self.mentors],
                               dtype=np.float32)
        self.no_capacity = np.array([m.capacity <= 0 for m in self.mentors], dtype=bool)
        self.answers = {question: [m.answers.get(question) for m in self.mentors]
                        for question, weight in config.choice_weights.items() if weight > 0}

    def scores(self, mentee: Profile, forbidden: Iterable[tuple[str, str]] = ()) -> np.ndarray:
        """The mentee's score with every mentor (float32); -inf where a hard rule drops the pair."""
        cfg = self.config
        total = np.zeros(len(self.mentors), dtype=np.float32)
        allowed = self.exclusions.overlap(mentee.exclusion_groups) == 0
        if cfg.weight("topics") > 0 and mentee.topics:
            wanted = np.float32(len(mentee.topics))
            total += np.float32(cfg.weight("topics")) * (self.topics.overlap(mentee.topics) / wanted)
        if cfg.weight("language") > 0 or cfg.language_required:
            shared = self.languages.overlap(mentee.languages) > 0
            if cfg.language_required:
                allowed &= shared
            total += np.float32(cfg.weight("language")) * shared
        needed = np.float32(min(len(mentee.availability), cfg.availability_target_hours))
        if cfg.weight("availability") > 0 and needed > 0:
            total += np.float32(cfg.weight("availability")) * (
                np.minimum(self.hours.overlap(mentee.availability), needed) / needed)
        mentee_offset = np.float32(np.nan if mentee.utc_offset_minutes is None else mentee.utc_offset_minutes)
        if cfg.weight("timezone") > 0:
            distance = np.abs(mentee_offset - self.offsets) % 1440
            hours = np.minimum(distance, 1440 - distance) / np.float32(60)
            value = np.clip(1 - hours / np.float32(cfg.max_timezone_distance_hours), 0, 1)
            total += np.float32(cfg.weight("timezone")) * np.nan_to_num(value, nan=0.0).astype(np.float32)
        mentee_level = np.float32(np.nan if mentee.seniority is None else mentee.seniority)
        gap = self.levels - mentee_level
        if cfg.min_seniority_gap is not None:
            allowed &= ~(gap < cfg.min_seniority_gap)
        if cfg.weight("seniority") > 0:
            value = np.clip(gap / np.float32(cfg.seniority_target_gap), 0, 1)
            total += np.float32(cfg.weight("seniority")) * np.nan_to_num(value, nan=0.0).astype(np.float32)
        for question, answers in self.answers.items():
            mine = mentee.answers.get(question)
            if mine is not None:
                same = np.fromiter((answer == mine for answer in answers), dtype=bool, count=len(answers))
                total += np.float32(self.config.choice_weights[question]) * same
        total /= np.float32(cfg.total_weight or 1.0)
        total[~allowed | self.no_capacity] = -np.inf
        blocked = [self.index[mentor_id] for mentee_id, mentor_id in forbidden
                   if mentee_id == mentee.id and mentor_id in self.index]
        if mentee.id in self.index:
            blocked.append(self.index[mentee.id])
        total[blocked] = -np.inf
        return total

    def suggest(self, mentee: Profile, forbidden: Iterable[tuple[str, str]] = (), n: int = 5) -> list[Suggestion]:
        """The best ``n`` allowed mentors for ``mentee`` with reasons, best first (ties: pool order)."""
        if n <= 0 or not self.mentors:
            return []
        scores = self.scores(mentee, forbidden)
        if self.config.min_score is not None:
            scores = np.where(scores >= self.config.min_score, scores, -np.inf)
        allowed = np.flatnonzero(np.isfinite(scores))
        if allowed.size > n:  # partial sort first: O(M) instead of O(M log M)
            keep = np.argpartition(-scores[allowed], n - 1)[:n]
            threshold = scores[allowed][keep].min()
            allowed = allowed[scores[allowed] >= threshold]
        best = allowed[np.lexsort((allowed, -scores[allowed]))][:n]
        found = []
        for j in best:
            explanation = explain_pair(mentee, self.mentors[j], self.config)
            found.append(Suggestion(self.mentors[j].id, explanation.score, explanation.reasons))
        return found
