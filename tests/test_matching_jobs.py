"""Cohort matching as a job: the management command, and the Celery task on a real Redis broker."""
import threading

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
    app.conf.update(task_always_eager=False, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)
    from mentoring_xblock import tasks  # noqa: F401  (registers the shared task on the app)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
        yield app


@pytest.mark.django_db(transaction=True)
def test_large_runs_go_to_celery_on_redis(program_usage, program, people, settings, celery_app_on_redis):
    import redis
    redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()  # a real broker, not a mock
    seed(program)
    settings.MENTORING_USE_CELERY = True
    settings.MENTORING_ASYNC_MATCHING_THRESHOLD = 5
    result = call(program_usage, "coordinator", "start_run", {})
    assert result.status == 200 and result.body["state"] == "queued"
    done = threading.Event()
    for _attempt in range(100):
        state = call(program_usage, "coordinator", "run_status", {"run_id": result.body["run_id"]}).body["state"]
        if state == "draft":
            done.set()
            break
        done.wait(0.2)
    assert done.is_set(), "the Celery worker did not finish the run"
    assert MatchingRun.objects.get(pk=result.body["run_id"]).metrics["matched"] > 0
