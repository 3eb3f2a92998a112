"""
The bridge between the database and the matching engine.

Participants become engine profiles, the program's criteria become a ``MatchingConfig``, and
engine reasons become sentences.

Loading is a constant number of queries whatever the program's size.
"""
import time

from django.utils import translation

from .. import matching
from ..conf import setting
from ..models import Match, MentorshipRequest, Participant
from ..reference import HOURS_PER_WEEK, language_name, utc_offset_minutes


def engine_config(config, **overrides):
    """The engine's MatchingConfig for a program configuration (weights, hard rules)."""
    choice_ids = {q["id"] for q in config["questions"] if q["match"] == "choice"}
    weights = {name: weight for name, weight in config["criteria"].items() if name not in choice_ids}
    choice_weights = {name: weight for name, weight in config["criteria"].items() if name in choice_ids}
    options = {
        "weights": weights,
        "choice_weights": choice_weights,
        "language_required": config["language_required"],
        "max_timezone_distance_hours": float(config["max_timezone_hours"]),
    }
    options.update(overrides)
    return matching.MatchingConfig(**options)


def _topics_question(config):
    return next((q["id"] for q in config["questions"] if q["match"] == "topics"), None)


def _utc_slots(local_slots, offset_minutes):
    """Hour-of-week slots in the person's zone, moved to UTC (whole hours)."""
    shift = round((offset_minutes or 0) / 60)
    return frozenset((slot - shift) % HOURS_PER_WEEK for slot in local_slots)


def engine_profile(participant, config, capacity=None):
    """The engine's view of a participant (``capacity``: free places, for mentors)."""
    topics_id = _topics_question(config)
    offset = utc_offset_minutes(participant.time_zone)
    choices = {q["id"] for q in config["questions"] if q["match"] == "choice"}
    return matching.Profile(
        id=str(participant.pk),
        topics=frozenset(participant.answers.get(topics_id, []) if topics_id else []),
        languages=frozenset(participant.languages),
        utc_offset_minutes=offset,
        time_zone=participant.time_zone or None,
        availability=_utc_slots(participant.availability, offset),
        seniority=participant.seniority,
        answers={key: value for key, value in participant.answers.items() if key in choices and isinstance(value, str)},
        exclusion_groups=frozenset(participant.exclusion_groups),
        capacity=participant.free_capacity if capacity is None else capacity,
    )


def available_mentors(program):
    """Approved, active mentors with a complete profile, consent and free capacity (one query)."""
    return list(available(Participant.objects.filter(program=program)).order_by("pk"))


def forbidden_pairs(program, mentee_ids=None):
    """(mentee pk, mentor pk) pairs never to propose: an earlier match, or a declined request (two queries)."""
    matches = Match.objects.filter(program=program)
    declined = MentorshipRequest.objects.filter(program=program, state=MentorshipRequest.State.DECLINED,
                                                mentor__isnull=False)
    if mentee_ids is not None:
        matches = matches.filter(mentee_id__in=mentee_ids)
        declined = declined.filter(mentee_id__in=mentee_ids)
    pairs = set(matches.values_list("mentee_id", "mentor_id"))
    pairs.update(declined.values_list("mentee_id", "mentor_id"))
    return {(str(mentee), str(mentor)) for mentee, mentor in pairs}


def explanation_data(reasons):
    """Engine reasons as JSON-ready dicts (what a Match or a proposal stores)."""
    return [{"code": reason.code, "params": reason.params, "share": reason.share, "value": reason.value}
            for reason in reasons]


def reason_sentences(explanation, config=None, perspective="mentee"):
    """
    Stored explanation dicts as sentences in the active language, strongest first.

    The engine words reasons for the mentee ("Mentor is 2 levels above you"); mentors and
    coordinators read the reasons that depend on the side in their own words. A criterion met less than
    halfway ("Time zones 7 hours apart", "1 overlapping weekly hour") still adds to the score but does not
    speak for the pair: it is a ``trade_off``, shown apart and labelled as such.
    """
    sentences = []
    for item in sorted(explanation or [], key=lambda entry: -entry.get("share", 0)):
        reason = matching.Reason(code=item["code"], params=_localised_params(item["params"], config),
                                 share=item.get("share", 0))
        text = _authored_sentence(item, reason, config) or _side_sentence(reason, perspective) or matching.describe(
            reason, gettext=translation.gettext, ngettext=translation.ngettext)
        sentences.append({"text": text, "share": round(100 * item.get("share", 0)),
                          "trade_off": item.get("value", 1.0) < STRONG_REASON})
    return sentences


STRONG_REASON = 0.5  # a criterion met at least halfway speaks for a pair


def _authored_sentence(item, reason, config):
    """A shared answer in the words the program's author gave its question (``reason``), or None."""
    if item["code"] != "same_answer" or not config:
        return None
    question = next((q for q in config.get("questions", []) if q["id"] == item["params"].get("question")), None)
    if not question or not question.get("reason"):
        return None
    return question["reason"].replace("{answer}", str(reason.params["answer"]))


def _side_sentence(reason, perspective):
    """The sentence for reasons whose wording depends on who reads them (None: the engine's words)."""
    if reason.code == "shared_language" and perspective == "coordinator":  # not one of the two
        return translation.gettext("Both speak {languages}").format(languages=", ".join(reason.params["languages"]))
    if reason.code != "seniority" or perspective == "mentee":
        return None
    count = reason.params.get("levels", 0)
    if perspective == "mentor":
        return translation.ngettext("You are {count} level above your mentee",
                                    "You are {count} levels above your mentee", count).format(count=count)
    return translation.ngettext("Mentor is {count} level above the mentee",
                                "Mentor is {count} levels above the mentee", count).format(count=count)


def _localised_params(params, config):
    """Replace codes by names people read: language names, topic and answer labels."""
    params = dict(params)
    if "languages" in params:
        params["languages"] = [language_name(code) for code in params["languages"]]
    if config:
        labels = {option["value"]: option["label"] for q in config["questions"] for option in q["options"]}
        questions = {q["id"]: q["label"] for q in config["questions"]}
        if "topics" in params:
            params["topics"] = [labels.get(value, value) for value in params["topics"]]
        if "answer" in params:
            params["answer"] = labels.get(params["answer"], params["answer"])
        if "question" in params:
            params["question"] = questions.get(params["question"], params["question"])
    return params


# Per process: the program's available mentors encoded for the engine. Loading thousands of
# participant rows costs far more than scoring them, so suggestions reuse the pool for a short
# while (MENTORING_SUGGESTION_POOL_SECONDS). The mentors finally shown are re-read fresh, so a
# mentor who filled up, paused or left meanwhile is never suggested; only scores can be that old.
_MENTOR_POOLS = {}
_MAX_POOLS = 64


def available(queryset):
    """Approved, active mentors with a complete profile, consent and free capacity."""
    return queryset.filter(Participant.available_mentor())


def mentor_pool(program, now=None):
    """The program's available mentors encoded as an engine ``MentorPool`` (cached per process, briefly)."""
    now = time.monotonic() if now is None else now
    key = (program.pk, program.created, program.configuration_hash)
    cached = _MENTOR_POOLS.get(key)
    if cached and now - cached[0] < setting("MENTORING_SUGGESTION_POOL_SECONDS"):
        return cached[1]
    mentors = available_mentors(program)
    pool = matching.MentorPool([engine_profile(m, program.configuration) for m in mentors],
                               engine_config(program.configuration))
    if len(_MENTOR_POOLS) >= _MAX_POOLS:
        _MENTOR_POOLS.pop(next(iter(_MENTOR_POOLS)))
    _MENTOR_POOLS[key] = (now, pool)
    return pool


def suggestions(program, mentee, limit=None):
    """Top mentors for ``mentee`` with score and reasons; a constant number of queries."""
    config = program.configuration
    limit = limit or config["suggestion_count"]
    found = mentor_pool(program).suggest(engine_profile(mentee, config),
                                         forbidden=forbidden_pairs(program, [mentee.pk]), n=3 * limit)
    fresh = {str(m.pk): m for m in available(Participant.objects.filter(
        program=program, pk__in=[int(item.mentor_id) for item in found]))}
    return [{"mentor": fresh[item.mentor_id], "score": item.score, "explanation": explanation_data(item.reasons)}
            for item in found if item.mentor_id in fresh][:limit]


def explain(program, mentee, mentor):
    """Score and stored-form explanation of one pair (for coordinators' hand matching)."""
    config = program.configuration
    result = matching.explain_pair(engine_profile(mentee, config), engine_profile(mentor, config, capacity=1),
                                   engine_config(config))
    return result.score, explanation_data(result.reasons), list(result.blocked_by)
