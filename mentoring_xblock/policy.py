"""The permission policy: which role may do which action. Every handler and service asks here.

Roles are derived, never sent by the browser: ``coordinator`` comes from the runtime's course
staff flag; ``mentee`` / ``mentor`` from the caller's Participant row; ``learner`` is any other
signed-in user; ``anonymous`` is not signed in.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "configure": frozenset({COORDINATOR}),
    "read_workspace": frozenset({MENTEE, MENTOR, COORDINATOR}),
    "write_workspace": frozenset({MENTEE, MENTOR}),
}
PARTICIPANT_ROLES = frozenset({MENTEE, MENTOR})

# ---- the scope of a handler's object ------------------------------------------------------------
#
# Every handler declares (action in POLICY, object scope) on its decorator (``blocks.base.json_handler``).
# The scope says how the object a request names is resolved; the outcome for a caller follows from the
# action's roles and the scope (``outcome``):
#
# * ``program``: no object beyond the program (or only the caller's own row): the roles decide.
# * ``own``: an object that belongs to the caller (their request, their pair as mentee or as
#   mentor, the people they rate). Somebody with the role but not the owner gets 404; a caller
#   without the role gets 403 before any lookup; coordinators, where the action allows them, reach
#   every object of the program.
# * ``pair``: one match named by ``match_id``; its two people pass, every other signed-in person
#   gets the same 404 whether or not the pair exists; coordinators pass when the action allows
#   them (reading a workspace, ending a pair) and get 403 when it does not (writing in one).
# * ``author``: a pair's item that only its author changes (a message): the other side gets 403.
PROGRAM_SCOPE, OWN_SCOPE, PAIR_SCOPE, AUTHOR_SCOPE = "program", "own", "pair", "author"
SCOPES = (PROGRAM_SCOPE, OWN_SCOPE, PAIR_SCOPE, AUTHOR_SCOPE)


def coordinator_reads_pair_content(config):
    """Whether the course team may read what a pair wrote.

    That is its workspace, and the reasons on the pair's events (why it ended, why a proposal was turned down).
    The program's privacy level decides, the same for every view and every export: "metadata" shows counts,
    dates and goal titles only; "full" everything.
    """
    return (config or {}).get("privacy", "metadata") == "full"


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


# What a caller is told when the action is refused, where the general sentence does not fit.
SIGN_IN_MESSAGES = {
    "answer_assessment": gettext_lazy("Sign in to answer this assessment."),
    "read_workspace": gettext_lazy("Sign in to see your mentoring workspace."),
    "write_workspace": gettext_lazy("Sign in to see your mentoring workspace."),
}
DENIED_MESSAGES = {
    "answer_assessment": gettext_lazy("This assessment is part of the mentoring program. Join the program first, "
                                      "then come back to answer it."),
}


def sign_in_message(action):
    """What an anonymous caller is told when ``action`` needs them signed in."""
    return str(SIGN_IN_MESSAGES.get(action, _("Sign in to take part in the mentoring program.")))


def require(action, identity, participant=None, message=None):
    """Raise unless the caller may do ``action``: 401 for anonymous callers, 403 (with ``message``) otherwise."""
    if allowed(action, identity, participant):
        return
    if not identity.is_authenticated:
        raise NotAuthenticated(sign_in_message(action))
    raise PermissionDenied(str(message or DENIED_MESSAGES.get(
        action, _("You are not allowed to do this in this mentoring program."))))


def gate(action, scope, identity, participant, message=None):
    """The check every handler passes before it runs (``blocks.base.json_handler`` / ``download_handler``).

    ``participant`` is a callable giving the caller's row, called only when a participant's role could grant
    the action. In the ``pair`` and ``author`` scopes the object decides (``domain.access``): the gate refuses
    only anonymous callers, so that everyone outside a pair gets the same 404 whether or not it exists.
    """
    if scope in (PAIR_SCOPE, AUTHOR_SCOPE):
        if not identity.is_authenticated:
            raise NotAuthenticated(sign_in_message(action))
        return
    needs_row = POLICY[action] & PARTICIPANT_ROLES and not allowed(action, identity)
    require(action, identity, participant() if needs_row else None, message=message)


# Who the caller is relative to the object a request names (used by ``outcome``).
RELATION_NONE, RELATION_PARTY, RELATION_OTHER_SIDE = "none", "party", "other_side"


def outcome(declaration, roles, relation):
    """The HTTP status class ("2xx", "401", "403" or "404") a handler declared ``(action, scope)`` gives a caller.

    ``roles`` are the caller's roles in the program (``roles_of``); ``relation`` says whether the
    object the request names is theirs (``party``), belongs to the other person of their pair and
    only its author may change it (``other_side``), or is not theirs at all (``none``).
    """
    action, scope = declaration
    if ANONYMOUS in roles:
        return "2xx" if ANONYMOUS in POLICY[action] else "401"
    if scope in (PAIR_SCOPE, AUTHOR_SCOPE):
        if relation == RELATION_NONE and COORDINATOR not in roles:
            return "404"  # the same answer whether or not the pair exists
        if scope == AUTHOR_SCOPE and relation == RELATION_OTHER_SIDE:
            return "403"
        if relation != RELATION_NONE:
            return "2xx"
        return "2xx" if POLICY[action] & roles else "403"
    if not POLICY[action] & roles:
        return "403"
    if scope == OWN_SCOPE and relation == RELATION_NONE and COORDINATOR not in roles:
        return "404"  # the same answer whether or not the object exists
    return "2xx"
