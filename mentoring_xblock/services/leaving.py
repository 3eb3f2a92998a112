"""Someone stops taking part (they leave, the course team removes them, their account is retired).

One rule for all three: their open requests are released and each mentee waiting on an answer is told; their
open pairs end and the other person of each pair is told. Only the reason, who acted and how the person is
named differ.
"""
from django.utils.translation import gettext as _

from ..domain.pairs import close_match, release_requests
from ..models import Match
from .notifications import notify, pair_names


def stop_taking_part(program, person, matches, reason, actor_id, fallback=None, now=None):
    """End what ``person`` has open in ``program`` (inside a transaction, ``matches`` locked by the caller).

    ``matches`` are the person's open pairs (``lock_open_matches``); ``fallback`` is how the notifications name
    the person when they have no name (a retired account has none). Returns how many pairs ended.
    """
    fallback = fallback or _("a participant")
    for request in release_requests(person, now):
        notify(program, request.mentee, "request_declined", mentor=person.shown_name(fallback))
    for match in matches:
        match.program = program
        close_match(match, Match.State.ENDED, reason, actor_id)
        if match.mentee_id == person.pk:  # the person as they are now (a retired one is already anonymous)
            match.mentee, other = person, match.mentor
        else:
            match.mentor, other = person, match.mentee
        notify(program, other, "match_ended", **pair_names(match, fallback))
    return len(matches)
