"""Top-N mentor suggestions for one mentee (one vectorised pass over all mentors)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .explain import Reason, explain_pair
from .model import MatchingConfig, Profile
from .scoring import score_matrix_rows


@dataclass(frozen=True)
class Suggestion:
    """A suggested mentor with the pair score and the reasons behind it."""

    mentor_id: str
    score: float
    reasons: list[Reason]


def suggest(mentee: Profile, mentors: Sequence[Profile], config: MatchingConfig,
            forbidden: Iterable[tuple[str, str]] = (), n: int = 5) -> list[Suggestion]:
    """Best ``n`` allowed mentors with free capacity for ``mentee``, best first.

    Ties are broken by mentor input order. ``config.min_score`` (if set) filters suggestions.
    """
    if n <= 0 or not mentors:
        return []
    (_, block), = score_matrix_rows([mentee], mentors, config, forbidden, block_elements=len(mentors))
    scores = block[0]
    if config.min_score is not None:
        scores = np.where(scores >= config.min_score, scores, -np.inf)
    allowed = np.flatnonzero(np.isfinite(scores))
    best = allowed[np.lexsort((allowed, -scores[allowed]))][:n]
    out = []
    for j in best:
        explanation = explain_pair(mentee, mentors[j], config)
        out.append(Suggestion(mentors[j].id, explanation.score, explanation.reasons))
    return out
