"""The permission policy: which role may do which action. Every handler and service asks here.

Roles are derived, never sent by the browser: ``coordinator`` comes from the runtime's course
staff flag; ``mentee`` / ``mentor`` from the caller's Participant row; ``learner`` is any other
signed-in user; ``anonymous`` is not signed in.
"""
from django.utils.translation import gettext as _

from .errors import NotAuthenticated, PermissionDenied

ANONYMOUS = "anonymous"
LEARNER = "learner"
MENTEE = "mentee"
MENTOR = "mentor"
COORDINATOR = "coordinator"
ROLES = (ANONYMOUS, LEARNER, MENTEE, MENTOR, COORDINATOR)
SIGNED_IN = frozenset({LEARNER, MENTEE, MENTOR, COORDINATOR})

# action -> roles allowed. Object-level checks (is this *your* request / match?) are in the services.
POLICY = {
    "view_program": frozenset(ROLES),
    "join_program": SIGNED_IN,
    "edit_profile": frozenset({MENTEE, MENTOR}),
    "request_mentor": frozenset({MENTEE}),
    "respond_to_request": frozenset({MENTOR}),
    "respond_to_proposal": frozenset({MENTEE}),
    "end_match": frozenset({MENTEE, MENTOR, COORDINATOR}),
    "leave_program": frozenset({MENTEE, MENTOR}),
    "read_notifications": frozenset({MENTEE, MENTOR}),
    "answer_assessment": frozenset({MENTEE, MENTOR}),
    "coordinate": frozenset({COORDINATOR}),
}


def roles_of(identity, participant=None):
    """The set of roles the caller has in a program."""
    if not identity.is_authenticated:
        return {ANONYMOUS}
    roles = {LEARNER}
    if identity.is_coordinator:
        roles.add(COORDINATOR)
    if participant is not None and participant.status == participant.Status.ACTIVE:
        if participant.is_mentee:
            roles.add(MENTEE)
        if participant.is_mentor:
            roles.add(MENTOR)
    return roles


def allowed(action, identity, participant=None):
    """True when one of the caller's roles may do ``action``."""
    return bool(POLICY[action] & roles_of(identity, participant))


def require(action, identity, participant=None):
    """Raise unless the caller may do ``action``: 401 for anonymous callers, 403 otherwise."""
    if allowed(action, identity, participant):
        return
    if not identity.is_authenticated:
        raise NotAuthenticated(_("Sign in to take part in the mentoring program."))
    raise PermissionDenied(_("You are not allowed to do this in this mentoring program."))
