"""Celery tasks, run by the LMS's own workers (Open edX's Celery with Redis) when MENTORING_USE_CELERY is on."""
from celery import shared_task


@shared_task(name="mentoring_xblock.run_matching", ignore_result=True)
def run_matching(run_id):
    """Execute a queued cohort matching run."""
    from .services.matching_runs import execute_run  # pylint: disable=import-outside-toplevel
    execute_run(run_id)
