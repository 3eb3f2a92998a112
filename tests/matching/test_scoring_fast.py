"""The fused-matmul scorer of score_candidates equals the reference formula (score_matrix_rows).

Checks the allowed pair set, the scores (float32 rounding), the top-k selection (chunk-maximum
threshold, ties) and every large-vocabulary fallback path.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock.matching import MatchingConfig, Profile, score_candidates, scoring
from mentoring_xblock.matching.scoring import score_matrix_rows

TOPICS = [f"t{i}" for i in range(7)]
LANGUAGES = ["en", "es", "fr", "de"]


def _people(rng, n, prefix, mentors, shared_ids=0):
    people = []
    for i in range(n):
        people.append(Profile(
            id=f"x{i}" if i < shared_ids else f"{prefix}{i}",
            topics=set(rng.choice(TOPICS, rng.integers(0, 4), replace=False)),
            languages=set(rng.choice(LANGUAGES, rng.integers(0, 3), replace=False)),
            utc_offset_minutes=None if rng.random() < 0.15 else int(rng.choice([-300, 0, 60, 330, 540, 780])),
            availability=set(int(h) for h in rng.choice(20, rng.integers(0, 9), replace=False)),
            seniority=None if rng.random() < 0.2 else int(rng.integers(0, 6)),
            answers={} if rng.random() < 0.2 else {"style": str(rng.choice(["video", "phone", "chat"]))},
            exclusion_groups=set(rng.choice(["a", "b", "c", "d", "e", "f"], rng.integers(0, 2), replace=False)),
            capacity=int(rng.integers(0, 3)) if mentors else 0))
    return people


def _config(rng, top_k):
    weights = {name: float(rng.choice([0, 1, 2, 3])) for name in
               ("topics", "language", "timezone", "availability", "seniority")}
    return MatchingConfig(weights=weights, choice_weights={"style": float(rng.choice([0, 0.5]))},
                          language_required=bool(rng.random() < 0.5),
                          min_seniority_gap=rng.choice([None, -1, 1]), top_k=top_k, all_pairs_threshold=0)


def _reference(mentees, mentors, config, forbidden):
    (_, block), = score_matrix_rows(mentees, mentors, config, forbidden,
                                    block_elements=len(mentees) * len(mentors))
    return block


def _check(seed, n_mentees, n_mentors, k, block_elements):
    rng = np.random.default_rng(seed)
    mentees = _people(rng, n_mentees, "e", False, shared_ids=2)
    mentors = _people(rng, n_mentors, "m", True, shared_ids=2)
    config = _config(rng, k)
    forbidden = [(mentees[i].id, mentors[j].id) for i, j in
                 zip(rng.integers(0, n_mentees, 5), rng.integers(0, n_mentors, 5), strict=True)]
    ref = _reference(mentees, mentors, config, forbidden)
    got = score_candidates(mentees, mentors, config, forbidden, block_elements=block_elements)
    for i in range(n_mentees):
        allowed = np.flatnonzero(np.isfinite(ref[i]))
        mine = got.mentor[got.mentee == i]
        scores = got.score[got.mentee == i]
        assert np.isfinite(ref[i, mine]).all(), "only allowed pairs"
        np.testing.assert_allclose(scores, ref[i, mine], atol=1e-6)
        expected = np.sort(ref[i, allowed])[::-1][:len(allowed) if k is None else k]
        assert len(mine) == len(expected)
        np.testing.assert_allclose(scores, expected, atol=1e-6)
        assert (np.diff(scores) <= 0).all()
        ties = np.diff(scores) == 0
        assert (np.diff(mine)[ties] > 0).all(), "equal scores in mentor input order"
    assert (np.diff(got.mentee) >= 0).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 30), st.integers(1, 120), st.sampled_from([None, 1, 2, 5]),
       st.sampled_from([1, 50, 1 << 21]))
def test_fused_scores_equal_reference(seed, n_mentees, n_mentors, k, block_elements):
    _check(seed, n_mentees, n_mentors, k, block_elements)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 20), st.integers(1, 90), st.sampled_from([None, 1, 3]))
def test_large_vocabulary_fallbacks_equal_reference(seed, n_mentees, n_mentors, k):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "CATEGORY_LIMIT", 0)
        patch.setattr(scoring, "DENSE_VOCABULARY_LIMIT", 0)
        _check(seed, n_mentees, n_mentors, k, 64)


def test_chunk_threshold_with_many_ties():
    mentors = [Profile(f"m{j}", languages={"en"}, capacity=1) for j in range(200)]
    mentees = [Profile(f"e{i}", languages={"en"}) for i in range(3)]
    got = score_candidates(mentees, mentors, MatchingConfig(weights={"language": 1}, top_k=4,
                                                            all_pairs_threshold=0))
    assert got.mentor.tolist() == [0, 1, 2, 3] * 3
    assert got.score.tolist() == [1.0] * 12


def test_no_mentor_with_capacity_or_no_mentee():
    mentors = [Profile("m", languages={"en"}, capacity=0)]
    assert len(score_candidates([Profile("e", languages={"en"})], mentors, MatchingConfig())) == 0
    assert len(score_candidates([], mentors, MatchingConfig())) == 0
