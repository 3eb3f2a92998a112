"""The program's activity log: one line per change, written by every service that changes state."""
from ..models import ActivityEvent


def record_event(program, actor_id, verb, obj=None, match=None, reason="", **data):
    """Append one line to the program's activity log."""
    return ActivityEvent.objects.create(
        program=program,
        match=match,
        actor_id=actor_id,
        verb=verb,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        reason=reason,
        data=data,
    )
