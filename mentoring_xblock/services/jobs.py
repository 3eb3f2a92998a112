"""Work handed to Celery workers (cohort matching runs, large exports): queued after commit, and never lost.

Two ways a job can be lost: the queue (Redis) does not answer when the job is handed over, or the worker
running it stops (killed, restarted, out of memory). The first marks the job failed at once with a message;
the second is seen when the job has not moved for ``MENTORING_JOB_STALE_MINUTES`` (a running job records its
progress, and with it the time, as it goes). Either way the coordinator reads what happened and starts again.
"""
import logging

from celery import current_app
from django.db import transaction
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# The Celery tasks (``mentoring_xblock.tasks``, registered when the app is ready), by the names they are queued under.
RUN_MATCHING = "mentoring_xblock.run_matching"
BUILD_EXPORT = "mentoring_xblock.build_export"


def queue_failed_message():
    """What the coordinator reads when the task queue refused a job."""
    return _("The task queue did not answer, so this work did not start. Try again in a minute; if it keeps "
             "failing, ask the site's administrators to check the Celery workers and Redis.")


def queue_after_commit(task_name, job_id, mark_failed):
    """Hand the task named ``task_name`` (``RUN_MATCHING``, ``BUILD_EXPORT``) ``job_id`` once the transaction commits.

    If the queue refuses it, ``mark_failed`` (called with the message) records the failure instead of leaving
    the job queued for ever.
    """
    def send():
        try:
            current_app.tasks[task_name].delay(job_id)
        except Exception:  # pylint: disable=broad-except  # any broker error: the job must say it did not start
            log.exception("Could not queue %s for job %s", task_name, job_id)
            mark_failed(queue_failed_message())
    transaction.on_commit(send)
