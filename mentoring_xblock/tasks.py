"""Celery tasks, run by the LMS's own workers (Open edX's Celery with Redis) when MENTORING_USE_CELERY is on.

Tasks call the services; the services start tasks by name (``services.jobs``), so neither imports the other's
module at call time. The names are the queue's contract: a task queued by one release runs on the next.
"""
from celery import shared_task

from .services import jobs
from .services.exports import build_export
from .services.matching_runs import execute_run


@shared_task(name=jobs.RUN_MATCHING, ignore_result=True)
def run_matching(run_id):
    """Execute a queued cohort matching run."""
    execute_run(run_id)


@shared_task(name=jobs.BUILD_EXPORT, ignore_result=True)
def build_large_export(job_id):
    """Build a large CSV export for download."""
    build_export(job_id)
