"""
CSV exports for coordinators, streamed.

Rows are produced in chunks from the database, so 100,000 rows use bounded memory. Cells that a
spreadsheet would run as a formula are neutralised.
"""
import csv
import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..conf import setting
from ..domain.activity import record_event
from ..errors import NotFound, ValidationError
from ..models import ActivityEvent, AssessmentResponse, ExportJob, Match, Meeting, Participant
from ..spreadsheets import safe_cell
from ..validation import positive_id
from . import jobs
from .programs import save_snapshot

CHUNK = 2000


def _participants(program):
    yield ["participant_id", "username", "display_name", "status", "is_mentee", "mentor_status", "capacity",
           "mentees", "time_zone", "languages", "profile_completed_at", "joined"]
    rows = Participant.objects.filter(program=program).order_by("pk").values_list(
        "pk", "username", "display_name", "status", "is_mentee", "mentor_status", "capacity", "mentee_count",
        "time_zone", "languages", "profile_completed_at", "created")
    for row in rows.iterator(chunk_size=CHUNK):
        row = list(row)
        row[9] = " ".join(row[9] or [])
        yield row


def _matches(program):
    yield ["match_id", "mentee", "mentor", "state", "origin", "score", "created", "started_at", "ended_at",
           "end_reason", "last_activity_at"]
    reasons = policy.coordinator_reads_pair_content(program.configuration)
    rows = Match.objects.filter(program=program).order_by("pk").values_list(
        "pk", "mentee__username", "mentor__username", "state", "origin", "score", "created", "started_at",
        "ended_at", "end_reason", "last_activity_at")
    for row in rows.iterator(chunk_size=CHUNK):
        yield row if reasons else (*row[:9], "", row[10])


def _meetings(program):
    yield ["meeting_id", "match_id", "mentee", "mentor", "starts_at", "duration_minutes", "status"]
    rows = Meeting.objects.filter(match__program=program).order_by("pk").values_list(
        "pk", "match_id", "match__mentee__username", "match__mentor__username", "starts_at", "duration_minutes",
        "status")
    yield from rows.iterator(chunk_size=CHUNK)


def _responses(program):
    yield ["response_id", "block", "kind", "respondent", "subject", "period", "state", "submitted_at", "score",
           "answers"]
    rows = AssessmentResponse.objects.filter(program=program).order_by("pk").values_list(
        "pk", "usage_key", "kind", "respondent__username", "subject__username", "period", "state", "submitted_at",
        "score", "answers")
    for row in rows.iterator(chunk_size=CHUNK):
        row = list(row)
        row[9] = "; ".join(f"{key}={value}" for key, value in sorted((row[9] or {}).items()))
        yield row


def _audit(program):
    yield ["event_id", "created", "actor_id", "verb", "object_type", "object_id", "match_id", "reason"]
    reasons = policy.coordinator_reads_pair_content(program.configuration)
    rows = ActivityEvent.objects.filter(program=program).order_by("pk").values_list(
        "pk", "created", "actor_id", "verb", "object_type", "object_id", "match_id", "reason")
    for row in rows.iterator(chunk_size=CHUNK):
        yield row if reasons or row[6] is None else (*row[:7], "")


EXPORTS = {"participants": _participants, "matches": _matches, "meetings": _meetings,
           "responses": _responses, "audit": _audit}


def _check(identity, kind):
    policy.require("coordinate", identity)
    if not isinstance(kind, str) or kind not in EXPORTS:
        raise ValidationError(_("Choose what to export: {kinds}.").format(kinds=", ".join(EXPORTS)),
                              {"kind": _("Unknown export.")})


def _csv_chunks(rows):
    """CSV text in chunks of about 64 KiB, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


ROW_COUNTS = {
    "participants": lambda program: Participant.objects.filter(program=program).count(),
    "matches": lambda program: Match.objects.filter(program=program).count(),
    "meetings": lambda program: Meeting.objects.filter(match__program=program).count(),
    "responses": lambda program: AssessmentResponse.objects.filter(program=program).count(),
    "audit": lambda program: ActivityEvent.objects.filter(program=program).count(),
}


def start_export(program, identity, kind):
    """
    How the coordinator gets an export: streamed now (None), or an ExportJob a Celery worker builds.

    Large exports go to the LMS's workers when MENTORING_USE_CELERY is on; the job is offered for
    download when ready and kept for MENTORING_EXPORT_DAYS days.
    """
    _check(identity, kind)
    if not setting("MENTORING_USE_CELERY") or ROW_COUNTS[kind](program) <= setting("MENTORING_ASYNC_EXPORT_ROWS"):
        return None
    ExportJob.objects.filter(program=program, created__lt=timezone.now() - datetime.timedelta(
        days=setting("MENTORING_EXPORT_DAYS"))).delete()
    save_snapshot(program)  # the worker reads the program's configuration (its privacy level) from its row
    job = ExportJob.objects.create(program=program, kind=kind, requested_by=identity.user_id)
    record_event(program, identity.user_id, "export.requested", job, kind=kind)
    jobs.queue_after_commit(jobs.BUILD_EXPORT, job.pk, lambda message: ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.FAILED, error=message))
    return job


def build_export(job_id):
    """Write a queued export's CSV into its job (run by a Celery worker)."""
    job = ExportJob.objects.select_related("program").get(pk=job_id)
    if job.state != ExportJob.State.QUEUED:
        return job
    try:
        rows = list(EXPORTS[job.kind](job.program))
        job.content, job.rows, job.state = "".join(_csv_chunks(rows)), len(rows) - 1, ExportJob.State.READY
    except Exception as error:  # pylint: disable=broad-except  # a failed export must say so
        job.state, job.error = ExportJob.State.FAILED, str(error)[:2000]
    job.save(update_fields=["content", "rows", "state", "error", "modified"])
    return job


def export_job(program, identity, job_id):
    """A coordinator's export job of this program (404 otherwise)."""
    policy.require("coordinate", identity)
    job_id = positive_id(job_id, "job_id", _("Say which export with its number."))
    job = ExportJob.objects.filter(program=program, pk=job_id).first()
    if job is None:
        raise NotFound(_("There is no such export."))
    return job


def export_rows(program, identity, kind):
    """Check the caller and the kind; return a generator of CSV lines (text) for ``kind``."""
    _check(identity, kind)
    return _csv_chunks(EXPORTS[kind](program))
