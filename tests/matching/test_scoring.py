"""Vectorised scoring: each criterion, each hard rule, top-k pruning, consistency with explain_pair."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock.matching import MatchingConfig, Profile, explain_pair, score_candidates


def only(criterion, **extra):
    """Config weighing a single criterion (language not required unless asked)."""
    extra.setdefault("language_required", False)
    return MatchingConfig(weights={criterion: 1.0}, **extra)


def pair_score(mentee, mentor, config):
    candidates = score_candidates([mentee], [mentor], config)
    return candidates.score[0] if len(candidates) else None


def test_topics_overlap_share_of_wanted():
    mentee = Profile("e", topics={"a", "b", "c", "d"})
    mentor = Profile("m", topics={"a", "b", "z"}, capacity=1)
    assert pair_score(mentee, mentor, only("topics")) == pytest.approx(0.5)
    assert pair_score(Profile("e"), mentor, only("topics")) == 0.0


def test_language_shared_or_not():
    mentor = Profile("m", languages={"es", "fr"}, capacity=1)
    assert pair_score(Profile("e", languages={"es"}), mentor, only("language")) == 1.0
    assert pair_score(Profile("e", languages={"de"}), mentor, only("language")) == 0.0


def test_timezone_distance_is_circular_and_capped():
    config = only("timezone", max_timezone_distance_hours=8)
    mentor = Profile("m", utc_offset_minutes=120, capacity=1)
    assert pair_score(Profile("e", utc_offset_minutes=0), mentor, config) == pytest.approx(0.75)
    assert pair_score(Profile("e", utc_offset_minutes=-600), mentor, config) == 0.0
    # +13h vs -11h are 24h apart on the clock: same local time of day.
    assert pair_score(Profile("e", utc_offset_minutes=-660),
                      Profile("m", utc_offset_minutes=780, capacity=1), config) == pytest.approx(1.0)
    assert pair_score(Profile("e"), mentor, config) == 0.0


def test_availability_overlap_capped_by_target_and_need():
    config = only("availability", availability_target_hours=4)
    mentor = Profile("m", availability={1, 2, 3, 100}, capacity=1)
    assert pair_score(Profile("e", availability={1, 2, 50, 60, 70}), mentor, config) == pytest.approx(0.5)
    assert pair_score(Profile("e", availability={1, 2, 3, 100, 101}), mentor, config) == pytest.approx(1.0)
    assert pair_score(Profile("e", availability={1, 2}), mentor, config) == pytest.approx(1.0)  # needs only 2


def test_seniority_gap_scaled_by_target():
    config = only("seniority", seniority_target_gap=2)
    assert pair_score(Profile("e", seniority=1), Profile("m", seniority=2, capacity=1), config) == pytest.approx(0.5)
    assert pair_score(Profile("e", seniority=1), Profile("m", seniority=5, capacity=1), config) == pytest.approx(1)
    assert pair_score(Profile("e", seniority=3), Profile("m", seniority=2, capacity=1), config) == 0.0


def test_choice_questions_must_be_equal():
    config = MatchingConfig(weights={}, choice_weights={"format": 1.0, "pace": 1.0}, language_required=False)
    mentee = Profile("e", answers={"format": "remote", "pace": "weekly"})
    mentor = Profile("m", answers={"format": "remote", "pace": "monthly"}, capacity=1)
    assert pair_score(mentee, mentor, config) == pytest.approx(0.5)


def test_weighted_mean():
    config = MatchingConfig(weights={"topics": 3, "language": 1}, language_required=False)
    mentee = Profile("e", topics={"a", "b"}, languages={"es"})
    mentor = Profile("m", topics={"a"}, languages={"en"}, capacity=1)
    assert pair_score(mentee, mentor, config) == pytest.approx(3 * 0.5 / 4)


@pytest.mark.parametrize("mentee, mentor, config, forbidden", [
    (Profile("e", languages={"es"}), Profile("m", languages={"en"}, capacity=1), MatchingConfig(), ()),
    (Profile("e", languages={"es"}, exclusion_groups={"team1"}),
     Profile("m", languages={"es"}, exclusion_groups={"team1"}, capacity=1), MatchingConfig(), ()),
    (Profile("e", languages={"es"}), Profile("m", languages={"es"}, capacity=1), MatchingConfig(), [("e", "m")]),
    (Profile("e", languages={"es"}), Profile("m", languages={"es"}, capacity=0), MatchingConfig(), ()),
    (Profile("x", languages={"es"}), Profile("x", languages={"es"}, capacity=1), MatchingConfig(), ()),
    (Profile("e", languages={"es"}, seniority=3), Profile("m", languages={"es"}, seniority=4, capacity=1),
     MatchingConfig(min_seniority_gap=2), ()),
], ids=["no-shared-language", "exclusion-group", "forbidden", "no-capacity", "same-person", "seniority-gap"])
def test_hard_rules_drop_the_pair(mentee, mentor, config, forbidden):
    assert len(score_candidates([mentee], [mentor], config, forbidden)) == 0
    assert not explain_pair(mentee, mentor, config, forbidden).allowed


def test_language_not_required_keeps_pair():
    config = MatchingConfig(language_required=False)
    assert len(score_candidates([Profile("e", languages={"es"})], [Profile("m", capacity=1)], config)) == 1


def _random_profiles(rng, n, prefix, capacity=False):
    topics = [f"t{i}" for i in range(12)]
    langs = ["en", "es", "fr", "de"]
    return [Profile(f"{prefix}{i}",
                    topics=set(rng.choice(topics, rng.integers(0, 4), replace=False)),
                    languages=set(rng.choice(langs, rng.integers(1, 3), replace=False)),
                    utc_offset_minutes=None if rng.random() < 0.1 else int(rng.integers(-12, 14)) * 60,
                    availability=set(int(h) for h in rng.choice(168, rng.integers(0, 10), replace=False)),
                    seniority=None if rng.random() < 0.2 else int(rng.integers(0, 6)),
                    answers={"format": str(rng.choice(["remote", "onsite"]))},
                    exclusion_groups={f"g{rng.integers(0, 5)}"},
                    capacity=int(rng.integers(0, 3)) if capacity else 0)
            for i in range(n)]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 8))
def test_vectorised_scores_equal_explain_pair_and_top_k(seed, k):
    rng = np.random.default_rng(seed)
    mentees = _random_profiles(rng, 15, "e")
    mentors = _random_profiles(rng, 9, "m", capacity=True)
    config = MatchingConfig(choice_weights={"format": 0.5}, min_seniority_gap=-1, top_k=k, all_pairs_threshold=0)
    candidates = score_candidates(mentees, mentors, config, block_elements=20)
    full = score_candidates(mentees, mentors, MatchingConfig(choice_weights={"format": 0.5}, min_seniority_gap=-1,
                                                             top_k=None))
    expected = {}
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            explanation = explain_pair(mentee, mentor, config)
            if explanation.allowed:
                expected[(i, j)] = explanation.score
    got_full = {(i, j): s for i, j, s in zip(full.mentee, full.mentor, full.score, strict=True)}
    assert got_full.keys() == expected.keys()
    for pair, score in expected.items():
        assert got_full[pair] == pytest.approx(score, abs=1e-6)
    for i in range(len(mentees)):
        mine = sorted((s for (a, _), s in expected.items() if a == i), reverse=True)
        kept = candidates.score[candidates.mentee == i]
        assert len(kept) == min(k, len(mine))
        assert np.allclose(np.sort(kept)[::-1], mine[:len(kept)], atol=1e-6)
        assert (np.diff(kept) <= 0).all(), "sorted by decreasing score inside a mentee"
