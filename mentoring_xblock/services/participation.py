"""Participation grading of the program block: what share of the program's requirements a person met."""
from django.db.models import Count, Q

from ..models import Agreement, Match, Meeting


def participation(program, participant):
    """
    ``(earned, possible, details)`` for a participant, or None when the program grades no participation.

    Requirements (chosen by the author): being in an active or completed pair, an agreement signed
    by both, and N meetings held; each counts equally, meetings in part. The best pair counts.
    Three queries at most.
    """
    grading = program.configuration.get("participation_grading") or {}
    if not grading.get("enabled") or participant is None:
        return None
    pairs = list(Match.objects.filter(Q(mentee=participant) | Q(mentor=participant), program=program,
                                      started_at__isnull=False, state__in=(Match.State.ACTIVE, Match.State.COMPLETED))
                 .values_list("pk", flat=True))
    parts, details = [], {}
    if grading["matched"]:
        details["matched"] = bool(pairs)
        parts.append(1.0 if pairs else 0.0)
    if grading["agreement_signed"]:
        signed = Agreement.objects.filter(match_id__in=pairs, mentor_signed_at__isnull=False,
                                          mentee_signed_at__isnull=False).exists() if pairs else False
        details["agreement_signed"] = signed
        parts.append(1.0 if signed else 0.0)
    if grading["meetings"]:
        held = 0
        if pairs:
            counts = Meeting.objects.filter(match_id__in=pairs, status=Meeting.Status.HELD).values(
                "match_id").annotate(n=Count("id")).values_list("n", flat=True)
            held = max(counts, default=0)
        details["meetings_held"] = held
        parts.append(min(held / grading["meetings"], 1.0))
    weight = grading["weight"]
    return round(weight * sum(parts) / len(parts), 6), weight, details
