"""Assessment grading: scores published to the gradebook, completion, weight changes, rescoring."""
import pytest
from xblock.completable import XBlockCompletionMode
from xblock.scorable import Score

from mentoring_xblock import compat
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
    assert grades(published) == [{"value": 2.5, "max_value": 2.5, "only_if_higher": None}]
    assert [user for user, _data in published.credited] == [make_user("mentee").pk]
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
    assert grades(published)[-1] == {"value": 1.0, "max_value": 1.0, "only_if_higher": None}
    assert {user for user, _data in published.credited} == {make_user("mentor").pk}
    assert ("completion", {"completion": 1.0}) in published
    # A new mentee makes the mentor's assessment incomplete again; the next view republishes 0.
    add_mentee(program, "third")
    pair(program, mentee="third")
    published.clear()
    render(usage, "mentor")
    assert grades(published) == [{"value": 0.0, "max_value": 1.0, "only_if_higher": None}]
    assert published.credited[-1][0] == make_user("mentor").pk


@pytest.mark.django_db
def test_weight_change_is_republished_on_view(program, people, published):
    usage = assessment("self_pre", weight="2")
    call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    saved = call(usage, "coordinator", "studio_submit", {"definition": {"weight": 4}})
    assert saved.status == 200, saved.body
    published.clear()
    render(usage, "mentee")
    assert grades(published) == [{"value": 4.0, "max_value": 4.0, "only_if_higher": None}]
    assert published.credited[-1][0] == make_user("mentee").pk
    published.clear()
    render(usage, "mentee")
    assert grades(published) == []
    # People who never answered get no grade event from a view.
    render(usage, "learner")
    assert grades(published) == []


@pytest.fixture
def platform_rescore(monkeypatch):
    """The LMS's instructor-task rescore, as queued by compat (the platform tests run the real one)."""
    queued = []

    def queue(usage_key, only_if_higher=False):
        queued.append((str(usage_key), only_if_higher))
        return f"task-{len(queued)}"
    monkeypatch.setattr(compat, "queue_rescore_all", queue)
    return queued


def _checkin_with_answers(program):
    pair(program)
    usage = assessment("checkin", weight="3")
    call(usage, "mentee", "save_response", {"answers": {"meets_regularly": 4, "feels_heard": 4, "progress": 4},
                                            "submit": True})
    call(usage, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                            "answers": {"meets_regularly": 4}})
    return usage


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_rescore_all_queues_the_platform_rescore_for_every_role(program, people, person, status, published,
                                                                  platform_rescore):
    usage = _checkin_with_answers(program)
    published.clear()
    result = call(usage, person, "rescore_all", {})
    assert result.status == status, result.body
    # Whoever calls, the block publishes no grade: the LMS would credit it to the caller.
    assert grades(published) == []
    if status == 200:
        # One submitted respondent (the mentor only saved a draft); the platform's task rescores each learner.
        assert result.body == {"queued": 1, "task_id": "task-1"}
        assert platform_rescore == [(str(block_as(usage, "coordinator").assessment().usage_key), False)]
        assert ActivityEvent.objects.filter(verb="assessment.rescored").count() == 1
    else:
        assert platform_rescore == [] and result.error
        assert not ActivityEvent.objects.filter(verb="assessment.rescored").exists()


@pytest.mark.django_db
def test_rescore_all_outside_the_lms_says_why_and_changes_nothing(program, people, published):
    usage = _checkin_with_answers(program)
    published.clear()
    result = call(usage, "coordinator", "rescore_all", {})
    assert result.status == 409 and "instructor tasks" in result.error
    assert grades(published) == [] and not ActivityEvent.objects.filter(verb="assessment.rescored").exists()


@pytest.mark.django_db
def test_rescore_all_with_no_submission_says_so(program, people, platform_rescore):
    result = call(assessment("checkin"), "coordinator", "rescore_all", {})
    assert result.status == 409 and "Nobody has submitted" in result.error and platform_rescore == []


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
    assert grades(published) == [{"value": 1.0, "max_value": 1.0, "only_if_higher": True}]
    assert published.credited == [(make_user("mentee").pk, grades(published)[0])]
    assert not block_as(usage, "learner").has_submitted_answer()
