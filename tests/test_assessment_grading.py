"""Assessment grading: scores published to the gradebook, completion, weight changes, rescoring."""
import pytest
from xblock.completable import XBlockCompletionMode
from xblock.scorable import Score

from mentoring_xblock.models import ActivityEvent

from .harness import block_as, call, make_user, render
from .test_assessment import SELF_ANSWERS, add_mentee, assessment, grades, pair, participant

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")


@pytest.mark.django_db
def test_block_declares_score_and_completion(program, people):
    block = block_as(assessment("self_pre", weight="2.5"), "mentee")
    assert block.has_score is True and block.weight == 2.5
    assert block.has_custom_completion is True and block.completion_mode == XBlockCompletionMode.COMPLETABLE
    assert block.get_score() == Score(0.0, 2.5)
    block.set_score(Score(2.5, 2.5))
    assert block.get_score() == Score(2.5, 2.5)


@pytest.mark.django_db
def test_submission_publishes_weighted_grade_and_completion(program, people, published):
    usage = assessment("self_pre", weight="2.5")
    result = call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    assert result.body["score"] == 2.5 and result.body["max_score"] == 2.5 and result.body["completion"] == 1.0
    user_id = make_user("mentee").pk
    assert grades(published) == [{"value": 2.5, "max_value": 2.5, "only_if_higher": None, "user_id": user_id}]
    assert ("completion", {"completion": 1.0}) in published
    assert block_as(usage, "mentee").get_score() == Score(2.5, 2.5)
    published.clear()
    render(usage, "mentee")  # nothing changed: no new grade
    assert grades(published) == []


@pytest.mark.django_db
def test_mentor_completes_when_every_current_mentee_is_rated(program, people, published):
    add_mentee(program, "second")
    pair(program)
    pair(program, mentee="second")
    usage = assessment("mentor_rates_mentee")
    first = call(usage, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                                   "answers": SELF_ANSWERS, "submit": True})
    assert first.status == 200 and first.body["completion"] == 0.0
    assert grades(published)[-1]["value"] == 0.0
    assert ("completion", {"completion": 1.0}) not in published
    second = call(usage, "mentor", "save_response", {"subject_id": participant(program, "second").pk,
                                                    "answers": SELF_ANSWERS, "submit": True})
    assert second.body["completion"] == 1.0
    assert grades(published)[-1] == {"value": 1.0, "max_value": 1.0, "only_if_higher": None,
                                     "user_id": make_user("mentor").pk}
    assert ("completion", {"completion": 1.0}) in published
    # A new mentee makes the mentor's assessment incomplete again; the next view republishes 0.
    add_mentee(program, "third")
    pair(program, mentee="third")
    published.clear()
    render(usage, "mentor")
    assert grades(published) == [{"value": 0.0, "max_value": 1.0, "only_if_higher": None,
                                  "user_id": make_user("mentor").pk}]


@pytest.mark.django_db
def test_weight_change_is_republished_on_view(program, people, published):
    usage = assessment("self_pre", weight="2")
    call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    saved = call(usage, "coordinator", "studio_submit", {"definition": {"weight": 4}})
    assert saved.status == 200, saved.body
    published.clear()
    render(usage, "mentee")
    assert grades(published) == [{"value": 4.0, "max_value": 4.0, "only_if_higher": None,
                                  "user_id": make_user("mentee").pk}]
    published.clear()
    render(usage, "mentee")
    assert grades(published) == []
    # People who never answered get no grade event from a view.
    render(usage, "learner")
    assert grades(published) == []


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_rescore_all_for_every_role(program, people, person, status, published):
    pair(program)
    usage = assessment("checkin", weight="3")
    call(usage, "mentee", "save_response", {"answers": {"meets_regularly": 4, "feels_heard": 4, "progress": 4},
                                            "submit": True})
    call(usage, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                            "answers": {"meets_regularly": 4}})
    published.clear()
    result = call(usage, person, "rescore_all", {})
    assert result.status == status, result.body
    if status == 200:
        assert result.body == {"rescored": 2}
        by_user = {event["user_id"]: (event["value"], event["max_value"]) for event in grades(published)}
        assert by_user == {make_user("mentee").pk: (3.0, 3.0), make_user("mentor").pk: (0.0, 3.0)}
        assert ActivityEvent.objects.filter(verb="assessment.rescored").count() == 1
    else:
        assert grades(published) == [] and result.error


@pytest.mark.django_db
def test_scorable_mixin_rescore(program, people, published):
    usage = assessment("self_pre")
    with pytest.raises(ValueError):
        block_as(usage, "mentee").rescore(only_if_higher=False)
    call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    published.clear()
    block = block_as(usage, "mentee")
    assert block.has_submitted_answer() and block.calculate_score() == Score(1.0, 1.0)
    block.rescore(only_if_higher=True)
    assert grades(published) == [{"value": 1.0, "max_value": 1.0, "only_if_higher": True,
                                  "user_id": make_user("mentee").pk}]
    assert not block_as(usage, "learner").has_submitted_answer()
