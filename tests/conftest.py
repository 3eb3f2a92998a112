"""Shared fixtures: the demo program OLX loaded into the workbench, and people in every role."""
import pytest

from mentoring_xblock.demo import demo_people, program_olx
from mentoring_xblock.identity import Identity
from mentoring_xblock.services.coordination import review_mentor
from mentoring_xblock.services.participants import join_program, save_profile

from .harness import block_as, make_user, parse_olx


@pytest.fixture
def program_usage(db):
    """The usage id of a freshly loaded demo program block."""
    return parse_olx(program_olx())


@pytest.fixture
def program(program_usage):
    """The Program row behind ``program_usage``."""
    return block_as(program_usage, "anonymous").program()


def identity_of(user, staff=False):
    """An Identity for a Django user."""
    return Identity(user.pk, user.username, staff, True)


@pytest.fixture
def people(program):
    """One person per role, as workbench names.

    ``learner`` (signed in, not in the program), ``mentee`` (joined, complete profile), ``mentor``
    (approved, complete profile), ``coordinator`` (course staff) and ``anonymous``.
    """
    coordinator = make_user("coordinator", staff=True)
    demo = {person["role"]: person for person in reversed(demo_people(mentees=1, mentors=1))}
    for name, role in (("mentee", "mentee"), ("mentor", "mentor")):
        user = make_user(name)
        participant = join_program(program, identity_of(user), role)
        save_profile(program, identity_of(user), demo[role]["profile"])
        if role == "mentor":
            review_mentor(program, identity_of(coordinator, staff=True), participant.pk, True)
    make_user("learner")
    return {"learner": "learner", "mentee": "mentee", "mentor": "mentor", "coordinator": "coordinator",
            "anonymous": "anonymous"}


@pytest.fixture
def emails_sent(monkeypatch, mailoutbox):
    """Emails sent on commit; the test's transaction never commits, so on-commit callbacks run at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda callback, using=None, robust=False: callback())
    return mailoutbox


class PublishedEvents(list):
    """Events as (name, data), and ``credited``: each grade event as (user id, data), credited as the LMS does.

    The LMS records a grade event for the user of the request, whatever ``user_id`` the event carries
    (edx-platform ``xmodule/services.py``, ``_handle_grade_event``); ``credited`` does the same.
    """

    def __init__(self):
        super().__init__()
        self.credited = []

    def clear(self):
        super().clear()
        self.credited.clear()


@pytest.fixture
def published(monkeypatch):
    """Events the blocks publish through the runtime (tracking, grades, completion), as (name, data)."""
    events = PublishedEvents()
    from workbench.runtime import WorkbenchRuntime

    from mentoring_xblock.identity import identity_for_block

    def publish(self, block, name, data):
        events.append((name, data))
        if name == "grade":
            events.credited.append((identity_for_block(block).user_id, data))
    monkeypatch.setattr(WorkbenchRuntime, "publish", publish)
    return events
