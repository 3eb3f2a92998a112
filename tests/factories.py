"""Builders for test data: people (identities, participants), pairs and workspace items.

Everything is written through the services, as the blocks write it, so a test starts from a state the
plugin itself could have reached. Names are workbench names (``harness.make_user``).
"""
import datetime

from django.db import transaction
from django.utils import timezone

from mentoring_xblock.demo import demo_people
from mentoring_xblock.identity import Identity
from mentoring_xblock.models import Match, Participant
from mentoring_xblock.services import mentorship
from mentoring_xblock.services import workspace as workspace_service
from mentoring_xblock.services.participants import join_program, save_profile

from .harness import make_user

FUTURE = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)


def identity(name, staff=False):
    """The Identity of workbench user ``name`` (created if need be; ``staff``: course staff)."""
    user = make_user(name, staff=staff)
    return Identity(user.pk, user.username, staff, True)


def participant(program, name):
    """``name``'s Participant row in ``program``."""
    return Participant.objects.get(program=program, username=name)


def profile_for(role, **changes):
    """A complete demo profile for a ``mentee`` or a ``mentor``, with ``changes``."""
    person = demo_people(mentees=int(role == "mentee"), mentors=int(role == "mentor"))[0]
    return dict(person["profile"], **changes)


def add_person(program, name, role, capacity=3, time_zone=None, profile=None, **fields):
    """``name`` joins ``program`` as ``role`` with a complete profile; a mentor is approved.

    ``profile``: the profile to save (default: ``profile_for(role)``), ``time_zone`` set in it when given.
    A mentor's ``capacity`` is set on the row afterwards (``None``: the profile's). ``fields``: other
    columns set on the row at the end.
    """
    join_program(program, identity(name), role)
    profile = dict(profile_for(role) if profile is None else profile)
    if time_zone:
        profile["time_zone"] = time_zone
    save_profile(program, identity(name), profile)
    if role == "mentor":
        fields = {"mentor_status": "approved", **({"capacity": capacity} if capacity is not None else {}), **fields}
    if fields:
        Participant.objects.filter(program=program, username=name).update(**fields)
    return participant(program, name)


def pair(program, mentee, mentor, origin=Match.Origin.COORDINATOR, state=Match.State.ACTIVE, **match):
    """A match of ``mentee`` with ``mentor`` (names), opened through the service.

    Default: active, made by the coordinator; ``match``: the service's other arguments (score, explanation).
    """
    with transaction.atomic():
        return mentorship.open_match(program, participant(program, mentor), participant(program, mentee),
                                     origin, state, None, **match)


WORKSPACE_ITEMS = {
    "agreement": {"version": 0, "expectations": "Weekly check-ins"},
    "goal": {"title": "Delegate more", "specific": "Hand over reports"},
    "action": {"title": "List tasks", "owner": "mentee"},
    "meeting": {"starts_at": FUTURE.isoformat(), "duration_minutes": 45, "location": "Room 4", "agenda": "Kick-off"},
    "message": {"body": "Hello **there**"},
    "resource": {"title": "Guide", "url": "https://example.com/guide"},
}
_WRITERS = {"agreement": "save_agreement", "goal": "create_goal", "action": "create_action",
            "meeting": "schedule_meeting", "message": "post_message", "resource": "add_resource"}


def workspace_items(program, match, author="mentee", order=tuple(WORKSPACE_ITEMS), **bodies):
    """One of each workspace item in ``match``, written by ``author`` in ``order``; returns them by name.

    ``bodies``: a body in place of the default (``WORKSPACE_ITEMS``) for an item; the action is tied to
    the goal.
    """
    who, items = identity(author), {}
    for name in order:
        body = dict(bodies.get(name, WORKSPACE_ITEMS[name]))
        if name == "action":
            body["goal_id"] = items["goal"].pk
        items[name] = getattr(workspace_service, _WRITERS[name])(program, who, match.pk, body)
    return items
