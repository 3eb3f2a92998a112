"""Cohort matching as a job: the management command, and the Celery task on a real Redis broker."""
import threading
import uuid

import pytest
from django.core.management import CommandError, call_command

from mentoring_xblock.models import Match, MatchingRun

from .harness import call
from .test_coordinator import seed


@pytest.mark.django_db
def test_management_command_runs_and_publishes(program, people, capsys):
    seed(program)
    call_command("mentoring_match", str(program.course_key), program.slug, "--user", "coordinator", "--publish")
    out = capsys.readouterr().out
    assert "mentees matched" in out and "published" in out
    run = MatchingRun.objects.get()
    assert run.state == "published" and run.created_by
    assert Match.objects.filter(run=run).count() == run.metrics["matched"] > 0


@pytest.mark.django_db
@pytest.mark.parametrize("args, message", [
    (["not-a-key", "leadership", "--user", "coordinator"], "Not a course key"),
    (["course-v1:A+B+C", "leadership", "--user", "coordinator"], "No program"),
    (["PROGRAM", "leadership", "--user", "nobody"], "No user"),
    (["PROGRAM", "leadership", "--user", "coordinator", "--top-k", "0"], "need your attention"),
])
def test_management_command_errors(program, people, args, message):
    args = [str(program.course_key) if arg == "PROGRAM" else arg for arg in args]
    with pytest.raises(CommandError, match=message):
        call_command("mentoring_match", *args)


@pytest.fixture
def celery_app_on_redis(settings):
    """A Celery app on the real Redis at 127.0.0.1:6379 (db 15) and one worker thread."""
    from celery import Celery
    from celery.contrib.testing.worker import start_worker
    app = Celery("mentoring_tests", broker=settings.CELERY_BROKER_URL, backend=None, set_as_current=True)
    # A queue of this test run's own: another suite running at the same time (tox envs, a second checkout)
    # on the same Redis must not take the task to its own database.
    app.conf.update(task_always_eager=False, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True,
                    task_default_queue=f"mentoring-tests-{uuid.uuid4().hex}")
    from celery.signals import task_postrun

    from mentoring_xblock import tasks  # noqa: F401  (registers the shared task on the app)
    app.control.purge()  # tasks left in the broker by an interrupted earlier run would go first
    # The test waits for the worker's task to end before it reads what the task wrote: on SQLite's shared
    # in-memory test database a read while the worker thread writes locks the whole table, and the worker's
    # write then fails ("database table is locked") instead of waiting. MariaDB (the mariadb env) has row locks.
    app.finished = threading.Event()

    def _finished(**_kwargs):
        app.finished.set()

    task_postrun.connect(_finished, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
            yield app
    finally:
        task_postrun.disconnect(_finished)


@pytest.mark.django_db(transaction=True)
def test_large_runs_go_to_celery_on_redis(program_usage, program, people, settings, celery_app_on_redis):
    import redis
    redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()  # a real broker, not a mock
    seed(program)
    settings.MENTORING_USE_CELERY = True
    settings.MENTORING_ASYNC_MATCHING_THRESHOLD = 5
    result = call(program_usage, "coordinator", "start_run", {})
    assert result.status == 200 and result.body["state"] == "queued"
    assert celery_app_on_redis.finished.wait(120), "the Celery worker did not finish the run"
    status = call(program_usage, "coordinator", "run_status", {"run_id": result.body["run_id"]}).body
    assert status["state"] == "draft", status
    assert MatchingRun.objects.get(pk=result.body["run_id"]).metrics["matched"] > 0


@pytest.mark.django_db(transaction=True)
def test_large_exports_are_built_by_a_worker_and_offered_for_download(program_usage, program, people, settings,
                                                                       celery_app_on_redis):
    from webob import Request

    from .harness import block_as
    seed(program)
    small = call(program_usage, "coordinator", "start_export", {"kind": "participants"})
    assert small.body == {"mode": "download"}  # Celery off: streamed at once
    settings.MENTORING_USE_CELERY = True
    settings.MENTORING_ASYNC_EXPORT_ROWS = 5
    started = call(program_usage, "coordinator", "start_export", {"kind": "participants"})
    assert started.body["mode"] == "job" and started.body["state"] == "queued"
    job_id = started.body["job_id"]
    assert celery_app_on_redis.finished.wait(120), "the Celery worker did not build the export"
    assert call(program_usage, "coordinator", "export_status", {"job_id": job_id}).body["state"] == "ready"
    block = block_as(program_usage, "coordinator")
    response = block.runtime.handle(block, "export_download", Request.blank(f"/?job_id={job_id}"))
    assert response.status_code == 200 and response.content_type == "text/csv"
    lines = response.body.decode("utf-8").splitlines()
    assert lines[0].startswith("participant_id") and len(lines) > 10
    learner = block_as(program_usage, "mentee")
    assert learner.runtime.handle(learner, "export_download", Request.blank(f"/?job_id={job_id}")).status_code == 403


@pytest.mark.django_db
def test_export_job_errors(program_usage, program, people):
    from mentoring_xblock.models import ExportJob
    assert call(program_usage, "coordinator", "start_export", {"kind": "secrets"}).status == 400
    assert call(program_usage, "coordinator", "export_status", {"job_id": "1"}).status == 400
    assert call(program_usage, "coordinator", "export_status", {"job_id": 10**6}).status == 404
    job = ExportJob.objects.create(program=program, kind="participants", requested_by=1)
    from webob import Request

    from .harness import block_as
    block = block_as(program_usage, "coordinator")
    not_ready = block.runtime.handle(block, "export_download", Request.blank(f"/?job_id={job.pk}"))
    assert not_ready.status_code == 409
