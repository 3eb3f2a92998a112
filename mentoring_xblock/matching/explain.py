"""Per-pair explanations as structured data, and their rendering into (translatable) sentences.

An explanation is a list of :class:`Reason` (``code`` + ``params`` + ``share`` of the score).
:func:`describe` renders one reason through caller-supplied ``gettext``/``ngettext`` (identity by
default). The English source strings appear literally inside ``_()``/``ngettext()`` calls so
that xgettext/babel extraction finds them; ``{placeholders}`` are filled after translation.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .model import MatchingConfig, Profile

SHARED_TOPICS = "shared_topics"
SHARED_LANGUAGE = "shared_language"
TIMEZONE = "timezone"
AVAILABILITY = "availability"
SENIORITY = "seniority"
SAME_ANSWER = "same_answer"

# Hard rules that drop a pair.
NO_SHARED_LANGUAGE = "no_shared_language"
EXCLUSION_GROUP = "exclusion_group"
FORBIDDEN = "forbidden"
NO_CAPACITY = "no_capacity"
SAME_PERSON = "same_person"
SENIORITY_GAP = "seniority_gap"


@dataclass(frozen=True)
class Reason:
    """One criterion's contribution: ``share`` is its part of the pair score (shares sum to 1)."""

    code: str
    params: dict
    share: float
    value: float = 0.0
    weight: float = 0.0


@dataclass
class PairExplanation:
    """Score of a pair, reasons sorted by decreasing share, and the hard rules that block it."""

    score: float
    reasons: list[Reason] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """True when no hard rule drops the pair."""
        return not self.blocked_by


@functools.lru_cache(maxsize=4096)
def _offsets_through_the_year(name: str) -> tuple[float, ...] | None:
    """A zone's UTC offsets (hours) on the 15th of every month of a year, or None for an unknown zone."""
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return tuple(datetime.datetime(2026, month, 15, 12, tzinfo=zone).utcoffset().total_seconds() / 3600
                 for month in range(1, 13))


def clocks_agree_all_year(mentee: Profile, mentor: Profile) -> bool:
    """Whether the two show the same time every day of the year, not only today.

    Madrid and Lagos agree in winter only. Unknown zones count as agreeing: the offsets are all that is known.
    """
    if not mentee.time_zone or not mentor.time_zone or mentee.time_zone == mentor.time_zone:
        return True
    ours, theirs = _offsets_through_the_year(mentee.time_zone), _offsets_through_the_year(mentor.time_zone)
    return ours is None or theirs is None or ours == theirs


def _timezone_hours(mentee: Profile, mentor: Profile) -> float | None:
    if mentee.utc_offset_minutes is None or mentor.utc_offset_minutes is None:
        return None
    distance = abs(mentee.utc_offset_minutes - mentor.utc_offset_minutes) % 1440
    return min(distance, 1440 - distance) / 60


def criterion_values(mentee: Profile, mentor: Profile, config: MatchingConfig) -> list[tuple[str, float, float, dict]]:
    """``(code, weight, value in [0, 1], params)`` for every weighted criterion of one pair."""
    out = []
    shared = sorted(mentee.topics & mentor.topics)
    value = len(shared) / len(mentee.topics) if mentee.topics else 0.0
    out.append((SHARED_TOPICS, config.weight("topics"), value, {"topics": shared, "count": len(shared)}))
    languages = sorted(mentee.languages & mentor.languages)
    out.append((SHARED_LANGUAGE, config.weight("language"), float(bool(languages)),
                {"languages": languages, "count": len(languages)}))
    hours = _timezone_hours(mentee, mentor)
    value = 0.0 if hours is None else min(max(1 - hours / config.max_timezone_distance_hours, 0.0), 1.0)
    params = {"hours": hours}
    if hours == 0 and not clocks_agree_all_year(mentee, mentor):
        params["part_of_the_year"] = True
    out.append((TIMEZONE, config.weight("timezone"), value, params))
    overlap = len(mentee.availability & mentor.availability)
    needed = min(len(mentee.availability), config.availability_target_hours)
    value = min(overlap, needed) / needed if needed else 0.0
    out.append((AVAILABILITY, config.weight("availability"), value, {"count": overlap}))
    if mentee.seniority is None or mentor.seniority is None:
        gap, value = None, 0.0
    else:
        gap = mentor.seniority - mentee.seniority
        value = min(max(gap / config.seniority_target_gap, 0.0), 1.0)
    out.append((SENIORITY, config.weight("seniority"), value, {"levels": gap}))
    for question, weight in sorted(config.choice_weights.items()):
        answer = mentee.answers.get(question)
        same = answer is not None and answer == mentor.answers.get(question)
        out.append((SAME_ANSWER, float(weight), float(same), {"question": question, "answer": answer}))
    return out


def hard_rule_violations(mentee: Profile, mentor: Profile, config: MatchingConfig,
                         forbidden: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Codes of the hard rules that drop this pair (empty list: allowed)."""
    blocked = []
    if mentee.id == mentor.id:
        blocked.append(SAME_PERSON)
    if config.language_required and not mentee.languages & mentor.languages:
        blocked.append(NO_SHARED_LANGUAGE)
    if mentee.exclusion_groups & mentor.exclusion_groups:
        blocked.append(EXCLUSION_GROUP)
    if (mentee.id, mentor.id) in set(forbidden):
        blocked.append(FORBIDDEN)
    if mentor.capacity <= 0:
        blocked.append(NO_CAPACITY)
    if (config.min_seniority_gap is not None and mentee.seniority is not None and mentor.seniority is not None
            and mentor.seniority - mentee.seniority < config.min_seniority_gap):
        blocked.append(SENIORITY_GAP)
    return blocked


def explain_pair(mentee: Profile, mentor: Profile, config: MatchingConfig,
                 forbidden: Iterable[tuple[str, str]] = ()) -> PairExplanation:
    """Explain the score of one (mentee, mentor) pair; criteria that add nothing are left out."""
    values = criterion_values(mentee, mentor, config)
    total_weight = config.total_weight or 1.0
    contribution = sum(w * v for _, w, v, _ in values)
    reasons = [Reason(code, params, (w * v) / contribution, v, w)
               for code, w, v, params in values if w > 0 and v > 0]
    reasons.sort(key=lambda r: -r.share)
    return PairExplanation(contribution / total_weight, reasons,
                           hard_rule_violations(mentee, mentor, config, forbidden))


def _identity(message: str) -> str:
    return message


def _identity_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def describe(reason: Reason, gettext: Callable[[str], str] | None = None,
             ngettext: Callable[[str, str, int], str] | None = None) -> str:
    """Render a reason as an English (or translated) sentence.

    ``gettext``/``ngettext`` are the caller's translation functions (e.g. Django's or an XBlock
    service's); formatting with the named placeholders happens after translation.
    """
    _ = gettext or _identity
    ngettext = ngettext or _identity_plural
    params = reason.params
    code = reason.code
    if code == SHARED_TOPICS:
        count = params["count"]
        return ngettext("{count} shared goal: {topics}", "{count} shared goals: {topics}", count).format(
            count=count, topics=", ".join(params["topics"]))
    if code == SHARED_LANGUAGE:
        return _("You both speak {languages}").format(languages=", ".join(params["languages"]))
    if code == TIMEZONE:
        hours = params["hours"]
        if not hours:
            if params.get("part_of_the_year"):
                return _("Same time now (clocks differ by an hour for part of the year)")
            return _("Same time zone")
        count = round(hours)
        shown = count if abs(hours - count) < 1e-9 else round(hours, 1)
        return ngettext("Time zones {hours} hour apart", "Time zones {hours} hours apart", count).format(hours=shown)
    if code == AVAILABILITY:
        count = params["count"]
        return ngettext("{count} overlapping weekly hour", "{count} overlapping weekly hours", count).format(
            count=count)
    if code == SENIORITY:
        count = params["levels"]
        return ngettext("Mentor is {count} level above you", "Mentor is {count} levels above you", count).format(
            count=count)
    if code == SAME_ANSWER:
        return _("Both answered “{answer}” to “{question}”").format(question=params["question"],
                                                                  answer=params["answer"])
    raise ValueError(f"unknown reason code {code!r}")
