"""The learner and mentor journey: suggestions, requests, answers, proposals, ending, leaving; every role."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentoring_xblock.models import ActivityEvent, Match, MentorshipRequest, Notification, Participant

from .factories import add_person, pair, participant, profile_for
from .harness import call, make_user, render

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")


def snapshot(program):
    """Everything a journey handler could change."""
    return (
        list(Participant.objects.filter(program=program).order_by("pk").values()),
        list(MentorshipRequest.objects.filter(program=program).order_by("pk").values()),
        list(Match.objects.filter(program=program).order_by("pk").values()),
        Notification.objects.filter(program=program).count(),
    )


def second_mentor(program, name="mentor2", capacity=1):
    return add_person(program, name, "mentor", capacity=None, profile=profile_for("mentor", capacity=capacity))


def ask(usage, program, mentee="mentee", mentor="mentor", message="Hello!"):
    return call(usage, mentee, "request_mentor", {"mentor_id": participant(program, mentor).pk, "message": message})


# ---- suggestions ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_ready_mentee_sees_suggested_mentors_with_reasons(program_usage, program, people):
    html, _queries = render(program_usage, "mentee")
    assert "Mentors suggested for you" in html
    assert "Ask mentor to mentor me" in html
    assert "You both speak" in html


@pytest.mark.django_db
@pytest.mark.parametrize("change", [
    {"mentee_count": 2, "capacity": 2},     # full
    {"mentor_status": "paused"},
    {"mentor_status": "pending"},
    {"consent_at": None},
])
def test_unavailable_mentors_are_not_suggested(program_usage, program, people, change):
    Participant.objects.filter(program=program, username="mentor").update(**change)
    html, _queries = render(program_usage, "mentee")
    assert "Ask mentor to mentor me" not in html
    assert "No mentor with free places fits your profile" in html


@pytest.mark.django_db
def test_incomplete_profile_gets_no_suggestions(program_usage, program, people):
    Participant.objects.filter(program=program, username="mentee").update(profile_completed_at=None)
    html, _queries = render(program_usage, "mentee")
    assert "Mentors suggested for you" not in html


# ---- requests ------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 403), ("coordinator", 403),
])
def test_request_mentor_for_every_role(program_usage, program, people, person, status, published, emails_sent):
    result = ask(program_usage, program, mentee=person)
    assert result.status == status, result.body
    if status == 200:
        request = MentorshipRequest.objects.get(pk=result.body["request_id"])
        assert request.state == "requested" and request.message == "Hello!"
        assert request.expires_at > timezone.now() + datetime.timedelta(days=6)
        assert ("edx.mentoring.request.created", {"request_id": request.pk, "program": "leadership"}) in published
        assert Notification.objects.filter(recipient=participant(program, "mentor"), kind="request_received").exists()
        assert [message.to for message in emails_sent] == [["mentor@example.com"]]
    else:
        assert not MentorshipRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body, status, field", [
    ({}, 400, "mentor_id"),
    ({"mentor_id": "7"}, 400, "mentor_id"),
    ({"mentor_id": -1}, 400, "mentor_id"),
    ({"mentor_id": True}, 400, "mentor_id"),
    ({"mentor_id": 999999}, 404, None),
    ({"mentor_id": "MENTOR", "message": "x" * 1001}, 400, "message"),
    ({"mentor_id": "MENTOR", "message": 5}, 400, "message"),
    ({"mentor_id": "MENTEE"}, 404, None),   # asking oneself
])
def test_request_bad_input_changes_nothing(program_usage, program, people, body, status, field):
    ids = {"MENTOR": participant(program, "mentor").pk, "MENTEE": participant(program, "mentee").pk}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    before = snapshot(program)
    result = call(program_usage, "mentee", "request_mentor", body)
    assert result.status == status, result.body
    assert result.error
    if field:
        assert field in result.body["field_errors"]
    assert snapshot(program) == before


@pytest.mark.django_db
def test_request_list_body_is_400(program_usage, program, people):
    result = call(program_usage, "mentee", "request_mentor", [1, 2])
    assert result.status == 400 and "JSON object" in result.error


@pytest.mark.django_db
def test_mentor_of_another_program_is_not_found(program_usage, program, people):
    from mentoring_xblock.demo import program_olx

    from .harness import block_as, parse_olx
    other_usage = parse_olx(program_olx(slug="other"))
    other_program = block_as(other_usage, "anonymous").program()
    outsider = second_mentor(other_program, name="outsider")
    result = call(program_usage, "mentee", "request_mentor", {"mentor_id": outsider.pk})
    assert result.status == 404
    assert not MentorshipRequest.objects.exists()


@pytest.mark.django_db
def test_duplicate_request_is_refused_with_a_clear_message(program_usage, program, people):
    assert ask(program_usage, program).status == 200
    second_mentor(program)
    again = ask(program_usage, program, mentor="mentor2")
    assert again.status == 409 and "already have a request" in again.error
    assert MentorshipRequest.objects.count() == 1


@pytest.mark.django_db
def test_mentor_at_capacity_or_paused_receives_no_request(program_usage, program, people):
    Participant.objects.filter(program=program, username="mentor").update(capacity=1, mentee_count=1)
    full = ask(program_usage, program)
    assert full.status == 409 and "not taking new mentees" in full.error
    Participant.objects.filter(program=program, username="mentor").update(capacity=3, mentor_status="paused")
    assert ask(program_usage, program).status == 409


@pytest.mark.django_db
def test_rate_limit_on_requests(program_usage, program, people, settings):
    settings.MENTORING_REQUESTS_PER_HOUR = 2
    for _round in range(2):
        request_id = ask(program_usage, program).body["request_id"]
        assert call(program_usage, "mentee", "withdraw_request", {"request_id": request_id}).status == 200
    limited = ask(program_usage, program)
    assert limited.status == 400 and "many requests" in limited.error


@pytest.mark.django_db
def test_asking_and_withdrawing_again_reaches_one_mentor_a_few_times_a_day(program_usage, program, people,
                                                                             mailoutbox,
                                                                             django_capture_on_commit_callbacks):
    """Before: 20 "new request" emails an hour to the same mentor. The limit is per target; repeats coalesce."""
    per_mentor = 3
    mentor = participant(program, "mentor")
    with django_capture_on_commit_callbacks(execute=True):
        for _round in range(per_mentor):
            request_id = ask(program_usage, program).body["request_id"]
            assert call(program_usage, "mentee", "withdraw_request", {"request_id": request_id}).status == 200
        limited = ask(program_usage, program)
    assert limited.status == 400 and f"asked this mentor {per_mentor} times today" in limited.error
    assert MentorshipRequest.objects.filter(mentor=mentor).count() == per_mentor  # the refused one changed nothing
    # The mentor has not read the first notice: the same notice again is neither stored nor emailed again.
    assert Notification.objects.filter(recipient=mentor, kind="request_received").count() == 1
    assert len([m for m in mailoutbox if "New mentoring request" in m.subject]) == 1


@pytest.mark.django_db
def test_joining_the_queue_and_withdrawing_is_limited_too(program_usage, program, people, settings):
    settings.MENTORING_REQUESTS_PER_HOUR = 2
    program.configuration = dict(program.configuration, matching_mode="coordinator")
    from .harness import block_as
    block = block_as(program_usage, "coordinator")
    block.config = dict(block.config, matching_mode="coordinator")
    block.save()
    for _round in range(2):
        queued = call(program_usage, "mentee", "join_queue", {})
        assert queued.status == 200, queued
        withdrawn = call(program_usage, "mentee", "withdraw_request", {"request_id": queued.body["request_id"]})
        assert withdrawn.status == 200
    limited = call(program_usage, "mentee", "join_queue", {})
    assert limited.status == 400 and "many requests" in limited.error


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 403), ("coordinator", 403),
])
def test_withdraw_for_every_role(program_usage, program, people, person, status):
    request_id = ask(program_usage, program).body["request_id"]
    result = call(program_usage, person, "withdraw_request", {"request_id": request_id})
    assert result.status == status
    assert MentorshipRequest.objects.get(pk=request_id).state == ("withdrawn" if status == 200 else "requested")


@pytest.mark.django_db
def test_withdraw_someone_elses_request_is_not_found(program_usage, program, people):
    request_id = ask(program_usage, program).body["request_id"]
    make_user("other")
    call(program_usage, "other", "join", {"role": "mentee"})
    assert call(program_usage, "other", "withdraw_request", {"request_id": request_id}).status == 404
    assert call(program_usage, "mentee", "withdraw_request", {"request_id": request_id}).status == 200
    again = call(program_usage, "mentee", "withdraw_request", {"request_id": request_id})
    assert again.status == 409 and "already withdrawn" in again.error


# ---- the mentor answers --------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 200), ("coordinator", 403),
])
def test_respond_request_for_every_role(program_usage, program, people, person, status, published, emails_sent):
    request_id = ask(program_usage, program).body["request_id"]
    result = call(program_usage, person, "respond_request", {"request_id": request_id, "accept": True})
    assert result.status == status, result.body
    if status == 200:
        match = Match.objects.get(pk=result.body["match_id"])
        assert match.state == "active" and match.origin == "request" and match.score > 0
        assert match.explanation and participant(program, "mentor").mentee_count == 1
        assert any(name == "edx.mentoring.request.accepted" for name, _data in published)
        assert Notification.objects.filter(recipient=participant(program, "mentee"), kind="request_accepted").exists()
    else:
        assert not Match.objects.exists()


@pytest.mark.django_db
def test_accepted_pair_is_shown_to_both(program_usage, program, people):
    request_id = ask(program_usage, program).body["request_id"]
    call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    mentee_html, _ = render(program_usage, "mentee")
    mentor_html, _ = render(program_usage, "mentor")
    assert "Your mentor" in mentee_html and "End this mentorship" in mentee_html
    assert "Your mentees" in mentor_html and "1 of 2 places taken" in mentor_html


@pytest.mark.django_db
def test_decline_lets_the_mentee_ask_someone_else(program_usage, program, people):
    request_id = ask(program_usage, program).body["request_id"]
    result = call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": False,
                                                               "message": "Full this term"})
    assert result.status == 200 and result.body["accepted"] is False
    html, _ = render(program_usage, "mentee")
    assert "could not take your request" in html and "Full this term" in html
    again = ask(program_usage, program)
    assert again.status == 409 and "cannot ask this mentor again" in again.error
    second_mentor(program)
    assert ask(program_usage, program, mentor="mentor2").status == 200


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"accept": True}, "request_id"),
    ({"request_id": "REQ", "accept": "yes"}, "accept"),
    ({"request_id": "REQ"}, "accept"),
    ({"request_id": "REQ", "accept": True, "message": "x" * 1001}, "message"),
])
def test_respond_bad_input_changes_nothing(program_usage, program, people, body, field):
    request_id = ask(program_usage, program).body["request_id"]
    body = {key: request_id if value == "REQ" else value for key, value in body.items()}
    before = snapshot(program)
    result = call(program_usage, "mentor", "respond_request", body)
    assert result.status == 400 and field in result.body["field_errors"]
    assert snapshot(program) == before


@pytest.mark.django_db
def test_withdrawn_or_expired_request_cannot_be_accepted(program_usage, program, people):
    request_id = ask(program_usage, program).body["request_id"]
    call(program_usage, "mentee", "withdraw_request", {"request_id": request_id})
    refused = call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    assert refused.status == 409 and "withdrawn" in refused.error
    request_id = ask(program_usage, program).body["request_id"]
    MentorshipRequest.objects.filter(pk=request_id).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    before = snapshot(program)
    expired = call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    assert expired.status == 409 and "expired" in expired.error
    assert snapshot(program) == before  # a refused call writes nothing: the scheduled expiry tells the mentee
    assert not Match.objects.exists() and not Notification.objects.filter(kind="request_expired").exists()
    call_command("mentoring_expire_requests")
    assert MentorshipRequest.objects.get(pk=request_id).state == "expired"
    assert Notification.objects.filter(kind="request_expired").count() == 1


@pytest.mark.django_db
def test_expired_request_is_shown_and_frees_the_mentee(program_usage, program, people):
    request_id = ask(program_usage, program).body["request_id"]
    MentorshipRequest.objects.filter(pk=request_id).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    html, _ = render(program_usage, "mentee")
    assert "expired without an answer" in html
    second_mentor(program)
    assert ask(program_usage, program, mentor="mentor2").status == 200


@pytest.mark.django_db
def test_capacity_is_never_exceeded_by_two_accepts(program_usage, program, people):
    Participant.objects.filter(program=program, username="mentor").update(capacity=1)
    first = ask(program_usage, program).body["request_id"]
    make_user("mentee2")
    from mentoring_xblock.demo import demo_people
    call(program_usage, "mentee2", "join", {"role": "mentee"})
    profile = demo_people(mentees=1, mentors=0)[0]["profile"]
    assert call(program_usage, "mentee2", "save_profile", profile).status == 200
    second = ask(program_usage, program, mentee="mentee2").body["request_id"]
    assert call(program_usage, "mentor", "respond_request", {"request_id": first, "accept": True}).status == 200
    refused = call(program_usage, "mentor", "respond_request", {"request_id": second, "accept": True})
    assert refused.status == 409 and "no free place" in refused.error
    assert Match.objects.count() == 1 and participant(program, "mentor").mentee_count == 1
    assert MentorshipRequest.objects.get(pk=second).state == "requested"  # nothing changed


# ---- pause, queue, proposals ---------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 200), ("coordinator", 403),
])
def test_pause_for_every_role(program_usage, program, people, person, status):
    result = call(program_usage, person, "set_paused", {"paused": True})
    assert result.status == status
    assert participant(program, "mentor").mentor_status == ("paused" if status == 200 else "approved")
    if status == 200:
        assert call(program_usage, "mentor", "set_paused", {"paused": "no"}).status == 400
        assert call(program_usage, "mentor", "set_paused", {"paused": False}).body == {"mentor_status": "approved"}


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 403), ("coordinator", 403),
])
def test_join_queue_for_every_role(program_usage, program, people, person, status):
    result = call(program_usage, person, "join_queue", {})
    assert result.status == status
    if status == 200:
        html, _ = render(program_usage, "mentee")
        assert "matching queue" in html
        assert call(program_usage, person, "join_queue", {}).status == 409


def propose(program, mentee="mentee", mentor="mentor"):
    return pair(program, mentee, mentor, Match.Origin.RUN, Match.State.PROPOSED, score=0.5,
                explanation=[{"code": "shared_language", "params": {"languages": ["es"]}, "share": 1.0}])


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 403), ("coordinator", 403),
])
def test_respond_proposal_for_every_role(program_usage, program, people, person, status):
    match = propose(program)
    html, _ = render(program_usage, "mentee")
    assert "A mentor is proposed for you" in html and "You both speak Spanish" in html
    result = call(program_usage, person, "respond_proposal", {"match_id": match.pk, "accept": True})
    assert result.status == status
    match.refresh_from_db()
    assert match.state == ("active" if status == 200 else "proposed")


@pytest.mark.django_db
def test_asking_to_be_rematched_needs_a_reason_and_returns_to_the_queue(program_usage, program, people):
    match = propose(program)
    missing = call(program_usage, "mentee", "respond_proposal", {"match_id": match.pk, "accept": False})
    assert missing.status == 400 and "reason" in missing.body["field_errors"]
    result = call(program_usage, "mentee", "respond_proposal",
                  {"match_id": match.pk, "accept": False, "reason": "Different time zones"})
    assert result.status == 200 and result.body["state"] == "ended"
    assert participant(program, "mentor").mentee_count == 0
    queued = MentorshipRequest.objects.get(mentee=participant(program, "mentee"), state="requested")
    assert queued.mentor is None and "Different time zones" in queued.message
    twice = call(program_usage, "mentee", "respond_proposal", {"match_id": match.pk, "accept": True})
    assert twice.status == 409


# ---- ending and leaving --------------------------------------------------------------------------

def active_pair(usage, program):
    request_id = ask(usage, program).body["request_id"]
    return call(usage, "mentor", "respond_request", {"request_id": request_id, "accept": True}).body["match_id"]


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 200), ("coordinator", 200),
])
def test_end_match_for_every_role(program_usage, program, people, person, status, emails_sent):
    match_id = active_pair(program_usage, program)
    result = call(program_usage, person, "end_match", {"match_id": match_id, "reason": "Goals reached"})
    assert result.status == status, result.body
    match = Match.objects.get(pk=match_id)
    assert match.state == ("ended" if status == 200 else "active")
    if status == 200:
        assert match.end_reason == "Goals reached" and participant(program, "mentor").mentee_count == 0
        assert ActivityEvent.objects.filter(verb="match.ended", match=match, actor_id__isnull=False).exists()


@pytest.mark.django_db
def test_end_match_bad_input(program_usage, program, people):
    match_id = active_pair(program_usage, program)
    before = snapshot(program)
    for body, field in (({"match_id": match_id}, "reason"), ({"match_id": match_id, "reason": " "}, "reason"),
                        ({"reason": "x"}, "match_id"), ({"match_id": match_id, "reason": "x" * 1001}, "reason")):
        result = call(program_usage, "mentee", "end_match", body)
        assert result.status == 400 and field in result.body["field_errors"], result.body
    assert call(program_usage, "mentee", "end_match", {"match_id": 10**9, "reason": "x"}).status == 404
    assert snapshot(program) == before


@pytest.mark.django_db
def test_another_mentee_of_the_same_mentor_cannot_end_the_pair(program_usage, program, people):
    match_id = active_pair(program_usage, program)
    make_user("mentee2")
    call(program_usage, "mentee2", "join", {"role": "mentee"})
    assert call(program_usage, "mentee2", "end_match", {"match_id": match_id, "reason": "x"}).status == 404


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 200), ("coordinator", 403),
])
def test_leave_program_for_every_role(program_usage, program, people, person, status):
    match_id = active_pair(program_usage, program)
    result = call(program_usage, person, "leave_program", {"reason": "Changing jobs"})
    assert result.status == status
    if status == 200:
        assert participant(program, person).status == "withdrawn"
        assert Match.objects.get(pk=match_id).state == "ended"
        assert participant(program, "mentor").mentee_count == 0
        html, _ = render(program_usage, person)
        assert "How would you like to take part?" in html


@pytest.mark.django_db
def test_leaving_withdraws_open_requests_and_declines_incoming(program_usage, program, people):
    request_id = ask(program_usage, program).body["request_id"]
    assert call(program_usage, "mentor", "leave_program", {}).status == 200
    assert MentorshipRequest.objects.get(pk=request_id).state == "declined"


# ---- notifications -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_notifications_email_and_badge(program_usage, program, people, emails_sent):
    assert call(program_usage, "mentor", "mark_read", {}).body == {"marked": 1}  # "approved as a mentor"
    request_id = ask(program_usage, program).body["request_id"]
    assert [message.subject for message in emails_sent] == ["New mentoring request from mentee"]
    assert emails_sent[0].to == ["mentor@example.com"] and "would like you to be their mentor" in emails_sent[0].body
    html, _ = render(program_usage, "mentor")
    assert 'mentoring-count">1</span> new update' in html
    call(program_usage, "mentor", "respond_request", {"request_id": request_id, "accept": True})
    assert emails_sent[-1].subject == "mentor accepted your mentoring request"
    assert call(program_usage, "mentor", "mark_read", {}).body == {"marked": 1}
    html, _ = render(program_usage, "mentor")
    assert "new update" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 200), ("coordinator", 403),
])
def test_mark_read_for_every_role(program_usage, people, person, status):
    assert call(program_usage, person, "mark_read", {}).status == status


@pytest.mark.django_db
def test_reasons_are_worded_for_the_reader(program_usage, program, people):
    Participant.objects.filter(program=program, username="mentee").update(seniority=1)
    Participant.objects.filter(program=program, username="mentor").update(seniority=4)
    ask(program_usage, program)
    mentor_html, _ = render(program_usage, "mentor")
    assert "You are 3 levels above your mentee" in mentor_html and "Mentor is" not in mentor_html


@pytest.mark.django_db
def test_a_repeated_notification_is_sent_again_once_the_first_was_read(program):
    from mentoring_xblock.services.notifications import mark_read, notify
    mentor = Participant.objects.create(program=program, user_id=make_user("reader").pk, username="reader")
    first = notify(program, mentor, "request_received", mentee="Ada")
    assert notify(program, mentor, "request_received", mentee="Ada") == first  # unread: coalesced
    assert notify(program, mentor, "request_received", mentee="Grace") != first  # other details: a new one
    mark_read(mentor)
    assert notify(program, mentor, "request_received", mentee="Ada") != first  # read: a new one
    assert Notification.objects.filter(recipient=mentor).count() == 3


@pytest.mark.django_db
def test_the_mentors_words_on_accepting_reach_the_mentee(program_usage, program, people, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    """Before: the acceptance message was thrown away (not in the pair card, the workspace or the email)."""
    request_id = ask(program_usage, program, message="I want to learn to delegate.").body["request_id"]
    pending, _ = render(program_usage, "mentee")
    assert "I want to learn to delegate." in pending  # the message sent is shown with the request
    assert "the request expires and you can ask another mentor" in pending
    words = "Welcome! Let's meet on Tuesday."
    with django_capture_on_commit_callbacks(execute=True):
        accepted = call(program_usage, "mentor", "respond_request",
                        {"request_id": request_id, "accept": True, "message": words})
    assert accepted.status == 200
    html, _ = render(program_usage, "mentee")
    assert "wrote when accepting:" in html and "Welcome! Let&#x27;s meet on Tuesday." in html
    email = next(m for m in mailoutbox if "accepted your mentoring request" in m.subject)
    assert words in email.body


@pytest.mark.django_db
def test_plain_text_emails_are_not_html_escaped(program, mailoutbox, django_capture_on_commit_callbacks):
    from mentoring_xblock.services.notifications import notify
    user = make_user("obrien")
    user.first_name, user.last_name, user.email = "Seán", "O'Brien", "obrien@example.com"
    user.save()
    person = Participant.objects.create(program=program, user_id=user.pk, username="obrien")
    with django_capture_on_commit_callbacks(execute=True):
        notify(program, person, "request_received", mentee="Zoë <Zed> & Co")
    body = mailoutbox[-1].body
    assert "Hello Seán O'Brien," in body and "Zoë <Zed> & Co would like you to be their mentor" in body


@pytest.mark.django_db
def test_a_request_past_its_date_is_the_same_as_a_row_and_as_a_query(program, people):
    """``MentorshipRequest.is_due`` (views) and ``MentorshipRequest.due`` (the scheduled expiry) agree."""
    now = timezone.now()
    mentee = participant(program, "mentee")
    for state in ("requested", "withdrawn", "expired"):
        for expires in (None, now - datetime.timedelta(hours=1), now, now + datetime.timedelta(hours=1)):
            MentorshipRequest.objects.create(program=program, mentee=mentee, state=state, expires_at=expires,
                                             open_slot=None)
    rows = list(MentorshipRequest.objects.filter(mentee=mentee))
    assert {r.pk for r in rows if r.is_due(now)} == set(
        MentorshipRequest.objects.filter(MentorshipRequest.due(now), mentee=mentee).values_list("pk", flat=True))
    assert {r.pk for r in rows if r.is_due(now)} and not {r.pk for r in rows if r.is_due(now)} & set(
        MentorshipRequest.objects.filter(MentorshipRequest.waiting(now), mentee=mentee).values_list("pk", flat=True))
