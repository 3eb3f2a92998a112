"""Access to a pair: which side of it the caller is, and the one answer for a pair they may not see."""
from django.utils.translation import gettext as _

from .. import policy
from ..errors import NotAuthenticated, NotFound
from ..models import Match
from ..validation import positive_id

SIDE_MENTOR, SIDE_MENTEE, SIDE_COORDINATOR = "mentor", "mentee", "coordinator"


def not_found_message():
    """The one message for a workspace the caller may not see, whether it exists or not."""
    return _("There is no such mentoring workspace.")


def side_of(match, identity):
    """``mentor`` / ``mentee`` for the pair, ``coordinator`` for course staff, else None."""
    if identity.user_id is not None and identity.user_id == match.mentor.user_id:
        return SIDE_MENTOR
    if identity.user_id is not None and identity.user_id == match.mentee.user_id:
        return SIDE_MENTEE
    if identity.is_coordinator:
        return SIDE_COORDINATOR
    return None


def readable_match(program, identity, match_id):
    """The match and the caller's side, for reading: 401 anonymous, 404 for everyone outside it."""
    if not identity.is_authenticated:
        raise NotAuthenticated(policy.sign_in_message("read_workspace"))
    match_id = positive_id(match_id, "match_id")
    match = Match.objects.select_related("mentor", "mentee").filter(program=program, pk=match_id).first()
    side = side_of(match, identity) if match is not None else None
    if side is None:
        raise NotFound(not_found_message())
    match.program = program
    return match, side


def reads_pair_content(side, config):
    """Whether the caller on ``side`` reads what the pair wrote (agreement text, notes, places, agendas).

    The two people of the pair always do; the course team where the program's privacy level allows it
    (``policy.coordinator_reads_pair_content``).
    """
    return side in (SIDE_MENTOR, SIDE_MENTEE) or policy.coordinator_reads_pair_content(config)
