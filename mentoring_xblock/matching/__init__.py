"""Mentor matching engine (pure Python + numpy + scipy; no Django).

Public API:

* :class:`Profile` (alias :data:`MentorProfile`): a mentee or mentor (topics, languages, UTC
  offset, weekly availability, seniority, choice answers, exclusion groups, capacity).
* :class:`MatchingConfig`: criterion weights, hard rules, ``top_k``, ``objective``, ``min_score``.
* :func:`score_candidates` ``(mentees, mentors, config, forbidden=()) -> CandidateSet``:
  vectorised scoring with hard rules and top-k pruning per mentee.
* :func:`explain_pair` ``(mentee, mentor, config, forbidden=()) -> PairExplanation``: score,
  :class:`Reason` list (code, params, share of score) and blocking hard rules.
* :func:`describe` ``(reason, gettext=None, ngettext=None) -> str``: translatable sentence.
* :func:`suggest` ``(mentee, mentors, config, forbidden=(), n=5) -> list[Suggestion]``.
* :class:`MentorPool` ``(mentors, config)``: mentors encoded once; ``.suggest(mentee, forbidden, n)``
  answers one mentee at a time with the same scores (for services that suggest repeatedly).
* :func:`solve` ``(candidates, capacities, *, objective, min_score, fixed_pairs, forbidden_pairs)
  -> SolveResult``: optimal cohort assignment (participation or score objective).

See ``docs/matching.md`` for the model, the algorithm and benchmark figures.
"""

from .explain import PairExplanation, Reason, describe, explain_pair
from .model import MatchingConfig, MentorProfile, Profile
from .pool import MentorPool
from .scoring import CandidateSet, score_candidates
from .solver import SolveResult, solve
from .suggest import Suggestion, suggest

__all__ = [
    "CandidateSet", "MatchingConfig", "MentorPool", "MentorProfile", "PairExplanation", "Profile", "Reason",
    "SolveResult",
    "Suggestion", "describe", "explain_pair", "score_candidates", "solve", "suggest",
]
