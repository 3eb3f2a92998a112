"""A populated program for the trust tests (permissions, fuzzing, XSS, durability, privacy).

Pair A: ``mentee`` with ``mentor``; pair B: ``mentee2`` with the same ``mentor``; pair C: ``mentee3``
with ``mentor3``; ``mentor9`` is an approved mentor without mentees. Pair A's workspace has one of
every item, written by ``mentee``. A check-in assessment block belongs to the same program.
"""
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from mentoring_xblock.models import Participant
from mentoring_xblock.services import workspace as ws  # noqa: F401  # test_permissions imports it from here

# The builders live in tests/factories.py; the names test_permissions.py, test_trust.py and test_fuzz.py
# import from here stay importable.
from .factories import FUTURE, add_person, identity, pair, profile_for, workspace_items  # noqa: F401
from .factories import participant as person
from .harness import call as harness_call
from .harness import make_user, parse_olx

# Callers: (name, description). ``anonymous`` is not signed in.
CALLERS = ("anonymous", "learner", "mentee", "mentor", "mentee2", "mentee3", "mentor3", "coordinator")
GET_HANDLERS = {"export_csv", "export_download", "workspace_meeting_ics", "report", "learner_record"}


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
    items = workspace_items(
        program, matches["a"], "mentee", order=("agreement", "goal", "meeting", "message", "resource", "action"),
        agreement={"version": 0, "expectations": "Weekly"}, goal={"title": "Delegate more"},
        meeting={"starts_at": FUTURE.isoformat(), "duration_minutes": 45}, message={"body": "Hello"},
        resource={"title": "Guide", "url": "https://example.com"})
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
