"""
The platform's data duties for this app: retiring a user's personal data and exporting it.

``retire_user`` runs when the LMS retires an account (``USER_RETIRE_LMS_MISC``, wired in
``receivers.connect_retirement_signal``) and from ``manage.py mentoring_retire_user``. It removes or
anonymises what identifies the person (names, profile answers, bio, free text they wrote) in every
program, ends their open pairs and requests like leaving would, and leaves the other person of a
pair a workspace that no longer names them. Ids, states, dates and scores stay, so that program
statistics and the audit log keep adding up (the audit log's reasons are retained, see models).

``export_user_data`` returns, as JSON-ready data, what this app stores about one user.
"""
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.pairs import lock_open_matches
from ..models import (
    ActivityEvent,
    Agreement,
    AssessmentResponse,
    ExportJob,
    Goal,
    Match,
    Meeting,
    MentorshipRequest,
    Message,
    Notification,
    Participant,
    Reflection,
    Resource,
)
from .leaving import stop_taking_part

REMOVED = "[removed]"


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _scrub_answers(answers):
    """A response's stored answers with every free-text (string) answer replaced."""
    answers = dict(answers or {})
    items = {key: (REMOVED if isinstance(value, str) else value) for key, value in (answers.get("items") or {}).items()}
    if "items" in answers:
        answers["items"] = items
    return answers


def _scrub_names(data, names):
    return {key: (_("a former participant") if isinstance(value, str) and value in names else value)
            for key, value in (data or {}).items()}


def retire_user(user_id, reason=None):
    """Remove or anonymise ``user_id``'s personal data in every program; return what was changed (counts).

    Idempotent: retiring a retired user changes nothing more.
    """
    reason = reason or _("The participant's account was closed")
    counts = {"participants": 0, "messages": 0, "reflections": 0, "requests": 0, "responses": 0,
              "notifications": 0, "matches_ended": 0, "exports": 0}
    with transaction.atomic():
        people = list(Participant.objects.select_for_update().filter(user_id=user_id).order_by("pk"))
        # Prepared CSV exports of their programs may list them: drop those files (they can be made again).
        counts["exports"], _kinds = ExportJob.objects.filter(program_id__in=[p.program_id for p in people]).delete()
        names = {value for person in people for value in (person.username, person.display_name) if value}
        now = timezone.now()
        for person in people:
            program = person.program
            matches = lock_open_matches(program, person)
            person.refresh_from_db()
            # Anonymise first, so that everything written below (notifications) no longer names them.
            person.username, person.display_name, person.bio, person.answers = "", "", "", {}
            person.time_zone, person.languages, person.availability, person.exclusion_groups = "", [], [], []
            person.seniority, person.consent_at, person.left_reason, person.retired = None, None, "", True
            if person.status == Participant.Status.ACTIVE:
                person.status = Participant.Status.WITHDRAWN
            person.save()
            counts["participants"] += 1
            # They are anonymised: waiting mentees and the other person of each pair hear "a former participant".
            counts["matches_ended"] += stop_taking_part(program, person, matches, reason, None,
                                                        fallback=_("a former participant"), now=now)
        person_ids = [person.pk for person in people]
        counts["requests"] += MentorshipRequest.objects.filter(mentee_id__in=person_ids).exclude(
            message="", response_message="").update(message="", response_message="")
        counts["requests"] += MentorshipRequest.objects.filter(mentor_id__in=person_ids).exclude(
            response_message="").update(response_message="")
        Match.objects.filter(Q(mentor_id__in=person_ids) | Q(mentee_id__in=person_ids)).exclude(
            end_reason="").exclude(end_reason=reason).update(end_reason=REMOVED)
        removed = Message()
        removed.set_body(REMOVED)
        counts["messages"] = Message.objects.filter(author_id=user_id).exclude(body__in=("", REMOVED)).update(
            body=removed.body, body_html=removed.body_html, render_version=removed.render_version)
        counts["reflections"] = Reflection.objects.filter(author_id=user_id).exclude(text=REMOVED).update(
            text=REMOVED)
        for response in AssessmentResponse.objects.select_for_update().filter(
                Q(respondent_id__in=person_ids) | Q(subject_id__in=person_ids)):
            scrubbed = _scrub_answers(response.answers)
            if scrubbed != response.answers:
                response.answers = scrubbed
                response.save(update_fields=["answers", "modified"])
                counts["responses"] += 1
        counts["notifications"] = Notification.objects.filter(recipient_id__in=person_ids).delete()[0]
        if names:
            program_ids = {person.program_id for person in people}
            for notification in Notification.objects.filter(program_id__in=program_ids):
                scrubbed = _scrub_names(notification.data, names)
                if scrubbed != notification.data:
                    notification.data = scrubbed
                    notification.save(update_fields=["data", "modified"])
        for person in people:
            ActivityEvent.objects.create(program_id=person.program_id, actor_id=None, verb="participant.retired",
                                         object_type="participant", object_id=person.pk)
    return counts


def export_user_data(user_id):
    """Everything this app stores about ``user_id``, JSON-ready (written by them or about their role)."""
    people = list(Participant.objects.filter(user_id=user_id).select_related("program").order_by("pk"))
    person_ids = [person.pk for person in people]
    programs = []
    for person in people:
        programs.append({
            "course_key": str(person.program.course_key), "program": person.program.slug,
            "participant_id": person.pk, "username": person.username, "display_name": person.display_name,
            "status": person.status, "is_mentee": person.is_mentee, "mentor_status": person.mentor_status,
            "answers": person.answers, "bio": person.bio, "time_zone": person.time_zone,
            "languages": person.languages, "availability": person.availability, "capacity": person.capacity,
            "consent_at": _iso(person.consent_at), "profile_completed_at": _iso(person.profile_completed_at),
            "left_reason": person.left_reason, "joined": _iso(person.created), "retired": person.retired,
        })
    requests = [
        {"id": r.pk, "role": "mentee" if r.mentee_id in person_ids else "mentor", "state": r.state,
         "message": r.message if r.mentee_id in person_ids else "",
         "response_message": r.response_message if r.mentor_id in person_ids else "",
         "created": _iso(r.created), "responded_at": _iso(r.responded_at)}
        for r in MentorshipRequest.objects.filter(Q(mentee_id__in=person_ids) | Q(mentor_id__in=person_ids))
        .order_by("pk")]
    matches = [
        {"id": m.pk, "program": m.program_id, "role": "mentee" if m.mentee_id in person_ids else "mentor",
         "state": m.state, "origin": m.origin, "started_at": _iso(m.started_at), "ended_at": _iso(m.ended_at),
         "end_reason": m.end_reason}
        for m in Match.objects.filter(Q(mentee_id__in=person_ids) | Q(mentor_id__in=person_ids)).order_by("pk")]
    match_ids = [m["id"] for m in matches]
    workspace = {
        "messages": [{"id": m.pk, "match": m.match_id, "body": m.body, "created": _iso(m.created),
                      "deleted": m.deleted_at is not None}
                     for m in Message.objects.filter(author_id=user_id).order_by("pk")],
        "reflections": [{"id": r.pk, "match": r.match_id, "text": r.text}
                        for r in Reflection.objects.filter(author_id=user_id).order_by("pk")],
        "goals_created": [{"id": g.pk, "match": g.match_id, "title": g.title}
                          for g in Goal.objects.filter(created_by=user_id, match_id__in=match_ids).order_by("pk")],
        "meetings_scheduled": [{"id": m.pk, "match": m.match_id, "starts_at": _iso(m.starts_at)}
                               for m in Meeting.objects.filter(created_by=user_id, match_id__in=match_ids)
                               .order_by("pk")],
        "resources_added": [{"id": r.pk, "match": r.match_id, "title": r.title, "url": r.url}
                            for r in Resource.objects.filter(added_by=user_id).order_by("pk")],
        "agreements_signed": [{"match": a.match_id, "mentor_signed_at": _iso(a.mentor_signed_at),
                               "mentee_signed_at": _iso(a.mentee_signed_at)}
                              for a in Agreement.objects.filter(match_id__in=match_ids).order_by("pk")],
    }
    responses = [
        {"id": r.pk, "block": str(r.usage_key), "kind": r.kind, "period": r.period, "state": r.state,
         "answers": (r.answers or {}).get("items", {}), "submitted_at": _iso(r.submitted_at)}
        for r in AssessmentResponse.objects.filter(respondent_id__in=person_ids).order_by("pk")]
    notifications = [
        {"kind": n.kind, "created": _iso(n.created), "read_at": _iso(n.read_at)}
        for n in Notification.objects.filter(recipient_id__in=person_ids).order_by("pk")]
    events = [
        {"verb": e.verb, "object_type": e.object_type, "object_id": e.object_id, "created": _iso(e.created)}
        for e in ActivityEvent.objects.filter(actor_id=user_id).order_by("pk")]
    return {"user_id": user_id, "programs": programs, "requests": requests, "matches": matches,
            "workspace": workspace, "assessment_responses": responses, "notifications": notifications,
            "activity": events}
