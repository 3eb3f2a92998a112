"""Explanations, describe() through gettext, and suggestions."""

import pytest

from mentoring_xblock.matching import MatchingConfig, Profile, Reason, describe, explain_pair, suggest

MENTEE = Profile("e", topics={"delegation", "feedback", "strategy", "hiring"}, languages={"Spanish"},
                 utc_offset_minutes=60, availability={10, 11, 12, 13, 14}, seniority=1)
MENTOR = Profile("m", topics={"delegation", "feedback", "strategy"}, languages={"Spanish", "English"},
                 utc_offset_minutes=180, availability={10, 11, 12, 13, 99}, seniority=3, capacity=2)


# Weights that give every built-in criterion a part (a program's default gives seniority none).
ALL_CRITERIA = {"topics": 3.0, "language": 1.0, "timezone": 1.0, "availability": 2.0, "seniority": 1.0}


def test_explain_pair_reasons_and_shares():
    explanation = explain_pair(MENTEE, MENTOR, MatchingConfig(weights=ALL_CRITERIA))
    codes = {r.code: r for r in explanation.reasons}
    assert codes["shared_topics"].params == {"topics": ["delegation", "feedback", "strategy"], "count": 3}
    assert codes["shared_language"].params["languages"] == ["Spanish"]
    assert codes["timezone"].params["hours"] == 2
    assert codes["availability"].params["count"] == 4
    assert codes["seniority"].params["levels"] == 2
    assert sum(r.share for r in explanation.reasons) == pytest.approx(1.0)
    assert [r.share for r in explanation.reasons] == sorted((r.share for r in explanation.reasons), reverse=True)
    # topics 3/4 * 3 + language 1 + tz (1 - 2/12) + availability 1 * 2 + seniority 1, over 8
    assert explanation.score == pytest.approx((2.25 + 1 + 10 / 12 + 2 + 1) / 8)
    assert explanation.allowed


def test_describe_english_sentences():
    explanation = explain_pair(MENTEE, MENTOR, MatchingConfig(weights=ALL_CRITERIA))
    sentences = {r.code: describe(r) for r in explanation.reasons}
    assert sentences["shared_language"] == "You both speak Spanish"
    assert sentences["shared_topics"] == "3 shared goals: delegation, feedback, strategy"
    assert sentences["availability"] == "4 overlapping weekly hours"
    assert sentences["timezone"] == "Time zones 2 hours apart"
    assert sentences["seniority"] == "Mentor is 2 levels above you"
    assert describe(Reason("shared_topics", {"topics": ["x"], "count": 1}, 1.0)) == "1 shared goal: x"
    assert describe(Reason("timezone", {"hours": 0}, 1.0)) == "Same time zone"
    assert describe(Reason("timezone", {"hours": 5.5}, 1.0)) == "Time zones 5.5 hours apart"
    assert describe(Reason("same_answer", {"question": "format", "answer": "remote"}, 1.0)) == \
        "Both answered “remote” to “format”"
    with pytest.raises(ValueError):
        describe(Reason("nope", {}, 1.0))


def test_describe_goes_through_gettext_and_formats_after_translation():
    calls = []

    def fake_gettext(message):
        calls.append(message)
        return message.replace("You both speak", "Ambos hablan")

    def fake_ngettext(singular, plural, count):
        calls.append((singular, plural, count))
        return ("{count} objetivo: {topics}" if count == 1 else "{count} objetivos: {topics}")

    language = Reason("shared_language", {"languages": ["Spanish"], "count": 1}, 0.5)
    topics = Reason("shared_topics", {"topics": ["a", "b"], "count": 2}, 0.5)
    assert describe(language, fake_gettext, fake_ngettext) == "Ambos hablan Spanish"
    assert describe(topics, fake_gettext, fake_ngettext) == "2 objetivos: a, b"
    assert calls == ["You both speak {languages}",
                     ("{count} shared goal: {topics}", "{count} shared goals: {topics}", 2)]


def test_explain_reports_blocking_rules():
    blocked = explain_pair(MENTEE, Profile("m", languages={"German"}, capacity=0), MatchingConfig())
    assert set(blocked.blocked_by) == {"no_shared_language", "no_capacity"}


def _mentors():
    return [
        Profile("full", topics={"delegation"}, languages={"Spanish"}, capacity=0),
        Profile("best", topics=MENTOR.topics, languages={"Spanish"}, utc_offset_minutes=60, capacity=1),
        Profile("ok", topics={"delegation"}, languages={"Spanish"}, capacity=3),
        Profile("tie", topics={"delegation"}, languages={"Spanish"}, capacity=3),
        Profile("german", topics=MENTOR.topics, languages={"German"}, capacity=3),
        Profile("none", languages={"Spanish"}, capacity=1),
    ]


def test_suggest_orders_by_score_skips_full_mentors_and_limits_n():
    suggestions = suggest(MENTEE, _mentors(), MatchingConfig(), n=3)
    assert [s.mentor_id for s in suggestions] == ["best", "ok", "tie"]
    assert suggestions[0].score > suggestions[1].score == suggestions[2].score
    assert suggestions[0].reasons and suggestions[0].reasons[0].code == "shared_topics"
    everyone = suggest(MENTEE, _mentors(), MatchingConfig(), n=10)
    assert [s.mentor_id for s in everyone] == ["best", "ok", "tie", "none"]
    assert suggest(MENTEE, _mentors(), MatchingConfig(), forbidden=[("e", "best")], n=1)[0].mentor_id == "ok"
    assert suggest(MENTEE, _mentors(), MatchingConfig(), n=0) == []
    assert [s.mentor_id for s in suggest(MENTEE, _mentors(), MatchingConfig(min_score=0.3))] == ["best"]


def test_same_time_zone_is_said_only_when_clocks_agree_all_year():
    """Before: "Same time zone" for Europe/Madrid and Africa/Lagos, which agree only while Madrid is on winter time."""
    import datetime
    import zoneinfo

    from mentoring_xblock.matching import Profile
    from mentoring_xblock.matching.explain import clocks_agree_all_year, criterion_values
    from mentoring_xblock.matching.model import MatchingConfig

    def offsets(name):  # independently: the offset on every day of the year
        zone = zoneinfo.ZoneInfo(name)
        return {(datetime.datetime(2026, 1, 1, 12, tzinfo=zone) + datetime.timedelta(days=d)).utcoffset()
                for d in range(365)}
    madrid, lagos, paris = "Europe/Madrid", "Africa/Lagos", "Europe/Paris"
    assert offsets(madrid) != offsets(lagos) and offsets(madrid) == offsets(paris)
    winter = 60  # all three at UTC+1 in January
    people = {name: Profile(id=name, utc_offset_minutes=winter, time_zone=name) for name in (madrid, lagos, paris)}
    assert not clocks_agree_all_year(people[madrid], people[lagos])
    assert clocks_agree_all_year(people[madrid], people[paris])
    config = MatchingConfig()
    for other, expected in ((lagos, "Same time now (clocks differ by an hour for part of the year)"),
                            (paris, "Same time zone")):
        code, _weight, _value, params = next(v for v in criterion_values(people[madrid], people[other], config)
                                             if v[0] == "timezone")
        assert describe(Reason(code, params, 1.0)) == expected


def test_the_engine_and_a_program_have_one_default_weighting():
    """Before: the engine weighed availability 2 and seniority 1, a new program 1 and 0."""
    from mentoring_xblock.matching.model import BUILTIN_CRITERIA, DEFAULT_WEIGHTS
    from mentoring_xblock.program_config import BASE_CRITERIA, DEFAULT_CONFIG

    assert dict(MatchingConfig().weights) == DEFAULT_WEIGHTS == DEFAULT_CONFIG["criteria"]
    assert BASE_CRITERIA == BUILTIN_CRITERIA == tuple(DEFAULT_WEIGHTS)
