"""Assessments: who answers what about whom, answers, drafts and submission, periods, scores, growth, reports.

Rules:
* self_pre / self_post: a mentee about themself (``subject`` is the respondent, never NULL);
* mentee_rates_mentor: a mentee about the mentor of their active match;
* mentor_rates_mentee / goal_attainment: a mentor about each mentee of their active matches;
* checkin: either side of an active match about the other;
* repeating kinds (``repeat_days`` > 0) get one response per period, where
  period = days since the match started // repeat_days;
* a submitted response changes only where the definition has ``allow_edit_after_submit``;
* completion is the respondent's: 1.0 when they have submitted (a mentor: every current mentee
  rated), else 0.0;
* the grade follows the definition's ``grading`` (``assessment_config.GRADINGS``): "completion" gives the
  respondent ``weight`` x completion; "subject_result" gives the person rated ``weight`` x the result of
  the latest submitted answers about them (0..1, ``answers_result``); "none" counts for nobody (0 of 0);
* the person rated reads the answers about them only where ``shared_with_subject`` is set.

``answers`` rows keep ``{"items": {item_id: value}, "competencies": {id: value},
"scales": {id: [low, high]}, "ranges": {item_id: [low, high]}, "goals": {goal_id: {"title": ...,
"value": ...}}}`` so that growth, reports and the result work across blocks without loading them.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from xblock.scorable import Score

from .. import policy
from ..errors import NotFound, ValidationError
from ..models import AssessmentResponse, Goal, Match, Participant
from ..reference import translated
from ..validation import is_number, is_whole
from .people import MENTEE, MENTOR, role_in_program

SELF_KINDS = ("self_pre", "self_post")
# Which side answers each kind.
ANSWERED_BY = {
    "self_pre": {MENTEE}, "self_post": {MENTEE}, "mentee_rates_mentor": {MENTEE},
    "mentor_rates_mentee": {MENTOR}, "goal_attainment": {MENTOR}, "checkin": {MENTEE, MENTOR},
}
GOAL_POINTS = [
    {"value": -2, "label": gettext_noop("Much less than expected")},
    {"value": -1, "label": gettext_noop("Somewhat less than expected")},
    {"value": 0, "label": gettext_noop("As expected")},
    {"value": 1, "label": gettext_noop("Somewhat more than expected")},
    {"value": 2, "label": gettext_noop("Much more than expected")},
]
MAX_KEY = 64
KIND_LABELS = {
    "self_pre": gettext_noop("Self-assessment before the program"),
    "self_post": gettext_noop("Self-assessment after the program"),
    "mentor_rates_mentee": gettext_noop("Mentor's rating of the mentee"),
    "mentee_rates_mentor": gettext_noop("Feedback on your mentor"),
    "checkin": gettext_noop("Relationship check-in"),
    "goal_attainment": gettext_noop("Goal attainment"),
}


@dataclass(frozen=True)
class Assessment:
    """One assessment block as the services see it: its program, usage key and clean definition."""

    program: object
    usage_key: object
    definition: dict

    @property
    def kind(self):
        """The definition's kind."""
        return self.definition["kind"]


@dataclass
class Target:
    """One form the respondent fills: about ``subject``, in ``match``, for ``period``."""

    subject: Participant
    match: Match | None
    period: int
    goals: list = field(default_factory=list)


# ---- who answers what about whom -----------------------------------------------------------------

def period_of(match, repeat_days, now=None):
    """The schedule period of ``now`` in ``match``: 0 unless the assessment repeats."""
    if not repeat_days or match is None:
        return 0
    start = match.started_at or match.created
    days = ((now or timezone.now()) - start).days
    return max(days, 0) // repeat_days


def targets_for(assessment, participant, now=None):
    """Every form ``participant`` fills in this assessment now (empty when there is nothing to answer).

    Two queries at most, whatever the number of mentees: active matches, then their goals.
    """
    side = role_in_program(participant)
    kind, repeat = assessment.kind, assessment.definition["repeat_days"]
    if side not in ANSWERED_BY[kind]:
        return []
    if kind in SELF_KINDS:
        return [Target(subject=participant, match=None, period=0)]
    if side == MENTEE:
        match = Match.objects.filter(mentee=participant, state=Match.State.ACTIVE).select_related("mentor").first()
        if match is None:
            return []
        return [Target(subject=match.mentor, match=match, period=period_of(match, repeat, now))]
    matches = list(Match.objects.filter(mentor=participant, state=Match.State.ACTIVE)
                   .select_related("mentee").order_by("mentee__display_name", "mentee__username", "pk"))
    targets = [Target(subject=m.mentee, match=m, period=period_of(m, repeat, now)) for m in matches]
    if kind == "goal_attainment" and targets:
        goals = defaultdict(list)
        for goal in Goal.objects.filter(match__in=matches).exclude(status=Goal.Status.DROPPED).order_by("pk"):
            goals[goal.match_id].append(goal)
        for target in targets:
            target.goals = goals[target.match.pk]
    return targets


def goal_item(goal_id, title, expected=""):
    """A goal of the pair as an item rated on the goal scale (the form asks it; a shared answer shows it)."""
    return {"id": f"goal_{goal_id}", "kind": "scale", "prompt": title, "required": True, "competency": "",
            "goal": goal_id, "expected": expected,
            "points": [{"value": p["value"], "label": translated(p["label"])} for p in GOAL_POINTS]}


def form_items(definition, target):
    """The items of the form for ``target``: each goal of the pair first (goal attainment), then the authored ones."""
    return [goal_item(goal.pk, goal.title, goal.measurable) for goal in target.goals] + list(definition["items"])


# ---- answers -------------------------------------------------------------------------------------


def answers_result(items, cleaned):
    """What the answers say on 0..1; None when no scale item was answered.

    The mean of the scale items answered, each placed between its lowest point (0) and its highest (1).
    """
    places = []
    for item in items:
        value = cleaned.get(item["id"])
        if item.get("kind") != "scale" or not is_whole(value):
            continue
        points = [point["value"] for point in item["points"]]
        low, high = min(points), max(points)
        places.append((value - low) / (high - low) if high > low else 1.0)
    return sum(places) / len(places) if places else None


def stored_result(answers):
    """The result (0..1) of a row's stored answers from the ranges kept with them; None without any."""
    answers = answers or {}
    values, ranges = answers.get("items") or {}, answers.get("ranges") or {}
    items = [{"id": key, "kind": "scale", "points": [{"value": low}, {"value": high}]}
             for key, (low, high) in ranges.items()]
    return answers_result(items, values)


def answers_of(response):
    """The item answers kept on a response row."""
    return (response.answers or {}).get("items", {}) if response is not None else {}


# ---- scores and completion -----------------------------------------------------------------------

def completion_from(targets, responses):
    """1.0 when the respondent has submitted, else 0.0.

    ``targets`` are a mentor's current mentees (empty for mentees): then every one of them must be
    rated. ``responses`` are the respondent's rows in this block (any period).
    """
    submitted = {r.subject_id for r in responses if r.state == AssessmentResponse.State.SUBMITTED}
    if targets:
        return 1.0 if all(t.subject.pk in submitted for t in targets) else 0.0
    return 1.0 if submitted else 0.0


def graded_weight(definition):
    """What the block is worth in the gradebook: its weight, or 0 when it counts for nobody."""
    return 0.0 if definition["grading"] == "none" else float(definition["weight"])


def score_from(definition, fraction):
    """The raw score: the graded weight times ``fraction`` (completion, or the rating's result), out of it."""
    weight = graded_weight(definition)
    return Score(raw_earned=weight * fraction, raw_possible=weight)


def _answers_about(assessment, participant):
    """The submitted answers about ``participant`` by someone else in this block, newest first."""
    return (AssessmentResponse.objects.filter(usage_key=assessment.usage_key, subject=participant,
                                              state=AssessmentResponse.State.SUBMITTED)
            .exclude(respondent=participant).order_by("-submitted_at", "-pk"))


def _about(assessment, participant):
    """The latest submitted answers about ``participant`` by someone else (what grades them by rating)."""
    return _answers_about(assessment, participant).first()


def rating_result(rating):
    """What a rating gives the person rated, 0..1 (0 when there is none or it has no scale answer)."""
    return rating.result if rating is not None and rating.result is not None else 0.0


def graded_by_rating(assessment):
    """True when the block grades the person rated, by the rating (not the respondent)."""
    return assessment.definition["grading"] == "subject_result"


def grade_of(assessment, participant, now=None):
    """(Score, completion) of ``participant`` in this block: completion is always the respondent's."""
    if participant is None:
        return score_from(assessment.definition, 0.0), 0.0
    targets = targets_for(assessment, participant, now) if role_in_program(participant) == MENTOR else []
    responses = list(AssessmentResponse.objects.filter(usage_key=assessment.usage_key, respondent=participant)
                     .only("subject_id", "state"))
    completion = completion_from(targets, responses)
    if graded_by_rating(assessment):
        return score_from(assessment.definition, rating_result(_about(assessment, participant))), completion
    return score_from(assessment.definition, completion), completion


def grade_for_identity(assessment, identity):
    """(Score, completion) of the caller (0 for people who are not in the program)."""
    return grade_of(assessment, Participant.of_user(assessment.program, identity.user_id))


def has_submitted(assessment, identity):
    """True when the caller has a grade to publish here.

    They submitted, or (where the rating is the grade of the person rated) someone submitted answers about them.
    """
    participant = Participant.of_user(assessment.program, identity.user_id)
    if participant is None:
        return False
    if graded_by_rating(assessment):
        return _about(assessment, participant) is not None
    return AssessmentResponse.objects.filter(
        usage_key=assessment.usage_key, respondent=participant, state=AssessmentResponse.State.SUBMITTED).exists()


def shared_answers(assessment, participant):
    """The submitted answers about ``participant`` that they may read here, newest first, with the respondent.

    Empty where the block does not share them (``shared_with_subject``).
    """
    if participant is None or not assessment.definition["shared_with_subject"]:
        return []
    return list(_answers_about(assessment, participant).select_related("respondent"))


# ---- growth --------------------------------------------------------------------------------------

def competency_labels(program):
    """Competency id -> label from the program's configuration."""
    return {c["id"]: c["label"] for c in (program.configuration or {}).get("competencies", [])}


def growth_rows(program, subject, responses=None):
    """Per competency: the mentee's rating before, after, and their mentor's latest rating.

    Looks responses up by program + kind (the pre and post forms are different blocks). One query.
    """
    if responses is None:
        responses = AssessmentResponse.objects.filter(
            program=program, subject=subject, state=AssessmentResponse.State.SUBMITTED,
            kind__in=("self_pre", "self_post", "mentor_rates_mentee")).order_by("submitted_at", "pk")
    latest = {}
    for response in responses:  # oldest first: the last one of each kind wins
        if response.kind in SELF_KINDS and response.respondent_id != subject.pk:
            continue
        latest[response.kind] = response
    if "self_pre" not in latest or "self_post" not in latest:
        return None
    labels = competency_labels(program)
    values = {kind: (row.answers or {}).get("competencies", {}) for kind, row in latest.items()}
    scales = {}
    for row in latest.values():
        scales.update((row.answers or {}).get("scales", {}))
    order = list(labels) + sorted({c for v in values.values() for c in v} - set(labels))
    rows = []
    for competency in order:
        before = values["self_pre"].get(competency)
        after = values["self_post"].get(competency)
        if before is None and after is None:
            continue
        rows.append({"id": competency, "label": labels.get(competency, competency.replace("_", " ").capitalize()),
                     "before": before, "after": after, "mentor": values.get("mentor_rates_mentee", {}).get(competency),
                     "change": after - before if before is not None and after is not None else None,
                     "scale": scales.get(competency, [1, 6])})
    return rows


# ---- reports (coordinators) ----------------------------------------------------------------------

KIND_ORDER = ("self_pre", "self_post", "mentor_rates_mentee", "mentee_rates_mentor", "checkin", "goal_attainment")
RATE_COLUMNS = ("kind", "expected", "drafts", "submitted", "response_rate")
GROWTH_COLUMNS = ("competency", "label", "mentees", "average_before", "average_after", "average_change",
                  "average_mentor_rating")
CHECKIN_COLUMNS = ("period", "item", "responses", "average")
RECORD_COLUMNS = ("kind", "usage_key", "period", "state", "submitted_at", "respondent", "subject", "item", "value")
REPORTS = {"rates": RATE_COLUMNS, "growth": GROWTH_COLUMNS, "checkins": CHECKIN_COLUMNS}


def _require_coordinator(identity):
    policy.require("coordinate", identity)


def _mean(values):
    values = [v for v in values if is_number(v)]
    return round(sum(values) / len(values), 2) if values else None


def response_rates(program, identity):
    """Per kind: how many forms are expected now, drafts, submitted, and the rate. Three queries."""
    _require_coordinator(identity)
    mentees = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE, is_mentee=True).count()
    pairs = Match.objects.filter(program=program, state=Match.State.ACTIVE).count()
    expected = {"self_pre": mentees, "self_post": mentees, "mentor_rates_mentee": pairs,
                "mentee_rates_mentor": pairs, "checkin": 2 * pairs, "goal_attainment": pairs}
    seen = defaultdict(dict)  # kind -> (respondent, subject) -> submitted?
    for kind, respondent, subject, state in AssessmentResponse.objects.filter(program=program).values_list(
            "kind", "respondent_id", "subject_id", "state"):
        key = (respondent, subject)
        seen[kind][key] = seen[kind].get(key, False) or state == AssessmentResponse.State.SUBMITTED
    rows = []
    for kind in KIND_ORDER:
        submitted = sum(1 for done in seen[kind].values() if done)
        drafts = len(seen[kind]) - submitted
        rows.append({"kind": kind, "expected": expected[kind], "drafts": drafts, "submitted": submitted,
                     "response_rate": round(100.0 * submitted / expected[kind], 1) if expected[kind] else None})
    return rows


def competency_report(program, identity):
    """Per competency: mentees with both self-assessments, average before/after, change, mentor rating. One query."""
    _require_coordinator(identity)
    latest = {}
    for row in AssessmentResponse.objects.filter(
            program=program, state=AssessmentResponse.State.SUBMITTED,
            kind__in=("self_pre", "self_post", "mentor_rates_mentee")).order_by("submitted_at", "pk").only(
            "kind", "subject_id", "respondent_id", "answers"):
        if row.kind in SELF_KINDS and row.respondent_id != row.subject_id:
            continue
        latest[(row.subject_id, row.kind)] = (row.answers or {}).get("competencies", {})
    labels = competency_labels(program)
    subjects = {subject for subject, _kind in latest}
    found = {c for values in latest.values() for c in values}
    rows = []
    for competency in list(labels) + sorted(found - set(labels)):
        pairs = [(latest[(s, "self_pre")].get(competency), latest[(s, "self_post")].get(competency))
                 for s in subjects if (s, "self_pre") in latest and (s, "self_post") in latest]
        pairs = [(before, after) for before, after in pairs if before is not None and after is not None]
        mentor = [latest[(s, "mentor_rates_mentee")].get(competency) for s in subjects
                  if (s, "mentor_rates_mentee") in latest]
        before, after = _mean([p[0] for p in pairs]), _mean([p[1] for p in pairs])
        rows.append({"competency": competency, "label": labels.get(competency, competency), "mentees": len(pairs),
                     "average_before": before, "average_after": after,
                     "average_change": round(after - before, 2) if pairs else None,
                     "average_mentor_rating": _mean(mentor)})
    return rows


def checkin_trends(program, identity):
    """Per check-in period and scale item: how many answered and the average. One query."""
    _require_coordinator(identity)
    values = defaultdict(list)
    for period, answers in AssessmentResponse.objects.filter(
            program=program, kind="checkin", state=AssessmentResponse.State.SUBMITTED).values_list("period", "answers"):
        for item, value in ((answers or {}).get("items") or {}).items():
            if is_whole(value):
                values[(period, item)].append(value)
    return [{"period": period, "item": item, "responses": len(found), "average": _mean(found)}
            for (period, item), found in sorted(values.items())]


def report(program, identity, name):
    """``(columns, rows)`` of the report called ``name`` (rates, growth, checkins)."""
    if name not in REPORTS:
        _require_coordinator(identity)
        raise ValidationError(_("Choose one of the reports: {names}.").format(names=", ".join(REPORTS)),
                              {"report": _("Unknown report.")})
    builder = {"rates": response_rates, "growth": competency_report, "checkins": checkin_trends}[name]
    return REPORTS[name], builder(program, identity)


def learner_record(program, identity, username):
    """Every assessment response given by or about one participant (found by username), oldest first."""
    _require_coordinator(identity)
    if not isinstance(username, str) or not username.strip() or len(username) > 150:
        raise ValidationError(_("Give the username of a participant."), {"username": _("Missing.")})
    person = Participant.objects.filter(program=program, username=username.strip()).first()
    if person is None:
        raise NotFound(_("Nobody with this username takes part in this program."))
    rows = (AssessmentResponse.objects.filter(Q(respondent=person) | Q(subject=person), program=program)
            .select_related("respondent", "subject").order_by("created", "pk"))
    record = []
    for row in rows:
        record.append({
            "kind": row.kind, "usage_key": str(row.usage_key), "period": row.period, "state": row.state,
            "submitted_at": row.submitted_at.isoformat() if row.submitted_at else "",
            "respondent": row.respondent.username, "subject": row.subject.username,
            "answers": answers_of(row), "goals": (row.answers or {}).get("goals", {}),
        })
    return {"participant": person.username, "responses": record}


def record_rows(record):
    """A learner record flattened to one row per answer (RECORD_COLUMNS)."""
    rows = []
    for response in record["responses"]:
        base = {key: response[key] for key in RECORD_COLUMNS[:7]}
        answers = response["answers"] or {"": ""}
        for item, value in sorted(answers.items()):
            rows.append(dict(base, item=item, value="; ".join(value) if isinstance(value, list) else value))
    return rows
