"""MentorPool gives the same suggestions and scores as the one-shot engine, for any cohort."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock.matching import MatchingConfig, MentorPool, Profile, suggest
from mentoring_xblock.matching.scoring import score_matrix_rows

TOPICS = ["delegation", "feedback", "coaching", "strategy", "hiring"]
LANGUAGES = ["en", "es", "fr"]
TEAMS = ["sales", "ops", "eng"]


@st.composite
def profiles(draw, prefix, count):
    people = []
    for index in range(count):
        people.append(Profile(
            id=f"{prefix}{index}",
            topics=frozenset(draw(st.lists(st.sampled_from(TOPICS), max_size=4))),
            languages=frozenset(draw(st.lists(st.sampled_from(LANGUAGES), max_size=2))),
            utc_offset_minutes=draw(st.one_of(st.none(), st.sampled_from([-300, 0, 60, 330, 540]))),
            availability=frozenset(draw(st.lists(st.integers(0, 167), max_size=8))),
            seniority=draw(st.one_of(st.none(), st.integers(1, 5))),
            answers={"style": draw(st.sampled_from(["video", "phone"]))} if draw(st.booleans()) else {},
            exclusion_groups=frozenset(draw(st.lists(st.sampled_from(TEAMS), max_size=1))),
            capacity=draw(st.integers(0, 3)),
        ))
    return people


@st.composite
def cohorts(draw):
    mentors = draw(profiles("m", draw(st.integers(1, 12))))
    mentee = draw(profiles("e", 1))[0]
    config = MatchingConfig(
        weights={"topics": draw(st.sampled_from([0, 1, 3])), "language": draw(st.sampled_from([0, 1])),
                 "timezone": draw(st.sampled_from([0, 1])), "availability": draw(st.sampled_from([0, 2])),
                 "seniority": draw(st.sampled_from([0, 1]))},
        choice_weights={"style": draw(st.sampled_from([0, 0.5]))},
        language_required=draw(st.booleans()),
        min_seniority_gap=draw(st.sampled_from([None, 1])),
        min_score=draw(st.sampled_from([None, 0.2])),
    )
    forbidden = [(mentee.id, m.id) for m in mentors if draw(st.integers(0, 5)) == 0]
    return mentee, mentors, config, forbidden


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(cohorts(), st.integers(1, 6))
def test_pool_matches_the_one_shot_engine(cohort, n):
    mentee, mentors, config, forbidden = cohort
    pool = MentorPool(mentors, config)
    (_start, block), = score_matrix_rows([mentee], mentors, config, forbidden, block_elements=len(mentors))
    np.testing.assert_allclose(pool.scores(mentee, forbidden), block[0], rtol=1e-6, atol=1e-6)
    expected = suggest(mentee, mentors, config, forbidden, n=n)
    found = pool.suggest(mentee, forbidden, n=n)
    assert [s.mentor_id for s in found] == [s.mentor_id for s in expected]
    assert [s.score for s in found] == pytest.approx([s.score for s in expected])


def test_pool_is_reused_for_many_mentees():
    mentors = [Profile(id=f"m{i}", topics={"coaching"}, languages={"en"}, capacity=1) for i in range(3)]
    pool = MentorPool(mentors, MatchingConfig(weights={"topics": 1, "language": 1}))
    for index in range(5):
        mentee = Profile(id=f"e{index}", topics={"coaching"}, languages={"en"})
        assert [s.mentor_id for s in pool.suggest(mentee, n=2)] == ["m0", "m1"]
    assert pool.suggest(Profile(id="x", languages={"de"}), n=2) == []
