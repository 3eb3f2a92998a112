"""Reads of the pair workspace for its view. A constant number of queries, whatever the pair has written.

Goals, action items and upcoming meetings are bounded by the services (see ``services.workspace``);
messages and past meetings are read one page at a time.
"""
import datetime
import math
import zoneinfo

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .domain import access, limits
from .domain.agreements import agreement_template
from .models import ActionItem, ActivityEvent, Agreement, Goal, Match, Meeting, Message, Reflection, Resource
from .reference import is_time_zone, translated
from .validation import is_whole

MESSAGES_PER_PAGE = 20
PAST_MEETINGS_PER_PAGE = 10
ACTIVITY_SHOWN = 15


def _zone(name):
    return zoneinfo.ZoneInfo(name if name and is_time_zone(name) else "UTC")


def format_in_zone(moment, zone_name):
    """A date and time as read in ``zone_name``, in the active language's format."""
    local = moment.astimezone(_zone(zone_name))
    return date_format(local, "DATETIME_FORMAT")


def shown_time(moment, zone_name):
    """The one rule for a past moment people read: in the reader's zone (UTC when they have none), zone named.

    "Dec. 1, 2026, 7:02 p.m. (Europe/Madrid)". Meetings, which are in the future and concern two zones, say
    both (see ``_meeting_view``).
    """
    zone = zone_name if zone_name and is_time_zone(zone_name) else "UTC"
    return _("{time} ({zone})").format(time=format_in_zone(moment, zone), zone=zone)


def _person(participant):
    name = participant.shown_name(_("a participant"))
    return {"id": participant.pk, "user_id": participant.user_id, "name": name,
            "time_zone": participant.time_zone if is_time_zone(participant.time_zone or "") else "UTC"}


def _page_count(total, size):
    return max(1, math.ceil(total / size))


def _clamp_page(page, pages):
    if not is_whole(page):
        return 1
    return min(max(page, 1), pages)


ACTIVITY_SENTENCES = {
    "agreement.created": gettext_noop("{actor} wrote the agreement"),
    "agreement.revised": gettext_noop("{actor} revised the agreement (signatures cleared)"),
    "agreement.signed": gettext_noop("{actor} signed the agreement"),
    "goal.created": gettext_noop("{actor} added a goal"),
    "goal.updated": gettext_noop("{actor} updated a goal"),
    "action.created": gettext_noop("{actor} added an action item"),
    "action.updated": gettext_noop("{actor} changed an action item"),
    "action.done": gettext_noop("{actor} finished an action item"),
    "action.reopened": gettext_noop("{actor} reopened an action item"),
    "action.deleted": gettext_noop("{actor} deleted an action item"),
    "meeting.scheduled": gettext_noop("{actor} scheduled a meeting"),
    "meeting.updated": gettext_noop("{actor} changed a meeting"),
    "meeting.held": gettext_noop("{actor} logged a meeting as held"),
    "meeting.missed": gettext_noop("{actor} logged a meeting as missed"),
    "meeting.cancelled": gettext_noop("{actor} cancelled a meeting"),
    "message.posted": gettext_noop("{actor} posted a message"),
    "message.replied": gettext_noop("{actor} replied to a message"),
    "message.edited": gettext_noop("{actor} edited a message"),
    "message.deleted": gettext_noop("{actor} deleted a message"),
    "resource.added": gettext_noop("{actor} shared a resource"),
    "resource.removed": gettext_noop("{actor} removed a resource"),
    "reflection.written": gettext_noop("{actor} wrote a reflection"),
    "reflection.revised": gettext_noop("{actor} revised their reflection"),
    "match.accepted": gettext_noop("{actor} accepted the match"),
    "request.accepted": gettext_noop("{actor} accepted the request; the mentorship started"),
    "match.ended": gettext_noop("{actor} ended the mentorship"),
    "match.nudged": gettext_noop("{actor} sent the pair a reminder"),
    "match.created_by_hand": gettext_noop("{actor} proposed this pair"),
    "assessment.submitted": gettext_noop("{actor} submitted an assessment"),
    "match.rematch_requested": gettext_noop("{actor} asked to be re-matched"),
    "match.completed": gettext_noop("The mentorship was completed"),
}
# Events of a pair that its feed does not show: a draft is not news, and a request the mentee had sent to
# another mentor is theirs alone. Anything else without a sentence reads as a change, never as a code.
HIDDEN_FROM_ACTIVITY = ("assessment.draft_saved", "request.withdrawn_by_match")
ACTIVITY_FALLBACK = gettext_noop("{actor} made a change")


def _names(match, viewer_user_id):
    def name(user_id):
        if user_id is None:
            return _("The system")
        if user_id == viewer_user_id:
            return _("You")
        if user_id == match.mentor.user_id:
            return match.mentor.shown_name(_("a participant"))
        if user_id == match.mentee.user_id:
            return match.mentee.shown_name(_("a participant"))
        return _("The course team")
    return name


def _meeting_view(meeting, zones, show_private, now):
    end = meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes)
    return {
        "id": meeting.pk, "version": meeting.version, "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "times": [{"label": label, "zone": zone, "text": format_in_zone(meeting.starts_at, zone)}
                  for label, zone in zones],
        "starts_at": meeting.starts_at, "duration_minutes": meeting.duration_minutes,
        "local_input": meeting.starts_at.astimezone(_zone(zones[0][1])).strftime("%Y-%m-%dT%H:%M"),
        "started": meeting.starts_at <= now, "over": end <= now,
        "needs_log": meeting.status == Meeting.Status.SCHEDULED and end <= now,
        "location": meeting.location if show_private else "",
        "location_is_link": show_private and meeting.location.startswith(("https://", "http://")),
        "agenda": meeting.agenda if show_private else "",
        "notes": meeting.notes if show_private else "",
        "next_steps": meeting.next_steps if show_private else "",
    }


def _action_view(action, today, show_private, owner_names):
    overdue = action.done_at is None and action.due_date is not None and action.due_date < today
    return {"id": action.pk, "version": action.version, "title": action.title if show_private else "",
            "owner": action.owner, "owner_label": owner_names.get(action.owner, action.get_owner_display()),
            "due_date": action.due_date,
            "done": action.done_at is not None, "done_at": action.done_at, "overdue": overdue,
            "goal_id": action.goal_id}


def workspace_view_state(program, identity, match_id, page=1, past_page=1, now=None):
    """Everything the workspace template shows to the caller (the pair, or a coordinator per privacy)."""
    now = now or timezone.now()
    match, side = access.readable_match(program, identity, match_id)
    privacy = (program.configuration or {}).get("privacy", "metadata")
    is_pair = side != access.SIDE_COORDINATOR
    show_private = access.reads_pair_content(side, program.configuration)
    mentor, mentee = _person(match.mentor), _person(match.mentee)
    me = mentor if side == access.SIDE_MENTOR else mentee if side == access.SIDE_MENTEE else None
    other = mentee if side == access.SIDE_MENTOR else mentor if side == access.SIDE_MENTEE else None
    if is_pair:
        zones = [(_("your time"), me["time_zone"])]
        if other["time_zone"] != me["time_zone"]:
            zones.append((_("{name}'s time").format(name=other["name"]), other["time_zone"]))
    else:
        zones = [(_("mentor's time"), mentor["time_zone"])]
        if mentee["time_zone"] != mentor["time_zone"]:
            zones.append((_("mentee's time"), mentee["time_zone"]))
    viewer_zone = me["time_zone"] if me else "UTC"  # the course team has no profile zone
    today = now.astimezone(_zone(viewer_zone)).date()
    name_of = _names(match, identity.user_id)

    # Agreement (1 query): an unsaved agreement shows the program's template, version 0.
    agreement = Agreement.objects.filter(match=match).first()
    template = agreement_template(program)
    agreement_view = {
        "exists": agreement is not None,
        "version": agreement.version if agreement else 0,
        "fields": {key: (getattr(agreement, key) if agreement else template[key]) if show_private else ""
                   for key in limits.AGREEMENT_FIELDS},
        "mentor_signed_at": agreement.mentor_signed_at if agreement else None,
        "mentee_signed_at": agreement.mentee_signed_at if agreement else None,
    }
    for who in ("mentor", "mentee"):
        signed = agreement_view[f"{who}_signed_at"]
        agreement_view[f"{who}_signed_text"] = shown_time(signed, viewer_zone) if signed else ""
    agreement_view["signed_by_me"] = bool(me) and agreement_view[f"{side}_signed_at"] is not None
    agreement_view["fully_signed"] = bool(agreement_view["mentor_signed_at"] and agreement_view["mentee_signed_at"])

    # Goals and action items (2 queries; both bounded by the services).
    goals = list(Goal.objects.filter(match=match).order_by("created", "pk"))
    actions = list(ActionItem.objects.filter(match=match).order_by("done_at", "due_date", "pk"))
    by_goal = {}
    # Who owns an action item, by name: "You" for the reader, the other person's name otherwise.
    owner_names = {side_name: name_of(person.user_id) for side_name, person in (("mentor", match.mentor),
                                                                              ("mentee", match.mentee))}
    for action in actions:
        by_goal.setdefault(action.goal_id, []).append(_action_view(action, today, show_private, owner_names))
    goal_views = []
    for goal in goals:
        view = {"id": goal.pk, "version": goal.version, "title": goal.title, "status": goal.status,
                "status_label": goal.get_status_display(), "progress": goal.progress,
                "target_date": goal.target_date, "actions": by_goal.get(goal.pk, []),
                "linked_units": goal.linked_units, "linked_units_text": "\n".join(goal.linked_units)}
        for key in limits.GOAL_TEXTS:
            view[key] = getattr(goal, key) if show_private else ""
        goal_views.append(view)
    loose_actions = by_goal.get(None, [])
    open_actions = [action for group in by_goal.values() for action in group if not action["done"]]

    # Meetings: upcoming (bounded), past one page at a time, and the counts (3 queries).
    counts = Meeting.objects.filter(match=match).aggregate(
        upcoming=Count("id", filter=Q(status=Meeting.Status.SCHEDULED, starts_at__gte=now)),
        past=Count("id", filter=~Q(status=Meeting.Status.SCHEDULED, starts_at__gte=now)))
    upcoming = Meeting.objects.filter(match=match, status=Meeting.Status.SCHEDULED, starts_at__gte=now) \
        .order_by("starts_at")[:limits.MAX_UPCOMING_MEETINGS]
    past_pages = _page_count(counts["past"], PAST_MEETINGS_PER_PAGE)
    past_page = _clamp_page(past_page, past_pages)
    start = (past_page - 1) * PAST_MEETINGS_PER_PAGE
    past = Meeting.objects.filter(match=match).exclude(status=Meeting.Status.SCHEDULED, starts_at__gte=now) \
        .order_by("-starts_at", "-pk")[start:start + PAST_MEETINGS_PER_PAGE]

    # Messages: one page of threads, newest first, with their replies (3 queries).
    message_counts = Message.objects.filter(match=match).aggregate(
        threads=Count("id", filter=Q(parent__isnull=True)), live=Count("id", filter=Q(deleted_at__isnull=True)))
    thread_count, message_count = message_counts["threads"], message_counts["live"]
    pages = _page_count(thread_count, MESSAGES_PER_PAGE)
    page = _clamp_page(page, pages)
    start = (page - 1) * MESSAGES_PER_PAGE
    threads = list(Message.objects.filter(match=match, parent__isnull=True)
                   .order_by("-created", "-pk")[start:start + MESSAGES_PER_PAGE])
    replies = {}
    if threads:
        for reply in Message.objects.filter(parent__in=[t.pk for t in threads]).order_by("created", "pk"):
            replies.setdefault(reply.parent_id, []).append(reply)

    def message_view(message):
        mine = message.author_id == identity.user_id
        deleted = message.deleted_at is not None
        return {
            "id": message.pk, "author": name_of(message.author_id), "mine": mine, "created": message.created,
            "created_text": shown_time(message.created, viewer_zone),
            "edited": message.edited_at is not None, "deleted": deleted,
            "html": message.shown_html() if show_private and not deleted else "",
            "body": message.body if mine and not deleted else "",
            "can_edit": mine and is_pair and not deleted and match.state == Match.State.ACTIVE
            and now - message.created <= limits.EDIT_WINDOW,
            "can_delete": mine and is_pair and not deleted and match.state == Match.State.ACTIVE,
        }

    # One flat list (a single template loop): each thread's start, then its replies; the last entry
    # of a thread carries the id to reply to.
    messages = []
    for thread in threads:
        entries = [dict(message_view(thread), is_reply=False)]
        entries += [dict(message_view(reply), is_reply=True) for reply in replies.get(thread.pk, [])]
        if not entries[0]["deleted"]:
            entries[-1]["reply_form_for"] = thread.pk
            entries[-1]["reply_form_name"] = entries[0]["author"]
            entries[-1]["reply_form_mine"] = entries[0]["mine"]
        messages.extend(entries)

    # Resources, reflections, activity (3 queries).
    resources = [{"id": r.pk, "title": r.title if show_private else "", "url": r.url if show_private else "",
                  "usage_key": str(r.usage_key) if r.usage_key else "",
                  "unit_url": f"/courses/{program.course_key}/jump_to/{r.usage_key}" if r.usage_key else "",
                  "added_by": name_of(r.added_by)}
                 for r in Resource.objects.filter(match=match).order_by("-created", "-pk")[:limits.MAX_RESOURCES]]
    reflections = [{"author": name_of(r.author_id), "mine": r.author_id == identity.user_id,
                    "text": r.text if show_private else "", "created": r.created}
                   for r in Reflection.objects.filter(match=match).order_by("created")]
    activity = [{"text": translated(ACTIVITY_SENTENCES.get(e.verb, ACTIVITY_FALLBACK)).format(
                     actor=name_of(e.actor_id)),
                 "created": e.created, "created_text": shown_time(e.created, viewer_zone)}
                for e in ActivityEvent.objects.filter(match=match).exclude(verb__in=HIDDEN_FROM_ACTIVITY)
                .order_by("-created", "-pk")[:ACTIVITY_SHOWN]]

    closed = match.state in (Match.State.COMPLETED, Match.State.ENDED)
    return {
        "match": {"id": match.pk, "state": match.state, "state_label": match.get_state_display(),
                  "started_at": match.started_at, "ended_at": match.ended_at,
                  "end_reason": match.end_reason if show_private else ""},
        "side": side, "is_pair": is_pair, "privacy": privacy, "show_private": show_private,
        "can_write": is_pair and match.state == Match.State.ACTIVE,
        "closed": closed, "can_reflect": is_pair and closed,
        "my_reflection": next((r["text"] for r in reflections if r["mine"]), ""),
        "mentor": mentor, "mentee": mentee, "me": me, "other": other, "viewer_zone": viewer_zone,
        "agreement": agreement_view,
        "goals": goal_views, "loose_actions": loose_actions,
        "action_groups": [dict(goal, loose=False) for goal in goal_views] + [
            {"id": "", "loose": True, "title": _("Action items on their own"), "actions": loose_actions}],
        "open_action_count": len(open_actions), "overdue_count": sum(1 for a in open_actions if a["overdue"]),
        "goal_statuses": [{"value": value, "label": label} for value, label in Goal.Status.choices],
        "owners": [{"value": value, "label": label} for value, label in ActionItem.Owner.choices],
        "meeting_groups": [
            {"upcoming": True, "meetings": [_meeting_view(m, zones, show_private, now) for m in upcoming]},
            {"upcoming": False, "meetings": [_meeting_view(m, zones, show_private, now) for m in past]}],
        "upcoming_count": counts["upcoming"], "past_count": counts["past"],
        "past_page": past_page, "past_pages": past_pages,
        "messages": messages, "thread_count": thread_count, "message_count": message_count,
        "page": page, "pages": pages,
        "resources": resources, "reflections": reflections, "activity": activity,
        "limits": {"title": limits.MAX_TITLE, "text": limits.MAX_TEXT, "short": limits.MAX_SHORT,
                   "message": limits.MAX_MESSAGE, "url": limits.MAX_URL, "location": limits.MAX_LOCATION},
        "edit_minutes": int(limits.EDIT_WINDOW.total_seconds() // 60),
    }
