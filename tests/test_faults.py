"""Faults: the user reads what happened, nothing half-written remains, and the work can be started again.

The database going away mid-handler, a race lost at a unique constraint, the task queue down, a worker stopped
during a run or an export, the email backend failing.
"""
import datetime
import logging

import pytest
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from mentoring_xblock.conf import setting
from mentoring_xblock.domain import jobs as job_states
from mentoring_xblock.models import ActivityEvent, ExportJob, Match, MatchingRun, MentorshipRequest, Notification
from mentoring_xblock.models import Participant as P
from mentoring_xblock.services import jobs, matching_runs, mentorship

from .harness import call, make_user
from .test_coordinator import seed


def ask(program_usage, program):
    mentor = P.objects.get(program=program, username="mentor")
    request = call(program_usage, "mentee", "request_mentor", {"mentor_id": mentor.pk})
    assert request.status == 200
    return mentor, request.body["request_id"]


def rows():
    """Everything the handlers below could write."""
    return (list(Match.objects.values()), list(MentorshipRequest.objects.values()),
            list(P.objects.values("pk", "mentee_count")), Notification.objects.count(),
            ActivityEvent.objects.count())


@pytest.mark.django_db
def test_the_database_going_away_mid_handler_leaves_nothing_half_written(program_usage, program, people,
                                                                         monkeypatch, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    mentor, request_id = ask(program_usage, program)
    before = rows()

    def gone(*args, **kwargs):  # after the match row and the mentor's count were written
        raise OperationalError(2006, "MySQL server has gone away")
    monkeypatch.setattr(mentorship, "notify", gone)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    assert answer.status == 503 and "nothing was saved" in answer.body["error"]
    assert rows() == before  # no match, the request still open, the mentor's places untouched
    assert callbacks == [] and mailoutbox == []  # no email about a match that does not exist


@pytest.mark.django_db
def test_a_race_lost_at_a_unique_constraint_is_a_409_and_changes_nothing(program_usage, program, people,
                                                                         monkeypatch):
    mentor, request_id = ask(program_usage, program)
    before = rows()
    real_open_match = mentorship.open_match

    def lost_race(*args, **kwargs):  # the concurrent request committed the same mentee's match first
        real_open_match(*args, **kwargs)
        raise IntegrityError(1062, "Duplicate entry '1-1' for key 'mentoring_match_one_open'")
    monkeypatch.setattr(mentorship, "open_match", lost_race)
    answer = call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    assert answer.status == 409 and "Reload the page and try again" in answer.body["error"]
    assert rows() == before


@pytest.mark.django_db
def test_declining_a_proposal_beside_an_open_request_keeps_one_request(program_usage, program, people):
    """Data left by the old race (an open proposal and an open request): declining was IntegrityError, a 500."""
    mentee = P.objects.get(program=program, username="mentee")
    mentor, request_id = ask(program_usage, program)
    other = make_user("mentor2")
    P.objects.create(program=program, user_id=other.pk, username="mentor2", mentor_status="approved", capacity=2)
    match = Match.objects.create(program=program, mentor=P.objects.get(username="mentor2"), mentee=mentee,
                                 state=Match.State.PROPOSED, origin=Match.Origin.COORDINATOR)
    declined = call(program_usage, "mentee", "respond_proposal",
                    {"match_id": match.pk, "accept": False, "reason": "Another field"})
    assert declined.status == 200, declined
    assert list(MentorshipRequest.objects.filter(mentee=mentee, open_slot=True).values_list("pk", flat=True)) == [
        request_id]


@pytest.mark.django_db
def test_the_mentee_cannot_ask_while_a_proposal_is_open(program_usage, program, people):
    """The check runs under the mentee's lock, as a locking read, so a proposal committed meanwhile counts."""
    mentee = P.objects.get(program=program, username="mentee")
    mentor = P.objects.get(program=program, username="mentor")
    answer = call(program_usage, "coordinator", "manual_match", {"mentee_id": mentee.pk, "mentor_id": mentor.pk})
    assert answer.status == 200
    again = call(program_usage, "mentee", "request_mentor", {"mentor_id": mentor.pk})
    assert again.status == 409 and again.body["error"] == "You already have a mentor in this program."
    assert not MentorshipRequest.objects.filter(mentee=mentee, open_slot=True).exists()


@pytest.fixture
def celery_without_broker(settings):
    """A Celery app whose broker (Redis on a closed port) refuses every connection at once."""
    from celery import Celery
    app = Celery("mentoring_fault_tests", broker="redis://127.0.0.1:9/0", backend=None, set_as_current=True)
    app.conf.update(task_always_eager=False, broker_connection_retry=False, broker_connection_max_retries=0,
                    task_publish_retry=False, broker_transport_options={"max_retries": 0})
    from mentoring_xblock import tasks  # noqa: F401  (registers the shared tasks on the app)
    settings.MENTORING_USE_CELERY = True
    settings.MENTORING_ASYNC_MATCHING_THRESHOLD = 1
    settings.MENTORING_ASYNC_EXPORT_ROWS = 1
    return app


@pytest.mark.django_db
def test_a_run_the_queue_refuses_fails_with_a_message_and_can_be_started_again(
        program_usage, program, people, celery_without_broker, django_capture_on_commit_callbacks, caplog):
    seed(program)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        started = call(program_usage, "coordinator", "start_run", {})
    assert started.status == 200 and started.body["state"] == "queued"
    status = call(program_usage, "coordinator", "run_status", {"run_id": started.body["run_id"]}).body
    assert status["state"] == "failed" and status["error"] == jobs.queue_failed_message()
    assert "Could not queue" in caplog.text
    with django_capture_on_commit_callbacks(execute=False):
        again = call(program_usage, "coordinator", "start_run", {})
    assert again.status == 200 and again.body["run_id"] != started.body["run_id"]


@pytest.mark.django_db
def test_an_export_the_queue_refuses_fails_with_a_message(program_usage, program, people, celery_without_broker,
                                                          django_capture_on_commit_callbacks):
    seed(program)
    with django_capture_on_commit_callbacks(execute=True):
        started = call(program_usage, "coordinator", "start_export", {"kind": "participants"})
    assert started.body["mode"] == "job"
    status = call(program_usage, "coordinator", "export_status", {"job_id": started.body["job_id"]}).body
    assert status["state"] == "failed" and status["error"] == jobs.queue_failed_message()


def stall(model, pk, minutes):
    model.objects.filter(pk=pk).update(modified=timezone.now() - datetime.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_a_run_whose_worker_stopped_is_shown_stalled_and_replaced_by_the_next(program_usage, program, people,
                                                                               settings):
    seed(program)
    stale = settings.MENTORING_JOB_STALE_MINUTES = 15
    run = MatchingRun.objects.create(program=program, created_by=1, state=MatchingRun.State.RUNNING, progress=60)
    stall(MatchingRun, run.pk, stale - 1)
    fresh = call(program_usage, "coordinator", "run_status", {"run_id": run.pk}).body
    assert (fresh["state"], fresh["stalled"]) == ("running", False)
    busy = call(program_usage, "coordinator", "start_run", {})
    assert busy.status == 409 and "already in progress" in busy.body["error"]

    stall(MatchingRun, run.pk, stale + 1)
    stalled = call(program_usage, "coordinator", "run_status", {"run_id": run.pk}).body
    assert stalled["stalled"] is True and stalled["error"] == job_states.stalled_message()
    assert MatchingRun.objects.get(pk=run.pk).state == "running"  # reading it changed nothing
    html = call(program_usage, "coordinator", "coordinator_panel", {"tab": "matching", "run_id": run.pk}).body["html"]
    assert "stopped responding" in html and f'data-run-progress="{run.pk}"' not in html  # no endless polling

    again = call(program_usage, "coordinator", "start_run", {})
    assert again.status == 200 and again.body["state"] == "draft"
    given_up = MatchingRun.objects.get(pk=run.pk)
    assert (given_up.state, given_up.error) == ("failed", job_states.stalled_message())
    assert ActivityEvent.objects.filter(program=program, verb="run.stalled").count() == 1


@pytest.mark.django_db
def test_a_late_worker_does_not_overwrite_the_run_that_replaced_it(program, people, monkeypatch):
    seed(program)
    run = MatchingRun.objects.create(program=program, created_by=1)
    real_solve = matching_runs.matching.solve

    def slow_solve(*args, **kwargs):  # meanwhile the coordinator gave the run up as stalled
        result = real_solve(*args, **kwargs)
        MatchingRun.objects.filter(pk=run.pk).update(state="failed", error=job_states.stalled_message())
        return result
    monkeypatch.setattr(matching_runs.matching, "solve", slow_solve)
    finished = matching_runs.execute_run(run.pk)
    assert finished.state == "failed" and not finished.proposals.exists()


@pytest.mark.django_db
def test_an_export_whose_worker_stopped_is_shown_failed(program_usage, program, people):
    job = ExportJob.objects.create(program=program, kind="participants", requested_by=1)
    stall(ExportJob, job.pk, setting("MENTORING_JOB_STALE_MINUTES") + 1)
    status = call(program_usage, "coordinator", "export_status", {"job_id": job.pk}).body
    assert (status["state"], status["error"]) == ("failed", job_states.stalled_message())


@pytest.mark.django_db
def test_a_failing_email_backend_never_undoes_the_action(program_usage, program, people, settings, caplog,
                                                         django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.test_faults.BrokenEmailBackend"
    mentor, request_id = ask(program_usage, program)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        answer = call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    assert answer.status == 200 and Match.objects.filter(mentor=mentor, state="active").count() == 1
    assert Notification.objects.filter(kind="request_accepted").count() == 1  # still in the block's list
    assert "Could not email mentoring notification request_accepted" in caplog.text


class BrokenEmailBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")

