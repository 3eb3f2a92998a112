"""Grades as the LMS records them.

- ``xmodule/services.py::_handle_grade_event``: a block's ``grade`` event is recorded for the user of
  the request (``StudentModule`` of that user); ``event["user_id"]`` is never read. A block can grade
  only the person it is serving, so an event naming anyone else is a lie that lands on the caller.
- ``lms/djangoapps/grades/transformer.py::_collect_max_score``: at course publish, every block with
  ``has_score`` is asked for ``max_score()``; None leaves it out of grading (a warning in the log).
- The instructor dashboard's rescore (``lms/djangoapps/instructor_task``) loads the block once per
  learner, bound to that learner, and calls ``rescore(only_if_higher)``.
"""
import re

import pytest

from mentoring_xblock import compat
from mentoring_xblock.demo import program_olx

from ..harness import block_as, make_user, parse_olx
from ..test_assessment import SELF_ANSWERS
from .runtimes import call_handler, lms_block

CHECKIN_ANSWERS = {"meets_regularly": 4, "feels_heard": 4, "progress": 4}
GRADED_PROGRAM = re.sub(r"<participation_grading [^>]*/>",
                        '<participation_grading enabled="true" weight="2" matched="true"/>', program_olx())


def _submit(usage_id, user, answers, credited):
    block = lms_block(usage_id, user, credited=credited)
    result = call_handler(block, "save_response", {"answers": answers, "submit": True})
    assert result.status == 200, result.body
    return result


@pytest.mark.django_db
def test_a_submission_grades_the_person_who_submitted(program, people):
    usage_id = parse_olx('<mentoring_assessment program="leadership" kind="self_pre" weight="2"/>')
    credited = []
    _submit(usage_id, make_user("mentee"), SELF_ANSWERS, credited)
    assert credited == [(make_user("mentee").pk, {"value": 2.0, "max_value": 2.0, "only_if_higher": None})]


@pytest.mark.django_db
def test_no_grade_event_names_a_user(program, people):
    """The LMS ignores the field; a block that sends it believes it can grade someone else."""
    usage_id = parse_olx('<mentoring_assessment program="leadership" kind="self_pre"/>')
    credited = []
    _submit(usage_id, make_user("mentee"), SELF_ANSWERS, credited)
    lms_block(usage_id, make_user("mentee"), credited=credited).rescore(only_if_higher=False)
    assert credited and all("user_id" not in event for _user, event in credited)


@pytest.mark.django_db
def test_a_coordinator_rescoring_everyone_gets_no_grade_and_nobody_is_graded_by_proxy(program, people,
                                                                                   monkeypatch):
    usage_id = parse_olx('<mentoring_assessment program="leadership" kind="checkin" weight="3"/>')
    from ..test_assessment import pair
    pair(program)
    credited = []
    _submit(usage_id, make_user("mentee"), CHECKIN_ANSWERS, credited)
    credited.clear()
    queued = []
    monkeypatch.setattr(compat, "queue_rescore_all", lambda key, only_if_higher=False: queued.append(key) or "t1")
    coordinator = lms_block(usage_id, make_user("coordinator", staff=True), course_staff=True, credited=credited)
    result = call_handler(coordinator, "rescore_all", {})
    assert result.status == 200 and result.body == {"queued": 1, "task_id": "t1"}
    assert credited == []  # nothing lands on the coordinator's record
    assert len(queued) == 1
    # The platform's task then rescores each learner with the block bound to that learner.
    learner = lms_block(usage_id, make_user("mentee"), credited=credited)
    assert learner.has_submitted_answer()
    learner.rescore(only_if_higher=False)
    assert credited == [(make_user("mentee").pk, {"value": 3.0, "max_value": 3.0, "only_if_higher": False})]


@pytest.mark.django_db
@pytest.mark.parametrize("olx, expected", [
    ('<mentoring_assessment program="leadership" kind="self_pre"/>', 1.0),
    ('<mentoring_assessment program="leadership" kind="checkin" weight="2.5"/>', 2.5),
    ('<mentoring_assessment program="leadership" kind="mentor_rates_mentee" weight="0"/>', 0.0),
    (GRADED_PROGRAM, 2.0),
])
def test_the_grades_transformer_gets_a_max_score_from_every_scored_block(olx, expected):
    """``GradesTransformer._collect_max_score``: ``block.max_score()`` for every block with has_score."""
    block = block_as(parse_olx(olx), "anonymous")
    assert getattr(block, "has_score", False) is True
    max_score = block.max_score()
    assert max_score is not None and max_score == expected == block.weight


@pytest.mark.django_db
def test_an_ungraded_program_has_no_score_to_collect():
    block = block_as(parse_olx(program_olx()), "anonymous")
    assert getattr(block, "has_score", False) is False
