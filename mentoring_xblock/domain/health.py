"""Pair health: when a pair is at risk.

Quiet for longer than the program's ``inactivity_days``, or a last check-in below ``LOW_CHECKIN``: the one rule
for the cockpit's pair health tab, its counts and "Nudge all pairs at risk".
"""
import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ..models import AssessmentResponse, Match

LOW_CHECKIN = 0.5  # a check-in scored below half of its scale puts a pair at risk


def quiet_since(program, now):
    """A pair without activity since before this moment is quiet (the program's inactivity threshold)."""
    return now - datetime.timedelta(days=program.configuration["inactivity_days"])


def last_checkin():
    """The result (0..1, from the answers) of a pair's latest submitted check-in that has one, as a subquery.

    A check-in with no scale answer (custom items of choices and text) says nothing on the scale: the
    latest one that does is the pair's last check-in result.
    """
    checkins = AssessmentResponse.objects.filter(match=OuterRef("pk"), kind="checkin", result__isnull=False,
                                                 state=AssessmentResponse.State.SUBMITTED).order_by("-submitted_at")
    return Subquery(checkins.values("result")[:1])


def risky(threshold):
    """At risk: quiet since before ``threshold`` (or never active), or a last check-in below LOW_CHECKIN."""
    return Q(last_activity_at__lt=threshold) | Q(last_activity_at__isnull=True) | Q(last_checkin__lt=LOW_CHECKIN)


def at_risk(program, threshold):
    """The program's active pairs at risk, each annotated with ``last_checkin``."""
    return Match.objects.filter(program=program, state=Match.State.ACTIVE).annotate(
        last_checkin=last_checkin()).filter(risky(threshold))


def at_risk_match_ids(program, now=None):
    """Every active pair at risk, all pages (what "Nudge all pairs at risk" reaches), one query."""
    threshold = quiet_since(program, now or timezone.now())
    return list(at_risk(program, threshold).order_by("pk").values_list("pk", flat=True))
