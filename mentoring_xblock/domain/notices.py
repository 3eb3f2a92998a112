"""What each notification says, and a participant's notifications as the block lists them.

``services.notifications.notify`` records and emails them; the views read them here.
"""
from django.utils.translation import gettext_lazy

from ..models import Notification

# kind -> (subject, message); both are formatted with the notification's data.
MESSAGES = {
    "request_received": (
        gettext_lazy("New mentoring request from {mentee}"),
        gettext_lazy("{mentee} would like you to be their mentor in {program}. Open the program in the course to "
                     "read their profile and accept or decline."),
    ),
    "request_accepted": (
        gettext_lazy("{mentor} accepted your mentoring request"),
        gettext_lazy("Good news: {mentor} is now your mentor in {program}. Open the program in the course to "
                     "start working together.{note}"),
    ),
    "request_declined": (
        gettext_lazy("Your mentoring request was declined"),
        gettext_lazy("{mentor} cannot take your request in {program} right now. You can ask another mentor."),
    ),
    "request_expired": (
        gettext_lazy("Your mentoring request expired"),
        gettext_lazy("Your request to {mentor} in {program} got no answer in time. You can ask another mentor."),
    ),
    "request_withdrawn_matched": (
        gettext_lazy("A mentoring request to you was withdrawn"),
        gettext_lazy("{mentee} no longer needs an answer to their request in {program}: they have been matched "
                     "with a mentor. Nothing else is needed from you."),
    ),
    "match_proposed": (
        gettext_lazy("You have a proposed mentoring match"),
        gettext_lazy("The course team proposes a mentoring pair in {program}: {mentee} with {mentor}. Open the "
                     "program in the course to see why and to respond."),
    ),
    "match_started": (
        gettext_lazy("Your mentoring pair has started"),
        gettext_lazy("{mentee} and {mentor} are now a mentoring pair in {program}. Your shared workspace is open."),
    ),
    "match_ended": (
        gettext_lazy("A mentoring pair has ended"),
        gettext_lazy("The mentoring pair of {mentee} and {mentor} in {program} has ended."),
    ),
    "mentor_approved": (
        gettext_lazy("You are approved as a mentor"),
        gettext_lazy("The course team approved you as a mentor in {program}. Mentees can now find you."),
    ),
    "nudge": (
        gettext_lazy("How is your mentoring going?"),
        gettext_lazy("The course team noticed that your mentoring pair in {program} ({mentee} with {mentor}) has "
                     "been quiet for a while. Open your workspace to plan your next meeting.{note}"),
    ),
    "removed": (
        gettext_lazy("You were removed from a mentoring program"),
        gettext_lazy("The course team removed you from {program}. Reason: {reason}"),
    ),
    "assessment_shared": (
        gettext_lazy("{respondent} shared an assessment of you"),
        gettext_lazy("{respondent} submitted their answers about you in {program}. Open the program's "
                     "assessments in the course to read what they said."),
    ),
    "assessment_graded": (
        gettext_lazy("{respondent} rated you"),
        gettext_lazy("{respondent} submitted their rating of you in {program}; it counts in your course grade. "
                     "Open the assessment in the course to read it: your grade is updated when you do."),
    ),
    "mentor_rejected": (
        gettext_lazy("About your mentor application"),
        gettext_lazy("The course team did not approve you as a mentor in {program} this time.{note}"),
    ),
}


class _SafeDict(dict):
    def __missing__(self, key):
        return "…"


def render_message(kind, data):
    """The (subject, body text) of a notification in the active language."""
    subject, message = MESSAGES[kind]
    return str(subject).format_map(_SafeDict(data)), str(message).format_map(_SafeDict(data))


def unread_count(participant):
    """How many notifications the participant has not seen."""
    if participant is None:
        return 0
    return Notification.objects.filter(recipient=participant, read_at__isnull=True).count()


def recent(participant, limit=10):
    """The participant's latest notifications, each with its text in the active language."""
    if participant is None:
        return []
    items = list(Notification.objects.filter(recipient=participant).order_by("-created", "-pk")[:limit])
    return [{"id": item.pk, "kind": item.kind, "created": item.created, "unread": item.read_at is None,
             "text": render_message(item.kind, item.data)[1]} for item in items]
