"""Plain data types consumed by the matching engine (filled by the service layer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

BUILTIN_CRITERIA = ("topics", "language", "timezone", "availability", "seniority")
OBJECTIVES = ("participation", "score")
HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class Profile:
    """A mentee or mentor as seen by the matching engine.

    ``topics`` are the topics a mentee wants, or a mentor offers. ``availability`` holds
    hour-of-week slots 0..167 in UTC. ``answers`` maps a choice question id (only questions
    marked "match on this") to the chosen value. ``exclusion_groups`` are opaque labels
    (same team, same reporting line...): two people sharing one are never matched.
    ``capacity`` is the remaining number of mentees a mentor can take (ignored for mentees).
    ``time_zone`` (an IANA name, optional) only tells explanations whether clocks agree all year.
    """

    id: str
    topics: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    utc_offset_minutes: int | None = None
    time_zone: str | None = None
    availability: frozenset[int] = frozenset()
    seniority: int | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    exclusion_groups: frozenset[str] = frozenset()
    capacity: int = 0

    def __post_init__(self):
        for name in ("topics", "languages", "availability", "exclusion_groups"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        if any(not 0 <= hour < HOURS_PER_WEEK for hour in self.availability):
            raise ValueError(f"profile {self.id!r}: availability slots must be in 0..{HOURS_PER_WEEK - 1}")
        if self.capacity < 0:
            raise ValueError(f"profile {self.id!r}: capacity must be >= 0")


# A mentor is a Profile whose ``capacity`` matters; the alias keeps call sites readable.
MentorProfile = Profile


# A program's weights unless its author changes them (``program_config`` takes them from here: one default).
DEFAULT_WEIGHTS = {"topics": 3.0, "language": 1.0, "timezone": 1.0, "availability": 1.0, "seniority": 0.0}


def _default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class MatchingConfig:  # pylint: disable=too-many-instance-attributes
    """Scoring and solving settings of one mentoring program.

    * ``weights``: weight (>= 0) of each built-in criterion (``topics``, ``language``,
      ``timezone``, ``availability``, ``seniority``); missing keys weigh 0.
    * ``choice_weights``: weight (>= 0) per choice question id (answers must be equal).
    * ``language_required``: a pair without a shared language is never proposed.
    * ``min_seniority_gap``: when set, a mentor must be at least that many levels above the
      mentee (pairs where either level is unknown are allowed).
    * ``seniority_target_gap``: gap (levels) that earns the full seniority score.
    * ``max_timezone_distance_hours``: distance at which the time-zone score reaches 0.
    * ``availability_target_hours``: overlapping weekly hours that earn the full score
      (capped by the hours the mentee declared).
    * ``top_k``: candidates kept per mentee (``None``: keep all pairs).
    * ``all_pairs_threshold``: cohorts with mentees x mentors at most this keep all pairs.
    * ``objective``: ``participation`` (most matched mentees, then best total score) or
      ``score`` (best total score).
    * ``min_score``: pairs scoring below it are never assigned.
    """

    weights: Mapping[str, float] = field(default_factory=_default_weights)
    choice_weights: Mapping[str, float] = field(default_factory=dict)
    language_required: bool = True
    min_seniority_gap: int | None = None
    seniority_target_gap: int = 2
    max_timezone_distance_hours: float = 12.0
    availability_target_hours: int = 4
    top_k: int | None = 30
    all_pairs_threshold: int = 250_000
    objective: str = "participation"
    min_score: float | None = None

    def __post_init__(self):
        unknown = set(self.weights) - set(BUILTIN_CRITERIA)
        if unknown:
            raise ValueError(f"unknown criteria in weights: {sorted(unknown)} (use choice_weights for questions)")
        if any(w < 0 for w in list(self.weights.values()) + list(self.choice_weights.values())):
            raise ValueError("weights must be >= 0")
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}")
        if self.top_k is not None and self.top_k < 1:
            raise ValueError("top_k must be >= 1 or None")
        if self.max_timezone_distance_hours <= 0 or self.availability_target_hours <= 0:
            raise ValueError("max_timezone_distance_hours and availability_target_hours must be > 0")
        if self.seniority_target_gap < 1:
            raise ValueError("seniority_target_gap must be >= 1")

    def weight(self, criterion: str) -> float:
        """Weight of a built-in criterion (0 when not configured)."""
        return float(self.weights.get(criterion, 0.0))

    @property
    def total_weight(self) -> float:
        """Sum of all weights (the score denominator)."""
        return sum(self.weights.values()) + sum(self.choice_weights.values())
