"""The pair workspace: every handler for every role, bad input, stale versions, XSS, privacy, archive, queries."""
import datetime

import pytest
from django.utils import timezone
from webob import Request

from mentoring_xblock.models import (
    ActionItem,
    ActivityEvent,
    Agreement,
    Goal,
    Match,
    Meeting,
    Message,
    Participant,
    Reflection,
    Resource,
)
from mentoring_xblock.services import mentorship
from mentoring_xblock.services import workspace as service

from .factories import FUTURE, add_person, identity, pair, workspace_items
from .harness import block_as, call

NOT_FOUND = "There is no such mentoring workspace."


@pytest.fixture
def pairs(program, people):
    """Pair A (mentee, mentor), pair B (mentee2, same mentor), pair C (mentee3, mentor3)."""
    Participant.objects.filter(program=program, username="mentor").update(capacity=3)
    Participant.objects.filter(program=program, username="mentee").update(time_zone="Europe/Madrid")
    Participant.objects.filter(program=program, username="mentor").update(time_zone="America/New_York")
    add_person(program, "mentee2", "mentee")
    add_person(program, "mentee3", "mentee")
    add_person(program, "mentor3", "mentor")
    return {"a": pair(program, "mentee", "mentor"), "b": pair(program, "mentee2", "mentor"),
            "c": pair(program, "mentee3", "mentor3")}


def seed(program, match, author="mentee"):
    """One of each item in ``match``, written through the services by ``author``."""
    return workspace_items(program, match, author)


def snapshot(match):
    """Everything a workspace write could change in ``match``."""
    return [list(model.objects.filter(match=match).order_by("pk").values())
            for model in (Agreement, Goal, ActionItem, Meeting, Message, Resource, Reflection)] + [
        Match.objects.filter(pk=match.pk).values("last_activity_at", "state").get()]


def valid_payload(handler, items):
    """A payload that succeeds for the pair (the match id is added by the caller)."""
    return {
        "workspace_save_agreement": {"version": items["agreement"].version, "expectations": "Every two weeks",
                                     "meeting_frequency": "Fortnightly"},
        "workspace_sign_agreement": {"version": items["agreement"].version},
        "workspace_create_goal": {"title": "Run a meeting", "status": "in_progress", "progress": 10,
                                  "target_date": "2030-01-31"},
        "workspace_update_goal": {"goal_id": items["goal"].pk, "version": items["goal"].version, "progress": 50},
        "workspace_create_action": {"title": "Book a room", "owner": "mentor", "due_date": "2030-01-10"},
        "workspace_update_action": {"action_id": items["action"].pk, "version": items["action"].version,
                                    "done": True},
        "workspace_delete_action": {"action_id": items["action"].pk, "version": items["action"].version},
        "workspace_schedule_meeting": {"starts_at": (FUTURE + datetime.timedelta(days=7)).isoformat(),
                                       "duration_minutes": 30, "location": "https://meet.example.com/x"},
        "workspace_update_meeting": {"meeting_id": items["meeting"].pk, "version": items["meeting"].version,
                                     "agenda": "Revised agenda"},
        "workspace_log_meeting": {"meeting_id": items["meeting"].pk, "version": items["meeting"].version,
                                  "status": "cancelled", "notes": "Both travelling"},
        "workspace_post_message": {"body": "See you *soon*", "parent_id": items["message"].pk},
        "workspace_edit_message": {"message_id": items["message"].pk, "body": "Hello again"},
        "workspace_delete_message": {"message_id": items["message"].pk},
        "workspace_add_resource": {"title": "Book", "url": "https://example.com/book"},
        "workspace_remove_resource": {"resource_id": items["resource"].pk},
    }[handler]


WRITES = ("workspace_save_agreement", "workspace_sign_agreement", "workspace_create_goal", "workspace_update_goal",
          "workspace_create_action", "workspace_update_action", "workspace_delete_action",
          "workspace_schedule_meeting", "workspace_update_meeting", "workspace_log_meeting",
          "workspace_post_message", "workspace_edit_message", "workspace_delete_message",
          "workspace_add_resource", "workspace_remove_resource")
# Who is who for pair A; the seeded items were written by the mentee.
ROLE_STATUS = {"anonymous": 401, "learner": 404, "mentee": 200, "mentor": 200, "mentee2": 404, "mentee3": 404,
               "mentor3": 404, "coordinator": 403}
AUTHOR_ONLY = {"workspace_edit_message", "workspace_delete_message"}


# ---- every handler, every role -------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("handler", WRITES)
@pytest.mark.parametrize("person", sorted(ROLE_STATUS))
def test_every_write_for_every_role(program_usage, program, pairs, handler, person, monkeypatch):
    events = []
    from workbench.runtime import WorkbenchRuntime
    monkeypatch.setattr(WorkbenchRuntime, "publish", lambda self, block, name, data: events.append(name))
    match = pairs["a"]
    items = seed(program, match)
    Match.objects.filter(pk=match.pk).update(last_activity_at=timezone.now() - datetime.timedelta(days=9))
    expected = ROLE_STATUS[person]
    if handler in AUTHOR_ONLY and person == "mentor":
        expected = 403
    before = snapshot(match)
    result = call(program_usage, person, handler, dict(valid_payload(handler, items), match_id=match.pk))
    assert result.status == expected, (result.status, result.body)
    if expected == 200:
        assert result.body["saved"] is True
        assert snapshot(match) != before
        match.refresh_from_db()
        assert match.last_activity_at > timezone.now() - datetime.timedelta(minutes=1)
        assert ActivityEvent.objects.filter(match=match, actor_id=identity(person).user_id).exclude(
            pk__in=[]).count() >= 1
        assert events and events[-1].startswith("edx.mentoring.")
    else:
        assert result.error
        if expected == 404:
            assert result.error == NOT_FOUND
        assert snapshot(match) == before


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", sorted(dict(ROLE_STATUS, coordinator=200).items()))
def test_view_for_every_role(program_usage, program, pairs, person, status):
    seed(program, pairs["a"])
    result = call(program_usage, person, "workspace_view", {"match_id": pairs["a"].pk, "page": 1})
    assert result.status == status, result.body
    if status == 200:
        assert "Delegate more" in result.body["html"]
    elif status == 404:
        assert result.error == NOT_FOUND


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["learner", "mentee2", "mentee3", "mentor"])
def test_not_found_is_the_same_whether_or_not_the_workspace_exists(program_usage, program, pairs, person):
    match_id = pairs["c"].pk if person == "mentor" else pairs["a"].pk
    existing = call(program_usage, person, "workspace_view", {"match_id": match_id})
    missing = call(program_usage, person, "workspace_view", {"match_id": 10**9})
    assert existing.status == missing.status == 404
    assert existing.body == missing.body


@pytest.mark.django_db
def test_reflection_for_every_role(program_usage, program, pairs):
    match = pairs["a"]
    active = call(program_usage, "mentee", "workspace_save_reflection", {"match_id": match.pk, "text": "Early"})
    assert active.status == 409 and "ended" in active.error
    mentorship.end_match(program, identity("mentor"), match.pk, "Goals reached")
    for person, status in sorted(ROLE_STATUS.items()):
        result = call(program_usage, person, "workspace_save_reflection", {"match_id": match.pk, "text": "Learned"})
        assert result.status == status, (person, result.body)
    assert Reflection.objects.filter(match=match).count() == 2
    again = call(program_usage, "mentee", "workspace_save_reflection", {"match_id": match.pk, "text": "Rewritten"})
    assert again.status == 200
    assert Reflection.objects.get(match=match, author_id=identity("mentee").user_id).text == "Rewritten"


# ---- bad input -----------------------------------------------------------------------------------

BAD_INPUT = [
    ("workspace_create_goal", {}, 400, "title"),
    ("workspace_create_goal", {"title": "   "}, 400, "title"),
    ("workspace_create_goal", {"title": 5}, 400, "title"),
    ("workspace_create_goal", {"title": "x" * 201}, 400, "title"),
    ("workspace_create_goal", {"title": "ok", "specific": "x" * 5001}, 400, "specific"),
    ("workspace_create_goal", {"title": "ok", "progress": 101}, 400, "progress"),
    ("workspace_create_goal", {"title": "ok", "progress": "50"}, 400, "progress"),
    ("workspace_create_goal", {"title": "ok", "status": "done"}, 400, "status"),
    ("workspace_create_goal", {"title": "ok", "target_date": "31/01/2030"}, 400, "target_date"),
    ("workspace_create_goal", {"title": "ok", "target_date": "2030-02-31"}, 400, "target_date"),
    ("workspace_create_goal", {"title": "ok", "linked_units": ["not a key"]}, 400, "linked_units"),
    ("workspace_create_goal", {"title": "ok", "linked_units": [
        "block-v1:Other+X+1+type@vertical+block@u1"]}, 400, "linked_units"),
    ("workspace_create_goal", {"title": "ok", "linked_units": [
        f"block-v1:MentoringDemo+LEAD101+2026+type@vertical+block@u{n}" for n in range(11)]}, 400, "linked_units"),
    ("workspace_create_goal", {"title": "ok", "linked_units": {"a": 1}}, 400, "linked_units"),
    ("workspace_update_goal", {"goal_id": "GOAL", "progress": 5}, 400, "version"),
    ("workspace_update_goal", {"goal_id": "GOAL", "version": "1", "progress": 5}, 400, "version"),
    ("workspace_update_goal", {"version": 1, "progress": 5}, 400, "goal_id"),
    ("workspace_update_goal", {"goal_id": "GOAL", "version": 1, "title": "x" * 201}, 400, "title"),
    ("workspace_update_goal", {"goal_id": "OTHER_GOAL", "version": 1, "progress": 5}, 404, None),
    ("workspace_update_goal", {"goal_id": "GOAL", "version": 7, "progress": 5}, 409, "version"),
    ("workspace_create_action", {"title": "x"}, 400, "owner"),
    ("workspace_create_action", {"title": "x", "owner": "coordinator"}, 400, "owner"),
    ("workspace_create_action", {"title": "x", "owner": "mentee", "due_date": "soon"}, 400, "due_date"),
    ("workspace_create_action", {"title": "x", "owner": "mentee", "goal_id": "OTHER_GOAL"}, 404, None),
    ("workspace_create_action", {"title": "x", "owner": "mentee", "goal_id": "7"}, 400, "goal_id"),
    ("workspace_update_action", {"action_id": "ACTION", "version": 1, "done": "yes"}, 400, "done"),
    ("workspace_update_action", {"action_id": "ACTION", "version": 1}, 400, None),
    ("workspace_update_action", {"action_id": "ACTION", "version": 3, "done": True}, 409, "version"),
    ("workspace_delete_action", {"action_id": "ACTION", "version": 2}, 409, "version"),
    ("workspace_delete_action", {"action_id": "OTHER_ACTION", "version": 1}, 404, None),
    ("workspace_schedule_meeting", {}, 400, "starts_at"),
    ("workspace_schedule_meeting", {"starts_at": "tomorrow"}, 400, "starts_at"),
    ("workspace_schedule_meeting", {"starts_at": "2001-01-01T10:00"}, 400, "starts_at"),
    ("workspace_schedule_meeting", {"starts_at": "FUTURE", "duration_minutes": 2}, 400, "duration_minutes"),
    ("workspace_schedule_meeting", {"starts_at": "FUTURE", "duration_minutes": 600}, 400, "duration_minutes"),
    ("workspace_schedule_meeting", {"starts_at": "FUTURE", "location": "x" * 501}, 400, "location"),
    ("workspace_schedule_meeting", {"starts_at": "FUTURE", "agenda": "x" * 5001}, 400, "agenda"),
    ("workspace_schedule_meeting", {"starts_at": "FUTURE", "time_zone": "Mars/Base"}, 400, "time_zone"),
    ("workspace_update_meeting", {"meeting_id": "MEETING", "version": 1}, 400, None),
    ("workspace_update_meeting", {"meeting_id": "OTHER_MEETING", "version": 1, "agenda": "x"}, 404, None),
    ("workspace_update_meeting", {"meeting_id": "MEETING", "version": 9, "agenda": "x"}, 409, "version"),
    ("workspace_log_meeting", {"meeting_id": "MEETING", "version": 1, "status": "held"}, 400, "status"),
    ("workspace_log_meeting", {"meeting_id": "MEETING", "version": 1, "status": "great"}, 400, "status"),
    ("workspace_log_meeting", {"meeting_id": "MEETING", "version": 1, "status": "cancelled",
                               "notes": "x" * 5001}, 400, "notes"),
    ("workspace_post_message", {}, 400, "body"),
    ("workspace_post_message", {"body": ""}, 400, "body"),
    ("workspace_post_message", {"body": ["hi"]}, 400, "body"),
    ("workspace_post_message", {"body": "x" * 10001}, 400, "body"),
    ("workspace_post_message", {"body": "hi", "parent_id": "OTHER_MESSAGE"}, 404, None),
    ("workspace_edit_message", {"message_id": "MESSAGE", "body": "x" * 10001}, 400, "body"),
    ("workspace_edit_message", {"message_id": "OTHER_MESSAGE", "body": "x"}, 404, None),
    ("workspace_delete_message", {"message_id": True}, 400, "message_id"),
    ("workspace_add_resource", {"title": "x"}, 400, "url"),
    ("workspace_add_resource", {"title": "x", "url": "javascript:alert(1)"}, 400, "url"),
    ("workspace_add_resource", {"title": "x", "url": "ftp://example.com/file"}, 400, "url"),
    ("workspace_add_resource", {"title": "x", "url": "https://"}, 400, "url"),
    ("workspace_add_resource", {"url": "https://example.com"}, 400, "title"),
    ("workspace_add_resource", {"title": "x", "usage_key": "block-v1:Other+X+1+type@html+block@a"}, 400, "usage_key"),
    ("workspace_remove_resource", {"resource_id": "OTHER_RESOURCE"}, 404, None),
    ("workspace_save_agreement", {"version": 1, "expectations": "x" * 5001}, 400, "expectations"),
    ("workspace_save_agreement", {"version": 1, "duration": "x" * 256}, 400, "duration"),
    ("workspace_save_agreement", {"expectations": "x"}, 400, "version"),
    ("workspace_save_agreement", {"version": 5, "expectations": "x"}, 409, "version"),
    ("workspace_sign_agreement", {"version": 4}, 409, "version"),
    ("workspace_view", {"match_id": "abc"}, 400, "match_id"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("handler, body, status, field", BAD_INPUT)
def test_bad_input_changes_nothing(program_usage, program, pairs, handler, body, status, field):
    mine, other = seed(program, pairs["a"]), seed(program, pairs["c"], author="mentee3")
    ids = {"GOAL": mine["goal"].pk, "ACTION": mine["action"].pk, "MEETING": mine["meeting"].pk,
           "MESSAGE": mine["message"].pk, "OTHER_GOAL": other["goal"].pk, "OTHER_ACTION": other["action"].pk,
           "OTHER_MEETING": other["meeting"].pk, "OTHER_MESSAGE": other["message"].pk,
           "OTHER_RESOURCE": other["resource"].pk, "FUTURE": FUTURE.isoformat()}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    body.setdefault("match_id", pairs["a"].pk)
    before, before_other = snapshot(pairs["a"]), snapshot(pairs["c"])
    result = call(program_usage, "mentee", handler, body)
    assert result.status == status, result.body
    assert result.error
    if field:
        assert field in result.body.get("field_errors", {}), result.body
    assert snapshot(pairs["a"]) == before and snapshot(pairs["c"]) == before_other


@pytest.mark.django_db
@pytest.mark.parametrize("body", [[1, 2], "text", None])
def test_non_object_bodies_are_400(program_usage, program, pairs, body):
    for handler in WRITES + ("workspace_view",):
        result = call(program_usage, "mentee", handler, body if body is not None else 5)
        assert result.status == 400, (handler, result.body)


@pytest.mark.django_db
def test_match_of_another_pair_or_program_is_not_found(program_usage, program, pairs):
    from mentoring_xblock.demo import program_olx

    from .harness import parse_olx
    other_usage = parse_olx(program_olx(slug="other"))
    result = call(other_usage, "mentee", "workspace_create_goal", {"match_id": pairs["a"].pk, "title": "x"})
    assert result.status == 404 and result.error == NOT_FOUND
    result = call(program_usage, "mentee", "workspace_create_goal", {"match_id": pairs["c"].pk, "title": "x"})
    assert result.status == 404 and result.error == NOT_FOUND
    assert not Goal.objects.exists()


# ---- concurrency ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_stale_version_names_who_changed_it(program_usage, program, pairs):
    items = seed(program, pairs["a"])
    goal = items["goal"]
    first = call(program_usage, "mentor", "workspace_update_goal",
                 {"match_id": pairs["a"].pk, "goal_id": goal.pk, "version": goal.version, "progress": 40})
    assert first.status == 200 and first.body["version"] == goal.version + 1
    stale = call(program_usage, "mentee", "workspace_update_goal",
                 {"match_id": pairs["a"].pk, "goal_id": goal.pk, "version": goal.version, "title": "Mine"})
    assert stale.status == 409 and "changed by mentor since you opened it" in stale.error
    assert "Reload" in stale.error
    goal.refresh_from_db()
    assert goal.title == "Delegate more" and goal.progress == 40


@pytest.mark.django_db
def test_agreement_revision_clears_signatures_and_both_sign_again(program_usage, program, pairs):
    match = pairs["a"]
    view = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk})
    assert "Not written yet" in view.body["html"]
    saved = call(program_usage, "mentee", "workspace_save_agreement",
                 {"match_id": match.pk, "version": 0, "expectations": "Honest feedback", "duration": "3 months"})
    version = saved.body["version"]
    for person in ("mentee", "mentor"):
        assert call(program_usage, person, "workspace_sign_agreement",
                    {"match_id": match.pk, "version": version}).status == 200
    twice = call(program_usage, "mentor", "workspace_sign_agreement", {"match_id": match.pk, "version": version})
    assert twice.status == 409
    agreement = Agreement.objects.get(match=match)
    assert agreement.mentor_signed_at and agreement.mentee_signed_at
    html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "mentor (mentor) signed on" in html and "mentee (mentee) signed on" in html
    revised = call(program_usage, "mentor", "workspace_save_agreement",
                   {"match_id": match.pk, "version": version, "expectations": "Honest, kind feedback"})
    assert revised.status == 200
    agreement.refresh_from_db()
    assert agreement.mentor_signed_at is None and agreement.mentee_signed_at is None
    old = call(program_usage, "mentee", "workspace_sign_agreement", {"match_id": match.pk, "version": version})
    assert old.status == 409 and "changed by mentor" in old.error


@pytest.mark.django_db
def test_agreement_starts_from_the_program_template(program_usage, program, pairs):
    program.configuration = dict(program.configuration, agreement_template={
        "expectations": "Come prepared", "meeting_frequency": "Every two weeks", "confidentiality": "",
        "duration": "Six months"})
    program.save()
    from mentoring_xblock.workspace_selectors import workspace_view_state
    state = workspace_view_state(program, identity("mentee"), pairs["a"].pk)
    assert state["agreement"]["fields"]["meeting_frequency"] == "Every two weeks"
    assert state["agreement"]["version"] == 0


# ---- messages ------------------------------------------------------------------------------------

def parse_tags(html):
    """Every (tag, attributes) of real elements in ``html``."""
    from html.parser import HTMLParser
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))
    Collector().feed(html)
    return found


XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1"> [click](javascript:alert(1)) **ok**'


@pytest.mark.django_db
def test_markup_in_every_text_is_escaped_or_sanitised(program_usage, program, pairs):
    match = pairs["a"]
    assert call(program_usage, "mentee", "workspace_post_message", {"match_id": match.pk, "body": XSS}).status == 200
    goal = call(program_usage, "mentee", "workspace_create_goal",
                {"match_id": match.pk, "title": '<img src=x onerror="window.__xss=2">', "specific": "<b>x</b>"})
    assert goal.status == 200
    meeting = service.schedule_meeting(program, identity("mentee"), match.pk, {"starts_at": FUTURE.isoformat()})
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    logged = call(program_usage, "mentor", "workspace_log_meeting",
                  {"match_id": match.pk, "meeting_id": meeting.pk, "version": 1, "status": "held",
                   "notes": "<script>alert(3)</script>", "next_steps": "<svg onload=alert(4)>"})
    assert logged.status == 200
    assert call(program_usage, "mentee", "workspace_add_resource",
                {"match_id": match.pk, "title": "<i onmouseover=alert(5)>r</i>",
                 "url": "https://example.com/?q=<b>"}).status == 200
    html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    for dangerous in ("<script", "<svg", "<img", 'href="javascript'):
        assert dangerous not in html, dangerous
    tags = parse_tags(html)
    assert not [(tag, name) for tag, attrs in tags for name, _value in attrs if name.startswith("on")]
    assert not [value for _tag, attrs in tags for name, value in attrs if name == "href" and "javascript" in value]
    assert 'onerror=&quot;window.__xss=2&quot;' in html  # the goal title is shown as text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html  # shown as text
    assert "<strong>ok</strong>" in html  # markdown still works
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.django_db
def test_threads_pagination_edit_window_and_soft_delete(program_usage, program, pairs):
    match = pairs["a"]
    ids = []
    for number in range(25):
        ids.append(call(program_usage, "mentee", "workspace_post_message",
                        {"match_id": match.pk, "body": f"Message number {number:02d}"}).body["message_id"])
        Message.objects.filter(pk=ids[-1]).update(created=timezone.now() - datetime.timedelta(minutes=100 - number))
    reply = call(program_usage, "mentor", "workspace_post_message",
                 {"match_id": match.pk, "body": "A reply", "parent_id": ids[-1]})
    nested = call(program_usage, "mentee", "workspace_post_message",
                  {"match_id": match.pk, "body": "Reply to reply", "parent_id": reply.body["message_id"]})
    assert Message.objects.get(pk=nested.body["message_id"]).parent_id == ids[-1]  # attached to the thread
    first = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk, "page": 1})
    assert first.body["pages"] == 2
    html = first.body["html"]
    assert "Message number 24" in html and "Message number 05" in html and "Message number 04" not in html
    assert html.index("Message number 24") < html.index("A reply") < html.index("Message number 23")
    second = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk, "page": 2}).body["html"]
    assert "Message number 04" in second and "Message number 05" not in second
    assert call(program_usage, "mentee", "workspace_view", {"match_id": match.pk, "page": 99}).body["page"] == 2
    # Edit window: the 100-minute-old message can no longer be edited; the fresh reply can.
    late = call(program_usage, "mentee", "workspace_edit_message",
                {"match_id": match.pk, "message_id": ids[0], "body": "Changed"})
    assert late.status == 409 and "15 minutes" in late.error
    edited = call(program_usage, "mentor", "workspace_edit_message",
                  {"match_id": match.pk, "message_id": reply.body["message_id"], "body": "A better reply"})
    assert edited.status == 200
    # Soft delete: the text goes, the place stays.
    assert call(program_usage, "mentor", "workspace_delete_message",
                {"match_id": match.pk, "message_id": reply.body["message_id"]}).status == 200
    html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "Message deleted." in html and "A better reply" not in html
    assert Message.objects.get(pk=reply.body["message_id"]).body == ""
    again = call(program_usage, "mentor", "workspace_delete_message",
                 {"match_id": match.pk, "message_id": reply.body["message_id"]})
    assert again.status == 409


@pytest.mark.django_db
def test_message_rate_limit(program_usage, program, pairs, settings):
    settings.MENTORING_MESSAGES_PER_HOUR = 2
    for _round in range(2):
        assert call(program_usage, "mentee", "workspace_post_message",
                    {"match_id": pairs["a"].pk, "body": "hi"}).status == 200
    limited = call(program_usage, "mentee", "workspace_post_message", {"match_id": pairs["a"].pk, "body": "hi"})
    assert limited.status == 400 and "many messages" in limited.error


# ---- goals, actions, meetings, resources ---------------------------------------------------------

@pytest.mark.django_db
def test_goals_actions_overdue_and_linked_units(program_usage, program, pairs):
    match = pairs["a"]
    unit = "block-v1:MentoringDemo+LEAD101+2026+type@vertical+block@week1"
    goal = call(program_usage, "mentee", "workspace_create_goal",
                {"match_id": match.pk, "title": "Coach my team", "linked_units": f"{unit}\n{unit}\n"})
    assert goal.status == 200
    assert Goal.objects.get(pk=goal.body["goal_id"]).linked_units == [unit]
    yesterday = (timezone.now() - datetime.timedelta(days=2)).date().isoformat()
    late = call(program_usage, "mentor", "workspace_create_action",
                {"match_id": match.pk, "title": "Send the survey", "owner": "mentor", "due_date": yesterday,
                 "goal_id": goal.body["goal_id"]})
    loose = call(program_usage, "mentee", "workspace_create_action",
                 {"match_id": match.pk, "title": "Read chapter 2", "owner": "mentee"})
    assert late.status == loose.status == 200
    html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "⚠ Overdue" in html and "1 overdue" in html and "Read chapter 2" in html and unit in html
    done = call(program_usage, "mentor", "workspace_update_action",
                {"match_id": match.pk, "action_id": late.body["action_id"], "version": 1, "done": True})
    assert done.status == 200
    html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "⚠ Overdue" not in html and "✓ Done" in html


@pytest.mark.django_db
def test_meeting_times_in_each_persons_zone_and_logging(program_usage, program, pairs):
    match = pairs["a"]
    scheduled = call(program_usage, "mentee", "workspace_schedule_meeting",
                     {"match_id": match.pk, "starts_at": "2030-03-05T18:30", "duration_minutes": 60})
    assert scheduled.status == 400  # beyond a year
    when = (timezone.now() + datetime.timedelta(days=10)).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Madrid")).replace(hour=18, minute=30, second=0, microsecond=0)
    scheduled = call(program_usage, "mentee", "workspace_schedule_meeting",
                     {"match_id": match.pk, "starts_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60})
    assert scheduled.status == 200
    meeting = Meeting.objects.get(pk=scheduled.body["meeting_id"])
    assert meeting.starts_at == when  # read in the mentee's own zone
    mentee_html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    mentor_html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    new_york = when.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York")).strftime("%H:%M")
    assert "18:30" in mentee_html and "your time" in mentee_html and f"{new_york}" in mentee_html
    assert "America/New_York" in mentor_html and "Europe/Madrid" in mentor_html
    early = call(program_usage, "mentor", "workspace_log_meeting",
                 {"match_id": match.pk, "meeting_id": meeting.pk, "version": 1, "status": "held"})
    assert early.status == 400 and "not started" in early.error
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=3))
    html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "To be logged" in html
    logged = call(program_usage, "mentor", "workspace_log_meeting",
                  {"match_id": match.pk, "meeting_id": meeting.pk, "version": 1, "status": "held",
                   "notes": "Talked about delegation", "next_steps": "Try it on Monday"})
    assert logged.status == 200
    html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "Talked about delegation" in html and "Past and logged (1)" in html
    reschedule = call(program_usage, "mentee", "workspace_update_meeting",
                      {"match_id": match.pk, "meeting_id": meeting.pk, "version": 2, "agenda": "x"})
    assert reschedule.status == 409


@pytest.mark.django_db
def test_resources_links_and_units(program_usage, program, pairs):
    match = pairs["a"]
    unit = "block-v1:MentoringDemo+LEAD101+2026+type@vertical+block@week2"
    assert call(program_usage, "mentee", "workspace_add_resource",
                {"match_id": match.pk, "title": "Week 2", "usage_key": unit}).status == 200
    both = call(program_usage, "mentee", "workspace_add_resource",
                {"match_id": match.pk, "title": "x", "usage_key": unit, "url": "https://example.com"})
    assert both.status == 400
    html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    assert f"/courses/course-v1:MentoringDemo+LEAD101+2026/jump_to/{unit}" in html


@pytest.mark.django_db
def test_lists_are_bounded(program_usage, program, pairs, monkeypatch):
    monkeypatch.setattr(service, "MAX_GOALS", 2)
    for _round in range(2):
        assert call(program_usage, "mentee", "workspace_create_goal",
                    {"match_id": pairs["a"].pk, "title": "g"}).status == 200
    full = call(program_usage, "mentee", "workspace_create_goal", {"match_id": pairs["a"].pk, "title": "g"})
    assert full.status == 400 and "at most 2 goals" in full.error


# ---- privacy and archive -------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("privacy", ["metadata", "full"])
def test_coordinator_reads_per_privacy_level(program_usage, program, pairs, privacy):
    program.configuration = dict(program.configuration, privacy=privacy)
    program.save()
    block = block_as(program_usage, "coordinator")
    block.config = dict(block.config, privacy=privacy)
    block.save()
    assert block.program().configuration["privacy"] == privacy
    items = seed(program, pairs["a"])
    service.log_meeting(program, identity("mentee"), pairs["a"].pk,
                        {"meeting_id": items["meeting"].pk, "version": 1, "status": "cancelled",
                         "notes": "Private note"})
    result = call(program_usage, "coordinator", "workspace_view", {"match_id": pairs["a"].pk})
    assert result.status == 200
    html = result.body["html"]
    assert "Delegate more" in html  # goal titles always
    assert "1 message" in html
    private = ("Hello <strong>there</strong>", "Hand over reports", "Weekly check-ins", "Private note", "Room 4")
    if privacy == "metadata":
        assert not any(text in html for text in private)
        assert "sees only counts, dates and goal titles" in html
    else:
        assert all(text in html for text in private)
        assert "can read everything" in html
    pair_html = call(program_usage, "mentee", "workspace_view", {"match_id": pairs["a"].pk}).body["html"]
    assert ("sees only counts" in pair_html) == (privacy == "metadata")


@pytest.mark.django_db
def test_archive_is_read_only_after_the_match_ends(program_usage, program, pairs):
    items = seed(program, pairs["a"])
    mentorship.end_match(program, identity("mentee"), pairs["a"].pk, "Moving on")
    before = snapshot(pairs["a"])
    for handler in WRITES:
        for person in ("mentee", "mentor"):
            result = call(program_usage, person, handler, dict(valid_payload(handler, items), match_id=pairs["a"].pk))
            assert result.status == 409, (handler, person, result.body)
            assert "read-only" in result.error
    assert snapshot(pairs["a"]) == before
    view = call(program_usage, "mentor", "workspace_view", {"match_id": pairs["a"].pk})
    assert view.status == 200
    html = view.body["html"]
    assert "Archive:" in html and "Delegate more" in html and "Moving on" in html
    assert 'data-ws-handler="workspace_create_goal"' not in html and "workspace_save_reflection" in html


@pytest.mark.django_db
def test_proposed_match_has_no_writable_workspace(program_usage, program, pairs):
    Match.objects.filter(pk=pairs["a"].pk).update(state="proposed")
    result = call(program_usage, "mentee", "workspace_create_goal", {"match_id": pairs["a"].pk, "title": "x"})
    assert result.status == 409 and "accepted" in result.error


# ---- calendar export -----------------------------------------------------------------------------

def get_ics(usage, person, query):
    block = block_as(usage, person)
    request = Request.blank(f"/?{query}", method="GET")
    return block.runtime.handle(block, "workspace_meeting_ics", request)


@pytest.mark.django_db
def test_ics_download(program_usage, program, pairs):
    items = seed(program, pairs["a"])
    query = f"match_id={pairs['a'].pk}&meeting_id={items['meeting'].pk}"
    response = get_ics(program_usage, "mentor", query)
    assert response.status_code == 200
    assert response.content_type == "text/calendar"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="mentoring-meeting-{items["meeting"].pk}.ics"'
    text = response.body.decode("utf-8")
    assert "BEGIN:VCALENDAR" in text and "BEGIN:VEVENT" in text
    assert f"DTSTART:{FUTURE.astimezone(datetime.UTC).strftime('%Y%m%dT%H%M%SZ')}" in text
    end = FUTURE + datetime.timedelta(minutes=45)
    assert f"DTEND:{end.astimezone(datetime.UTC).strftime('%Y%m%dT%H%M%SZ')}" in text
    assert "SUMMARY:Mentoring: mentor and mentee" in text
    assert "LOCATION:Room 4" in text and "DESCRIPTION:Kick-off" in text
    from icalendar import Calendar
    event = Calendar.from_ical(response.body).walk("VEVENT")[0]
    assert event["UID"].startswith("mentoring-meeting-") and event["UID"].endswith("@localhost")
    again = Calendar.from_ical(get_ics(program_usage, "mentee", query).body).walk("VEVENT")[0]
    assert again["UID"] == event["UID"]  # stable: a second download updates the same calendar entry
    coordinator = get_ics(program_usage, "coordinator", query).body.decode("utf-8")
    assert "BEGIN:VEVENT" in coordinator and "Room 4" not in coordinator and "Kick-off" not in coordinator
    for person, status in (("anonymous", 401), ("learner", 404), ("mentee2", 404), ("mentor3", 404)):
        assert get_ics(program_usage, person, query).status_code == status
    other = seed(program, pairs["c"], author="mentee3")
    assert get_ics(program_usage, "mentee", f"match_id={pairs['a'].pk}&meeting_id={other['meeting'].pk}") \
        .status_code == 404
    assert get_ics(program_usage, "mentee", "match_id=x&meeting_id=1").status_code == 400


# ---- query counts --------------------------------------------------------------------------------

def grow(program, match, rounds):
    for number in range(rounds):
        who = identity("mentee" if number % 2 else "mentor")
        goal = service.create_goal(program, who, match.pk, {"title": f"Goal {number}", "specific": "s"})
        service.create_action(program, who, match.pk, {"title": "a", "owner": "mentee", "goal_id": goal.pk})
        service.create_action(program, who, match.pk, {"title": "b", "owner": "mentor"})
        meeting = service.schedule_meeting(program, who, match.pk, {"starts_at": FUTURE.isoformat()})
        if number % 2:
            Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(days=number))
        message = service.post_message(program, who, match.pk, {"body": f"m{number}"})
        service.post_message(program, who, match.pk, {"body": "r", "parent_id": message.pk})
        service.add_resource(program, who, match.pk, {"title": "r", "url": "https://example.com"})


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("person", ["mentee", "coordinator"])
def test_view_queries_do_not_grow_with_the_workspace(program_usage, program, pairs, person):
    match = pairs["a"]
    seed(program, match)
    small = call(program_usage, person, "workspace_view", {"match_id": match.pk})
    grow(program, match, 30)
    large = call(program_usage, person, "workspace_view", {"match_id": match.pk})
    assert small.status == large.status == 200
    assert large.queries == small.queries, (small.queries, large.queries)
    # 8 of these are the workbench's own field-data reads, 2 the program and the user; 13 the workspace; 2 the
    # handler's savepoint and its release (its transaction, inside the test's own; BEGIN/COMMIT are not counted).
    assert large.queries <= 25
    print(f"workspace_view queries for {person}: {large.queries}")


@pytest.mark.django_db
def test_writes_use_few_queries(program_usage, program, pairs):
    seed(program, pairs["a"])
    small = call(program_usage, "mentee", "workspace_post_message", {"match_id": pairs["a"].pk, "body": "x"})
    grow(program, pairs["a"], 10)
    large = call(program_usage, "mentee", "workspace_post_message", {"match_id": pairs["a"].pk, "body": "x"})
    assert small.queries == large.queries


@pytest.mark.django_db
@pytest.mark.parametrize("privacy", ["metadata", "full"])
def test_every_view_and_export_of_a_pairs_reasons_obeys_the_privacy_level(program_usage, program, pairs, privacy):
    """One rule (policy.coordinator_reads_pair_content) for the workspace, the audit log and the CSV exports."""
    import csv
    import io
    block = block_as(program_usage, "coordinator")
    block.config = dict(block.config, privacy=privacy)
    block.save()
    reason = "We disagreed about confidentiality"
    ended = call(program_usage, "mentee", "end_match", {"match_id": pairs["a"].pk, "reason": reason})
    assert ended.status == 200, ended
    seen = {
        "workspace": call(program_usage, "coordinator", "workspace_view", {"match_id": pairs["a"].pk}).body["html"],
        "audit tab": call(program_usage, "coordinator", "coordinator_panel", {"tab": "audit"}).body["html"],
    }
    for kind in ("matches", "audit"):
        response = block.runtime.handle(block, "export_csv", Request.blank(f"/?kind={kind}"))
        rows = list(csv.reader(io.StringIO(b"".join(response.app_iter).decode("utf-8"))))
        seen[f"{kind} CSV"] = "\n".join(",".join(row) for row in rows)
    shown = {where: reason in text for where, text in seen.items()}
    assert shown == dict.fromkeys(seen, privacy == "full")
    pair_view = call(program_usage, "mentor", "workspace_view", {"match_id": pairs["a"].pk}).body["html"]
    assert reason in pair_view  # the pair always reads its own reasons


@pytest.mark.django_db
def test_edits_of_one_message_are_limited(program_usage, program, pairs):
    from mentoring_xblock.conf import setting
    match = pairs["a"]
    message = service.post_message(program, identity("mentee"), match.pk, {"body": "first"})
    limit = setting("MENTORING_EDITS_PER_MESSAGE_PER_HOUR")
    for number in range(limit):
        edited = call(program_usage, "mentee", "workspace_edit_message",
                      {"match_id": match.pk, "message_id": message.pk, "body": f"edit {number}"})
        assert edited.status == 200, edited
    refused = call(program_usage, "mentee", "workspace_edit_message",
                   {"match_id": match.pk, "message_id": message.pk, "body": "one more"})
    assert refused.status == 400 and f"edited {limit} times" in refused.error
    assert Message.objects.get(pk=message.pk).body == f"edit {limit - 1}"


def test_meeting_uids_differ_across_course_runs_and_sites():
    """Before: ``mentoring-meeting-N@mentoring-xblock`` in every course and site, so calendars merged them."""
    from types import SimpleNamespace

    from mentoring_xblock.calendars import meeting_uid
    meeting = SimpleNamespace(pk=7)

    def match(course_key, slug="leadership"):
        return SimpleNamespace(program=SimpleNamespace(course_key=course_key, slug=slug))
    uids = {meeting_uid(meeting, match("course-v1:A+B+2026"), "lms.example.com"),
            meeting_uid(meeting, match("course-v1:A+B+2027"), "lms.example.com"),
            meeting_uid(meeting, match("course-v1:A+B+2026", "other"), "lms.example.com"),
            meeting_uid(meeting, match("course-v1:A+B+2026"), "learn.other.org:443")}
    assert len(uids) == 4
    assert meeting_uid(meeting, match("course-v1:A+B+2026"), 'evil"host\r\nX: y').endswith("@evilhostX")


def test_every_event_a_pair_can_have_reads_as_a_sentence():
    """Before: "You: assessment.submitted".

    Every verb recorded with a match, found in the source, has a sentence or is deliberately kept out of the feed.
    """
    import pathlib
    import re

    from mentoring_xblock import workspace_selectors as selectors
    package = pathlib.Path(selectors.__file__).parent
    verbs = set()
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        # record_event(..., "verb", ..., match=...) over one or more lines, and the workspace's _done(..., "verb")
        for found in re.finditer(r"record_event\((?:[^()]|\([^()]*\))*\)", text):
            if "match=" in found.group():
                verbs |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', found.group()))
        verbs |= set(re.findall(r'_done\(program, identity, match, "([a-z_]+\.[a-z_]+)"', text))
    verbs |= {"match.ended", "match.completed"}  # pairs.close_match's f"match.{state}"
    assert len(verbs) > 20, verbs
    missing = sorted(v for v in verbs
                     if v not in selectors.ACTIVITY_SENTENCES and v not in selectors.HIDDEN_FROM_ACTIVITY)
    assert not missing, missing


@pytest.mark.django_db
def test_words_name_people_not_roles(program_usage, program, pairs):
    """Before: "Owner: Mentee", "(started by You)", and "Languages you can be mentored in" on the mentor's form."""
    match = pairs["a"]
    who = identity("mentee")
    service.create_action(program, who, match.pk, {"title": "Draft the plan", "owner": "mentee"})
    service.create_action(program, who, match.pk, {"title": "Review the plan", "owner": "mentor"})
    service.post_message(program, who, match.pk, {"body": "Hello"})
    html = call(program_usage, "mentee", "workspace_view", {"match_id": match.pk}).body["html"]
    mentor_name = match.mentor.shown_name()
    assert "Owner: You" in html and f"Owner: {mentor_name}" in html and "Owner: Mentee" not in html
    assert "Reply in the conversation you started" in html and "started by You" not in html
    mentor_html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    assert f"Owner: {match.mentee.shown_name()}" in mentor_html and "Owner: You" in mentor_html
    from .harness import render
    form, _queries = render(program_usage, "mentor")
    assert "Languages you can mentor in" in form and "Languages you can be mentored in" not in form
