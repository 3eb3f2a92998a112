"""Reads for the assessment block's views: the viewer's forms, their growth chart, the coordinator's summary.

Query counts do not grow with the program: a participant's view makes at most five queries
(participant, matches, goals, responses, growth), a coordinator's four more.
"""
from django.utils.translation import gettext as _

from . import policy
from .domain import assessments as service
from .domain.people import MENTOR, role_in_program
from .models import AssessmentResponse, Participant
from .reference import translated

CHART_WIDTH = 360
BAR_SPACE = 250
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_HEIGHT = 24
GROUP_GAP = 16


def _display(item, value):
    """The answer as a person reads it."""
    if value is None or value == "" or value == []:
        return ""
    if item["kind"] == "scale":
        label = next((p["label"] for p in item["points"] if p["value"] == value), "")
        return f"{value:+d} · {label}" if item.get("goal") else f"{value} · {label}"
    if item["kind"] in ("choice", "multi_choice"):
        labels = {o["value"]: o["label"] for o in item["options"]}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    return value


def _form_item(item, value):
    shown = dict(item, value=value, display=_display(item, value))
    if item["kind"] == "scale":
        shown["choices"] = [dict(p, checked=p["value"] == value,
                                 shown_value=f"{p['value']:+d}" if item.get("goal") else str(p["value"]))
                            for p in item["points"]]
    elif item["kind"] in ("choice", "multi_choice"):
        chosen = value if isinstance(value, list) else [value]
        shown["choices"] = [dict(o, checked=o["value"] in chosen) for o in item["options"]]
    return shown


def _form(assessment, target, response, side):
    items = service.form_items(assessment.definition, target)
    answers = service.answers_of(response)
    state = response.state if response is not None else "new"
    about_self = target.subject.pk == getattr(response, "respondent_id", None) or (
        assessment.kind in service.SELF_KINDS)
    name = target.subject.shown_name(_("your mentee"))
    submitted = state == AssessmentResponse.State.SUBMITTED
    return {
        "subject_id": target.subject.pk,
        "subject_name": name,
        "about_self": about_self,
        "side": side,
        "period": target.period,
        "period_number": target.period + 1,
        "repeats": bool(assessment.definition["repeat_days"]),
        "state": state,
        "submitted_at": response.submitted_at if submitted else None,
        "can_edit": not submitted or assessment.definition["allow_edit_after_submit"],
        "items": [_form_item(item, answers.get(item["id"])) for item in items],
        "no_goals": assessment.kind == "goal_attainment" and not target.goals,
        "has_items": bool(items),
    }


def _shared(assessment, response):
    """Answers someone submitted about the viewer, as the viewer reads them (goals from the row itself)."""
    answers = service.answers_of(response)
    goals = (response.answers or {}).get("goals", {})
    items = [service.goal_item(int(goal_id), goal["title"]) for goal_id, goal in goals.items()] + list(
        assessment.definition["items"])
    fallback = _("your mentor") if role_in_program(response.respondent) == MENTOR else _("your mentee")
    return {"respondent": response.respondent.shown_name(fallback), "submitted_at": response.submitted_at,
            "items": [{"prompt": item["prompt"], "display": _display(item, answers.get(item["id"]))}
                      for item in items if answers.get(item["id"]) not in (None, "", [])]}


def growth_chart(rows):
    """Bar geometry for the growth chart and its text alternative (labels escape in the template)."""
    if not rows:
        return None
    high = max(row["scale"][1] for row in rows) or 1
    groups, y = [], 0
    series = (("before", _("Before")), ("after", _("After")), ("mentor", _("Mentor")))
    sentences = []
    for row in rows:
        bars = []
        label_y = y + 16
        y += LABEL_HEIGHT
        for key, name in series:
            value = row[key]
            width = round(BAR_SPACE * value / high, 1) if value is not None else 0
            text = f"{name}: {value}" if value is not None else _("{name}: not rated yet").format(name=name)
            bars.append({"key": key, "y": y, "width": width, "text": text, "text_x": width + 8,
                         "text_y": y + BAR_HEIGHT - 4})
            y += BAR_HEIGHT + BAR_GAP
        groups.append({"label": row["label"], "label_y": label_y, "bars": bars})
        y += GROUP_GAP
        mentor = row["mentor"] if row["mentor"] is not None else _("not rated yet")
        sentences.append(_("{label}: {before} before, {after} after, mentor {mentor}").format(
            label=row["label"], before=row["before"] if row["before"] is not None else "–",
            after=row["after"] if row["after"] is not None else "–", mentor=mentor))
    return {"width": CHART_WIDTH, "height": y, "groups": groups, "scale_high": high, "bar_height": BAR_HEIGHT,
            "summary": _("Your ratings out of {high}, before and after the program.").format(high=high) + " "
            + "; ".join(sentences) + "."}


def _coordinator_summary(assessment, identity):
    counts = {"draft": 0, "submitted": 0}
    for state in AssessmentResponse.objects.filter(usage_key=assessment.usage_key).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    rates = service.response_rates(assessment.program, identity)
    return {"block": counts,
            "rates": [dict(row, kind_label=translated(service.KIND_LABELS[row["kind"]])) for row in rates]}


def assessment_view_state(assessment, identity, now=None):
    """What the assessment block shows ``identity``: forms, answers, growth, or why there is nothing to do."""
    participant = Participant.of_user(assessment.program, identity.user_id)
    roles = policy.roles_of(identity, participant)
    side = role_in_program(participant)
    kind = assessment.kind
    state = {"is_authenticated": identity.is_authenticated, "side": side, "kind": kind,
             "is_coordinator": policy.COORDINATOR in roles, "forms": [], "notice": "", "growth": None,
             "score": None, "completion": 0.0, "shared": [], "grading": assessment.definition["grading"],
             "answers_by": sorted(service.ANSWERED_BY[kind])}
    if not identity.is_authenticated:
        state["notice"] = "anonymous"
        return state
    if side is None:
        state["notice"] = "not_in_program"
    elif side not in service.ANSWERED_BY[kind]:
        state["notice"] = "for_mentors" if MENTOR in service.ANSWERED_BY[kind] else "for_mentees"
    else:
        targets = service.targets_for(assessment, participant, now)
        responses = list(AssessmentResponse.objects.filter(usage_key=assessment.usage_key, respondent=participant))
        current = {(r.subject_id, r.period): r for r in responses}
        state["forms"] = [_form(assessment, t, current.get((t.subject.pk, t.period)), side) for t in targets]
        if not targets:
            state["notice"] = "no_mentees" if side == MENTOR else "no_mentor"
        completion = service.completion_from(targets if side == MENTOR else [], responses)
        state["completion"] = completion
        state["score"] = service.score_from(assessment.definition, completion)
        if kind == "self_post" and completion:
            rows = service.growth_rows(assessment.program, participant)
            state["growth"] = {"rows": rows, "chart": growth_chart(rows)} if rows else {"missing_pre": True}
    if side is not None:
        shared = service.shared_answers(assessment, participant)  # newest first: the first is the grading one
        state["shared"] = [_shared(assessment, row) for row in shared]
        if service.graded_by_rating(assessment):
            state["score"] = service.score_from(assessment.definition,
                                                service.rating_result(shared[0] if shared else None))
            state["graded_by_rating"] = True
    if state["is_coordinator"]:
        state["summary"] = _coordinator_summary(assessment, identity)
    return state
