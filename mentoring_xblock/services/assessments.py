"""Assessments, the changes: saving answers (drafts and submission) and recalculating scores.

What the answers mean, who answers what about whom, grades, growth and reports are the domain's reads
(``domain.assessments``); this module only writes.
"""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from xblock.scorable import Score

from .. import compat, policy
from ..domain.activity import record_event
from ..domain.assessments import (
    ANSWERED_BY,
    GOAL_POINTS,
    MAX_KEY,
    answers_of,
    answers_result,
    form_items,
    grade_of,
    graded_by_rating,
    stored_result,
    targets_for,
)
from ..domain.people import MENTOR, role_in_program
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..models import AssessmentResponse, Participant
from ..validation import is_whole, text_answer
from . import notifications


@dataclass
class SaveResult:
    """What ``save_response`` did, with the respondent's new score and completion in this block."""

    response: AssessmentResponse
    score: Score
    completion: float


def _respondent(assessment, identity):
    """The caller as a respondent of this assessment, or 401/403 with what to do."""
    participant = Participant.of_user(assessment.program, identity.user_id)
    policy.require("answer_assessment", identity, participant)
    side = role_in_program(participant)
    if side not in ANSWERED_BY[assessment.kind]:
        if MENTOR in ANSWERED_BY[assessment.kind]:
            raise PermissionDenied(_("This assessment is answered by mentors."))
        raise PermissionDenied(_("This assessment is answered by mentees."))
    return participant


def _clean_value(item, value):
    """The answer to ``item`` cleaned, or raise ValueError with a message for the person."""
    kind = item["kind"]
    if kind == "scale":
        allowed = [point["value"] for point in item["points"]]
        if not is_whole(value) or value not in allowed:
            raise ValueError(_("Choose one point of the scale ({low} to {high}).").format(
                low=min(allowed), high=max(allowed)))
        return value
    if kind == "choice":
        allowed = [option["value"] for option in item["options"]]
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(_("Choose one of the options."))
        return value
    if kind == "multi_choice":
        allowed = [option["value"] for option in item["options"]]
        if not isinstance(value, list) or any(not isinstance(v, str) or v not in allowed for v in value):
            raise ValueError(_("Choose among the options shown."))
        return [v for v in allowed if v in value]  # authored order, no duplicates
    return text_answer(value, item["max_length"])


def clean_answers(items, raw, submit):
    """Answers keyed by item id, checked against ``items``; a ValidationError names every problem.

    Empty answers are left out. On submit every required item must be answered.
    """
    if not isinstance(raw, dict):
        raise ValidationError(_("Send the answers as an object keyed by question id."),
                              {"answers": _("Not an object.")})
    by_id = {item["id"]: item for item in items}
    errors, cleaned = {}, {}
    for key, value in raw.items():
        if key not in by_id:
            errors[str(key)[:MAX_KEY]] = _("This is not a question of this assessment.")
            continue
        if value is None or value == "" or value == []:
            continue
        try:
            value = _clean_value(by_id[key], value)
        except ValueError as error:
            errors[key] = str(error)
            continue
        if value not in ("", []):
            cleaned[key] = value
    if submit:
        for item in items:
            if item["required"] and item["id"] not in cleaned and item["id"] not in errors:
                errors[item["id"]] = _("Answer this question before you submit.")
    if errors:
        raise ValidationError(_("Some answers need your attention."), errors)
    return cleaned


def _stored(items, cleaned):
    """The JSON kept on the row: answers, the range of each scale answered, competencies and goal titles.

    The ranges let the row's result be recomputed from the row alone; competency values and goal titles
    serve growth and reports.
    """
    stored = {"items": cleaned, "competencies": {}, "scales": {}, "ranges": {}}
    goals = {}
    for item in items:
        value = cleaned.get(item["id"])
        if value is None:
            continue
        if item.get("kind") == "scale":
            points = [point["value"] for point in item["points"]]
            stored["ranges"][item["id"]] = [min(points), max(points)]
        if item.get("competency"):  # a scale item
            stored["competencies"][item["competency"]] = value
            stored["scales"][item["competency"]] = list(stored["ranges"][item["id"]])
        if item.get("goal"):
            goals[str(item["goal"])] = {"title": item["prompt"], "value": value}
    if goals:
        stored["goals"] = goals
    return stored


def backfill_results(assessment):
    """Give this block's answered rows without a result the result of their answers; returns how many.

    A row's own scale ranges come first; rows saved before they were kept (migration 0006 could only read
    the kinds' default items) get them from this block's definition, goal ratings from the goal scale.
    Rows with no scale answer keep NULL.
    """
    goal_item = {"kind": "scale", "points": GOAL_POINTS}
    by_id = {item["id"]: item for item in assessment.definition["items"]}
    changed = []
    for response in AssessmentResponse.objects.filter(usage_key=assessment.usage_key, result__isnull=True):
        values = answers_of(response)
        items = [dict(by_id[key]) if key in by_id else dict(goal_item, id=key)
                 for key in values if key in by_id or key.startswith("goal_")]
        response.result = stored_result(response.answers)
        if response.result is None:
            response.result = answers_result(items, values)
        if response.result is not None:
            changed.append(response)
    AssessmentResponse.objects.bulk_update(changed, ["result"], batch_size=500)
    return len(changed)


def _target(assessment, respondent, subject_id, now=None):
    targets = targets_for(assessment, respondent, now)
    if subject_id is not None and (not is_whole(subject_id)):
        raise ValidationError(_("Say whom the answers are about with their number."), {"subject_id": _("Not an id.")})
    if not targets:
        if role_in_program(respondent) == MENTOR:
            raise Conflict(_("You have no active mentee to rate yet."))
        raise Conflict(_("You can answer this once you have an active mentor."))
    if subject_id is None:
        if len(targets) > 1:
            raise ValidationError(_("Say which mentee the answers are about."), {"subject_id": _("Missing.")})
        return targets[0]
    for target in targets:
        if target.subject.pk == subject_id:
            return target
    raise NotFound(_("This person is not one of yours in this program."))


def save_response(assessment, identity, subject_id, answers, submit, now=None):
    """Save the caller's answers about ``subject_id`` as a draft, or submit them.

    Checks everything before writing; a submitted response is changed only where the definition
    allows it (409 otherwise). Returns a SaveResult with the new score and completion.
    """
    respondent = _respondent(assessment, identity)
    if not isinstance(submit, bool):
        raise ValidationError(_("Say whether to submit with true or false."), {"submit": _("Not true/false.")})
    target = _target(assessment, respondent, subject_id, now)
    items = form_items(assessment.definition, target)
    cleaned = clean_answers(items, answers, submit)
    if submit and not items:
        raise Conflict(_("Your pair has no goals yet. Set goals together in your workspace first."))
    now = now or timezone.now()
    with transaction.atomic():
        response = AssessmentResponse.objects.select_for_update().filter(
            usage_key=assessment.usage_key, respondent=respondent, subject=target.subject,
            period=target.period).first()
        if response is not None and response.state == AssessmentResponse.State.SUBMITTED:
            if not assessment.definition["allow_edit_after_submit"]:
                raise Conflict(_("You have already submitted these answers; they can no longer be changed."))
            if not submit:
                raise Conflict(_("These answers are submitted: submit your changes instead of saving a draft."))
        if response is None:
            response = AssessmentResponse(program=assessment.program, usage_key=assessment.usage_key,
                                          kind=assessment.kind, respondent=respondent, subject=target.subject,
                                          period=target.period)
        response.match = target.match
        response.kind = assessment.kind
        response.answers = _stored(items, cleaned)
        response.result = answers_result(items, cleaned)
        if submit:
            response.state, response.submitted_at, response.score = AssessmentResponse.State.SUBMITTED, now, 1.0
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:  # the same form saved in another window at the same moment
            raise Conflict(_("These answers were just saved in another window. Reload the page.")) from None
        record_event(assessment.program, identity.user_id,
                     "assessment.submitted" if submit else "assessment.draft_saved", response,
                     match=target.match, kind=assessment.kind, period=target.period)
        if submit and assessment.definition["shared_with_subject"] and target.subject.pk != respondent.pk:
            notifications.notify(assessment.program, target.subject,
                                 "assessment_graded" if graded_by_rating(assessment) else "assessment_shared",
                                 respondent=respondent.shown_name(
                                     _("your mentor") if role_in_program(respondent) == MENTOR else _("your mentee")))
    score, completion = grade_of(assessment, respondent)
    return SaveResult(response=response, score=score, completion=completion)


def queue_rescore(assessment, identity):
    """A coordinator has the LMS rescore everyone who submitted in this block (after the weight changed).

    The LMS runs its own rescore task, which loads the block for each learner and calls its ``rescore``;
    a block cannot publish a grade for anyone but the user it is serving. Outside the LMS (the workbench)
    there is no such task, and each person's score is republished when they next open the assessment.
    Returns ``{"queued": respondents, "task_id": id}``.
    """
    policy.require("coordinate", identity)
    backfill_results(assessment)
    graded = "subject_id" if graded_by_rating(assessment) else "respondent_id"
    respondents = (AssessmentResponse.objects.filter(usage_key=assessment.usage_key,
                                                     state=AssessmentResponse.State.SUBMITTED)
                   .values(graded).distinct().count())
    if not respondents:
        raise Conflict(_("Nobody has submitted this assessment yet: there is no score to recalculate."))
    task_id = compat.queue_rescore_all(assessment.usage_key)
    if task_id is None:
        raise Conflict(_("Scores are recalculated by the LMS's instructor tasks, which this site does not run. "
                         "Each person's score is published again the next time they open this assessment."))
    record_event(assessment.program, identity.user_id, "assessment.rescored", None, respondents=respondents,
                 usage_key=str(assessment.usage_key), task_id=str(task_id))
    return {"queued": respondents, "task_id": str(task_id)}
