"""
Reads for the coordinator's view.

Every function runs a fixed number of queries whatever the program's size; lists are paginated.
"""
import datetime

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from . import compat, policy
from .domain import health
from .domain import jobs as job_states
from .domain.matching import reason_sentences
from .models import ActivityEvent, AssessmentResponse, Match, MatchingRun, Meeting, Participant, RunProposal
from .selectors import person_card, program_counts
from .workspace_selectors import shown_time

PAGE_SIZE = 25
TREND_WEEKS = 8


def _page(query, page, size=PAGE_SIZE):
    """A page of a query plus paging facts (two queries)."""
    total = query.count()
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 1), pages)
    items = list(query[(page - 1) * size: page * size])
    return {"items": items, "page": page, "pages": pages, "total": total,
            "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None}


def overview(program):
    """Headline numbers and the weekly trend of pairs that started (a handful of queries).

    Each figure's definition is shown beside it (templates/coordinator.html) and recomputed from the rows by
    tests/test_coordinator.py::test_every_overview_figure_matches_its_definition.
    """
    counts = program_counts(program)
    mentees_matched = (Match.objects.filter(program=program, state=Match.State.ACTIVE)
                       .values("mentee").distinct().count())
    active = counts["matches_active"]
    proposed = Match.objects.filter(program=program, state=Match.State.PROPOSED).count()
    meetings_held = Meeting.objects.filter(match__program=program, match__state=Match.State.ACTIVE,
                                           status=Meeting.Status.HELD).count()
    # People, not forms: a person who submitted several check-ins counts once (the share was 150 %).
    responses = AssessmentResponse.objects.filter(program=program)
    submitters = responses.filter(state=AssessmentResponse.State.SUBMITTED).values("respondent").distinct().count()
    respondents = responses.values("respondent").distinct().count()
    since = timezone.now() - datetime.timedelta(weeks=TREND_WEEKS)
    # Pairs that started (a proposal is not a pair until accepted).
    weekly = dict(Match.objects.filter(program=program, started_at__gte=since).annotate(week=TruncWeek("started_at"))
                  .values_list("week").annotate(n=Count("id")).values_list("week", "n"))
    today = timezone.now().date()
    monday = today - datetime.timedelta(days=today.weekday())
    trend = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        start = monday - datetime.timedelta(weeks=back)
        value = sum(n for week, n in weekly.items() if week and week.date() == start)
        trend.append({"week": start, "pairs": value})
    most = max([point["pairs"] for point in trend] + [1])
    for index, point in enumerate(trend):
        point["height"] = round(60 * point["pairs"] / most)
        point["x"] = 10 + index * 36
        point["y"] = 70 - point["height"]
    return dict(
        counts,
        matches_proposed=proposed,
        mentees_matched=mentees_matched,
        matched_share=round(100 * mentees_matched / counts["mentees"]) if counts["mentees"] else 0,
        meetings_held=meetings_held,
        meetings_per_pair=round(meetings_held / active, 1) if active else 0,
        assessment_submitters=submitters,
        assessment_respondents=respondents,
        assessment_completion=round(100 * submitters / respondents) if respondents else 0,
        trend=trend,
    )


def participants(program, role="", state="", matched="", search="", page=1):
    """The filterable, searchable participant table (two queries)."""
    query = Participant.objects.filter(program=program)
    if role == "mentee":
        query = query.filter(is_mentee=True)
    elif role == "mentor":
        query = query.exclude(mentor_status="")
    if state == "pending":
        query = query.filter(mentor_status=Participant.MentorStatus.PENDING, status=Participant.Status.ACTIVE)
    elif state in (Participant.Status.ACTIVE, Participant.Status.WITHDRAWN, Participant.Status.REMOVED):
        query = query.filter(status=state)
    open_matches = Match.objects.filter(program=program, open_slot=True)
    if matched == "yes":
        query = query.filter(Q(pk__in=open_matches.values("mentee")) | Q(mentee_count__gt=0))
    elif matched == "no":
        query = query.exclude(pk__in=open_matches.values("mentee")).filter(mentee_count=0)
    if search:
        query = query.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    # One indexed subquery per side (an OR across both foreign keys cannot use an index).
    def latest(side):
        return Subquery(Match.objects.filter(**{side: OuterRef("pk")}).order_by("-last_activity_at")
                        .values("last_activity_at")[:1])
    query = query.annotate(as_mentee=latest("mentee"), as_mentor=latest("mentor")).order_by("username", "pk")
    result = _page(query, page)
    result["items"] = [{"participant": p, "card": person_card(p, program.configuration),
                        "last_activity": max(d for d in (p.as_mentee, p.as_mentor, p.modified) if d)}
                       for p in result["items"]]
    return result


def pair_health(program, at_risk_only=False, page=1, now=None):
    """Active pairs with last activity, meetings held, goal progress, last check-in; at-risk flag (two queries)."""
    now = now or timezone.now()
    threshold = health.quiet_since(program, now)
    query = (Match.objects.filter(program=program, state=Match.State.ACTIVE)
             .select_related("mentor", "mentee")
             .annotate(meetings_held=Count("meeting", filter=Q(meeting__status=Meeting.Status.HELD), distinct=True),
                       goal_progress=Avg("goal__progress"),
                       last_checkin=health.last_checkin())
             .order_by("last_activity_at", "pk"))
    if at_risk_only:
        query = query.filter(health.risky(threshold))
    result = _page(query, page)
    rows = []
    for match in result["items"]:
        inactive = match.last_activity_at is None or match.last_activity_at < threshold
        low = match.last_checkin is not None and match.last_checkin < health.LOW_CHECKIN
        reasons = []
        if inactive:
            days = program.configuration["inactivity_days"] if match.last_activity_at is None else \
                (now - match.last_activity_at).days
            reasons.append((ngettext("No activity for more than {days} day.", "No activity for more than {days} days.",
                                     days) if match.last_activity_at is None else
                            ngettext("No activity for {days} day.", "No activity for {days} days.", days))
                           .format(days=days))
        if low:
            reasons.append(gettext("The last check-in says {percent}% (below {limit}%).").format(
                percent=round(100 * match.last_checkin), limit=round(100 * health.LOW_CHECKIN)))
        rows.append({"match": match, "mentor": person_card(match.mentor, program.configuration),
                     "mentee": person_card(match.mentee, program.configuration),
                     "inactive": inactive, "low_checkin": low, "at_risk": inactive or low, "risk_reasons": reasons,
                     "last_checkin_percent": round(100 * match.last_checkin) if match.last_checkin is not None
                     else None,
                     "goal_progress": round(match.goal_progress) if match.goal_progress is not None else None})
    result["items"] = rows
    result["at_risk_total"] = health.at_risk(program, threshold).count()
    return result


def matching_view(program, run_id=None, page=1):
    """The latest runs, and one run's proposals (paginated) with reasons (a few queries)."""
    runs = list(MatchingRun.objects.filter(program=program).order_by("-created")[:5])
    run = next((r for r in runs if r.pk == run_id), None) if run_id else (runs[0] if runs else None)
    if run_id and run is None:
        run = MatchingRun.objects.filter(program=program, pk=run_id).first()
    state = {"runs": runs, "run": run, "proposals": None}
    state["run_stalled"], state["run_error"] = job_states.run_shown_state(run) if run else (False, "")
    if run is not None and run.state == MatchingRun.State.DRAFT:
        state["publish_effects"] = job_states.publish_effects(run)
    if run is not None and run.state in (MatchingRun.State.DRAFT, MatchingRun.State.PUBLISHED):
        # Proposed pairs by score (unmatched mentees score 0, so they come last).
        query = RunProposal.objects.filter(run=run).select_related("mentee", "mentor").order_by("-score", "pk")
        proposals = _page(query, page, size=50)
        config = program.configuration
        proposals["items"] = [{
            "proposal": p, "mentee": person_card(p.mentee, config),
            "mentor": person_card(p.mentor, config) if p.mentor else None,
            "score": round(100 * p.score), "reasons": reason_sentences(p.explanation, config, "coordinator"),
            "unmatched": p.get_unmatched_reason_display() if not p.mentor_id else "",
        } for p in proposals["items"]]
        state["proposals"] = proposals
    state["mentors"] = list(Participant.objects.filter(Participant.matchable_mentor(), program=program)
                            .order_by("username").values("pk", "username", "display_name", "capacity",
                                                         "mentee_count")[:500])
    if run is not None and run.state == MatchingRun.State.DRAFT:
        # Places as this draft uses them: pairs already open plus the draft's own proposals (what the draft's
        # edits are checked against), so a mentor the draft has filled reads as full.
        in_draft = dict(RunProposal.objects.filter(run=run, mentor__isnull=False).values_list("mentor")
                        .annotate(n=Count("id")).values_list("mentor", "n"))
        for mentor in state["mentors"]:
            mentor["draft_used"] = mentor["mentee_count"] + in_draft.get(mentor["pk"], 0)
            mentor["draft_full"] = mentor["draft_used"] >= mentor["capacity"]
    state["waiting_mentees"] = list(Participant.objects.filter(Participant.ready_mentee(), program=program)
        .exclude(pk__in=Match.objects.filter(program=program, open_slot=True).values("mentee"))
        .order_by("username").values("pk", "username", "display_name")[:500])
    return state


AUDIT_LABELS = {
    "participant.joined": gettext_lazy("joined the program"),
    "participant.left": gettext_lazy("left the program"),
    "participant.removed": gettext_lazy("removed from the program"),
    "participant.retired": gettext_lazy("account closed (data removed)"),
    "profile.saved": gettext_lazy("saved a profile"),
    "mentor.approved": gettext_lazy("approved a mentor"),
    "mentor.rejected": gettext_lazy("did not approve a mentor"),
    "mentor.paused": gettext_lazy("paused mentoring"),
    "mentor.resumed": gettext_lazy("resumed mentoring"),
    "mentor.capacity_changed": gettext_lazy("changed a mentor's capacity"),
    "request.created": gettext_lazy("asked a mentor"),
    "request.queued": gettext_lazy("joined the matching queue"),
    "request.withdrawn": gettext_lazy("withdrew a request"),
    "request.withdrawn_by_match": gettext_lazy("a request lapsed because its mentee was matched"),
    "request.accepted": gettext_lazy("accepted a request"),
    "request.declined": gettext_lazy("declined a request"),
    "request.expired": gettext_lazy("a request expired"),
    "match.accepted": gettext_lazy("accepted a proposed match"),
    "match.rematch_requested": gettext_lazy("asked to be re-matched"),
    "match.created_by_hand": gettext_lazy("proposed a pair by hand"),
    "match.ended": gettext_lazy("ended a pair"),
    "match.completed": gettext_lazy("completed a pair"),
    "match.nudged": gettext_lazy("nudged a pair"),
    "run.started": gettext_lazy("started a matching run"),
    "run.edited": gettext_lazy("changed a matching draft"),
    "run.resolved": gettext_lazy("solved a matching draft again"),
    "run.published": gettext_lazy("published a matching run"),
    "run.discarded": gettext_lazy("discarded a matching draft"),
    "run.stalled": gettext_lazy("gave up a matching run that had stopped responding"),
    "program.settings_changed": gettext_lazy("changed program settings"),
    "program.settings_reset": gettext_lazy("went back to Studio's settings"),
    "export.requested": gettext_lazy("asked for a large export"),
    "assessment.draft_saved": gettext_lazy("saved an assessment draft"),
    "assessment.submitted": gettext_lazy("submitted an assessment"),
    "assessment.rescored": gettext_lazy("rescored an assessment"),
}


# What the audit log can be narrowed to: the first part of the events' verbs.
AUDIT_KINDS = {"request": gettext_lazy("Requests"), "match": gettext_lazy("Pairs"),
               "run": gettext_lazy("Matching runs"), "participant": gettext_lazy("People joining and leaving"),
               "mentor": gettext_lazy("Mentors"), "program": gettext_lazy("Settings"),
               "assessment": gettext_lazy("Assessments")}


def audit(program, page=1, kind=""):
    """The program's activity log, newest first: who (by name), what, about whom, why (four queries)."""
    query = ActivityEvent.objects.filter(program=program).select_related("match__mentor", "match__mentee")
    if kind:
        query = query.filter(verb__startswith=f"{kind}.")
    result = _page(query.order_by("-created", "-pk"), page, size=50)
    reasons = policy.coordinator_reads_pair_content(program.configuration)
    events = result["items"]
    people = dict(Participant.objects.filter(program=program, pk__in=[
        e.object_id for e in events if e.object_type == "participant"]).values_list("pk", "username"))
    names = compat.usernames(e.actor_id for e in events)
    for event in events:
        event.label = str(AUDIT_LABELS.get(event.verb, event.verb))
        event.actor_name = names.get(event.actor_id) or (gettext("the system") if event.actor_id is None
                                                         else gettext("a former user"))
        if event.match_id:
            event.about = gettext("the pair {mentee} and {mentor}").format(
                mentee=event.match.mentee.shown_name(gettext("a participant")),
                mentor=event.match.mentor.shown_name(gettext("a participant")))
        elif event.object_type == "participant" and event.object_id in people:
            event.about = people[event.object_id]
        else:
            event.about = ""
        if event.match_id and not reasons:  # a pair's reason is the pair's to share (see the privacy level)
            event.reason = ""
        event.created_text = shown_time(event.created, "UTC")  # the course team has no profile zone
    result["kind"], result["kinds"] = kind, [(key, str(label)) for key, label in AUDIT_KINDS.items()]
    return result
