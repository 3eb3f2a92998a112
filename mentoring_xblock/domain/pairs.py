"""The pair lifecycle's core: locking people and pairs in one order, and ending a pair.

Every service that changes requests or matches goes through these; this module imports only the models
and the activity log (``programs.record_event``), never another service, so that the services above it
(mentorship, coordination, privacy, matching runs) need not import each other.
"""
from django.db.models import F, Q
from django.utils import timezone

from ..models import Match, MentorshipRequest, Participant
from .activity import record_event


def lock_participants(*participant_ids):
    """
    Lock participant rows in ascending id order, in one statement.

    Every change to requests and matches first locks the participants it concerns this way, so
    concurrent changes queue up on the same rows in the same order and cannot deadlock.
    """
    # Rows we update that reference participants (requests, matches) make InnoDB take shared locks on
    # those participants (foreign key checks), so callers include them here too.
    ids = sorted({pk for pk in participant_ids if pk is not None})
    return {p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def lock_open_matches(program, person):
    """
    The person's open pairs (either side), locked, with both people loaded.

    The person and every partner are locked first, in id order (``lock_participants``).
    """
    mine = Q(mentee=person) | Q(mentor=person)
    pairs = list(Match.objects.filter(mine, program=program, open_slot=True).values_list("mentor_id", "mentee_id"))
    requests = list(MentorshipRequest.objects.filter(Q(mentee=person) | Q(mentor=person), open_slot=True)
                    .values_list("mentor_id", "mentee_id"))
    lock_participants(person.pk, *[pk for pair in pairs + requests for pk in pair])
    ids = list(Match.objects.select_for_update().filter(mine, program=program, open_slot=True)
               .values_list("pk", flat=True))
    return list(Match.objects.filter(pk__in=ids).select_related("mentor", "mentee", "program"))


def release_requests(person, now=None):
    """Close a person's open requests as they stop taking part (leave, removal, retirement; inside a transaction).

    Their own requests are withdrawn; requests waiting for their answer as a mentor are declined. Returns the
    declined ones (with the mentee), whose mentees the caller tells.
    """
    now = now or timezone.now()
    MentorshipRequest.objects.filter(mentee=person, open_slot=True).update(
        state=MentorshipRequest.State.WITHDRAWN, open_slot=None, responded_at=now, modified=now)
    waiting = list(MentorshipRequest.objects.filter(mentor=person, open_slot=True).select_related("mentee"))
    MentorshipRequest.objects.filter(pk__in=[request.pk for request in waiting]).update(
        state=MentorshipRequest.State.DECLINED, open_slot=None, responded_at=now, modified=now)
    return waiting


def close_match(match, state, reason, actor_id):
    """End an open match and give the mentor's place back (inside a transaction); the one way a pair ends."""
    match.state, match.open_slot, match.ended_at, match.end_reason = state, None, timezone.now(), reason
    match.save(update_fields=["state", "open_slot", "ended_at", "end_reason", "modified"])
    Participant.objects.filter(pk=match.mentor_id, mentee_count__gt=0).update(mentee_count=F("mentee_count") - 1)
    record_event(match.program, actor_id, f"match.{state}", match, match=match, reason=reason)
