"""How work handed to Celery workers reads to a coordinator: a job that stopped moving has stalled.

A running job records its progress, and with it the time (``modified``), as it goes; one that has not moved for
``MENTORING_JOB_STALE_MINUTES`` has lost its worker. ``services.jobs`` hands the work over.
"""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import setting
from ..models import ExportJob, MatchingRun, MentorshipRequest, RunProposal

ACTIVE_RUN_STATES = (MatchingRun.State.QUEUED, MatchingRun.State.RUNNING)


def stalled_message():
    """What the coordinator reads when a job stopped moving."""
    return _("This stopped responding: the worker running it may have been stopped or restarted. Start it again.")


def stale_before(now=None):
    """Jobs last moved before this moment have stalled."""
    return (now or timezone.now()) - datetime.timedelta(minutes=setting("MENTORING_JOB_STALE_MINUTES"))


def is_stalled(job, now=None):
    """Whether a queued or running job (anything with ``modified``) has not moved for too long."""
    return job.modified < stale_before(now)


def run_shown_state(run, now=None):
    """``(stalled, error)`` as the coordinator reads a run.

    A queued or running run whose worker stopped (see ``jobs``) has stalled, and says so; starting a new run
    replaces it.
    """
    stalled = run.state in ACTIVE_RUN_STATES and is_stalled(run, now)
    return stalled, stalled_message() if stalled else run.error


def export_shown_state(job, now=None):
    """The job's state and error as the coordinator reads them: a queued job whose worker stopped has failed."""
    if job.state == ExportJob.State.QUEUED and is_stalled(job, now):
        return ExportJob.State.FAILED, stalled_message()
    return job.state, job.error


def publish_effects(run):
    """What publishing a draft will do, for the coordinator to read before saying yes (two queries)."""
    mentee_ids = list(RunProposal.objects.filter(run=run, mentor__isnull=False).values_list("mentee_id", flat=True))
    withdrawn = MentorshipRequest.objects.filter(mentee_id__in=mentee_ids, open_slot=True, mentor__isnull=False)
    return {"pairs": len(mentee_ids), "people": 2 * len(mentee_ids), "requests_withdrawn": withdrawn.count()}
