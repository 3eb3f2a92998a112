"""The settings the plugin reads, with their defaults. Read them through ``setting(name)``."""
from django.conf import settings

DEFAULTS = {
    # Largest number of mentees a mentor may take, whatever a program's default says.
    "MENTORING_MAX_MENTOR_CAPACITY": 20,
    # Cohort matching runs with more mentees than this go to a Celery task when workers exist.
    "MENTORING_ASYNC_MATCHING_THRESHOLD": 500,
    # Run long jobs (cohort matching, exports) in Celery; False runs them in the request (workbench).
    "MENTORING_USE_CELERY": False,
    # Address notifications are sent from; None means Django's DEFAULT_FROM_EMAIL.
    "MENTORING_FROM_EMAIL": None,
    # Rate limits per user and hour.
    "MENTORING_REQUESTS_PER_HOUR": 20,
    "MENTORING_MESSAGES_PER_HOUR": 120,
    # Per target: requests one mentee may send to the same mentor in a day, edits of one message in an hour.
    "MENTORING_REQUESTS_PER_MENTOR_PER_DAY": 3,
    "MENTORING_EDITS_PER_MESSAGE_PER_HOUR": 10,
    # A notification repeating one the person has not read yet (same kind, same details) within this many
    # minutes is not stored or emailed again.
    "MENTORING_NOTIFICATION_COALESCE_MINUTES": 60,
    # How long (seconds) a process reuses a program's encoded mentor pool for suggestions.
    "MENTORING_SUGGESTION_POOL_SECONDS": 30,
    # Course key used when the runtime has none (the XBlock SDK workbench).
    "MENTORING_WORKBENCH_COURSE_KEY": "course-v1:MentoringDemo+LEAD101+2026",
    # With Celery on, exports with more rows than this are built by a worker and offered for download.
    "MENTORING_ASYNC_EXPORT_ROWS": 20000,
    # A queued or running job (matching run, export) that has not moved for this long has stalled: its worker
    # stopped. The coordinator is told and can start it again.
    "MENTORING_JOB_STALE_MINUTES": 15,
    # Days a finished export stays downloadable.
    "MENTORING_EXPORT_DAYS": 7,
    # The workbench's development user service; refused unless DEBUG is on. Never set in production.
    "MENTORING_DEV_USER_SERVICE": False,
}


def setting(name):
    """Return the site's value of a MENTORING_* setting, or its default."""
    return getattr(settings, name, DEFAULTS[name])
