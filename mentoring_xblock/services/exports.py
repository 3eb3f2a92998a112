"""
CSV exports for coordinators, streamed.

Rows are produced in chunks from the database, so 100,000 rows use bounded memory. Cells that a
spreadsheet would run as a formula are neutralised.
"""
import csv
import io

from django.utils.translation import gettext as _

from .. import policy
from ..errors import ValidationError
from ..models import ActivityEvent, AssessmentResponse, Match, Meeting, Participant

CHUNK = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value that spreadsheets show as text (formula injection protection)."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


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
    rows = Match.objects.filter(program=program).order_by("pk").values_list(
        "pk", "mentee__username", "mentor__username", "state", "origin", "score", "created", "started_at",
        "ended_at", "end_reason", "last_activity_at")
    yield from rows.iterator(chunk_size=CHUNK)


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
    rows = ActivityEvent.objects.filter(program=program).order_by("pk").values_list(
        "pk", "created", "actor_id", "verb", "object_type", "object_id", "match_id", "reason")
    yield from rows.iterator(chunk_size=CHUNK)


EXPORTS = {"participants": _participants, "matches": _matches, "meetings": _meetings,
           "responses": _responses, "audit": _audit}


def export_rows(program, identity, kind):
    """Check the caller and the kind; return a generator of CSV lines (text) for ``kind``."""
    policy.require("coordinate", identity)
    if kind not in EXPORTS:
        raise ValidationError(_("Choose what to export: {kinds}.").format(kinds=", ".join(EXPORTS)),
                              {"kind": _("Unknown export.")})

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in EXPORTS[kind](program):
            writer.writerow([safe_cell(value) for value in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return lines()
