"""
Requests and matches: how a mentee and a mentor become a pair, and how a pair ends.

Invariants (also enforced by the database, see models):
* a mentee has at most one open (proposed or active) match and one open request per program;
* a mentor never has more open matches than capacity: ``open_match`` locks the mentor's row and
  moves ``mentee_count`` in the same transaction as the match row (a CHECK constraint backs it);
* a request or proposal can be answered once; answering a withdrawn, expired or answered one is
  refused with a message that says what happened.
"""
import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..conf import setting
from ..domain import matching as matching_service
from ..domain.activity import record_event
from ..domain.limits import MAX_REASON, MAX_REQUEST_MESSAGE
from ..domain.pairs import close_match, lock_open_matches, lock_participants
from ..errors import Conflict, NotFound, ValidationError
from ..models import Match, MentorshipRequest, Participant
from ..validation import clean_text
from ..validation import positive_id as _id
from .leaving import stop_taking_part
from .notifications import note, notify, pair_names

# ---- helpers -------------------------------------------------------------------------------------

def _caller(program, identity, action):
    """The caller's active participant row after the policy check for ``action``."""
    participant = Participant.of_user(program, identity.user_id)
    policy.require(action, identity, participant)
    return participant


def open_match_of(mentee):
    """The mentee's proposed or active match, if any."""
    return Match.objects.filter(mentee=mentee, open_slot=True).select_related("mentor").first()


# ---- expiry --------------------------------------------------------------------------------------

def _expire(program, requests, now):
    """Mark ``requests`` (open, past their date) expired and tell each mentee. Rows locked by the caller."""
    MentorshipRequest.objects.filter(pk__in=[r.pk for r in requests], state=MentorshipRequest.State.REQUESTED).update(
        state=MentorshipRequest.State.EXPIRED, open_slot=None, responded_at=now)
    for request in requests:
        if request.mentor_id:
            notify(program, request.mentee, "request_expired", mentor=request.mentor.shown_name(_("a participant")))
        record_event(program, None, "request.expired", request)


def expire_due_requests(program, now=None):
    """Expire open requests past their date (and tell the mentees); returns how many expired.

    Run on a schedule (``manage.py lms mentoring_expire_requests``), never while a page renders: views show a
    request past its date as expired already (``MentorshipRequest.is_due``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(MentorshipRequest.objects.filter(MentorshipRequest.due(now), program=program)
                   .select_related("mentee", "mentor"))
        if due:
            lock_participants(*[pk for r in due for pk in (r.mentee_id, r.mentor_id)])
            _expire(program, due, now)
    return len(due)


# ---- mentee side ---------------------------------------------------------------------------------

def _require_ready_mentee(program, mentee, locked=False):
    """Refuse a mentee who cannot ask now.

    Called first for the answer that matters most, then again once the mentee's row is locked
    (``locked``; see ``lock_participants``): a check made before the lock could pass while a coordinator's
    match for the same person commits. Under the lock, the mentee's own request past its date expires first
    (only the mentee's rows change, so no other lock is needed).
    """
    if not mentee.profile_completed_at or not mentee.consent_at:
        raise Conflict(_("Complete your profile and agree to share it before asking for a mentor."))
    # Locking reads: they see what committed while this request waited for the lock, at any isolation level.
    matches = Match.objects.select_for_update() if locked else Match.objects
    if matches.filter(mentee=mentee, open_slot=True).exists():
        raise Conflict(_("You already have a mentor in this program."))
    if not locked:
        return
    now = timezone.now()
    requests = list(MentorshipRequest.objects.select_for_update().filter(mentee=mentee, open_slot=True)
                    .select_related("mentee", "mentor"))
    due = [request for request in requests if request.is_due(now)]
    if due:
        _expire(program, due, now)
    if len(requests) > len(due):
        raise Conflict(_("You already have a request waiting for an answer. Withdraw it to ask someone else."))


def _check_rate(mentee, mentor=None):
    """Limits per action and per target.

    Requests (to mentors or the queue) per hour, and to one mentor per day: asking and withdrawing again and
    again would otherwise email the same mentor each time.
    """
    now = timezone.now()
    limit = setting("MENTORING_REQUESTS_PER_HOUR")
    if MentorshipRequest.objects.filter(mentee=mentee, created__gte=now - datetime.timedelta(hours=1)).count() >= limit:
        raise ValidationError(_("You have sent many requests in the last hour. Please wait a while and try again."))
    if mentor is None:
        return
    per_mentor = setting("MENTORING_REQUESTS_PER_MENTOR_PER_DAY")
    if MentorshipRequest.objects.filter(mentee=mentee, mentor=mentor,
                                        created__gte=now - datetime.timedelta(days=1)).count() >= per_mentor:
        raise ValidationError(_("You have asked this mentor {count} times today. Wait for tomorrow, or ask another "
                                "mentor.").format(count=per_mentor))


def request_mentor(program, identity, mentor_id, message=""):
    """A mentee asks one mentor (self-select programs)."""
    mentee = _caller(program, identity, "request_mentor")
    mentor_id = _id(mentor_id, "mentor_id")
    message = clean_text(message, "message", MAX_REQUEST_MESSAGE, _("message"))
    if program.configuration["matching_mode"] == "coordinator":
        raise Conflict(_("In this program the course team matches mentees and mentors; join the queue instead."))
    _require_ready_mentee(program, mentee)  # the answer that matters most to the mentee comes first
    mentor = Participant.objects.filter(program=program, pk=mentor_id).first()
    paused = mentor is not None and mentor.mentor_status == Participant.MentorStatus.PAUSED \
        and mentor.status == Participant.Status.ACTIVE
    if mentor is None or mentor.pk == mentee.pk or not (mentor.is_matchable_mentor or paused):
        raise NotFound(_("This mentor is not available in this program."))
    if mentor.mentor_status == Participant.MentorStatus.PAUSED or mentor.free_capacity <= 0:
        raise Conflict(_("This mentor is not taking new mentees right now. Choose another mentor."))
    if (str(mentee.pk), str(mentor.pk)) in matching_service.forbidden_pairs(program, [mentee.pk]):
        raise Conflict(_("You cannot ask this mentor again. Choose another mentor."))
    days = program.configuration["request_expiry_days"]
    try:
        with transaction.atomic():
            mentee = lock_participants(mentee.pk)[mentee.pk]
            _require_ready_mentee(program, mentee, locked=True)  # what committed meanwhile counts
            _check_rate(mentee, mentor)
            request = MentorshipRequest.objects.create(
                program=program, mentee=mentee, mentor=mentor, message=message,
                expires_at=timezone.now() + datetime.timedelta(days=days))
            notify(program, mentor, "request_received", mentee=mentee.shown_name(_("a participant")))
            record_event(program, identity.user_id, "request.created", request, mentor=mentor.pk)
    except IntegrityError:
        raise Conflict(_("You already have a request waiting for an answer. Withdraw it to ask someone else.")) \
            from None
    return request


def join_queue(program, identity, message=""):
    """A mentee asks the course team to match them (coordinator-matched programs)."""
    mentee = _caller(program, identity, "request_mentor")
    message = clean_text(message, "message", MAX_REQUEST_MESSAGE, _("message"))
    if program.configuration["matching_mode"] == "self_select":
        raise Conflict(_("In this program you choose your mentor from the suggestions."))
    _require_ready_mentee(program, mentee)
    try:
        with transaction.atomic():
            mentee = lock_participants(mentee.pk)[mentee.pk]
            _require_ready_mentee(program, mentee, locked=True)
            _check_rate(mentee)
            request = MentorshipRequest.objects.create(program=program, mentee=mentee, mentor=None, message=message)
            record_event(program, identity.user_id, "request.queued", request)
    except IntegrityError:
        raise Conflict(_("You already have a request waiting for an answer.")) from None
    return request


def withdraw_request(program, identity, request_id):
    """The mentee withdraws their open request."""
    mentee = _caller(program, identity, "request_mentor")
    request_id = _id(request_id, "request_id")
    with transaction.atomic():
        mentor_id = MentorshipRequest.objects.filter(program=program, pk=request_id, mentee=mentee).values_list(
            "mentor_id", flat=True).first()
        lock_participants(mentee.pk, mentor_id)
        request = MentorshipRequest.objects.select_for_update().filter(program=program, pk=request_id,
                                                                      mentee=mentee).first()
        if request is None:
            raise NotFound(_("There is no such request."))
        if request.state != MentorshipRequest.State.REQUESTED:
            raise Conflict(_("This request is already {state}.").format(state=request.get_state_display().lower()))
        request.state, request.open_slot, request.responded_at = MentorshipRequest.State.WITHDRAWN, None, timezone.now()
        request.save(update_fields=["state", "open_slot", "responded_at", "modified"])
        record_event(program, identity.user_id, "request.withdrawn", request)
    return request


# ---- mentor side ---------------------------------------------------------------------------------

def respond_to_request(program, identity, request_id, accept, message=""):
    """The requested mentor accepts (a match starts) or declines."""
    mentor = _caller(program, identity, "respond_to_request")
    request_id = _id(request_id, "request_id")
    if not isinstance(accept, bool):
        raise ValidationError(_("Say whether you accept with true or false."), {"accept": _("Not true/false.")})
    message = clean_text(message, "message", MAX_REQUEST_MESSAGE, _("message"))
    with transaction.atomic():
        mentee_id = MentorshipRequest.objects.filter(program=program, pk=request_id, mentor=mentor).values_list(
            "mentee_id", flat=True).first()
        lock_participants(mentor.pk, mentee_id)
        request = MentorshipRequest.objects.select_for_update().filter(
            program=program, pk=request_id, mentor=mentor).select_related("mentee").first()
        if request is None:
            raise NotFound(_("There is no such request."))
        now = timezone.now()
        if request.state != MentorshipRequest.State.REQUESTED or request.is_due(now):
            raise Conflict(_("This request is already {state}.").format(state=request.shown_state_label(now)))
        request.responded_at, request.response_message, request.open_slot = now, message, None
        if accept:
            if mentor.mentor_status != Participant.MentorStatus.APPROVED:
                raise Conflict(_("Resume your mentoring before accepting new mentees."))
            score, explanation, _blocked = matching_service.explain(program, request.mentee, mentor)
            request.state = MentorshipRequest.State.ACCEPTED
            request.save(update_fields=["state", "responded_at", "response_message", "open_slot", "modified"])
            match = open_match(program, mentor, request.mentee, Match.Origin.REQUEST, Match.State.ACTIVE,
                               identity.user_id, score=score, explanation=explanation, request=request)
            words = _("{mentor} wrote: {message}").format(mentor=mentor.shown_name(_("a participant")),
                                                          message=message) if message else ""
            notify(program, request.mentee, "request_accepted", mentor=mentor.shown_name(_("a participant")),
                   note=note(words))
            record_event(program, identity.user_id, "request.accepted", request, match=match)
            return match
        request.state = MentorshipRequest.State.DECLINED
        request.save(update_fields=["state", "responded_at", "response_message", "open_slot", "modified"])
        notify(program, request.mentee, "request_declined", mentor=mentor.shown_name(_("a participant")))
        record_event(program, identity.user_id, "request.declined", request)
    return None


def set_paused(program, identity, paused):
    """A mentor pauses (no new requests or proposals) or resumes."""
    mentor = _caller(program, identity, "respond_to_request")
    if not isinstance(paused, bool):
        raise ValidationError(_("Say whether to pause with true or false."), {"paused": _("Not true/false.")})
    allowed = {Participant.MentorStatus.APPROVED, Participant.MentorStatus.PAUSED}
    if mentor.mentor_status not in allowed:
        raise Conflict(_("You can pause once the course team has approved you as a mentor."))
    mentor.mentor_status = Participant.MentorStatus.PAUSED if paused else Participant.MentorStatus.APPROVED
    with transaction.atomic():
        mentor.save(update_fields=["mentor_status", "modified"])
        record_event(program, identity.user_id, "mentor.paused" if paused else "mentor.resumed", mentor)
    return mentor


# ---- matches -------------------------------------------------------------------------------------

def open_match(program, mentor, mentee, origin, state, actor_id, score=0.0, explanation=None, run=None,
               request=None):
    """
    Create a proposed or active match; the one place that takes a mentor's capacity.

    Locks the mentor's row, re-checks capacity and the mentee's open matches, and raises Conflict
    when either no longer allows the pair. Must run inside the caller's transaction.
    """
    requested = MentorshipRequest.objects.filter(mentee=mentee, open_slot=True).values_list("mentor_id", flat=True)
    rows = lock_participants(mentor.pk, mentee.pk, *requested)
    locked, mentee = rows[mentor.pk], rows[mentee.pk]
    if locked.mentee_count >= locked.capacity:
        raise Conflict(_("{mentor} has no free place left.").format(mentor=locked.shown_name(_("a participant"))))
    if locked.status != Participant.Status.ACTIVE or mentee.status != Participant.Status.ACTIVE:
        raise Conflict(_("One of the two people has left the program."))
    now = timezone.now()
    try:
        with transaction.atomic():
            match = Match.objects.create(
                program=program, mentor=locked, mentee=mentee, state=state, origin=origin, created_by=actor_id,
                score=score, explanation=explanation or [], run=run, request=request,
                started_at=now if state == Match.State.ACTIVE else None, last_activity_at=now)
    except IntegrityError:
        raise Conflict(_("{mentee} already has a mentor in this program.").format(
            mentee=mentee.shown_name(_("a participant")))) from None
    Participant.objects.filter(pk=locked.pk).update(mentee_count=F("mentee_count") + 1)
    # Any other open request of the mentee is answered by this match: a request to the course
    # team's queue is fulfilled by a coordinator's or a run's match; a request to a mentor lapses.
    others = MentorshipRequest.objects.filter(mentee=mentee, open_slot=True).exclude(pk=getattr(request, "pk", None))
    if origin != Match.Origin.REQUEST:
        others.filter(mentor__isnull=True).update(state=MentorshipRequest.State.ACCEPTED, open_slot=None,
                                                  responded_at=now)
    lapsed = list(others.filter(mentor__isnull=False).select_related("mentor"))
    others.update(state=MentorshipRequest.State.WITHDRAWN, open_slot=None, responded_at=now)
    for withdrawn in lapsed:  # the mentor was waiting to answer: they hear why the request went away
        notify(program, withdrawn.mentor, "request_withdrawn_matched", mentee=mentee.shown_name(_("a participant")))
        record_event(program, actor_id, "request.withdrawn_by_match", withdrawn, match=match)
    return match


def _match_for(program, identity, match_id, lock=True):
    """A match the caller belongs to (404 for anyone else, whether it exists or not)."""
    match_id = _id(match_id, "match_id")
    if lock:  # lock both people (in id order), then the match row (MariaDB has no FOR UPDATE OF)
        people = Match.objects.filter(program=program, pk=match_id).values_list("mentor_id", "mentee_id").first()
        lock_participants(*(people or (0,)))  # the same statements whether or not the pair exists
        Match.objects.select_for_update().filter(program=program, pk=match_id).values_list("pk").first()
    match = Match.objects.select_related("mentor", "mentee", "program").filter(program=program, pk=match_id).first()
    if match is None or identity.user_id not in (match.mentor.user_id, match.mentee.user_id):
        if match is not None and identity.is_coordinator:
            return match
        raise NotFound(_("There is no such mentoring pair."))
    return match


def respond_to_proposal(program, identity, match_id, accept, reason=""):
    """
    The mentee answers a match the course team proposed: accept (the pair starts) or ask to be re-matched.

    Asking to be re-matched needs a reason; the mentee goes back to the course team's queue.
    """
    mentee = _caller(program, identity, "respond_to_proposal")
    if not isinstance(accept, bool):
        raise ValidationError(_("Say whether you accept with true or false."), {"accept": _("Not true/false.")})
    reason = clean_text(reason, "reason", MAX_REASON, _("reason"))
    if not accept and not reason:
        raise ValidationError(_("Tell the course team why, so that they can find a better match."),
                              {"reason": _("A reason is needed.")})
    with transaction.atomic():
        match = _match_for(program, identity, match_id)
        if match.mentee_id != mentee.pk:
            raise NotFound(_("There is no such mentoring pair."))
        if match.state != Match.State.PROPOSED:
            raise Conflict(_("This match is no longer waiting for your answer."))
        if accept:
            match.state, match.started_at = Match.State.ACTIVE, timezone.now()
            match.save(update_fields=["state", "started_at", "modified"])
            record_event(program, identity.user_id, "match.accepted", match, match=match)
            notify(program, match.mentor, "match_started", **pair_names(match, _("a participant")))
            return match
        close_match(match, Match.State.ENDED, reason, identity.user_id)
        record_event(program, identity.user_id, "match.rematch_requested", match, match=match, reason=reason)
        # Back to the course team's queue, unless a request of the mentee's is already open (the rows are
        # locked, so none can appear meanwhile): that one stays, and the course team sees the reason here.
        if not MentorshipRequest.objects.select_for_update().filter(mentee=mentee, open_slot=True).exists():
            MentorshipRequest.objects.create(program=program, mentee=mentee, mentor=None,
                                             message=_("Asked to be re-matched: {reason}").format(reason=reason))
    return match


def end_match(program, identity, match_id, reason):
    """Either person of an active pair (or a coordinator) ends it, with a reason."""
    participant = Participant.of_user(program, identity.user_id)
    policy.require("end_match", identity, participant)
    reason = clean_text(reason, "reason", MAX_REASON, _("reason"))
    if not reason:
        raise ValidationError(_("Say briefly why the mentorship ends."), {"reason": _("A reason is needed.")})
    with transaction.atomic():
        match = _match_for(program, identity, match_id)
        if match.state not in (Match.State.ACTIVE, Match.State.PROPOSED):
            raise Conflict(_("This mentorship has already ended."))
        close_match(match, Match.State.ENDED, reason, identity.user_id)
        for person in (match.mentee, match.mentor):
            if person.user_id != identity.user_id:
                notify(program, person, "match_ended", **pair_names(match, _("a participant")))
    return match


def leave_program(program, identity, reason=""):
    """
    The caller leaves the program: open requests are withdrawn and open pairs end.

    Profile answers stay (so that rejoining is quick) until the person asks for deletion or the
    account is retired; the other person of a pair keeps the shared workspace.
    """
    participant = _caller(program, identity, "leave_program")
    reason = clean_text(reason, "reason", MAX_REASON, _("reason"))
    with transaction.atomic():
        matches = lock_open_matches(program, participant)
        participant = Participant.objects.get(pk=participant.pk)
        stop_taking_part(program, participant, matches, reason or _("Left the program"), identity.user_id)
        participant.status, participant.left_reason = Participant.Status.WITHDRAWN, reason
        participant.save(update_fields=["status", "left_reason", "modified"])
        record_event(program, identity.user_id, "participant.left", participant, reason=reason)
    return participant
