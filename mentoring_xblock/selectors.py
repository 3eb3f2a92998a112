"""Reads for views and reports (selectors read; services write). Query counts do not grow with size."""
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from . import policy
from .conf import setting
from .models import Match, MentorshipRequest, Participant
from .program_config import question_label, questions_for
from .reference import DAY_NAMES, LANGUAGES, time_zones
from .services.participants import ROLE_MENTEE, ROLE_MENTOR, get_participant


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
        program=program, state=MentorshipRequest.State.REQUESTED).count()
    people["matches_active"] = Match.objects.filter(program=program, state=Match.State.ACTIVE).count()
    return people


def program_view_state(program, identity):
    """Everything the program block's learner/mentor/coordinator view needs, for ``identity``."""
    config = program.configuration
    participant = get_participant(program, identity.user_id)
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
    }
    if state["is_coordinator"]:
        state["counts"] = program_counts(program)
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
        days.append({"name": str(day), "cells": cells})
    most = min(config["capacity_max"], setting("MENTORING_MAX_MENTOR_CAPACITY"))
    return {
        "languages": sorted(((code, str(name)) for code, name in LANGUAGES.items()), key=lambda item: item[1]),
        "time_zones": time_zones(),
        "hour_blocks": blocks,
        "availability_days": days,
        "capacity_values": list(range(1, most + 1)),
    }
