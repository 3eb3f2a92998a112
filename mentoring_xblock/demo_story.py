"""A lived-in demo program: pairs at every stage, a published run, a draft, check-ins good and bad.

Everything goes through the services a person's click would call (so the demo shows what the product
really makes of it); only the passing of time is written directly (dates moved back). ``seed_story``
runs once per program: when the program already has a pair it does nothing.

Who is who afterwards (the start page says the same):

* learner_01 + mentor_01: a healthy pair: agreement signed, two goals, a meeting held, messages, good
  check-ins, a mentor's rating shared with the mentee;
* learner_02 + mentor_02: a pair at risk: quiet for five weeks, a check-in that says "we have not met";
* learner_03: a request to mentor_03 waiting for an answer, with a message;
* learner_04: a pair with mentor_04 that ended (a past pair, its workspace archived);
* learner_05 .. learner_12: matched by the course team's published cohort run (proposed, waiting to accept);
* learner_13 .. learner_20: in a draft run the coordinator has not published yet;
* learner_21 and up: waiting for a mentor (ask one, or join the queue).
"""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import compat
from .assessment_config import COMPETENCY_PROMPTS, clean_definition
from .domain import assessments as rules
from .domain.agreements import agreement_template
from .identity import Identity
from .models import ActivityEvent, Match, MatchingRun, Meeting, Message, Participant, RunProposal
from .services import assessments, matching_runs, mentorship, workspace

# What each person of the story can try (the demo's start page lists them; English, like that page).
WHO_TO_TRY = [
    ("coordinator", "Coordinator (course staff): the cockpit: pair health with a pair at risk, a published run, "
                    "a draft to edit and publish, reports"),
    ("learner_01", "Mentee in a healthy pair: open the workspace (agreement, goals, meetings, messages)"),
    ("mentor_01", "Mentor of learner_01, with free places for new requests"),
    ("learner_02", "Mentee in a pair at risk: quiet for five weeks, a bad check-in"),
    ("mentor_03", "Mentor with a request waiting for an answer (from learner_03)"),
    ("learner_03", "Mentee waiting for an answer to their request"),
    ("learner_04", "Mentee whose pair ended: the archived workspace"),
    ("learner_05", "Mentee proposed a mentor by the course team's run: accept or ask for another"),
    ("learner_21", "Mentee still looking: suggestions with reasons, or the course team's queue"),
]
# The story's answers belong to the demo's assessment blocks: the workbench names each scenario's block by its
# title (``MentoringAssessmentBlock.workbench_scenarios``; tests/test_demo_story.py checks these are its names).
SCENARIO_USAGE_IDS = {
    "checkin": "mentoring-assessment-monthly-relationship-check-in.mentoring_assessment.d0.u0",
    "mentor_rates_mentee": "mentoring-assessment-mentors-rate-your-mentees-growth.mentoring_assessment.d0.u0",
}
SCENARIO_DEFINITIONS = {"checkin": {"kind": "checkin", "repeat_days": 30}, "mentor_rates_mentee": {
    "kind": "mentor_rates_mentee"}}


def _identity(username):
    user = get_user_model().objects.get(username=username)
    return Identity(user.pk, user.username, False, True, full_name=user.get_full_name())


def _participant(program, username):
    return Participant.objects.get(program=program, username=username)


def _assessment(program, kind):
    key = compat.runtime_usage_key(program.course_key, "mentoring_assessment", SCENARIO_USAGE_IDS[kind])
    return rules.Assessment(program, key, clean_definition(SCENARIO_DEFINITIONS[kind]))


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _pair(program, mentee, mentor, welcome):
    request = mentorship.request_mentor(program, _identity(mentee), _participant(program, mentor).pk,
                                        "I would like to grow as a leader with your help.")
    mentorship.respond_to_request(program, _identity(mentor), request.pk, True, welcome)
    return Match.objects.get(program=program, mentee__username=mentee, state=Match.State.ACTIVE)


def _checkin(program, match, answers, mentee_comment=""):
    checkin = _assessment(program, "checkin")
    mentee, mentor = _identity(match.mentee.username), _identity(match.mentor.username)
    values = dict(answers, comment=mentee_comment) if mentee_comment else answers
    assessments.save_response(checkin, mentee, None, values, True)
    assessments.save_response(checkin, mentor, match.mentee.pk, answers, True)


def _healthy_pair(program):
    match = _pair(program, "learner_01", "mentor_01", "Welcome! Let's start with what you want from this.")
    mentee, mentor = _identity("learner_01"), _identity("mentor_01")
    template = agreement_template(program)
    agreement = workspace.save_agreement(program, mentor, match.pk, dict(
        template, version=0, meeting_frequency="Every two weeks, 45 minutes, on video.",
        expectations="Learner_01 brings one real situation to each meeting; we agree a next step each time."))
    workspace.sign_agreement(program, mentor, match.pk, {"version": agreement.version})
    workspace.sign_agreement(program, mentee, match.pk, {"version": agreement.version})
    for title, progress in (("Delegate the weekly report to a team member", 60),
                            ("Give one piece of specific feedback every week", 30)):
        workspace.create_goal(program, mentee, match.pk, {
            "title": title, "measurable": "Checked together at each meeting.", "status": "in_progress",
            "progress": progress})
    start = (timezone.now() + datetime.timedelta(minutes=1)).replace(microsecond=0).isoformat()
    meeting = workspace.schedule_meeting(program, mentor, match.pk, {
        "starts_at": start, "duration_minutes": 45, "location": "Video call", "agenda": "Goals and first steps"})
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_days_ago(9))
    meeting.refresh_from_db()
    workspace.log_meeting(program, mentor, match.pk, {
        "meeting_id": meeting.pk, "version": meeting.version, "status": "held",
        "notes": "We chose the weekly report as the first thing to hand over.",
        "next_steps": "Learner_01 writes the brief for the report by Friday."})
    workspace.post_message(program, mentee, match.pk, {"body": "Here is my **first draft** of the brief."})
    workspace.post_message(program, mentor, match.pk, {"body": "Good start. Say what *done* looks like."})
    _checkin(program, match, {"meets_regularly": 5, "feels_heard": 4, "progress": 4}, "Going well so far.")
    rating = _assessment(program, "mentor_rates_mentee")
    assessments.save_response(rating, mentor, match.mentee.pk,
                              dict({competency: 3 for competency in COMPETENCY_PROMPTS},
                                   comment="Clear progress in delegating; next, feedback."), True)


def _quiet_pair(program):
    match = _pair(program, "learner_02", "mentor_02", "Happy to help. Book a time that suits you.")
    _checkin(program, match, {"meets_regularly": 1, "feels_heard": 2, "progress": 1},
             "We have not met once since we were matched.")
    quiet = _days_ago(36)
    Match.objects.filter(pk=match.pk).update(started_at=quiet, last_activity_at=quiet, created=quiet)


def _past_pair(program):
    match = _pair(program, "learner_04", "mentor_04", "Glad to work with you.")
    workspace.post_message(program, _identity("learner_04"), match.pk,
                           {"body": "Thank you for these three months."})
    mentorship.end_match(program, _identity("learner_04"), match.pk,
                         "We reached the goals we set together.")
    Match.objects.filter(pk=match.pk).update(started_at=_days_ago(120), ended_at=_days_ago(20))


def _runs(program, coordinator):
    """A published run over learners 05-12, then a draft over learners 13-20 (the others sit out)."""
    waiting = list(Participant.objects.filter(program=program, is_mentee=True, status="active",
                                              username__startswith="learner_").order_by("username"))
    groups = {"published": {f"learner_{n:02d}" for n in range(5, 13)},
              "draft": {f"learner_{n:02d}" for n in range(13, 21)}}
    for state, names in groups.items():
        # Only this group is ready for this run: the others are set aside for a moment (consent off).
        aside = [p for p in waiting if p.username not in names and p.consent_at]
        Participant.objects.filter(pk__in=[p.pk for p in aside]).update(consent_at=None)
        try:
            run = matching_runs.start_run(program, coordinator, {"objective": "participation"})
        finally:
            for person in aside:
                Participant.objects.filter(pk=person.pk).update(consent_at=person.consent_at)
        run.refresh_from_db()
        if state == "published" and run.state == MatchingRun.State.DRAFT:
            matching_runs.publish_run(program, coordinator, run.pk)
            MatchingRun.objects.filter(pk=run.pk).update(created=_days_ago(3))


def seed_story(program, coordinator):
    """Give ``program`` its story (once: nothing happens when it already has pairs). Returns True if seeded."""
    if Match.objects.filter(program=program).exists() or RunProposal.objects.filter(run__program=program).exists():
        return False
    needed = ["learner_%02d" % n for n in range(1, 21)] + ["mentor_%02d" % n for n in range(1, 5)]
    if Participant.objects.filter(program=program, username__in=needed).count() < len(needed):
        return False  # a smaller demo (fewer people): no story
    _healthy_pair(program)
    _quiet_pair(program)
    mentorship.request_mentor(program, _identity("learner_03"), _participant(program, "mentor_03").pk,
                              "I lead a new team of five and would value your view on our first quarter.")
    _past_pair(program)
    _runs(program, coordinator)
    # The story's own timeline: what happened over the past weeks, not all in the last minute.
    ActivityEvent.objects.filter(program=program, match__mentee__username="learner_02").update(created=_days_ago(36))
    Message.objects.filter(match__mentee__username="learner_04").update(created=_days_ago(25))
    return True
