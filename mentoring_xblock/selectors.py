"""Reads for views and reports (selectors read; services write). Query counts do not grow with size."""
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .conf import setting
from .domain import matching as matching_service
from .domain import notices
from .domain.limits import MAX_REASON, MAX_REQUEST_MESSAGE
from .domain.matching import reason_sentences
from .domain.people import ROLE_MENTEE, ROLE_MENTOR
from .models import Match, MentorshipRequest, Participant
from .program_config import question_label, questions_for
from .reference import DAY_NAMES, DAY_SHORT_NAMES, LANGUAGES, language_name, time_zone_choices


def participant_profile(participant):
    """The profile fields of a participant as the profile form expects them."""
    if participant is None:
        return {"answers": {}, "bio": "", "time_zone": "", "languages": [], "availability": [],
                "capacity": None, "consent": False}
    return {
        "answers": participant.answers,
        "bio": participant.bio,
        "time_zone": participant.time_zone,
        "languages": participant.languages,
        "availability": participant.availability,
        "capacity": participant.capacity if participant.is_mentor else None,
        "consent": participant.consent_at is not None,
    }


def profile_form(config, role):
    """The questions of the profile form for ``role`` with the labels that role sees."""
    form = []
    for question in questions_for(config, role):
        shown = dict(question, shown_label=question_label(question, role))
        if question["kind"] == "scale":
            shown["scale_values"] = list(range(question["scale_min"], question["scale_max"] + 1))
        form.append(shown)
    return form


def program_counts(program):
    """Participants by role and state, and open requests and matches: three queries."""
    people = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE).aggregate(
        mentees=Count("id", filter=Q(is_mentee=True)),
        mentors=Count("id", filter=Q(mentor_status=Participant.MentorStatus.APPROVED)),
        mentors_pending=Count("id", filter=Q(mentor_status=Participant.MentorStatus.PENDING)),
    )
    people["requests_open"] = MentorshipRequest.objects.filter(
        MentorshipRequest.waiting(timezone.now()), program=program).count()
    people["matches_active"] = Match.objects.filter(program=program, state=Match.State.ACTIVE).count()
    return people


def person_card(participant, config):
    """What others see of a participant: name, initials, bio, topics, languages, time zone, level."""
    labels = {option["value"]: option["label"] for q in config["questions"] for option in q["options"]}
    topics_id = next((q["id"] for q in config["questions"] if q["match"] == "topics"), None)
    level_id = next((q["id"] for q in config["questions"] if q["match"] == "seniority"), None)
    name = participant.shown_name(_("Participant"))
    return {
        "id": participant.pk,
        "name": name,
        "initials": "".join(part[0] for part in name.replace("_", " ").split()[:2]).upper() or "?",
        "bio": participant.bio,
        "topics": [labels.get(t, t) for t in participant.answers.get(topics_id, [])] if topics_id else [],
        "level": labels.get(participant.answers.get(level_id), "") if level_id else "",
        "languages": [language_name(code) for code in participant.languages],
        "time_zone": participant.time_zone,
        "free_places": participant.free_capacity if participant.is_mentor else None,
    }


def _request_view(request, config, side, now):
    other = request.mentor if side == "mentee" else request.mentee
    state = request.shown_state(now)
    return {
        "id": request.pk,
        "state": state,
        "state_label": MentorshipRequest.State(state).label,
        "message": request.message,
        "response_message": request.response_message,
        "created": request.created,
        "expires_at": request.expires_at,
        "person": person_card(other, config) if other else None,
    }


def _match_view(match, config, side, welcome=False):
    other = match.mentor if side == "mentee" else match.mentee
    return {
        "id": match.pk,
        "state": match.state,
        "origin": match.origin,
        "person": person_card(other, config),
        "score": round(100 * match.score),
        "ended_at": match.ended_at,
        "end_reason": match.end_reason,
        "reasons": reason_sentences(match.explanation, config, perspective=side),
        "started_at": match.started_at,
        # What the mentor wrote when accepting the mentee's request (kept on the request; loaded with the match).
        "welcome": match.request.response_message if welcome and match.request_id else "",
    }


def mentee_journey(program, mentee):
    """The mentee's open match, open request, last answered request and suggestions (constant queries)."""
    config = program.configuration
    match = Match.objects.filter(mentee=mentee, open_slot=True).select_related("mentor", "request").first()
    now = timezone.now()
    requests = list(MentorshipRequest.objects.filter(mentee=mentee).select_related("mentor").order_by("-created")[:5])
    open_request = next((r for r in requests if r.shown_state(now) == MentorshipRequest.State.REQUESTED), None)
    last_closed = next((r for r in requests if r.shown_state(now) in (MentorshipRequest.State.DECLINED,
                                                                      MentorshipRequest.State.EXPIRED)), None)
    past = Match.objects.filter(mentee=mentee, state__in=(Match.State.ENDED, Match.State.COMPLETED),
                                started_at__isnull=False).select_related("mentor").order_by("-ended_at")[:5]
    state = {
        "past": [_match_view(m, config, "mentee") for m in past],
        "match": _match_view(match, config, "mentee", welcome=True) if match else None,
        "open_request": _request_view(open_request, config, "mentee", now) if open_request else None,
        "last_closed_request": _request_view(last_closed, config, "mentee", now) if last_closed else None,
        "in_queue": bool(open_request and open_request.mentor_id is None),
        "suggestions": [],
        "can_request": False,
        "can_queue": False,
    }
    ready = bool(mentee.profile_completed_at and mentee.consent_at)
    if ready and match is None and open_request is None:
        mode = config["matching_mode"]
        state["can_request"] = mode in ("self_select", "both")
        state["can_queue"] = mode in ("coordinator", "both")
        if state["can_request"]:
            state["suggestions"] = [
                {"person": person_card(item["mentor"], config), "score": round(100 * item["score"]),
                 "reasons": reason_sentences(item["explanation"], config)}
                for item in matching_service.suggestions(program, mentee)
            ]
    return state


def mentor_journey(program, mentor):
    """The mentor's incoming requests (with reasons) and current mentees (constant queries)."""
    config = program.configuration
    now = timezone.now()
    incoming = list(MentorshipRequest.objects.filter(MentorshipRequest.waiting(now), mentor=mentor)
                    .select_related("mentee").order_by("created")[:50])
    requests = []
    for request in incoming:
        view = _request_view(request, config, "mentor", now)
        _score, explanation, _blocked = matching_service.explain(program, request.mentee, mentor)
        view["reasons"] = reason_sentences(explanation, config, perspective="mentor")
        requests.append(view)
    matches = Match.objects.filter(mentor=mentor, open_slot=True).select_related("mentee").order_by("created")
    past = Match.objects.filter(mentor=mentor, state__in=(Match.State.ENDED, Match.State.COMPLETED),
                                started_at__isnull=False).select_related("mentee").order_by("-ended_at")[:5]
    return {
        "past": [_match_view(m, config, "mentor") for m in past],
        "incoming": requests,
        "mentees": [_match_view(match, config, "mentor") for match in matches],
        "capacity": mentor.capacity,
        "mentee_count": mentor.mentee_count,
        "paused": mentor.mentor_status == Participant.MentorStatus.PAUSED,
    }


def program_view_state(program, identity):
    """Everything the program block's learner/mentor/coordinator view needs, for ``identity``."""
    config = program.configuration
    participant = Participant.of_user(program, identity.user_id)
    roles = policy.roles_of(identity, participant)
    role = None
    if participant is not None and participant.status == Participant.Status.ACTIVE:
        role = ROLE_MENTEE if participant.is_mentee else ROLE_MENTOR if participant.is_mentor else None
    state = {
        "roles": sorted(roles),
        "role": role,
        "is_coordinator": policy.COORDINATOR in roles,
        "is_authenticated": identity.is_authenticated,
        "participant": participant,
        "mentor_status": participant.mentor_status if participant else "",
        "profile": participant_profile(participant),
        "profile_complete": bool(participant and participant.profile_completed_at),
        "can_mentor": config["allow_learner_mentors"] or identity.is_coordinator,
        "questions": profile_form(config, role or ROLE_MENTEE),
        "config": config,
        # What the forms accept, from the services that check it (the templates' maxlength).
        "limits": {"message": MAX_REQUEST_MESSAGE, "reason": MAX_REASON},
    }
    if role == ROLE_MENTEE:
        state["journey"] = mentee_journey(program, participant)
    elif role == ROLE_MENTOR:
        state["journey"] = mentor_journey(program, participant)
    if role:
        state["unread"] = notices.unread_count(participant)
        state["notifications"] = notices.recent(participant)
    return state


HOURS_PER_BLOCK = 4


def form_choices(config):
    """Reference lists for profile forms: languages, time zones, the weekly grid, capacities."""
    blocks = [{"start": start, "label": f"{start:02d}–{start + HOURS_PER_BLOCK:02d}"}
              for start in range(0, 24, HOURS_PER_BLOCK)]
    days = []
    for index, day in enumerate(DAY_NAMES):
        cells = []
        for block in blocks:
            first = index * 24 + block["start"]
            cells.append({
                "hours": ",".join(str(hour) for hour in range(first, first + HOURS_PER_BLOCK)),
                "label": _("{day}, {start}:00 to {end}:00").format(
                    day=day, start=f"{block['start']:02d}", end=f"{block['start'] + HOURS_PER_BLOCK:02d}"),
            })
        days.append({"name": str(day), "short": str(DAY_SHORT_NAMES[index]), "cells": cells})
    most = min(config["capacity_max"], setting("MENTORING_MAX_MENTOR_CAPACITY"))
    return {
        "languages": sorted(((code, str(name)) for code, name in LANGUAGES.items()), key=lambda item: item[1]),
        "time_zones": time_zone_choices(),
        "hour_blocks": blocks,
        "availability_days": days,
        "capacity_values": list(range(1, most + 1)),
    }
