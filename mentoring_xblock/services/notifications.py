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

from .. import compat, policy
from ..conf import setting
from ..domain.notices import MESSAGES, render_message
from ..models import Notification, Participant

log = logging.getLogger(__name__)
COALESCE_SCAN = 20  # the latest unread notifications of a kind compared with a new one

# Plain text: nothing is HTML-escaped (with autoescape, "O'Brien" arrived as "O&#x27;Brien").
EMAIL_TEMPLATE = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(
    "{% load i18n %}{% blocktrans %}Hello {{ name }},{% endblocktrans %}\n\n{{ message }}\n\n"
    "{% blocktrans %}This message was sent by the mentoring program of your course.{% endblocktrans %}\n"
)


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
