"""The coordinator's cockpit and cohort matching: every handler for every role, bad input, scale."""
import csv
import io

import pytest
from webob import Request

from mentoring_xblock.demo import demo_people
from mentoring_xblock.models import ActivityEvent, Match, MatchingRun, Notification, Participant, RunProposal

from .factories import add_person, participant
from .harness import block_as, call, make_user, render

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")
STAFF_ONLY = {"anonymous": 401, "learner": 403, "mentee": 403, "mentor": 403, "coordinator": 200}


def seed(program, mentees=12, mentors=4, suffix=""):
    """Demo people with complete profiles; mentors approved."""
    for person in demo_people(mentees=mentees, mentors=mentors, seed=11):
        add_person(program, person["username"] + suffix, person["role"], capacity=None, profile=person["profile"])


@pytest.fixture
def cohort(program, people):
    seed(program)
    return program


def run_draft(usage, **params):
    result = call(usage, "coordinator", "start_run", params)
    assert result.status == 200, result.body
    assert result.body["state"] == "draft"
    return result.body["run_id"]


# ---- panel and tabs ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
@pytest.mark.parametrize("tab", ["overview", "participants", "matching", "health", "audit"])
def test_coordinator_panel_for_every_role(program_usage, cohort, person, tab):
    result = call(program_usage, person, "coordinator_panel", {"tab": tab})
    assert result.status == STAFF_ONLY[person]
    if result.status == 200:
        assert "mentoring-coord-panel" in result.body["html"]


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"tab": "secrets"}, "tab"),
    ({"tab": "participants", "page": 0}, "page"),
    ({"tab": "participants", "page": "2"}, "page"),
    ({"tab": "participants", "role": "admin"}, "role"),
    ({"tab": "participants", "search": "x" * 101}, "search"),
    ({"tab": "health", "at_risk": "yes"}, "at_risk"),
    ({"tab": "matching", "run_id": "1"}, "run_id"),
])
def test_coordinator_panel_bad_input(program_usage, cohort, body, field):
    result = call(program_usage, "coordinator", "coordinator_panel", body)
    assert result.status == 400 and field in result.body["field_errors"]


@pytest.mark.django_db
def test_participants_filters_and_search(program_usage, cohort):
    html = call(program_usage, "coordinator", "coordinator_panel",
                {"tab": "participants", "role": "mentor"}).body["html"]
    assert "5 people" in html  # 4 seeded mentors + the fixture's mentor
    html = call(program_usage, "coordinator", "coordinator_panel",
                {"tab": "participants", "search": "learner_03"}).body["html"]
    assert "1 person" in html and "learner_03" in html
    Participant.objects.filter(program=cohort, username="mentor_01").update(mentor_status="pending")
    html = call(program_usage, "coordinator", "coordinator_panel",
                {"tab": "participants", "state": "pending"}).body["html"]
    assert "Approve" in html and "mentor_01" in html


@pytest.mark.django_db
def test_coordinator_sees_cockpit_in_the_block(program_usage, cohort):
    html, _queries = render(program_usage, "coordinator")
    assert "Run the program (course team)" in html and "Pairs that started each week" in html
    # The course team came to run the program: no "How would you like to take part?" first; taking part
    # themselves is a disclosure after the cockpit.
    assert "How would you like to take part?" not in html
    assert html.index("Run the program (course team)") < html.index("Take part in the program yourself")
    learner_html, _queries = render(program_usage, "mentee")
    assert "Run the program" not in learner_html
    newcomer_html, _queries = render(program_usage, "learner")
    assert "How would you like to take part?" in newcomer_html and "Take part in the program yourself" not in \
        newcomer_html


# ---- people actions ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_review_mentor_for_every_role(program_usage, cohort, person, people):
    target = participant(cohort, "mentor_02")
    Participant.objects.filter(pk=target.pk).update(mentor_status="pending")
    result = call(program_usage, people[person], "review_mentor", {"participant_id": target.pk, "approve": True})
    assert result.status == STAFF_ONLY[person]
    target.refresh_from_db()
    assert target.mentor_status == ("approved" if result.status == 200 else "pending")
    if result.status == 200:
        assert Notification.objects.filter(recipient=target, kind="mentor_approved").exists()
        assert ActivityEvent.objects.filter(verb="mentor.approved", object_id=target.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body, status", [
    ({"approve": True}, 400),
    ({"participant_id": "PID", "approve": "yes"}, 400),
    ({"participant_id": 10**9, "approve": True}, 404),
    ({"participant_id": "LEARNER", "approve": True}, 404),   # not a mentor
    ({"participant_id": "PID", "approve": True, "reason": "x" * 1001}, 400),
    ({"participant_id": "PID", "approve": False}, 400),  # turning someone down says why
    ({"participant_id": "PID", "approve": False, "reason": "   "}, 400),
])
def test_review_mentor_bad_input(program_usage, cohort, body, status):
    ids = {"PID": participant(cohort, "mentor_02").pk, "LEARNER": participant(cohort, "learner_01").pk}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    before = list(Participant.objects.order_by("pk").values())
    assert call(program_usage, "coordinator", "review_mentor", body).status == status
    assert list(Participant.objects.order_by("pk").values()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_set_capacity_for_every_role(program_usage, cohort, person, people):
    target = participant(cohort, "mentor_02")
    new = 5 if target.capacity != 5 else 3
    result = call(program_usage, people[person], "set_capacity", {"participant_id": target.pk, "capacity": new})
    assert result.status == STAFF_ONLY[person]
    target.refresh_from_db()
    assert (target.capacity == new) == (result.status == 200)


@pytest.mark.django_db
def test_set_capacity_limits(program_usage, cohort):
    target = participant(cohort, "mentor_02")
    Participant.objects.filter(pk=target.pk).update(capacity=3, mentee_count=2)
    for capacity, status in ((1, 400), (0, 400), (6, 400), ("3", 400), (2, 200), (5, 200)):
        result = call(program_usage, "coordinator", "set_capacity", {"participant_id": target.pk,
                                                                     "capacity": capacity})
        assert result.status == status, (capacity, result.body)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_remove_participant_for_every_role(program_usage, cohort, person, people):
    target = participant(cohort, "learner_05")
    result = call(program_usage, people[person], "remove_participant",
                  {"participant_id": target.pk, "reason": "Left the company"})
    assert result.status == STAFF_ONLY[person]
    target.refresh_from_db()
    assert (target.status == "removed") == (result.status == 200)


@pytest.mark.django_db
def test_remove_needs_a_reason_and_ends_pairs(program_usage, cohort):
    run_id = run_draft(program_usage)
    assert call(program_usage, "coordinator", "publish_run", {"run_id": run_id}).status == 200
    match = Match.objects.filter(program=cohort).select_related("mentee", "mentor").first()
    missing = call(program_usage, "coordinator", "remove_participant", {"participant_id": match.mentee_id})
    assert missing.status == 400 and "reason" in missing.body["field_errors"]
    mentor_before = participant(cohort, match.mentor.username).mentee_count
    assert call(program_usage, "coordinator", "remove_participant",
                {"participant_id": match.mentee_id, "reason": "Asked to leave"}).status == 200
    match.refresh_from_db()
    assert match.state == "ended"
    assert participant(cohort, match.mentor.username).mentee_count == mentor_before - 1


# ---- cohort matching -----------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_start_run_for_every_role(program_usage, cohort, person, people):
    result = call(program_usage, people[person], "start_run", {})
    assert result.status == STAFF_ONLY[person]
    assert MatchingRun.objects.count() == (1 if result.status == 200 else 0)


@pytest.mark.django_db
def test_run_proposes_pairs_with_reasons_and_respects_capacity(program_usage, cohort):
    run_id = run_draft(program_usage)
    run = MatchingRun.objects.get(pk=run_id)
    proposals = list(RunProposal.objects.filter(run=run).select_related("mentor"))
    waiting = Participant.objects.filter(program=cohort, is_mentee=True).count()
    assert len(proposals) == waiting == run.metrics["mentees"]
    load = {}
    for proposal in proposals:
        if proposal.mentor_id:
            assert proposal.score > 0 and proposal.explanation
            load[proposal.mentor_id] = load.get(proposal.mentor_id, 0) + 1
        else:
            assert proposal.unmatched_reason in ("no_candidate", "capacity", "below_min_score")
    for mentor_id, count in load.items():
        assert count <= Participant.objects.get(pk=mentor_id).free_capacity
    assert run.metrics["matched"] == sum(load.values()) > 0
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching"}).body["html"]
    assert "Publish these pairs" in html and "Both speak" in html
    # Small cohorts are solved exactly; a large one (flow solver) shows its certified bound.
    assert run.metrics["optimal"] and run.metrics["optimality_gap"] == 0
    assert "solved approximately" not in html
    MatchingRun.objects.filter(pk=run_id).update(metrics={**run.metrics, "optimal": False, "optimality_gap": 0.0123})
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching"}).body["html"]
    assert "solved approximately" in html and "at most 0.012 below the best possible" in html


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"objective": "chaos"}, "objective"),
    ({"min_score": 2}, "min_score"),
    ({"min_score": "high"}, "min_score"),
    ({"top_k": 0}, "top_k"),
    ({"weights": {"astrology": 1}}, "weights.astrology"),
    ({"weights": {"topics": -1}}, "weights.topics"),
    ({"weights": {"topics": 0, "language": 0, "timezone": 0, "availability": 0, "seniority": 0,
                  "meeting_style": 0}}, "weights"),
    ({"colour": "red"}, "colour"),
])
def test_start_run_bad_input(program_usage, cohort, body, field):
    result = call(program_usage, "coordinator", "start_run", body)
    assert result.status == 400 and field in result.body["field_errors"], result.body
    assert not MatchingRun.objects.exists()


@pytest.mark.django_db
def test_publish_creates_proposed_matches_and_notifies(program_usage, cohort, emails_sent):
    run_id = run_draft(program_usage)
    matched = RunProposal.objects.filter(run_id=run_id, mentor__isnull=False).count()
    result = call(program_usage, "coordinator", "publish_run", {"run_id": run_id})
    assert result.status == 200 and result.body["state"] == "published"
    assert Match.objects.filter(program=cohort, state="proposed", origin="run").count() == matched
    assert Notification.objects.filter(kind="match_proposed").count() == 2 * matched
    assert len(emails_sent) == 2 * matched
    again = call(program_usage, "coordinator", "publish_run", {"run_id": run_id})
    assert again.status == 409 and "only a draft" in again.error


@pytest.mark.django_db
def test_publish_is_all_or_nothing(program_usage, cohort):
    run_id = run_draft(program_usage)
    proposal = RunProposal.objects.filter(run_id=run_id, mentor__isnull=False).select_related("mentor").first()
    # Meanwhile the mentor became full.
    Participant.objects.filter(pk=proposal.mentor_id).update(capacity=1, mentee_count=1)
    result = call(program_usage, "coordinator", "publish_run", {"run_id": run_id})
    assert result.status == 409 and "Nothing was published" in result.error
    assert not Match.objects.filter(program=cohort, origin="run").exists()
    assert MatchingRun.objects.get(pk=run_id).state == "draft"
    Participant.objects.filter(pk=proposal.mentor_id).update(capacity=5, mentee_count=0)
    assert call(program_usage, "coordinator", "resolve_run", {"run_id": run_id}).status == 200
    assert call(program_usage, "coordinator", "publish_run", {"run_id": run_id}).status == 200


@pytest.mark.django_db
def test_edit_draft_force_remove_and_resolve_around_fixed_pairs(program_usage, cohort):
    run_id = run_draft(program_usage)
    proposals = list(RunProposal.objects.filter(run_id=run_id, mentor__isnull=False))
    first, second = proposals[0], proposals[1]
    mentors = {p.mentor_id for p in proposals}
    # Remove a pair.
    result = call(program_usage, "coordinator", "edit_proposal", {"run_id": run_id, "mentee_id": first.mentee_id,
                                                                  "mentor_id": None})
    assert result.status == 200 and result.body["mentor_id"] is None
    assert RunProposal.objects.get(pk=first.pk).unmatched_reason == "removed"
    # Force a pair and keep it through a re-solve.
    target_mentor = next(iter(mentors - {second.mentor_id}), second.mentor_id)
    mentor = Participant.objects.get(pk=target_mentor)
    Participant.objects.filter(pk=target_mentor).update(capacity=mentor.capacity + 1)
    forced = call(program_usage, "coordinator", "edit_proposal",
                  {"run_id": run_id, "mentee_id": second.mentee_id, "mentor_id": target_mentor, "fixed": True})
    assert forced.status == 200, forced.body
    assert call(program_usage, "coordinator", "resolve_run", {"run_id": run_id}).status == 200
    kept = RunProposal.objects.get(run_id=run_id, mentee_id=second.mentee_id)
    assert kept.mentor_id == target_mentor and kept.is_fixed


@pytest.mark.django_db
def test_edit_draft_respects_capacity_and_bad_input(program_usage, cohort):
    run_id = run_draft(program_usage)
    proposal = RunProposal.objects.filter(run_id=run_id, mentor__isnull=False).first()
    full_mentor = participant(cohort, "mentor_03")
    Participant.objects.filter(pk=full_mentor.pk).update(capacity=1, mentee_count=1)
    refused = call(program_usage, "coordinator", "edit_proposal",
                   {"run_id": run_id, "mentee_id": proposal.mentee_id, "mentor_id": full_mentor.pk})
    assert refused.status == 409 and "no free place" in refused.error
    for body, status in (({"run_id": run_id, "mentee_id": 10**9, "mentor_id": None}, 404),
                         ({"run_id": "x", "mentee_id": proposal.mentee_id}, 400),
                         ({"run_id": run_id, "mentee_id": proposal.mentee_id, "mentor_id": "m"}, 400),
                         ({"run_id": run_id, "mentee_id": proposal.mentee_id, "mentor_id": 10**9}, 404),
                         ({"run_id": run_id, "mentee_id": proposal.mentee_id, "fixed": "yes"}, 400),
                         ({"run_id": 10**9, "mentee_id": proposal.mentee_id}, 404)):
        assert call(program_usage, "coordinator", "edit_proposal", body).status == status, body


@pytest.mark.django_db
@pytest.mark.parametrize("handler", ["publish_run", "resolve_run", "discard_run", "run_status", "edit_proposal"])
@pytest.mark.parametrize("person", ROLES)
def test_run_handlers_for_every_role(program_usage, cohort, people, handler, person):
    run_id = run_draft(program_usage)
    proposal = RunProposal.objects.filter(run_id=run_id).first()
    result = call(program_usage, people[person], handler, {"run_id": run_id, "mentee_id": proposal.mentee_id,
                                                            "mentor_id": None})
    assert result.status == STAFF_ONLY[person], (handler, result.body)


@pytest.mark.django_db
def test_discard_and_one_run_at_a_time(program_usage, cohort):
    run_id = run_draft(program_usage)
    assert call(program_usage, "coordinator", "discard_run", {"run_id": run_id}).body["state"] == "discarded"
    MatchingRun.objects.create(program=cohort, created_by=1, state="running")
    busy = call(program_usage, "coordinator", "start_run", {})
    assert busy.status == 409 and "already in progress" in busy.error


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_manual_match_for_every_role(program_usage, cohort, people, person):
    mentee, mentor = participant(cohort, "learner_02"), participant(cohort, "mentor_02")
    result = call(program_usage, people[person], "manual_match", {"mentee_id": mentee.pk, "mentor_id": mentor.pk})
    assert result.status == STAFF_ONLY[person]
    if result.status == 200:
        match = Match.objects.get(pk=result.body["match_id"])
        assert match.state == "proposed" and match.origin == "coordinator" and match.explanation
        again = call(program_usage, "coordinator", "manual_match", {"mentee_id": mentee.pk, "mentor_id": mentor.pk})
        assert again.status == 409 and "already has a mentor" in again.error


@pytest.mark.django_db
def test_run_with_a_minimum_score_leaves_poor_fits_unmatched(program_usage, cohort):
    run_id = run_draft(program_usage, objective="score", min_score=0.95)
    reasons = set(RunProposal.objects.filter(run_id=run_id, mentor__isnull=True)
                  .values_list("unmatched_reason", flat=True))
    assert "below_min_score" in reasons or not reasons


# ---- pair health and nudges ----------------------------------------------------------------------

def active_pairs(usage, program):
    run_id = run_draft(usage)
    call(usage, "coordinator", "publish_run", {"run_id": run_id})
    Match.objects.filter(program=program).update(state="active")
    return list(Match.objects.filter(program=program))


@pytest.mark.django_db
def test_pair_health_marks_quiet_pairs_at_risk_and_nudges_them(program_usage, cohort, emails_sent):
    import datetime

    from django.utils import timezone
    pairs = active_pairs(program_usage, cohort)
    quiet = pairs[0]
    Match.objects.filter(pk=quiet.pk).update(last_activity_at=timezone.now() - datetime.timedelta(days=60))
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "health", "at_risk": True}).body["html"]
    assert "1 pair is at risk" in html and "At risk" in html
    emails_sent.clear()  # the proposals' emails
    result = call(program_usage, "coordinator", "nudge", {"at_risk": True, "note": "Book your next meeting"})
    assert result.body == {"nudged": 1}
    assert len(emails_sent) == 2 and "Book your next meeting" in emails_sent[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_nudge_for_every_role(program_usage, cohort, people, person):
    pairs = active_pairs(program_usage, cohort)
    result = call(program_usage, people[person], "nudge", {"match_ids": [pairs[0].pk]})
    assert result.status == STAFF_ONLY[person]


@pytest.mark.django_db
@pytest.mark.parametrize("body, status", [
    ({"match_ids": []}, 400), ({"match_ids": "1"}, 400), ({"match_ids": [True]}, 400),
    ({"match_ids": list(range(1, 150))}, 400), ({"match_ids": [10**9]}, 404),
    ({"match_ids": ["PAIR"], "note": "x" * 1001}, 400),
])
def test_nudge_bad_input(program_usage, cohort, body, status):
    pairs = active_pairs(program_usage, cohort)
    body = {key: [pairs[0].pk if v == "PAIR" else v for v in value] if isinstance(value, list) else value
            for key, value in body.items()}
    assert call(program_usage, "coordinator", "nudge", body).status == status


# ---- exports -------------------------------------------------------------------------------------

def download(usage, person, kind):
    block = block_as(usage, person)
    response = block.runtime.handle(block, "export_csv", Request.blank(f"/?kind={kind}"))
    return response.status_code, b"".join(response.app_iter).decode("utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_exports_for_every_role(program_usage, cohort, people, person):
    status, _body = download(program_usage, people[person], "participants")
    assert status == STAFF_ONLY[person]


@pytest.mark.django_db
@pytest.mark.parametrize("kind, header", [
    ("participants", "participant_id"), ("matches", "match_id"), ("meetings", "meeting_id"),
    ("responses", "response_id"), ("audit", "event_id"),
])
def test_exports_have_a_stable_header(program_usage, cohort, kind, header):
    status, body = download(program_usage, "coordinator", kind)
    assert status == 200 and body.splitlines()[0].split(",")[0] == header


@pytest.mark.django_db
def test_export_neutralises_formulas_and_unknown_kind(program_usage, cohort):
    Participant.objects.filter(program=cohort, username="learner_01").update(display_name='=HYPERLINK("x")')
    _status, body = download(program_usage, "coordinator", "participants")
    rows = list(csv.reader(io.StringIO(body)))
    names = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(\"x\")" in names
    status, _body = download(program_usage, "coordinator", "passwords")
    assert status == 400


# ---- scale ---------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("tab", ["overview", "participants", "matching", "health", "audit"])
def test_cockpit_queries_do_not_grow_with_the_program(program_usage, program, people, tab):
    seed(program, mentees=6, mentors=2, suffix="_a")
    active_pairs(program_usage, program)
    small = call(program_usage, "coordinator", "coordinator_panel", {"tab": tab}).queries
    seed(program, mentees=30, mentors=8, suffix="_b")
    run_id = run_draft(program_usage)
    call(program_usage, "coordinator", "publish_run", {"run_id": run_id})
    Match.objects.filter(program=program).update(state="active")
    large = call(program_usage, "coordinator", "coordinator_panel", {"tab": tab}).queries
    assert large == small, (tab, small, large)


@pytest.mark.django_db
def test_benchmark_command_prints_constant_query_counts(capsys):
    from django.core.management import call_command
    call_command("mentoring_benchmark", "--participants", "600", "--pairs", "150", "--mentors", "60", "--scratch")
    lines = [line for line in capsys.readouterr().out.splitlines()[2:] if line.strip()]
    assert len(lines) == 8
    for line in lines:
        numbers = line.split()[-5:]
        assert numbers[0] == numbers[1], line  # the same number of queries at both sizes


# ---- program settings from the LMS ---------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_save_settings_for_every_role(program_usage, program, people, person):
    result = call(program_usage, people[person], "save_settings", {"matching_mode": "coordinator"})
    assert result.status == STAFF_ONLY[person]
    program.refresh_from_db()
    assert (program.configuration["matching_mode"] == "coordinator") == (result.status == 200)


@pytest.mark.django_db
def test_settings_changed_in_the_lms_win_over_studio_until_reset(program_usage, program, people):
    changes = {"matching_mode": "coordinator", "request_expiry_days": 3, "criteria": {"topics": 5, "language": 2},
               "agreement_template": {"expectations": "Weekly calls"}}
    result = call(program_usage, "coordinator", "save_settings", dict(changes, privacy="metadata"))  # unchanged
    assert result.status == 200 and result.body["overridden"] == sorted(changes)
    render(program_usage, "mentee")  # the block syncs Studio's configuration: the overrides stay on top
    program.refresh_from_db()
    config = program.configuration
    assert config["matching_mode"] == "coordinator" and config["request_expiry_days"] == 3
    assert config["criteria"] == {"topics": 5.0, "language": 2.0}
    assert config["agreement_template"]["expectations"] == "Weekly calls"
    assert config["questions"]  # structure stays authored
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "settings"}).body["html"]
    assert "Changed here" in html and "Use Studio" in html
    assert call(program_usage, "coordinator", "reset_settings", {}).status == 200
    render(program_usage, "mentee")
    program.refresh_from_db()
    assert program.configuration["matching_mode"] == "both" and program.settings_overrides == {}
    assert ActivityEvent.objects.filter(verb="program.settings_changed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({}, "settings"),
    ({"questions": []}, "questions"),
    ({"matching_mode": "lottery"}, "matching_mode"),
    ({"request_expiry_days": 0}, "request_expiry_days"),
    ({"criteria": {"astrology": 1}}, "criteria"),
    ({"starts": "2027-01-01", "ends": "2026-01-01"}, "ends"),
])
def test_save_settings_bad_input_changes_nothing(program_usage, program, people, body, field):
    before = dict(program.configuration)
    result = call(program_usage, "coordinator", "save_settings", body)
    assert result.status == 400 and field in result.body["field_errors"], result.body
    program.refresh_from_db()
    assert program.configuration == before and program.settings_overrides == {}


@pytest.mark.django_db
def test_nudge_all_reaches_every_pair_at_risk_not_only_the_first_page(program_usage, cohort, emails_sent):
    import datetime

    from django.utils import timezone

    from mentoring_xblock.coordinator_selectors import PAGE_SIZE
    mentors = list(Participant.objects.filter(program=cohort, mentor_status="approved"))
    old = timezone.now() - datetime.timedelta(days=90)
    at_risk = PAGE_SIZE + 5
    for number in range(at_risk):
        user = make_user(f"quiet_{number}")
        mentee = Participant.objects.create(program=cohort, user_id=user.pk, username=user.username, is_mentee=True)
        Match.objects.create(program=cohort, mentor=mentors[number % len(mentors)], mentee=mentee, state="active",
                             origin="coordinator", last_activity_at=old)
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "health", "at_risk": True}).body["html"]
    assert f"{at_risk} pairs are at risk" in html
    emails_sent.clear()
    result = call(program_usage, "coordinator", "nudge", {"at_risk": True})
    assert result.body == {"nudged": at_risk}  # before: the 25 pairs of the first page
    assert ActivityEvent.objects.filter(program=cohort, verb="match.nudged").count() == at_risk


CHECKIN_ITEMS = ("meets_regularly", "feels_heard", "progress")


@pytest.mark.django_db
@pytest.mark.parametrize("answer, percent, at_risk", [(1, 0, True), (2, 25, True), (3, 50, False), (5, 100, False)])
def test_pair_health_reads_what_the_check_in_says(program_usage, cohort, answer, percent, at_risk):
    """Before: the completion credit (always 100 %) was read as the result, so "we have not met once" was OK."""
    from .test_assessment import assessment
    pair = active_pairs(program_usage, cohort)[0]
    usage = assessment("checkin")
    answers = {item: answer for item in CHECKIN_ITEMS}
    saved = call(usage, pair.mentee.username, "save_response", {"answers": answers, "submit": True})
    assert saved.status == 200, saved.body
    # Independently: each answer placed on the 1..5 agreement scale, averaged.
    expected = round(100 * sum((answers[item] - 1) / (5 - 1) for item in CHECKIN_ITEMS) / len(CHECKIN_ITEMS))
    assert expected == percent
    from mentoring_xblock.coordinator_selectors import pair_health
    row = next(r for r in pair_health(cohort, page=1)["items"] if r["match"].pk == pair.pk)
    assert row["last_checkin_percent"] == percent and row["at_risk"] is at_risk
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "health"}).body["html"]
    assert f"{percent}%" in html
    if at_risk:
        assert f"The last check-in says {percent}% (below 50%)." in html


def overview_figures(html):
    """{label: figure} of the overview's <dl> as a coordinator reads it."""
    import lxml.html
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    return {div.findtext("dt"): div.findtext("dd") for div in page.xpath("//dl[@class='mentoring-stats']/div")}


@pytest.mark.django_db
def test_every_overview_figure_matches_its_definition(program_usage, cohort):
    """Each figure recomputed from the rows in plain Python, by the definition printed beside it."""
    import datetime

    from django.utils import timezone

    from mentoring_xblock.models import AssessmentResponse, Meeting, MentorshipRequest

    from .test_assessment import assessment
    pairs = active_pairs(program_usage, cohort)
    Match.objects.filter(program=cohort).update(started_at=timezone.now())  # as accepting a proposal does
    Match.objects.filter(pk=pairs[-1].pk).update(state="proposed", started_at=None)  # one still proposed
    Meeting.objects.create(match=pairs[0], starts_at=timezone.now(), duration_minutes=30, status="held")
    Meeting.objects.create(match=pairs[0], starts_at=timezone.now(), duration_minutes=30, status="cancelled")
    usage = assessment("checkin", repeat_days="7")
    answers = {item: 4 for item in CHECKIN_ITEMS}
    call(usage, pairs[0].mentee.username, "save_response", {"answers": answers, "submit": True})
    first = AssessmentResponse.objects.get(respondent=pairs[0].mentee)
    for period in (first.period + 1, first.period + 2):  # one person, three check-ins: one person who submitted
        AssessmentResponse.objects.create(
            program=cohort, usage_key=first.usage_key, kind="checkin", respondent=first.respondent,
            subject=first.subject, match=first.match, period=period, answers=first.answers, state="submitted",
            submitted_at=first.submitted_at, score=1.0, result=first.result)
    call(usage, pairs[1].mentee.username, "save_response", {"answers": answers, "submit": False})  # a draft
    newcomer = make_user("newcomer")
    waiting = Participant.objects.create(program=cohort, user_id=newcomer.pk, username="newcomer", is_mentee=True)
    due = MentorshipRequest.objects.create(program=cohort, mentee=waiting, mentor=None,
                                           expires_at=timezone.now() - datetime.timedelta(hours=1))
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "overview"}).body["html"]
    shown = overview_figures(html)

    people = list(Participant.objects.filter(program=cohort).values())
    matches = list(Match.objects.filter(program=cohort).values())
    responses = list(AssessmentResponse.objects.filter(program=cohort).values())
    now = timezone.now()
    mentees = [p for p in people if p["is_mentee"] and p["status"] == "active"]
    active = [m for m in matches if m["state"] == "active"]
    matched = {m["mentee_id"] for m in active}
    held = [m for m in Meeting.objects.filter(match__program=cohort).values("match_id", "status")
            if m["status"] == "held" and m["match_id"] in {a["id"] for a in active}]
    started = {r["respondent_id"] for r in responses}
    submitted = {r["respondent_id"] for r in responses if r["state"] == "submitted"}
    open_requests = [r for r in MentorshipRequest.objects.filter(program=cohort).values()
                     if r["state"] == "requested" and (r["expires_at"] is None or r["expires_at"] > now)]
    expected = {
        "Mentees": str(len(mentees)),
        "Approved mentors": str(sum(1 for p in people if p["mentor_status"] == "approved" and p["status"] == "active")),
        "Mentors waiting for approval": str(sum(1 for p in people if p["mentor_status"] == "pending"
                                                and p["status"] == "active")),
        "Open requests": str(len(open_requests)),
        "Active pairs": str(len(active)),
        "Mentees matched": f"{round(100 * len(matched) / len(mentees))}%",
        "Meetings held per active pair": str(round(len(held) / len(active), 1)),
        "Assessments submitted": f"{round(100 * len(submitted) / len(started))}%",
    }
    assert shown == expected
    assert due.pk not in {r["id"] for r in open_requests}  # past its date: not open, though not yet recorded
    assert "Not counted: 1 proposed pair waiting" in html
    assert f"{len(submitted)} of the {len(started)} people who started an assessment submitted at least one" in html
    # The chart counts pairs that started this week: the active ones, not the proposal.
    started_this_week = sum(1 for m in active if m["started_at"] and m["started_at"].date() >= (
        now.date() - datetime.timedelta(days=now.weekday())))
    assert started_this_week == len(active) and html.count(f": {started_this_week}</title>") == 1


@pytest.mark.django_db
def test_hand_matching_refuses_who_could_not_ask_or_join_a_run(program_usage, cohort):
    """Before: a coordinator could match a mentee who never completed a profile or consented."""
    mentor = Participant.objects.filter(program=cohort, mentor_status="approved").first()
    for field in ("profile_completed_at", "consent_at"):
        user = make_user(f"unready_{field}")
        unready = Participant.objects.create(program=cohort, user_id=user.pk, username=user.username, is_mentee=True,
                                             profile_completed_at=timezone_now(), consent_at=timezone_now())
        Participant.objects.filter(pk=unready.pk).update(**{field: None})
        refused = call(program_usage, "coordinator", "manual_match", {"mentee_id": unready.pk, "mentor_id": mentor.pk})
        assert refused.status == 409 and "has not completed their profile" in refused.error
        assert not Match.objects.filter(mentee=unready).exists()
        html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching"}).body["html"]
        assert f'value="{unready.pk}"' not in html  # not offered in the hand-matching list either


def timezone_now():
    from django.utils import timezone
    return timezone.now()


@pytest.mark.django_db
def test_one_definition_of_a_matchable_mentor_and_a_ready_mentee(cohort):
    """The queries and the row properties agree on every combination of status, role, profile and consent."""
    import itertools
    now = timezone_now()
    for number, (status, mentor_status, is_mentee, profile, consent) in enumerate(itertools.product(
            ("active", "withdrawn"), ("", "pending", "approved", "paused", "rejected"), (True, False),
            (now, None), (now, None))):
        if is_mentee and mentor_status not in ("", "rejected"):
            continue  # one role per person (a database constraint)
        user = make_user(f"combo_{number}")
        Participant.objects.create(program=cohort, user_id=user.pk, username=user.username, status=status,
                                   mentor_status=mentor_status, is_mentee=is_mentee, profile_completed_at=profile,
                                   consent_at=consent)
    people = list(Participant.objects.filter(program=cohort))
    assert {p.pk for p in people if p.is_matchable_mentor} == set(
        Participant.objects.filter(Participant.matchable_mentor(), program=cohort).values_list("pk", flat=True))
    assert {p.pk for p in people if p.is_ready_mentee} == set(
        Participant.objects.filter(Participant.ready_mentee(), program=cohort).values_list("pk", flat=True))


@pytest.mark.django_db
def test_publishing_says_what_it_will_do_and_tells_the_mentors_whose_requests_lapse(program_usage, cohort):
    """Before: open requests were withdrawn silently and the mentor was never told; nothing said so beforehand."""
    from mentoring_xblock.models import MentorshipRequest
    mentee = participant(cohort, "learner_01")
    asked = Participant.objects.filter(program=cohort, mentor_status="approved").order_by("-pk").first()
    requested = call(program_usage, "learner_01", "request_mentor", {"mentor_id": asked.pk})
    assert requested.status == 200, requested.body
    run_id = run_draft(program_usage)
    in_draft = RunProposal.objects.filter(run_id=run_id, mentor__isnull=False)
    assert in_draft.filter(mentee=mentee).exists()
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching", "run_id": run_id}).body["html"]
    pairs = in_draft.count()
    expected = (f"Publishing proposes {pairs} pairs by email to {2 * pairs} people and withdraws 1 open requests to "
                "mentors.")
    assert expected in html and f"Publish {pairs} proposed pairs? {2 * pairs} people will be emailed" in html
    assert call(program_usage, "coordinator", "publish_run", {"run_id": run_id}).status == 200
    request = MentorshipRequest.objects.get(pk=requested.body["request_id"])
    assert request.state == "withdrawn" and request.open_slot is None
    told = Notification.objects.filter(recipient=asked, kind="request_withdrawn_matched")
    assert told.count() == 1 and told.get().data["mentee"] == mentee.shown_name()
    assert ActivityEvent.objects.filter(program=cohort, verb="request.withdrawn_by_match").count() == 1
    from mentoring_xblock.selectors import mentor_journey
    assert [r["id"] for r in mentor_journey(cohort, participant(cohort, asked.username))["incoming"]] == []


@pytest.mark.django_db
def test_a_draft_shows_its_own_places_and_full_mentors_can_be_swapped(program_usage, cohort):
    """Before: the list said "(0/2)" for a mentor the draft had filled, every move to them was a 409, no swap."""
    import re
    run_id = run_draft(program_usage)
    lines = list(RunProposal.objects.filter(run_id=run_id, mentor__isnull=False).select_related("mentor", "mentee"))
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching", "run_id": run_id}).body["html"]
    for mentor in {line.mentor for line in lines}:
        # Independently: the pairs the mentor already has plus this draft's lines with them.
        used = Match.objects.filter(mentor=mentor, open_slot=True).count() + sum(
            1 for line in lines if line.mentor_id == mentor.pk)
        name = mentor.shown_name()
        assert f"{name} ({used} of {mentor.capacity} places in this draft)" in html
    first, second = next((a, b) for a in lines for b in lines if a.mentor_id != b.mentor_id)
    full = first.mentor
    taken = sum(1 for line in lines if line.mentor_id == full.pk)
    Participant.objects.filter(pk=full.pk).update(capacity=taken)  # the draft fills this mentor
    moved = call(program_usage, "coordinator", "edit_proposal",
                 {"run_id": run_id, "mentee_id": second.mentee_id, "mentor_id": full.pk})
    assert moved.status == 409 and "no free place left in this draft" in moved.error
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching", "run_id": run_id}).body["html"]
    assert re.search(rf"{re.escape(full.shown_name())} \({taken} of {taken} places in this draft\) — full: swap", html)
    swapped = call(program_usage, "coordinator", "edit_proposal",
                   {"run_id": run_id, "mentee_id": second.mentee_id, "swap_with": first.mentee_id})
    assert swapped.status == 200, swapped.body
    after = {line.mentee_id: line.mentor_id for line in RunProposal.objects.filter(run_id=run_id)}
    assert after[second.mentee_id] == first.mentor_id and after[first.mentee_id] == second.mentor_id
    assert sum(1 for mentor_id in after.values() if mentor_id == full.pk) == taken  # places unchanged
    for body, status in (({"swap_with": second.mentee_id}, 400), ({"swap_with": "x"}, 400),
                         ({"swap_with": 10 ** 6}, 404)):
        refused = call(program_usage, "coordinator", "edit_proposal", dict(body, run_id=run_id,
                                                                             mentee_id=second.mentee_id))
        assert refused.status == status, (body, refused.body)
    assert {line.mentee_id: line.mentor_id for line in RunProposal.objects.filter(run_id=run_id)} == after
    assert call(program_usage, "coordinator", "publish_run", {"run_id": run_id}).status == 200


@pytest.mark.django_db
def test_the_audit_log_names_people_says_whom_it_concerns_filters_and_labels_times(program_usage, cohort):
    """Before: user ids, "#53", the raw verb under each line, unlabelled server time and no filter."""
    import lxml.html
    pairs = active_pairs(program_usage, cohort)
    assert call(program_usage, "coordinator", "nudge", {"match_ids": [pairs[0].pk]}).status == 200
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "audit"}).body["html"]
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    rows = [[cell.text_content().strip() for cell in row.xpath("./td")] for row in page.xpath("//tbody/tr")]
    assert rows and all(len(row) == 5 for row in rows)
    assert all(row[0].endswith("(UTC)") for row in rows)  # the course team's times say their zone
    assert {"coordinator"} <= {row[1] for row in rows} and not any(row[1].isdigit() for row in rows)
    pair = pairs[0]
    about = f"the pair {pair.mentee.shown_name()} and {pair.mentor.shown_name()}"
    assert about in {row[3] for row in rows}
    assert not any("#" in row[2] or "." in row[2].split()[-1] for row in rows)  # no "#53", no "run.published"
    only_runs = call(program_usage, "coordinator", "coordinator_panel", {"tab": "audit", "kind": "run"}).body["html"]
    page = lxml.html.fragment_fromstring(only_runs, create_parent="div")
    labels = {row.xpath("./td")[2].text_content().strip() for row in page.xpath("//tbody/tr")}
    assert labels == {"started a matching run", "published a matching run"}
    refused = call(program_usage, "coordinator", "coordinator_panel", {"tab": "audit", "kind": "secrets"})
    assert refused.status == 400



@pytest.mark.django_db
def test_mentor_review_shows_who_they_are_and_a_rejection_says_why(program_usage, cohort, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    """Before: a blind list (no bio, no expertise), Approve and Reject alike, Reject without a reason, "Done."."""
    target = participant(cohort, "mentor_02")
    Participant.objects.filter(pk=target.pk).update(mentor_status="pending")
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "participants", "state": "pending"}).body
    from mentoring_xblock.selectors import person_card
    card = person_card(target, cohort.configuration)
    assert card["bio"][:50] in html["html"] and ", ".join(card["topics"]) in html["html"]
    assert f"Do not approve {card['name']}" in html["html"] and "mentoring-primary mentoring-small" in html["html"]
    with django_capture_on_commit_callbacks(execute=True):
        result = call(program_usage, "coordinator", "review_mentor",
                      {"participant_id": target.pk, "approve": False, "reason": "We need directors this round."})
    assert result.status == 200
    assert result.body["done"] == f"{card['name']} was not approved as a mentor and was told why by email."
    email = next(m for m in mailoutbox if m.subject == "About your mentor application")
    assert "The course team wrote: We need directors this round." in email.body
    assert ActivityEvent.objects.get(verb="mentor.rejected", object_id=target.pk).reason == \
        "We need directors this round."


def test_reasons_are_what_speaks_for_a_pair_and_trade_offs_are_labelled():
    """Before: "Time zones 7 hours apart" and "1 overlapping weekly hour" were listed as reasons to choose."""
    from mentoring_xblock.domain.matching import explanation_data, reason_sentences
    from mentoring_xblock.matching import MatchingConfig, Profile, explain_pair
    config = MatchingConfig()
    mentee = Profile("e", topics={"delegation", "coaching"}, languages={"en"}, utc_offset_minutes=0,
                     availability={10, 11, 12, 13})
    mentor = Profile("m", topics={"delegation", "coaching"}, languages={"en"}, utc_offset_minutes=7 * 60,
                     availability={13, 40}, capacity=1)
    sentences = reason_sentences(explanation_data(explain_pair(mentee, mentor, config).reasons))
    by_text = {s["text"]: s["trade_off"] for s in sentences}
    # Independently: a criterion met at least halfway speaks for the pair.
    hours_value = 1 - 7 / config.max_timezone_distance_hours
    overlap_value = 1 / min(4, config.availability_target_hours)
    assert by_text["2 shared goals: coaching, delegation"] is False and by_text["You both speak English"] is False
    assert by_text["Time zones 7 hours apart"] is (hours_value < 0.5)
    assert by_text["1 overlapping weekly hour"] is (overlap_value < 0.5) is True


def test_the_course_team_reads_reasons_about_the_two_not_to_them():
    """Before: the coordinator's draft said "You both speak English"."""
    from mentoring_xblock.domain.matching import reason_sentences
    stored = [{"code": "shared_language", "params": {"languages": ["en"], "count": 1}, "share": 1.0, "value": 1.0}]
    assert reason_sentences(stored, perspective="coordinator")[0]["text"] == "Both speak English"
    assert reason_sentences(stored, perspective="mentee")[0]["text"] == "You both speak English"


@pytest.mark.parametrize("authored, expected", [
    ("Both prefer to meet by: {answer}", "Both prefer to meet by: Phone call"),
    ("", "Both answered “Phone call” to “How do you prefer to meet?”"),
])
def test_a_shared_answer_reads_as_a_sentence(authored, expected):
    """Before: "Same answer to How do you prefer to meet?: Phone call", a stitched template."""
    from mentoring_xblock.demo import leadership_config
    from mentoring_xblock.domain.matching import reason_sentences
    from mentoring_xblock.program_config import clean_config
    raw = leadership_config()
    for question in raw["questions"]:
        if question["id"] == "meeting_style":
            question["reason"] = authored
    config = clean_config(raw)
    stored = [{"code": "same_answer", "params": {"question": "meeting_style", "answer": "phone"}, "share": 1.0,
               "value": 1.0}]
    for perspective in ("mentee", "mentor", "coordinator"):  # worded for whoever reads it
        assert reason_sentences(stored, config, perspective)[0]["text"] == expected


@pytest.mark.parametrize("change, message", [
    ({"reason": "Both prefer this"}, "must contain {answer} once"),
    ({"reason": "{answer} and {answer}"}, "must contain {answer} once"),
    ({"match": "", "reason": "Both: {answer}"}, "only a question matched on the same answer"),
])
def test_studio_refuses_a_reason_text_that_cannot_work(change, message):
    from mentoring_xblock.demo import leadership_config
    from mentoring_xblock.errors import ConfigurationError
    from mentoring_xblock.program_config import clean_config
    raw = leadership_config()
    question = next(q for q in raw["questions"] if q["id"] == "meeting_style")
    question.update(change)
    with pytest.raises(ConfigurationError, match=message.replace("{", "\\{").replace("}", "\\}")):
        clean_config(raw)


@pytest.mark.django_db
def test_a_check_in_without_scale_answers_does_not_hide_the_last_result(program_usage, cohort):
    """A check-in of custom choice/text items says nothing on the scale: the latest one that does still counts."""
    import json

    from mentoring_xblock.coordinator_selectors import pair_health

    from .test_assessment import assessment
    pair = active_pairs(program_usage, cohort)[0]
    scaled = assessment("checkin")
    call(scaled, pair.mentee.username, "save_response", {"answers": {item: 1 for item in CHECKIN_ITEMS},
                                                         "submit": True})
    items = [{"id": "mood", "kind": "choice", "prompt": "How is it going?",
              "options": [{"value": "fine", "label": "Fine"}, {"value": "stuck", "label": "Stuck"}]}]
    custom = parse_olx_items(items)
    saved = call(custom, pair.mentee.username, "save_response", {"answers": {"mood": "fine"}, "submit": True})
    assert saved.status == 200, saved.body
    row = next(r for r in pair_health(cohort, page=1)["items"] if r["match"].pk == pair.pk)
    assert row["last_checkin_percent"] == 0 and row["at_risk"] is True  # before: NULL, and the pair looked fine
    assert json.dumps(row["risk_reasons"]).count("check-in says 0%") == 1


def parse_olx_items(items):
    """A check-in block whose items are ``items`` (authored in Studio's JSON)."""
    from .test_assessment import assessment
    usage = assessment("checkin")
    saved = call(usage, "coordinator", "studio_submit", {"definition": {"items": items}})
    assert saved.status == 200, saved.body
    return usage


@pytest.mark.django_db
def test_results_missing_from_old_custom_check_ins_are_filled_on_recalculation(program_usage, cohort, monkeypatch):
    from mentoring_xblock import compat
    from mentoring_xblock.models import AssessmentResponse

    from .harness import block_as
    pair = active_pairs(program_usage, cohort)[0]
    items = [{"id": "pace", "kind": "scale", "prompt": "Our pace is right.",
              "points": [{"value": 0, "label": "No"}, {"value": 1, "label": "Somewhat"},
                         {"value": 2, "label": "Rather"}, {"value": 3, "label": "Yes"}]}]
    usage = parse_olx_items(items)
    call(usage, pair.mentee.username, "save_response", {"answers": {"pace": 1}, "submit": True})
    row = AssessmentResponse.objects.get(match=pair, kind="checkin")
    # As rows saved before results existed: no result, no ranges (migration 0006 read only default items).
    answers = dict(row.answers)
    answers.pop("ranges")
    AssessmentResponse.objects.filter(pk=row.pk).update(result=None, answers=answers)
    monkeypatch.setattr(compat, "queue_rescore_all", lambda usage_key, only_if_higher=False: "task-1")
    assert call(usage, "coordinator", "rescore_all", {}).status == 200
    assert AssessmentResponse.objects.get(pk=row.pk).result == pytest.approx((1 - 0) / (3 - 0))
    from mentoring_xblock.services.assessments import stored_result
    fresh = AssessmentResponse.objects.get(pk=row.pk)
    assert block_as(usage, "coordinator").assessment().definition["items"][0]["id"] == "pace"
    assert stored_result({"items": fresh.answers["items"], "ranges": {"pace": [0, 3]}}) == pytest.approx(1 / 3)
