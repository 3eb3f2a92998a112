"""The program configuration's validation: defaults, and a message naming the place for each problem."""
import pytest

from mentoring_xblock.demo import leadership_config
from mentoring_xblock.errors import ConfigurationError
from mentoring_xblock.program_config import DEFAULT_CONFIG, clean_config, questions_for


def test_empty_configuration_takes_every_default():
    config = clean_config({})
    assert set(config) == set(DEFAULT_CONFIG)
    assert config["matching_mode"] == "self_select"
    assert config["criteria"]["topics"] == 3.0


def test_demo_configuration_is_valid_and_stable():
    config = leadership_config()
    assert clean_config(config) == config
    assert [q["id"] for q in questions_for(config, "mentor")] == ["goals", "role_level", "meeting_style", "department"]
    assert "hopes" in [q["id"] for q in questions_for(config, "mentee")]


@pytest.mark.parametrize("raw, message", [
    ({"colour": "blue"}, "colour: is not a setting"),
    ({"matching_mode": "lottery"}, "matching_mode: must be one of"),
    ({"capacity_default": 0}, "capacity_default: must be between 1 and 50"),
    ({"capacity_default": "three"}, "capacity_default: must be a whole number"),
    ({"capacity_default": 9, "capacity_max": 5}, "capacity_default: must not be above capacity_max"),
    ({"starts": "2026-13-01"}, "starts: must be a date"),
    ({"starts": "2026-05-01", "ends": "2026-04-01"}, "ends: must not be before"),
    ({"allow_learner_mentors": "maybe"}, "allow_learner_mentors: must be true or false"),
    ({"criteria": {"topics": 0}}, "criteria: at least one criterion"),
    ({"criteria": {"astrology": 1}}, "criteria.astrology: is not a criterion"),
    ({"criteria": {"topics": 11}}, "criteria.topics: must be between 0 and 10"),
    ({"questions": [{"id": "x", "kind": "choice", "label": "X", "options": [{"value": "a", "label": "A"}]}]},
     "questions[0].options: a choice question needs at least two options"),
    ({"questions": [{"id": "Bad Id", "kind": "text", "label": "X"}]}, "questions[0].id: must start"),
    ({"questions": [{"id": "x", "kind": "essay", "label": "X"}]}, "questions[0].kind: must be one of"),
    ({"questions": [{"id": "x", "kind": "text", "label": ""}]}, "questions[0].label: must not be empty"),
    ({"questions": [{"id": "x", "kind": "text", "label": "X"}, {"id": "x", "kind": "text", "label": "Y"}]},
     'questions[1].id: "x" is used by another question'),
    ({"questions": [{"id": "x", "kind": "text", "label": "X", "match": "topics"}]},
     'questions[0].match: "topics" needs a question of kind multi_choice'),
    ({"questions": [{"id": "s", "kind": "scale", "label": "S", "scale_min": 5, "scale_max": 3}]},
     "questions[0].scale_max: must be greater than scale_min"),
    ({"agreement_template": {"dress_code": "x"}}, "agreement_template.dress_code: is not a part"),
    ({"competencies": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}, 'competencies[1].id: "a" is used twice'),
    ("not an object", "program: the configuration must be an object"),
])
def test_invalid_configuration_names_place_and_problem(raw, message):
    with pytest.raises(ConfigurationError) as error:
        clean_config(raw)
    assert message in error.value.message


def test_choice_question_can_be_a_criterion():
    config = clean_config({
        "questions": [{"id": "style", "kind": "choice", "label": "Style", "match": "choice",
                       "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}],
        "criteria": {"style": 2, "topics": 1},
    })
    assert config["criteria"] == {"style": 2.0, "topics": 1.0}
