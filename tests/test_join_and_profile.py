"""Joining a program and saving a profile: services, and handlers for every role and for bad input."""
import pytest

from mentoring_xblock.models import ActivityEvent, Participant

from .harness import call, make_user

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")

GOOD_MENTEE_PROFILE = {
    "answers": {"goals": ["delegation", "coaching"], "role_level": "team_lead", "confidence": 3,
                "hopes": "Delegate better."},
    "bio": "New team lead.",
    "time_zone": "Europe/Madrid",
    "languages": ["es", "en"],
    "availability": [32, 33, 56],
    "consent": True,
}


def snapshot(program):
    """Everything the handlers could change, to prove a refused call changed nothing."""
    return (
        list(Participant.objects.filter(program=program).order_by("pk").values()),
        ActivityEvent.objects.filter(program=program).count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("person, role, status", [
    ("anonymous", "mentee", 401),
    ("learner", "mentee", 200),
    ("learner", "mentor", 200),
    ("mentee", "mentee", 200),      # joining again with the same role is harmless
    ("mentee", "mentor", 409),      # one role per program
    ("mentor", "mentee", 409),
    ("mentor", "mentor", 200),
    ("coordinator", "mentor", 200),
])
def test_join_for_every_role(program_usage, program, people, person, role, status):
    result = call(program_usage, people[person], "join", {"role": role})
    assert result.status == status, result.body
    if status == 200:
        participant = Participant.objects.get(program=program, username=people[person])
        assert participant.is_mentee == (role == "mentee")
        assert result.body["role"] == role
    else:
        assert result.error


@pytest.mark.django_db
def test_new_mentor_waits_for_approval_and_gets_default_capacity(program_usage, program, people):
    result = call(program_usage, "learner", "join", {"role": "mentor"})
    assert result.body == {"role": "mentor", "mentor_status": "pending"}
    participant = Participant.objects.get(program=program, username="learner")
    assert participant.capacity == program.configuration["capacity_default"]


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"role": "boss"}, "role"),
    ({}, "role"),
    ({"role": None}, "role"),
    ({"role": ["mentee"]}, "role"),
])
def test_join_bad_input_is_400_and_changes_nothing(program_usage, program, people, body, field):
    before = snapshot(program)
    result = call(program_usage, "learner", "join", body)
    assert result.status == 400
    assert field in result.body["field_errors"]
    assert snapshot(program) == before


@pytest.mark.django_db
@pytest.mark.parametrize("raw, method, status", [
    (b"{not json", "POST", 400),
    (b"[1, 2]", "POST", 400),
    (b"\xff\xfe", "POST", 400),
    (b'{"role": "mentee"}', "GET", 405),
    (b"{" + b'"a": "' + b"x" * 300_000 + b'"}', "POST", 400),
])
def test_join_unreadable_requests(program_usage, program, people, raw, method, status):
    before = snapshot(program)
    result = call(program_usage, "learner", "join", method=method, raw_body=raw)
    assert result.status == status
    assert result.error
    assert snapshot(program) == before


@pytest.mark.django_db
def test_learner_mentors_can_be_switched_off(db):
    from mentoring_xblock.demo import program_olx

    from .harness import parse_olx
    olx = program_olx().replace('allow_learner_mentors="true"', 'allow_learner_mentors="false"')
    usage = parse_olx(olx)
    make_user("learner")
    make_user("coordinator", staff=True)
    refused = call(usage, "learner", "join", {"role": "mentor"})
    assert refused.status == 400 and "course team" in refused.error
    assert call(usage, "coordinator", "join", {"role": "mentor"}).status == 200


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 200), ("coordinator", 403),
])
def test_save_profile_for_every_role(program_usage, program, people, person, status):
    profile = dict(GOOD_MENTEE_PROFILE)
    if person == "mentor":
        profile = dict(profile, answers={"goals": ["delegation"], "role_level": "director"}, capacity=3)
    result = call(program_usage, people[person], "save_profile", profile)
    assert result.status == status, result.body
    if status == 200:
        assert result.body == {"saved": True, "profile_complete": True}
        participant = Participant.objects.get(program=program, username=people[person])
        assert participant.languages == ["en", "es"]
        assert participant.consent_at is not None


@pytest.mark.django_db
def test_profile_derives_matching_fields(program_usage, program, people):
    profile = dict(GOOD_MENTEE_PROFILE, answers=dict(GOOD_MENTEE_PROFILE["answers"], department=" Sales "))
    assert call(program_usage, "mentee", "save_profile", profile).status == 200
    participant = Participant.objects.get(program=program, username="mentee")
    assert participant.seniority == 2  # team_lead is the second level
    assert participant.exclusion_groups == ["department:sales"]
    assert participant.answers["goals"] == ["delegation", "coaching"]


@pytest.mark.django_db
def test_draft_may_be_incomplete_but_not_wrong(program_usage, program, people):
    call(program_usage, "learner", "join", {"role": "mentee"})
    draft = call(program_usage, "learner", "save_profile", {"answers": {"goals": ["delegation"]}, "draft": True})
    assert draft.status == 200 and draft.body["profile_complete"] is False
    participant = Participant.objects.get(program=program, username="learner")
    assert participant.answers == {"goals": ["delegation"]} and participant.profile_completed_at is None
    wrong = call(program_usage, "learner", "save_profile", {"answers": {"goals": ["juggling"]}, "draft": True})
    assert wrong.status == 400 and "answers.goals" in wrong.body["field_errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("change, field", [
    ({"answers": {"goals": []}}, "answers.goals"),
    ({"answers": {"goals": "delegation"}}, "answers.goals"),
    ({"answers": {"goals": ["delegation"], "role_level": "emperor"}}, "answers.role_level"),
    ({"answers": {"goals": ["delegation"], "role_level": "manager", "confidence": 9}}, "answers.confidence"),
    ({"answers": {"goals": ["delegation"], "role_level": "manager", "confidence": True}}, "answers.confidence"),
    ({"answers": {"goals": ["delegation"], "role_level": "manager", "hopes": "x" * 1001}}, "answers.hopes"),
    ({"answers": {"goals": ["delegation"], "role_level": "manager", "nickname": "Bob"}}, "answers.nickname"),
    ({"answers": ["delegation"]}, "answers"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": ""}, "time_zone"),
    ({"languages": ["klingon"]}, "languages"),
    ({"languages": []}, "languages"),
    ({"languages": "en"}, "languages"),
    ({"availability": [168]}, "availability"),
    ({"availability": [-1]}, "availability"),
    ({"availability": ["9"]}, "availability"),
    ({"bio": "x" * 2001}, "bio"),
    ({"bio": 42}, "bio"),
    ({"consent": False}, "consent"),
    ({"consent": "yes"}, "consent"),
    ({"capacity": 3}, None),  # a mentee's capacity is ignored, not an error
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_profile_bad_input_is_400_with_field_message_and_changes_nothing(program_usage, program, people, change,
                                                                         field):
    before = snapshot(program)
    result = call(program_usage, "mentee", "save_profile", dict(GOOD_MENTEE_PROFILE, **change))
    if field is None:
        assert result.status == 200
        return
    assert result.status == 400, result.body
    assert result.error == "Some answers need your attention."
    assert field in result.body["field_errors"], result.body
    assert snapshot(program) == before


@pytest.mark.django_db
@pytest.mark.parametrize("capacity, ok", [(1, True), (5, True), (0, False), (6, False), ("2", False), (None, False)])
def test_mentor_capacity_limits(program_usage, program, people, capacity, ok):
    profile = dict(GOOD_MENTEE_PROFILE, answers={"goals": ["delegation"], "role_level": "director"},
                   capacity=capacity)
    result = call(program_usage, "mentor", "save_profile", profile)
    assert (result.status == 200) == ok, result.body
    if not ok:
        assert "capacity" in result.body["field_errors"]


@pytest.mark.django_db
def test_capacity_cannot_drop_below_current_mentees(program_usage, program, people):
    mentor = Participant.objects.get(program=program, username="mentor")
    Participant.objects.filter(pk=mentor.pk).update(capacity=3, mentee_count=2)
    profile = dict(GOOD_MENTEE_PROFILE, answers={"goals": ["delegation"], "role_level": "director"}, capacity=1)
    result = call(program_usage, "mentor", "save_profile", profile)
    assert result.status == 400
    assert "mentor 2 people" in result.body["field_errors"]["capacity"]


@pytest.mark.django_db
def test_mentee_cannot_see_mentor_only_questions_and_vice_versa(program_usage, program, people):
    profile = dict(GOOD_MENTEE_PROFILE, answers={"goals": ["delegation"], "role_level": "director",
                                                 "hopes": "A mentee question"}, capacity=2)
    result = call(program_usage, "mentor", "save_profile", profile)
    assert result.status == 400 and "answers.hopes" in result.body["field_errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_state_handler_for_every_role(program_usage, people, person):
    result = call(program_usage, people[person], "state", {})
    assert result.status == 200
    expected_role = {"mentee": "mentee", "mentor": "mentor"}.get(person)
    assert result.body["role"] == expected_role
    assert ("coordinator" in result.body["roles"]) == (person == "coordinator")
    assert result.body["roles"] == (["anonymous"] if person == "anonymous" else result.body["roles"])


@pytest.mark.django_db
def test_withdrawn_participant_rejoins_and_removed_one_cannot(program_usage, program, people):
    Participant.objects.filter(program=program, username="mentee").update(status="withdrawn")
    assert call(program_usage, "mentee", "save_profile", GOOD_MENTEE_PROFILE).status == 403
    assert call(program_usage, "mentee", "join", {"role": "mentor"}).status == 200  # withdrawn: may pick anew
    Participant.objects.filter(program=program, username="mentee").update(status="removed")
    refused = call(program_usage, "mentee", "join", {"role": "mentee"})
    assert refused.status == 409 and "removed" in refused.error


@pytest.mark.django_db
def test_join_and_save_use_a_constant_number_of_queries(program_usage, program, people):
    first = call(program_usage, "mentee", "save_profile", GOOD_MENTEE_PROFILE).queries
    for index in range(30):
        from mentoring_xblock.identity import Identity
        from mentoring_xblock.services.participants import join_program
        user = make_user(f"extra{index}")
        join_program(program, Identity(user.pk, user.username, False, True), "mentee")
    assert call(program_usage, "mentee", "save_profile", GOOD_MENTEE_PROFILE).queries == first


# ---- roles are exactly what a person joined as -------------------------------------------------------

@pytest.mark.django_db
def test_a_mentor_who_leaves_and_rejoins_as_a_mentee_is_only_a_mentee(program_usage, program, people):
    assert call(program_usage, "mentor", "leave_program", {"reason": "Busy"}).status == 200
    rejoined = call(program_usage, "mentor", "join", {"role": "mentee"})
    assert rejoined.status == 200, rejoined.body
    assert rejoined.body == {"role": "mentee", "mentor_status": ""}
    row = Participant.objects.get(program=program, username="mentor")
    assert row.is_mentee and not row.is_mentor
    assert set(call(program_usage, "mentor", "state", {}).body["roles"]) == {"learner", "mentee"}
    # Nobody can ask them to mentor, and they cannot answer requests as a mentor.
    asked = call(program_usage, "mentee", "request_mentor", {"mentor_id": row.pk, "message": "Hi"})
    assert asked.status in (400, 404, 409) and asked.error
    assert call(program_usage, "mentor", "set_paused", {"paused": True}).status == 403


@pytest.mark.django_db
def test_the_database_refuses_a_participant_with_both_roles(program, people):
    from django.db import IntegrityError, transaction
    row = Participant.objects.get(program=program, username="mentor")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=row.pk).update(is_mentee=True)


def test_the_time_zone_choices_are_places_and_old_aliases_still_save():
    from mentoring_xblock.reference import PLACE_REGIONS, is_time_zone, time_zone_choices, time_zones
    offered = [zone for _region, zones in time_zone_choices() for zone, _city in zones]
    assert set(offered) <= set(time_zones()) and len(offered) == len(set(offered))
    assert all(zone == "UTC" or zone.split("/")[0] in PLACE_REGIONS for zone in offered)
    assert "US/Eastern" not in offered and "Etc/GMT+5" not in offered and "Europe/Madrid" in offered
    assert is_time_zone("US/Eastern")  # a profile saved with an alias stays valid
