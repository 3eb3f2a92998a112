"""Celery tasks, run by the LMS's own workers (Open edX's Celery with Redis) when MENTORING_USE_CELERY is on."""
from celery import shared_task


@shared_task(name="mentoring_xblock.run_matching", ignore_result=True)
def run_matching(run_id):
    """Execute a queued cohort matching run."""
    from .services.matching_runs import execute_run  # pylint: disable=import-outside-toplevel
    execute_run(run_id)


@shared_task(name="mentoring_xblock.build_export", ignore_result=True)
def build_export(job_id):
    """Build a large CSV export for download."""
    from .services.exports import build_export as build  # pylint: disable=import-outside-toplevel
    build(job_id)
