"""
Notifications: one function, ``notify``, for every state change that concerns someone else.

It stores a Notification row (the block's unread badge and list) and emails the person through
Django's email machinery once the transaction commits (in Open edX: the LMS's email backend). The
email is written in the recipient's language where the platform knows it.
"""
import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.template import Context, Engine
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from .. import compat, policy
from ..conf import setting
from ..models import Notification, Participant

log = logging.getLogger(__name__)
COALESCE_SCAN = 20  # the latest unread notifications of a kind compared with a new one

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

# Plain text: nothing is HTML-escaped (with autoescape, "O'Brien" arrived as "O&#x27;Brien").
EMAIL_TEMPLATE = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(
    "{% load i18n %}{% blocktrans %}Hello {{ name }},{% endblocktrans %}\n\n{{ message }}\n\n"
    "{% blocktrans %}This message was sent by the mentoring program of your course.{% endblocktrans %}\n"
)


class _SafeDict(dict):
    def __missing__(self, key):
        return "…"


def render_message(kind, data):
    """The (subject, body text) of a notification in the active language."""
    subject, message = MESSAGES[kind]
    return str(subject).format_map(_SafeDict(data)), str(message).format_map(_SafeDict(data))


def pair_names(match, fallback=""):
    """The ``mentee`` and ``mentor`` names of a pair, for a notification's text."""
    return {"mentee": match.mentee.shown_name(fallback), "mentor": match.mentor.shown_name(fallback)}


def note(text):
    """The ``{note}`` of a notification: someone's words on a paragraph of their own, or nothing."""
    return f"\n\n{text}" if text else ""


def notify(program, recipient, kind, **data):
    """Record a notification for ``recipient`` (a Participant) and email them after commit.

    Coalesced: the same notification (kind and details) that the person has not read yet, sent within
    ``MENTORING_NOTIFICATION_COALESCE_MINUTES``, is not stored or emailed again; the unread one is returned.
    """
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    data.setdefault("program", program.title or program.slug)
    since = timezone.now() - datetime.timedelta(minutes=setting("MENTORING_NOTIFICATION_COALESCE_MINUTES"))
    for unread in Notification.objects.filter(recipient=recipient, kind=kind, read_at__isnull=True,
                                              created__gte=since).order_by("-created")[:COALESCE_SCAN]:
        if unread.data == data:
            return unread
    notification = Notification.objects.create(program=program, recipient=recipient, kind=kind, data=data)
    transaction.on_commit(lambda: _send_email(recipient.user_id, kind, data))
    return notification


def _send_email(user_id, kind, data):
    """Email one notification; a mail failure is logged, never raised into the request."""
    user = compat.get_user_by_id(user_id)
    if user is None or not user.email:
        return
    with translation.override(compat.user_language(user)):
        subject, message = render_message(kind, data)
        body = EMAIL_TEMPLATE.render(Context({"name": user.get_full_name() or user.username, "message": message},
                                             autoescape=False))
    try:
        send_mail(subject, body, setting("MENTORING_FROM_EMAIL"), [user.email])
    except Exception:  # pylint: disable=broad-except  # mail problems must not undo the user's action
        log.exception("Could not email mentoring notification %s to user %s", kind, user_id)


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


def mark_read_for(program, identity):
    """Mark the caller's notifications in ``program`` read (participants only)."""
    participant = Participant.of_user(program, identity.user_id)
    policy.require("read_notifications", identity, participant)
    return mark_read(participant)


def mark_read(participant):
    """Mark all of the participant's notifications read; returns how many were unread."""
    if participant is None:
        return 0
    return Notification.objects.filter(recipient=participant, read_at__isnull=True).update(read_at=timezone.now())

