"""What coordinators (course staff) do to participants."""
from django.db import transaction
from django.utils.translation import gettext as _

from .. import policy
from ..errors import Conflict, NotFound, ValidationError
from ..models import Participant
from .programs import record_event

MAX_REASON = 1000


def review_mentor(program, identity, participant_id, approve, reason=""):
    """Approve or reject a mentor who is waiting (or re-approve a rejected one)."""
    policy.require("coordinate", identity)
    if not isinstance(approve, bool):
        raise ValidationError(_("Say whether to approve with true or false."), {"approve": _("Not true/false.")})
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise ValidationError(_("Keep the reason under {limit} characters.").format(limit=MAX_REASON),
                              {"reason": _("Too long.")})
    with transaction.atomic():
        mentor = Participant.objects.select_for_update().filter(program=program, pk=participant_id).first()
        if mentor is None or mentor.mentor_status == Participant.MentorStatus.NONE:
            raise NotFound(_("There is no such mentor in this program."))
        if mentor.status != Participant.Status.ACTIVE:
            raise Conflict(_("This person has left the program."))
        mentor.mentor_status = Participant.MentorStatus.APPROVED if approve else Participant.MentorStatus.REJECTED
        mentor.save(update_fields=["mentor_status", "modified"])
        record_event(program, identity.user_id, "mentor.approved" if approve else "mentor.rejected", mentor,
                     reason=reason.strip())
    return mentor
