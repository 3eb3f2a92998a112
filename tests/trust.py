"""A populated program for the trust tests (permissions, fuzzing, XSS, durability, privacy).

Pair A: ``mentee`` with ``mentor``; pair B: ``mentee2`` with the same ``mentor``; pair C: ``mentee3``
with ``mentor3``; ``mentor9`` is an approved mentor without mentees. Pair A's workspace has one of
every item, written by ``mentee``. A check-in assessment block belongs to the same program.
"""
import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from mentoring_xblock.demo import demo_people
from mentoring_xblock.identity import Identity
from mentoring_xblock.models import Match, Participant
from mentoring_xblock.services import mentorship
from mentoring_xblock.services import workspace as ws
from mentoring_xblock.services.participants import join_program, save_profile

from .harness import call as harness_call
from .harness import make_user, parse_olx

FUTURE = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
# Callers: (name, description). ``anonymous`` is not signed in.
CALLERS = ("anonymous", "learner", "mentee", "mentor", "mentee2", "mentee3", "mentor3", "coordinator")
GET_HANDLERS = {"export_csv", "export_download", "workspace_meeting_ics", "report", "learner_record"}


def identity(name, staff=False):
    user = make_user(name, staff=staff)
    return Identity(user.pk, user.username, staff, True)


def profile_for(role, **changes):
    person = demo_people(mentees=int(role == "mentee"), mentors=int(role == "mentor"))[0]
    return dict(person["profile"], **changes)


def add_person(program, name, role, capacity=3):
    join_program(program, identity(name), role)
    save_profile(program, identity(name), profile_for(role))
    if role == "mentor":
        Participant.objects.filter(program=program, username=name).update(mentor_status="approved",
                                                                           capacity=capacity)
    return Participant.objects.get(program=program, username=name)


def person(program, name):
    return Participant.objects.get(program=program, username=name)


def pair(program, mentee, mentor):
    with transaction.atomic():
        return mentorship.open_match(program, person(program, mentor), person(program, mentee),
                                     Match.Origin.COORDINATOR, Match.State.ACTIVE, None)


@dataclass
class World:
    usage: str
    assessment_usage: str
    program: object
    matches: dict
    items: dict = field(default_factory=dict)

    def pk(self, name):
        return person(self.program, name).pk


def build_world(program_usage, program):
    """The program of the module docstring; ``people`` (conftest) must have run."""
    Participant.objects.filter(program=program, username="mentor").update(capacity=3)
    make_user("coordinator", staff=True)
    for name, role in (("mentee2", "mentee"), ("mentee3", "mentee"), ("mentor3", "mentor"), ("mentor9", "mentor")):
        add_person(program, name, role)
    matches = {"a": pair(program, "mentee", "mentor"), "b": pair(program, "mentee2", "mentor"),
               "c": pair(program, "mentee3", "mentor3")}
    who, match_id = identity("mentee"), matches["a"].pk
    items = {
        "agreement": ws.save_agreement(program, who, match_id, {"version": 0, "expectations": "Weekly"}),
        "goal": ws.create_goal(program, who, match_id, {"title": "Delegate more"}),
        "meeting": ws.schedule_meeting(program, who, match_id, {"starts_at": FUTURE.isoformat(),
                                                                "duration_minutes": 45}),
        "message": ws.post_message(program, who, match_id, {"body": "Hello"}),
        "resource": ws.add_resource(program, who, match_id, {"title": "Guide", "url": "https://example.com"}),
    }
    items["action"] = ws.create_action(program, who, match_id, {"title": "List tasks", "owner": "mentee",
                                                                "goal_id": items["goal"].pk})
    assessment_usage = parse_olx('<mentoring_assessment program="leadership" kind="checkin"/>')
    return World(program_usage, assessment_usage, program, matches, items)


def call(usage_id, caller, handler, data=None, query="", raw_body=None):
    """Call a handler (GET for the download handlers, with ``query``); return status, body, query count."""
    if handler in GET_HANDLERS:
        return harness_call(usage_id, caller, handler, method="GET", query=query)
    return harness_call(usage_id, caller, handler, data, raw_body=raw_body)


def status_class(status):
    return "2xx" if 200 <= status < 300 else str(status)


def snapshot():
    """Every row of the app's tables (and the workbench's field data), to prove that nothing changed."""
    state = {}
    for model in apps.get_app_config("mentoring_xblock").get_models():
        state[model.__name__] = list(model.objects.order_by("pk").values())
    return state


def rolled_back(function):
    """Run ``function`` in a savepoint that is rolled back afterwards; return its result."""
    with transaction.atomic():
        try:
            return function()
        finally:
            transaction.set_rollback(True)
