"""Every handler of both blocks, as every kind of caller, against the policy each handler declares.

Handlers are discovered on the block classes (``_is_xblock_handler``); each declares ``(action, scope)`` on its
decorator (``json_handler`` / ``download_handler``), the gate runs it, and ``DECLARED`` reads the same
declarations back (``handler_policy``): a handler without one fails here. Each handler gets a valid body
built from a populated program (tests/trust.py); each caller's call runs in a rolled-back savepoint, so every
caller meets the same state.
"""
import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone

from mentoring_xblock import compat, policy
from mentoring_xblock.blocks.assessment import MentoringAssessmentBlock
from mentoring_xblock.blocks.base import handler_policy
from mentoring_xblock.blocks.program import MentoringProgramBlock
from mentoring_xblock.domain import pairs
from mentoring_xblock.models import Match, MatchingRun, MentorshipRequest, Participant, Program
from mentoring_xblock.services import matching_runs, mentorship

from .trust import CALLERS, GET_HANDLERS, build_world, call, identity, person, profile_for, rolled_back, status_class

BLOCKS = {"mentoring_program": MentoringProgramBlock, "mentoring_assessment": MentoringAssessmentBlock}
COUNTS = {"cases": 0}


def handlers_of(block_class):
    return sorted(name for name in dir(block_class)
                  if getattr(getattr(block_class, name, None), "_is_xblock_handler", False))


ALL_HANDLERS = [(block_type, name) for block_type, cls in BLOCKS.items() for name in handlers_of(cls)]
DECLARED = {block_type: handler_policy(cls) for block_type, cls in BLOCKS.items()}


def test_every_handler_is_declared():
    declared = {(block_type, name) for block_type, table in DECLARED.items() for name in table}
    missing = sorted(set(ALL_HANDLERS) - declared)
    stale = sorted(declared - set(ALL_HANDLERS))
    assert not missing, f"handlers without a declared policy: {missing}"
    assert not stale, f"declared handlers that do not exist: {stale}"
    for table in DECLARED.values():
        for action, scope in table.values():
            assert action in policy.POLICY
            assert scope in policy.SCOPES
    print(f"\n[permissions] {len(ALL_HANDLERS)} handlers discovered and declared")


# ---- per handler: state to prepare, body for a caller, who owns the object --------------------------

def _free(world, name):
    """End ``name``'s open match, if any (so that they may ask for a mentor again)."""
    participant = Participant.objects.filter(program=world.program, username=name).first()
    match = participant and mentorship.open_match_of(participant)
    if match is not None:
        with transaction.atomic():
            match.program = world.program
            pairs.close_match(match, Match.State.ENDED, "test", None)


def _request(world, mentor="mentor9", mentee="mentee"):
    _free(world, mentee)
    return mentorship.request_mentor(world.program, identity(mentee), world.pk(mentor), "Hi").pk


def _draft_run(world):
    _free(world, "mentee3")
    run = matching_runs.start_run(world.program, identity("coordinator", staff=True), {})
    run.refresh_from_db()
    assert run.state == MatchingRun.State.DRAFT, run.error
    return run.pk


def _ws(world, **extra):
    return dict(extra, match_id=world.matches["a"].pk)


def _item(world, key):
    item = world.items[key]
    item.refresh_from_db()
    return item


PAIR_A = {"mentee", "mentor"}
MENTORS = {"mentor", "mentor3"}


def _profile(w, caller):
    return profile_for("mentor", capacity=3) if caller in MENTORS else profile_for("mentee")


def _asking(w, caller):
    _free(w, caller)
    return {"mentor_id": w.pk("mentor9"), "message": "Hi"}


def _proposed(w, caller):
    Match.objects.filter(pk=w.matches["a"].pk).update(state=Match.State.PROPOSED)
    return {"match_id": w.matches["a"].pk, "accept": True}


def _submitted(w, caller):
    """Somebody submitted (compat's platform rescore is stubbed by the test)."""
    submitted = call(w.assessment_usage, "mentee", "save_response",
                     {"answers": {"meets_regularly": 4, "feels_heard": 4, "progress": 4}, "submit": True})
    assert submitted.status == 200, submitted.body
    return {}


def _manual(w, caller):
    _free(w, "mentee3")
    return {"mentee_id": w.pk("mentee3"), "mentor_id": w.pk("mentor9")}


def _export_job(w):
    from mentoring_xblock.models import ExportJob
    return ExportJob.objects.create(program=w.program, kind="participants", requested_by=1, state="ready",
                                    content="participant_id\n", rows=0).pk


def _versioned(key, field, **changes):
    """A workspace body naming the item ``key`` at the version it is at now."""
    def body(w, caller):
        item = _item(w, key)
        return _ws(w, **{field: item.pk} if field else {}, version=item.version, **changes)
    return body


def _reflection(w, caller):
    _free(w, "mentee")
    return _ws(w, text="Learned a lot")


def _rating(w, caller):
    subject = "mentee" if caller in MENTORS else "mentor"
    return {"subject_id": w.pk(subject), "answers": {}, "submit": False}


def _meeting(w, caller):
    from .trust import FUTURE
    return _ws(w, starts_at=FUTURE.isoformat(), duration_minutes=30)


NOBODY = frozenset()
# handler -> (body or query for a caller, whose object it is, the other side that may not change it).
# A body is a dict (POST) or a query string (GET); a callable builds it from the world and the caller.
CASES = {
    "state": ({}, NOBODY, NOBODY),
    "join": (lambda w, c: {"role": "mentor" if c in MENTORS else "mentee"}, NOBODY, NOBODY),
    "save_profile": (_profile, NOBODY, NOBODY),
    "request_mentor": (_asking, NOBODY, NOBODY),
    "join_queue": (_asking, NOBODY, NOBODY),
    "withdraw_request": (lambda w, c: {"request_id": _request(w)}, {"mentee"}, NOBODY),
    "respond_request": (lambda w, c: {"request_id": _request(w, "mentor", "mentee3"), "accept": True},
                        {"mentor"}, NOBODY),
    "set_paused": ({"paused": True}, NOBODY, NOBODY),
    "respond_proposal": (_proposed, {"mentee"}, NOBODY),
    "end_match": (lambda w, c: {"match_id": w.matches["a"].pk, "reason": "Done"}, PAIR_A, NOBODY),
    "leave_program": ({"reason": "Busy"}, NOBODY, NOBODY),
    "mark_read": ({}, NOBODY, NOBODY),
    "start_run": ({}, NOBODY, NOBODY),
    "rescore_all": (_submitted, NOBODY, NOBODY),
    "studio_submit": ({"display_name": "Renamed"}, NOBODY, NOBODY),
    "coordinator_panel": ({"tab": "participants"}, NOBODY, NOBODY),
    "review_mentor": (lambda w, c: {"participant_id": w.pk("mentor9"), "approve": True}, NOBODY, NOBODY),
    "set_capacity": (lambda w, c: {"participant_id": w.pk("mentor"), "capacity": 4}, NOBODY, NOBODY),
    "remove_participant": (lambda w, c: {"participant_id": w.pk("mentee"), "reason": "Asked to"}, NOBODY, NOBODY),
    **{name: (lambda w, c: {"run_id": _draft_run(w)}, NOBODY, NOBODY)
       for name in ("run_status", "resolve_run", "publish_run", "discard_run")},
    "edit_proposal": (lambda w, c: {"run_id": _draft_run(w), "mentee_id": w.pk("mentee3"), "mentor_id": None},
                      NOBODY, NOBODY),
    "manual_match": (_manual, NOBODY, NOBODY),
    "nudge": (lambda w, c: {"match_ids": [w.matches["a"].pk]}, NOBODY, NOBODY),
    "export_csv": ("kind=participants", NOBODY, NOBODY),
    "save_settings": ({"request_expiry_days": 10}, NOBODY, NOBODY),
    "reset_settings": ({}, NOBODY, NOBODY),
    "start_export": ({"kind": "participants"}, NOBODY, NOBODY),
    "export_status": (lambda w, c: {"job_id": _export_job(w)}, NOBODY, NOBODY),
    "export_download": (lambda w, c: f"job_id={_export_job(w)}", NOBODY, NOBODY),
    "workspace_view": (lambda w, c: _ws(w), PAIR_A, NOBODY),
    "workspace_meeting_ics": (lambda w, c: f"match_id={w.matches['a'].pk}&meeting_id={w.items['meeting'].pk}",
                              PAIR_A, NOBODY),
    "workspace_save_agreement": (_versioned("agreement", None, expectations="Monthly"), PAIR_A, NOBODY),
    "workspace_sign_agreement": (_versioned("agreement", None), PAIR_A, NOBODY),
    "workspace_create_goal": (lambda w, c: _ws(w, title="Coach"), PAIR_A, NOBODY),
    "workspace_update_goal": (_versioned("goal", "goal_id", progress=50), PAIR_A, NOBODY),
    "workspace_create_action": (lambda w, c: _ws(w, title="Read", owner="mentor"), PAIR_A, NOBODY),
    "workspace_update_action": (_versioned("action", "action_id", done=True), PAIR_A, NOBODY),
    "workspace_delete_action": (_versioned("action", "action_id", done=True), PAIR_A, NOBODY),
    "workspace_schedule_meeting": (_meeting, PAIR_A, NOBODY),
    "workspace_update_meeting": (_versioned("meeting", "meeting_id", agenda="Plan"), PAIR_A, NOBODY),
    "workspace_log_meeting": (_versioned("meeting", "meeting_id", status="cancelled"), PAIR_A, NOBODY),
    "workspace_post_message": (lambda w, c: _ws(w, body="Hi", parent_id=w.items["message"].pk), PAIR_A, NOBODY),
    "workspace_edit_message": (lambda w, c: _ws(w, message_id=w.items["message"].pk, body="Edited"),
                               {"mentee"}, {"mentor"}),
    "workspace_delete_message": (lambda w, c: _ws(w, message_id=w.items["message"].pk), {"mentee"}, {"mentor"}),
    "workspace_add_resource": (lambda w, c: _ws(w, title="Book", url="https://example.org/book"), PAIR_A, NOBODY),
    "workspace_remove_resource": (lambda w, c: _ws(w, resource_id=w.items["resource"].pk), PAIR_A, NOBODY),
    "workspace_save_reflection": (_reflection, PAIR_A, NOBODY),
    # a mentee rates their mentor; mentee2's mentor is pair A's mentor too
    "save_response": (_rating, PAIR_A | {"mentee2"}, NOBODY),
    "report": ("report=rates", NOBODY, NOBODY),
    "learner_record": ("username=mentee&format=json", NOBODY, NOBODY),
}


def case(world, handler, caller):
    """(body or query, owners, other_side) for ``handler`` called by ``caller``, from ``CASES``."""
    assert handler in CASES, f"no test body for {handler}: add one to CASES"
    body, owners, other_side = CASES[handler]
    return (body(world, caller) if callable(body) else body), set(owners), set(other_side)


def test_every_handler_has_a_case():
    assert set(CASES) == {name for _block, name in ALL_HANDLERS}


def roles_of(world, caller):
    if caller == "anonymous":
        return {policy.ANONYMOUS}
    staff = caller == "coordinator"
    participant = Participant.objects.filter(program=world.program, username=caller).first()
    return policy.roles_of(identity(caller, staff=staff), participant)


@pytest.fixture
def world(program_usage, program, people, monkeypatch):
    # The LMS's instructor-task rescore stands in for the platform (tests/platform runs the real one).
    monkeypatch.setattr(compat, "queue_rescore_all", lambda usage_key, only_if_higher=False: "task-1")
    return build_world(program_usage, program)


@pytest.mark.django_db
@pytest.mark.parametrize("block_type, handler", ALL_HANDLERS)
def test_handler_for_every_caller(world, block_type, handler):
    usage = world.usage if block_type == "mentoring_program" else world.assessment_usage
    # As after a Studio edit the program's row has not stored yet: a block that synced it on access would write.
    Program.objects.filter(pk=world.program.pk).update(configuration_hash="edited-in-studio")
    wrong, wrote = [], []
    for caller in CALLERS:
        def attempt(caller=caller):
            roles = roles_of(world, caller)
            body, owners, other_side = case(world, handler, caller)
            relation = (policy.RELATION_PARTY if caller in owners else
                        policy.RELATION_OTHER_SIDE if caller in other_side else policy.RELATION_NONE)
            expected = policy.outcome(DECLARED[block_type][handler], roles, relation)
            query = body if isinstance(body, str) else ""
            result = call(usage, caller, handler, None if isinstance(body, str) else body, query=query)
            return expected, result
        expected, result = rolled_back(attempt)
        COUNTS["cases"] += 1
        if status_class(result.status) != expected:
            wrong.append((caller, expected, result.status, result.body if result.status != 200 else ""))
        if result.status >= 400 and result.writes:  # a refused call changes nothing at all
            wrote.append((caller, result.status, result.writes))
    assert not wrong, f"{block_type}.{handler}: (caller, declared, got, body): {wrong}"
    assert not wrote, f"{block_type}.{handler} wrote although it refused: {wrote}"


@pytest.mark.django_db
@pytest.mark.parametrize("block_type", sorted(BLOCKS))
def test_views_write_nothing(world, block_type):
    """Rendering for any caller changes no row of the plugin's.

    No configuration sync, no expiry, no email: a request past its date is shown expired, and the scheduled
    ``mentoring_expire_requests`` records it. The one write a view may cause is the runtime's own: the
    assessment republishing the viewer's grade when it is out of date (the LMS credits a grade to the user of the
    request, so a grade changed by someone else's action reaches the gradebook when its owner is served).
    """
    from .harness import render_writes
    usage = world.usage if block_type == "mentoring_program" else world.assessment_usage
    Program.objects.filter(pk=world.program.pk).update(configuration_hash="edited-in-studio")
    MentorshipRequest.objects.filter(program=world.program, state="requested").update(
        expires_at=timezone.now() - datetime.timedelta(hours=1))
    wrote = {caller: writes for caller in CALLERS if (writes := render_writes(usage, caller))}
    plugin = {caller: [w for w in writes if "mentoring_xblock_" in w] for caller, writes in wrote.items()}
    assert not any(plugin.values()), plugin
    if block_type == "mentoring_program":
        assert not wrote
    runtime_field_data = re.compile(r"(INSERT INTO|UPDATE) [`\"]?workbench_xblockstate\b")  # SQLite or MariaDB quotes
    assert all(runtime_field_data.match(w) for writes in wrote.values() for w in writes), wrote
    again = {caller: writes for caller in CALLERS if (writes := render_writes(usage, caller))}
    assert not again  # the grade is in step now: a second view writes nothing at all


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if COUNTS["cases"]:
        print(f"\n[permissions] {COUNTS['cases']} caller x handler cases checked against the handlers' declarations")


# ---- nothing in a body elevates anyone -------------------------------------------------------------

ELEVATION = {"is_staff": True, "is_superuser": True, "role": "coordinator", "user_role": "instructor",
             "user_id": 1, "username": "coordinator", "edx-platform.user_is_staff": True,
             "opt_attrs": {"edx-platform.user_is_staff": True}, "is_coordinator": True}


@pytest.mark.django_db
@pytest.mark.parametrize("block_type, handler", [(b, h) for b, h in ALL_HANDLERS
                                                 if DECLARED[b][h][0] in ("coordinate", "configure")
                                                 and h not in GET_HANDLERS])
def test_body_fields_cannot_make_a_learner_staff(world, block_type, handler):
    usage = world.usage if block_type == "mentoring_program" else world.assessment_usage
    for caller in ("learner", "mentee", "mentor"):
        def attempt(caller=caller):
            body, _owners, _other = case(world, handler, caller)
            return call(usage, caller, handler, dict(body, **ELEVATION))
        result = rolled_back(attempt)
        assert result.status == 403, (handler, caller, result.body)


@pytest.mark.django_db
def test_query_string_cannot_make_a_learner_staff(world):
    for handler, query in (("export_csv", "kind=participants&is_staff=1&role=staff&user_role=instructor"),
                           ("report", "report=rates&is_staff=true"),
                           ("learner_record", "username=mentee&is_staff=true&user_id=1")):
        usage = world.usage if handler == "export_csv" else world.assessment_usage
        assert call(usage, "learner", handler, query=query).status == 403


def test_dev_user_service_is_refused_without_debug(settings):
    from django.core.exceptions import ImproperlyConfigured

    from mentoring_xblock.workbench.user_service import WorkbenchUserService
    for debug, enabled in ((False, True), (True, False), (False, False)):
        settings.DEBUG, settings.MENTORING_DEV_USER_SERVICE = debug, enabled
        with pytest.raises(ImproperlyConfigured):
            WorkbenchUserService()


def test_production_settings_force_the_dev_user_service_off():
    from types import SimpleNamespace

    from mentoring_xblock.settings.production import plugin_settings
    settings = SimpleNamespace(ENV_TOKENS={"MENTORING_DEV_USER_SERVICE": True}, MENTORING_DEV_USER_SERVICE=True)
    plugin_settings(settings)
    assert settings.MENTORING_DEV_USER_SERVICE is False


# ---- ids from elsewhere: the same 404 whether the object exists or not ----------------------------

def _foreign_program(world):
    """Another program of the course (same database, other slug) with one active pair and items."""
    from mentoring_xblock.demo import program_olx

    from .harness import block_as, parse_olx
    from .trust import add_person, pair
    from .trust import ws as workspace_service
    usage = parse_olx(program_olx(slug="other"))
    other = block_as(usage, "anonymous").program()
    for name, role in (("xmentee", "mentee"), ("xmentor", "mentor")):
        add_person(other, name, role)
    match = pair(other, "xmentee", "xmentor")
    who = identity("xmentee")
    goal = workspace_service.create_goal(other, who, match.pk, {"title": "Elsewhere"})
    message = workspace_service.post_message(other, who, match.pk, {"body": "Elsewhere"})
    request_owner = person(other, "xmentee")
    return other, match, goal, message, request_owner


@pytest.mark.django_db
def test_foreign_and_missing_ids_get_the_same_404(world):
    other, foreign_match, foreign_goal, foreign_message, _xmentee = _foreign_program(world)
    a = world.matches["a"].pk
    c = world.matches["c"].pk
    missing = 10 ** 9
    # workspace items: a goal / message of another program, through pair A, vs an id that does not exist
    checks = [
        ("mentee", "workspace_update_goal", lambda i: _ws_body(a, goal_id=i, version=1, title="x"),
         foreign_goal.pk),
        ("mentee", "workspace_edit_message", lambda i: _ws_body(a, message_id=i, body="x"), foreign_message.pk),
        # pairs: another program's pair, and another pair of this program
        ("mentee", "workspace_view", lambda i: {"match_id": i}, foreign_match.pk),
        ("mentee", "workspace_post_message", lambda i: {"match_id": i, "body": "x"}, c),
        ("mentee", "end_match", lambda i: {"match_id": i, "reason": "x"}, c),
        ("mentee", "end_match", lambda i: {"match_id": i, "reason": "x"}, foreign_match.pk),
        ("coordinator", "nudge", lambda i: {"match_ids": [i]}, foreign_match.pk),
        # participants of another program
        ("coordinator", "review_mentor", lambda i: {"participant_id": i, "approve": True},
         person(other, "xmentor").pk),
        ("coordinator", "remove_participant", lambda i: {"participant_id": i, "reason": "x"},
         person(other, "xmentee").pk),
        ("coordinator", "set_capacity", lambda i: {"participant_id": i, "capacity": 2}, person(other, "xmentor").pk),
        ("mentee3", "request_mentor", lambda i: {"mentor_id": i}, person(other, "xmentor").pk),
        ("coordinator", "manual_match", lambda i: {"mentee_id": i, "mentor_id": world.pk("mentor9")},
         person(other, "xmentee").pk),
    ]
    # requests: another mentee's request in this program
    _free(world, "mentee3")
    foreign_request = mentorship.request_mentor(world.program, identity("mentee3"), world.pk("mentor9"), "Hi").pk
    checks += [("mentee", "withdraw_request", lambda i: {"request_id": i}, foreign_request),
               ("mentor", "respond_request", lambda i: {"request_id": i, "accept": False}, foreign_request)]
    # runs of another program
    run = matching_runs.start_run(other, identity("coordinator", staff=True), {})
    checks += [("coordinator", name, lambda i: {"run_id": i}, run.pk)
               for name in ("run_status", "publish_run", "discard_run", "resolve_run")]
    checks.append(("coordinator", "edit_proposal", lambda i: {"run_id": i, "mentee_id": 1}, run.pk))
    compared = 0
    for caller, handler, body, existing in checks:
        with_existing, with_missing = body(existing), body(missing)
        found = rolled_back(lambda c=caller, h=handler, b=with_existing: call(world.usage, c, h, b))
        absent = rolled_back(lambda c=caller, h=handler, b=with_missing: call(world.usage, c, h, b))
        assert found.status == absent.status == 404, (handler, found.body, absent.body)
        assert found.body == absent.body, (handler, found.body, absent.body)
        compared += 1
    # the ics download (GET) too
    found = call(world.usage, "mentee", "workspace_meeting_ics", query=f"match_id={foreign_match.pk}&meeting_id=1")
    absent = call(world.usage, "mentee", "workspace_meeting_ics", query=f"match_id={missing}&meeting_id=1")
    assert found.status == absent.status == 404 and found.body == absent.body
    assert MentorshipRequest.objects.get(pk=foreign_request).state == "requested"
    print(f"\n[permissions] {compared + 1} foreign-vs-missing id pairs answered with identical 404 bodies")


def _ws_body(match_id, **fields):
    return dict(fields, match_id=match_id)


@pytest.mark.django_db
def test_not_found_paths_run_the_same_queries(world):
    """A foreign pair and a missing one cost the same statements (no early return before the lookup)."""
    other, foreign_match, *_rest = _foreign_program(world)
    for caller, handler, body in (("mentee", "end_match", {"reason": "x"}),
                                  ("mentee", "workspace_post_message", {"body": "x"}),
                                  ("mentee", "workspace_view", {})):
        c_pair = dict(body, match_id=world.matches["c"].pk)
        found = rolled_back(lambda c=caller, h=handler, b=c_pair: call(world.usage, c, h, b))
        absent = rolled_back(lambda c=caller, h=handler, b=dict(body, match_id=10 ** 9): call(world.usage, c, h, b))
        assert found.status == absent.status == 404
        assert found.queries == absent.queries, (handler, found.queries, absent.queries)
