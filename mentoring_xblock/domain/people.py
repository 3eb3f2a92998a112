"""Who a person is in a program: the two roles one joins as.

The caller's own row is ``Participant.of_user``; the roles of a caller (anonymous, learner, coordinator...)
are the policy's (``policy.roles_of``).
"""
ROLE_MENTEE = MENTEE = "mentee"
ROLE_MENTOR = MENTOR = "mentor"


def role_in_program(participant):
    """'mentee', 'mentor' or None for an active participant row (``access.side_of`` is a side of a pair)."""
    if participant is None or participant.status != participant.Status.ACTIVE:
        return None
    if participant.is_mentee:
        return MENTEE
    return MENTOR if participant.is_mentor else None
