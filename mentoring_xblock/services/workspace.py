"""
The pair workspace: agreement, goals, action items, meetings, messages, resources, close-out.

Rules (every write goes through ``_writable``):
* only the two people of the match read and write it; coordinators read it (how much depends on
  ``program.configuration["privacy"]``) and never write; everyone else gets the same 404 whether or
  not the workspace exists;
* writes need an active match: once the match ends or completes the workspace is a read-only
  archive (409), except for each side's close-out reflection, which needs a closed match;
* input is validated before anything is written (400 with ``field_errors``), and each write runs in
  one transaction with its activity event and the match's ``last_activity_at``;
* versioned items (agreement, goals, action items, meetings) are updated with a conditional
  ``UPDATE ... WHERE version = n``: a stale version is a 409 that names who changed the item.
"""
import datetime
import re
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey

from .. import markup, policy
from ..conf import setting
from ..domain.access import SIDE_COORDINATOR, SIDE_MENTOR, not_found_message, readable_match, side_of
from ..domain.activity import record_event
from ..domain.limits import (
    AGREEMENT_FIELDS,
    EDIT_WINDOW,
    GOAL_TEXTS,
    MAX_ACTIONS,
    MAX_GOALS,
    MAX_LOCATION,
    MAX_MEETING_MINUTES,
    MAX_MESSAGE,
    MAX_RESOURCES,
    MAX_TEXT,
    MAX_TITLE,
    MAX_UNITS,
    MAX_UPCOMING_MEETINGS,
    MAX_URL,
    MEETING_HORIZON,
    MIN_MEETING_MINUTES,
)
from ..errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationError
from ..models import ActionItem, ActivityEvent, Agreement, Goal, Match, Meeting, Message, Reflection, Resource
from ..reference import is_time_zone
from ..validation import clean_text, is_whole
from ..validation import json_object as _object
from ..validation import positive_id as _id

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---- validation helpers --------------------------------------------------------------------------



def _version(value):
    if not is_whole(value) or value < 0:
        raise ValidationError(_("Reload the workspace: the item's version is missing."),
                              {"version": _("Not a valid version.")})
    return value


def _choice(value, field, choices, label):
    if value not in choices:
        raise ValidationError(_("Choose one of the offered values for the {label}.").format(label=label),
                              {field: _("Not one of the choices.")})
    return value


def _bool(value, field):
    if not isinstance(value, bool):
        raise ValidationError(_("Say yes or no with true or false."), {field: _("Not true/false.")})
    return value


def _int_range(value, field, low, high, label):
    if not is_whole(value) or not low <= value <= high:
        raise ValidationError(
            _("The {label} must be a whole number from {low} to {high}.").format(label=label, low=low, high=high),
            {field: _("From {low} to {high}.").format(low=low, high=high)})
    return value


def _date(value, field, label):
    """A YYYY-MM-DD date or None for empty."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and _DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(_("Give the {label} as a date (year-month-day).").format(label=label),
                          {field: _("Not a date.")})


def _datetime(value, field, time_zone):
    """An ISO date and time; without an offset it is read in ``time_zone`` (the caller's own)."""
    parsed = None
    if isinstance(value, str) and 10 < len(value) <= 40:
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError(_("Give the meeting's date and time (year-month-day hours:minutes)."),
                              {field: _("Not a date and time.")})
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))
    return parsed.astimezone(datetime.UTC)


def _unit_keys(value, program, field="linked_units"):
    """A bounded list of usage-key strings of units of this program's course."""
    if value in (None, ""):
        return []
    if isinstance(value, str):  # one per line, as typed
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("List the course units as text, one per line."), {field: _("Not a list.")})
    if len(value) > MAX_UNITS:
        raise ValidationError(_("Link at most {limit} course units.").format(limit=MAX_UNITS),
                              {field: _("Too many.")})
    keys = []
    for raw in value:
        keys.append(_unit_key(raw.strip(), program, field))
    return list(dict.fromkeys(keys))


def _unit_key(raw, program, field):
    try:
        key = UsageKey.from_string(raw)
    except InvalidKeyError:
        key = None
    if key is None or str(key.course_key) != str(program.course_key):
        raise ValidationError(
            _("“{value}” is not a unit of this course. Copy the unit's id (it starts with block-v1:).").format(
                value=raw[:80]), {field: _("Not a unit of this course.")})
    return str(key)


def _url(value, field="url"):
    """An absolute http or https link."""
    value = clean_text(value, field, MAX_URL, _("link"), required=True)
    parts = urlsplit(value)
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https"):
        raise ValidationError(_("Give a full web address starting with https:// or http://."),
                              {field: _("Not a web address.")})
    return value


def _writable(program, identity, match_id, closed=False):
    """The locked match for a write by one of the pair (call inside a transaction)."""
    if not identity.is_authenticated:
        raise NotAuthenticated(policy.sign_in_message("write_workspace"))
    match_id = _id(match_id, "match_id")
    # Lock the match row alone (MariaDB has no FOR UPDATE OF), then read it with both people.
    Match.objects.select_for_update().filter(program=program, pk=match_id).values_list("pk").first()
    match = Match.objects.select_related("mentor", "mentee").filter(program=program, pk=match_id).first()
    side = side_of(match, identity) if match is not None else None
    if side is None:
        raise NotFound(not_found_message())
    if side == SIDE_COORDINATOR:
        raise PermissionDenied(_("The course team can read this workspace but cannot change it."))
    match.program = program
    if closed:
        if match.state not in (Match.State.COMPLETED, Match.State.ENDED):
            raise Conflict(_("You can write your reflection once the mentorship has ended."))
    elif match.state == Match.State.PROPOSED:
        raise Conflict(_("The workspace opens when the match is accepted."))
    elif match.state != Match.State.ACTIVE:
        raise Conflict(_("This mentorship has ended, so its workspace is read-only. "
                         "You can still read everything and write your reflection."))
    return match, side


def _done(program, identity, match, verb, obj, **data):
    """Record the action and keep the pair's last activity (feeds the coordinator's health view)."""
    now = timezone.now()
    Match.objects.filter(pk=match.pk).update(last_activity_at=now)
    match.last_activity_at = now
    record_event(program, identity.user_id, verb, obj, match=match, **data)


def _stale(match, model, item_id, identity, label):
    """The 409 for a stale version: who changed the item since the caller read it."""
    event = ActivityEvent.objects.filter(match=match, object_type=model.__name__.lower(),
                                         object_id=item_id).order_by("-created", "-pk").first()
    if event is not None and event.actor_id == identity.user_id:
        who = _("you (in another window)")
    elif event is not None and event.actor_id in (match.mentor.user_id, match.mentee.user_id):
        actor = match.mentor if event.actor_id == match.mentor.user_id else match.mentee
        who = actor.shown_name(_("a participant"))
    else:
        who = _("the other person")
    return Conflict(_("This {item} was changed by {who} since you opened it. Reload to see the changes, "
                      "then make yours again.").format(item=label, who=who), {"version": _("Out of date.")})


def _update_versioned(match, model, item, version, changes, identity, label):
    """Apply ``changes`` only if the row still has ``version``; raise the stale 409 otherwise."""
    now = timezone.now()
    rows = model.objects.filter(pk=item.pk, version=version).update(version=F("version") + 1, modified=now,
                                                                    **changes)
    if rows != 1:
        raise _stale(match, model, item.pk, identity, label)
    for key, value in changes.items():
        setattr(item, key, value)
    item.version, item.modified = version + 1, now
    return item


def _item(model, match, item_id, field, message):
    item = model.objects.filter(match=match, pk=_id(item_id, field)).first()
    if item is None:
        raise NotFound(message)
    return item


# ---- agreement -----------------------------------------------------------------------------------

def save_agreement(program, identity, match_id, data):
    """Write or revise the agreement; a revision clears both signatures. ``version`` 0 creates it."""
    data = _object(data)
    version = _version(data.get("version"))
    labels = {"expectations": _("expectations"), "meeting_frequency": _("meeting frequency"),
              "confidentiality": _("confidentiality"), "duration": _("duration")}
    values = {key: clean_text(data.get(key), key, limit, labels[key]) for key, limit in AGREEMENT_FIELDS.items()}
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        agreement = Agreement.objects.filter(match=match).first()
        if agreement is None:
            if version != 0:
                raise NotFound(_("There is no agreement yet. Reload the workspace."))
            try:
                with transaction.atomic():
                    agreement = Agreement.objects.create(match=match, **values)
            except IntegrityError:
                raise _stale(match, Agreement, None, identity, _("agreement")) from None
            verb = "agreement.created"
        else:
            changes = dict(values, mentor_signed_at=None, mentee_signed_at=None)
            _update_versioned(match, Agreement, agreement, version, changes, identity, _("agreement"))
            verb = "agreement.revised"
        _done(program, identity, match, verb, agreement)
    return agreement


def sign_agreement(program, identity, match_id, data):
    """Sign the agreement as it was read (``version``); signing does not change the version."""
    data = _object(data)
    version = _version(data.get("version"))
    with transaction.atomic():
        match, side = _writable(program, identity, match_id)
        agreement = Agreement.objects.filter(match=match).first()
        if agreement is None:
            raise NotFound(_("There is no agreement to sign yet. Write it first."))
        column = f"{side}_signed_at"
        if getattr(agreement, column) is not None and agreement.version == version:
            raise Conflict(_("You have already signed this agreement."))
        now = timezone.now()
        if Agreement.objects.filter(pk=agreement.pk, version=version).update(**{column: now}) != 1:
            raise _stale(match, Agreement, agreement.pk, identity, _("agreement"))
        setattr(agreement, column, now)
        _done(program, identity, match, "agreement.signed", agreement, side=side)
    return agreement


# ---- goals ---------------------------------------------------------------------------------------

def _goal_values(program, data, partial):
    values = {}
    if not partial or "title" in data:
        values["title"] = clean_text(data.get("title"), "title", MAX_TITLE, _("goal's title"), required=True)
    labels = {"specific": _("specific part"), "measurable": _("measurable part"),
              "achievable": _("achievable part"), "relevant": _("relevant part")}
    for key in GOAL_TEXTS:
        if not partial or key in data:
            values[key] = clean_text(data.get(key), key, MAX_TEXT, labels[key])
    if not partial or "status" in data:
        values["status"] = _choice(data.get("status", Goal.Status.NOT_STARTED), "status", Goal.Status.values,
                                   _("status"))
    if not partial or "progress" in data:
        values["progress"] = _int_range(data.get("progress", 0), "progress", 0, 100, _("progress"))
    if not partial or "target_date" in data:
        values["target_date"] = _date(data.get("target_date"), "target_date", _("target date"))
    if not partial or "linked_units" in data:
        values["linked_units"] = _unit_keys(data.get("linked_units"), program)
    return values


def create_goal(program, identity, match_id, data):
    """Add a SMART goal to the pair."""
    values = _goal_values(program, _object(data), partial=False)
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        if Goal.objects.filter(match=match).count() >= MAX_GOALS:
            raise ValidationError(_("A pair can keep at most {limit} goals. Drop or reuse one.").format(
                limit=MAX_GOALS))
        goal = Goal.objects.create(match=match, created_by=identity.user_id, **values)
        _done(program, identity, match, "goal.created", goal)
    return goal


def update_goal(program, identity, match_id, data):
    """Change some fields of a goal read at ``version``."""
    data = _object(data)
    goal_id = _id(data.get("goal_id"), "goal_id")
    version = _version(data.get("version"))
    values = _goal_values(program, data, partial=True)
    if not values:
        raise ValidationError(_("Nothing to change: send at least one field of the goal."))
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        goal = _item(Goal, match, goal_id, "goal_id", _("There is no such goal in this workspace."))
        _update_versioned(match, Goal, goal, version, values, identity, _("goal"))
        _done(program, identity, match, "goal.updated", goal, fields=sorted(values))
    return goal


# ---- action items --------------------------------------------------------------------------------

def _action_values(data, partial):
    values = {}
    if not partial or "title" in data:
        values["title"] = clean_text(data.get("title"), "title", MAX_TITLE, _("action's title"), required=True)
    if not partial or "owner" in data:
        values["owner"] = _choice(data.get("owner"), "owner", ActionItem.Owner.values, _("owner"))
    if not partial or "due_date" in data:
        values["due_date"] = _date(data.get("due_date"), "due_date", _("due date"))
    return values


def create_action(program, identity, match_id, data):
    """Add an action item, under one of the pair's goals (``goal_id``) or on its own."""
    data = _object(data)
    values = _action_values(data, partial=False)
    goal_id = data.get("goal_id")
    goal_id = None if goal_id in (None, "") else _id(goal_id, "goal_id")
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        goal = _item(Goal, match, goal_id, "goal_id", _("There is no such goal in this workspace.")) \
            if goal_id else None
        if ActionItem.objects.filter(match=match).count() >= MAX_ACTIONS:
            raise ValidationError(_("A pair can keep at most {limit} action items. Delete finished ones.").format(
                limit=MAX_ACTIONS))
        action = ActionItem.objects.create(match=match, goal=goal, **values)
        _done(program, identity, match, "action.created", action)
    return action


def update_action(program, identity, match_id, data):
    """Change an action item read at ``version``; ``done`` true/false marks it done or open."""
    data = _object(data)
    action_id = _id(data.get("action_id"), "action_id")
    version = _version(data.get("version"))
    values = _action_values(data, partial=True)
    done = _bool(data["done"], "done") if "done" in data else None
    if not values and done is None:
        raise ValidationError(_("Nothing to change: send at least one field of the action item."))
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        action = _item(ActionItem, match, action_id, "action_id", _("There is no such action item in this workspace."))
        if done is not None:
            values["done_at"] = (action.done_at or timezone.now()) if done else None
        _update_versioned(match, ActionItem, action, version, values, identity, _("action item"))
        verb = "action.done" if done else "action.reopened" if done is False else "action.updated"
        _done(program, identity, match, verb, action)
    return action


def delete_action(program, identity, match_id, data):
    """Delete an action item read at ``version``."""
    data = _object(data)
    action_id = _id(data.get("action_id"), "action_id")
    version = _version(data.get("version"))
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        action = _item(ActionItem, match, action_id, "action_id", _("There is no such action item in this workspace."))
        if ActionItem.objects.filter(pk=action.pk, version=version).delete()[0] != 1:
            raise _stale(match, ActionItem, action.pk, identity, _("action item"))
        _done(program, identity, match, "action.deleted", action)
    return action_id


# ---- meetings ------------------------------------------------------------------------------------

def _caller_time_zone(match, side):
    zone = (match.mentor if side == SIDE_MENTOR else match.mentee).time_zone
    return zone if zone and is_time_zone(zone) else "UTC"


def _meeting_values(data, partial, time_zone):
    values = {}
    if "time_zone" in data:
        zone = data.get("time_zone")
        if not isinstance(zone, str) or not is_time_zone(zone):
            raise ValidationError(_("Choose a time zone from the list."), {"time_zone": _("Not a known time zone.")})
        time_zone = zone
    if not partial or "starts_at" in data:
        starts_at = _datetime(data.get("starts_at"), "starts_at", time_zone)
        now = timezone.now()
        if starts_at < now - datetime.timedelta(minutes=5) or starts_at > now + MEETING_HORIZON:
            raise ValidationError(_("Schedule the meeting for a time in the coming year."),
                                  {"starts_at": _("Not in the coming year.")})
        values["starts_at"] = starts_at
    if not partial or "duration_minutes" in data:
        values["duration_minutes"] = _int_range(data.get("duration_minutes", 30), "duration_minutes",
                                                MIN_MEETING_MINUTES, MAX_MEETING_MINUTES, _("duration in minutes"))
    if not partial or "location" in data:
        values["location"] = clean_text(data.get("location"), "location", MAX_LOCATION, _("place or video link"))
    if not partial or "agenda" in data:
        values["agenda"] = clean_text(data.get("agenda"), "agenda", MAX_TEXT, _("agenda"))
    return values


def schedule_meeting(program, identity, match_id, data):
    """Schedule a meeting; a time without an offset is in the caller's own time zone."""
    data = _object(data)
    with transaction.atomic():
        match, side = _writable(program, identity, match_id)
        values = _meeting_values(data, False, _caller_time_zone(match, side))
        upcoming = Meeting.objects.filter(match=match, status=Meeting.Status.SCHEDULED,
                                          starts_at__gte=timezone.now()).count()
        if upcoming >= MAX_UPCOMING_MEETINGS:
            raise ValidationError(_("A pair can have at most {limit} meetings ahead. Cancel some first.").format(
                limit=MAX_UPCOMING_MEETINGS))
        meeting = Meeting.objects.create(match=match, created_by=identity.user_id, **values)
        _done(program, identity, match, "meeting.scheduled", meeting)
    return meeting


def update_meeting(program, identity, match_id, data):
    """Reschedule or edit a scheduled meeting read at ``version``."""
    data = _object(data)
    meeting_id = _id(data.get("meeting_id"), "meeting_id")
    version = _version(data.get("version"))
    with transaction.atomic():
        match, side = _writable(program, identity, match_id)
        values = _meeting_values(data, True, _caller_time_zone(match, side))
        if not values:
            raise ValidationError(_("Nothing to change: send at least one field of the meeting."))
        meeting = _item(Meeting, match, meeting_id, "meeting_id", _("There is no such meeting in this workspace."))
        if meeting.status != Meeting.Status.SCHEDULED:
            raise Conflict(_("This meeting is already logged; it can no longer be rescheduled."))
        _update_versioned(match, Meeting, meeting, version, values, identity, _("meeting"))
        _done(program, identity, match, "meeting.updated", meeting)
    return meeting


def log_meeting(program, identity, match_id, data):
    """Log a meeting: held or missed (once it has started) or cancelled, with notes and next steps."""
    data = _object(data)
    meeting_id = _id(data.get("meeting_id"), "meeting_id")
    version = _version(data.get("version"))
    status = _choice(data.get("status"), "status",
                     (Meeting.Status.HELD, Meeting.Status.MISSED, Meeting.Status.CANCELLED), _("outcome"))
    values = {"status": status,
              "notes": clean_text(data.get("notes"), "notes", MAX_TEXT, _("notes")),
              "next_steps": clean_text(data.get("next_steps"), "next_steps", MAX_TEXT, _("next steps"))}
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        meeting = _item(Meeting, match, meeting_id, "meeting_id", _("There is no such meeting in this workspace."))
        if status != Meeting.Status.CANCELLED and meeting.starts_at > timezone.now():
            raise ValidationError(_("This meeting has not started yet. Log it afterwards, or cancel it."),
                                  {"status": _("Not yet possible.")})
        _update_versioned(match, Meeting, meeting, version, values, identity, _("meeting"))
        _done(program, identity, match, f"meeting.{status}", meeting)
    return meeting


def meeting_for_calendar(program, identity, match_id, meeting_id):
    """A meeting the caller may read (for the .ics download), with the caller's side."""
    match, side = readable_match(program, identity, match_id)
    meeting = _item(Meeting, match, meeting_id, "meeting_id", _("There is no such meeting in this workspace."))
    return match, side, meeting


# ---- messages ------------------------------------------------------------------------------------

def _check_message_rate(program, identity):
    since = timezone.now() - datetime.timedelta(hours=1)
    limit = setting("MENTORING_MESSAGES_PER_HOUR")
    if Message.objects.filter(match__program=program, author_id=identity.user_id, created__gte=since).count() >= limit:
        raise ValidationError(_("You have posted many messages in the last hour. Please wait a while."))


def post_message(program, identity, match_id, data):
    """Post a message (markdown) or a reply to one (``parent_id``; replies attach to the thread's start)."""
    data = _object(data)
    body = clean_text(data.get("body"), "body", MAX_MESSAGE, _("message"), required=True)
    parent_id = data.get("parent_id")
    parent_id = None if parent_id in (None, "") else _id(parent_id, "parent_id")
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        parent = _item(Message, match, parent_id, "parent_id", _("There is no such message in this workspace.")) \
            if parent_id else None
        if parent is not None and parent.parent_id:
            parent = Message.objects.get(pk=parent.parent_id)
        _check_message_rate(program, identity)
        message = Message(match=match, author_id=identity.user_id, parent=parent)
        message.set_body(body)
        message.save()
        _done(program, identity, match, "message.replied" if parent else "message.posted", message)
    return message


def _own_message(match, identity, message_id):
    message = _item(Message, match, message_id, "message_id", _("There is no such message in this workspace."))
    if message.author_id != identity.user_id:
        raise PermissionDenied(_("Only the author can change or delete a message."))
    if message.deleted_at is not None:
        raise Conflict(_("This message was deleted."))
    return message


def edit_message(program, identity, match_id, data):
    """The author edits their message within the edit window."""
    data = _object(data)
    message_id = _id(data.get("message_id"), "message_id")
    body = clean_text(data.get("body"), "body", MAX_MESSAGE, _("message"), required=True)
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        message = _own_message(match, identity, message_id)
        if timezone.now() - message.created > EDIT_WINDOW:
            raise Conflict(_("Messages can be edited for {minutes} minutes after posting. Post a new one instead.")
                           .format(minutes=int(EDIT_WINDOW.total_seconds() // 60)))
        limit = setting("MENTORING_EDITS_PER_MESSAGE_PER_HOUR")
        if ActivityEvent.objects.filter(match=match, verb="message.edited", object_type="message",
                                        object_id=message.pk,
                                        created__gte=timezone.now() - datetime.timedelta(hours=1)).count() >= limit:
            raise ValidationError(_("This message was edited {count} times in the last hour. Post a new one "
                                    "instead.").format(count=limit))
        message.set_body(body)
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "body_html", "render_version", "edited_at", "modified"])
        _done(program, identity, match, "message.edited", message)
    return message


def delete_message(program, identity, match_id, data):
    """The author deletes their message: its text is removed and it shows as deleted."""
    data = _object(data)
    message_id = _id(data.get("message_id"), "message_id")
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        message = _own_message(match, identity, message_id)
        message.set_body("")
        message.deleted_at = timezone.now()
        message.save(update_fields=["body", "body_html", "render_version", "deleted_at", "modified"])
        _done(program, identity, match, "message.deleted", message)
    return message


def rerender_messages(batch_size=500):
    """Render again, and store, every message an older version of ``markup`` rendered; returns how many.

    Run after an upgrade that changes the rules. Views show such messages rendered on the fly until then.
    """
    done, last = 0, 0
    while True:
        batch = list(Message.objects.filter(pk__gt=last).exclude(render_version=markup.VERSION)
                     .order_by("pk")[:batch_size])
        if not batch:
            return done
        for message in batch:
            message.set_body(message.body)
        Message.objects.bulk_update(batch, ["body_html", "render_version"])
        done += len(batch)
        last = batch[-1].pk


# ---- resources -----------------------------------------------------------------------------------

def add_resource(program, identity, match_id, data):
    """Share a link (http/https) or a unit of this course (``usage_key``) with a title."""
    data = _object(data)
    title = clean_text(data.get("title"), "title", MAX_TITLE, _("title"), required=True)
    has_url, has_unit = bool(data.get("url")), bool(data.get("usage_key"))
    if has_url == has_unit:
        raise ValidationError(_("Give either a web address or a course unit."),
                              {"url": _("A web address or a course unit is needed, not both.")})
    url = _url(data.get("url")) if has_url else ""
    usage_key = None
    if has_unit:
        if not isinstance(data.get("usage_key"), str):
            raise ValidationError(_("Give the course unit's id as text."), {"usage_key": _("Not text.")})
        usage_key = _unit_key(data["usage_key"].strip(), program, "usage_key")
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        if Resource.objects.filter(match=match).count() >= MAX_RESOURCES:
            raise ValidationError(_("A pair can share at most {limit} resources. Remove old ones.").format(
                limit=MAX_RESOURCES))
        resource = Resource.objects.create(match=match, title=title, url=url, usage_key=usage_key,
                                           added_by=identity.user_id)
        _done(program, identity, match, "resource.added", resource)
    return resource


def remove_resource(program, identity, match_id, data):
    """Either person of the pair removes a shared resource."""
    data = _object(data)
    resource_id = _id(data.get("resource_id"), "resource_id")
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id)
        resource = _item(Resource, match, resource_id, "resource_id", _("There is no such resource in this workspace."))
        resource.delete()
        resource.pk = resource_id
        _done(program, identity, match, "resource.removed", resource)
    return resource_id


# ---- close-out -----------------------------------------------------------------------------------

def save_reflection(program, identity, match_id, data):
    """Each side writes (or rewrites) a short reflection once the match has ended or completed."""
    data = _object(data)
    text = clean_text(data.get("text"), "text", MAX_TEXT, _("reflection"), required=True)
    with transaction.atomic():
        match, _side = _writable(program, identity, match_id, closed=True)
        reflection, created = Reflection.objects.update_or_create(
            match=match, author_id=identity.user_id, defaults={"text": text})
        _done(program, identity, match, "reflection.written" if created else "reflection.revised", reflection)
    return reflection
