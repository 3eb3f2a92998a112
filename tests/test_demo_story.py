"""The lived-in demo: the story seeds what the start page promises, once, through the services."""
import pytest
from django.core.management import call_command

from mentoring_xblock.coordinator_selectors import pair_health
from mentoring_xblock.demo import DEMO_SLUG
from mentoring_xblock.demo_story import WHO_TO_TRY
from mentoring_xblock.models import (
    AssessmentResponse,
    Match,
    MatchingRun,
    MentorshipRequest,
    Message,
    Notification,
    Participant,
    Program,
)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_story_has_pairs_at_every_stage_and_seeds_once(mailoutbox):
    call_command("mentoring_seed_demo", scratch=True)
    program = Program.objects.get(slug=DEMO_SLUG)
    states = {m.mentee.username: m.state for m in Match.objects.filter(program=program).select_related("mentee")}
    assert states["learner_01"] == states["learner_02"] == "active" and states["learner_04"] == "ended"
    assert {name for name, state in states.items() if state == "proposed"} == {f"learner_{n:02d}" for n in range(5, 13)}
    assert sorted(MatchingRun.objects.filter(program=program).values_list("state", flat=True)) == ["draft", "published"]
    draft = MatchingRun.objects.get(program=program, state="draft")
    assert {p.mentee.username for p in draft.proposals.select_related("mentee")} == {
        f"learner_{n:02d}" for n in range(13, 21)}
    waiting = MentorshipRequest.objects.get(program=program, state="requested")
    assert (waiting.mentee.username, waiting.mentor.username) == ("learner_03", "mentor_03")
    # Consent set aside for the runs is back for everyone.
    assert not Participant.objects.filter(program=program, is_mentee=True, consent_at__isnull=True).exists()
    # Pair health, derived here from the answers: learner_02's check-ins (1, 2, 1 on 1..5) put the pair at risk.
    rows = {r["match"].mentee.username: r for r in pair_health(program)["items"]}
    assert rows["learner_02"]["at_risk"] and rows["learner_02"]["last_checkin_percent"] == round(100 * (0.25 / 3))
    assert not rows["learner_01"]["at_risk"]
    assert rows["learner_01"]["last_checkin_percent"] == round(100 * ((4 / 4 + 3 / 4 + 3 / 4) / 3))
    rating = AssessmentResponse.objects.get(program=program, kind="mentor_rates_mentee")
    assert Notification.objects.filter(recipient=rating.subject, kind="assessment_shared").exists()
    assert mailoutbox == []  # seeding emails nobody
    counts = (Match.objects.count(), Message.objects.count(), AssessmentResponse.objects.count())
    call_command("mentoring_seed_demo", scratch=True)  # again: nothing more
    assert (Match.objects.count(), Message.objects.count(), AssessmentResponse.objects.count()) == counts
    # Everyone the start page names exists in the program (or is the coordinator).
    names = set(Participant.objects.filter(program=program).values_list("username", flat=True)) | {"coordinator"}
    assert {username for username, _what in WHO_TO_TRY} <= names


@pytest.mark.slow
@pytest.mark.django_db
def test_the_story_answers_belong_to_the_demo_assessment_blocks():
    """The usage ids the story writes under are the ones the workbench gives the demo's assessment scenarios."""
    from workbench.scenarios import get_scenarios

    from mentoring_xblock.demo_story import SCENARIO_DEFINITIONS, SCENARIO_USAGE_IDS
    scenarios = {s.usage_id: s.xml for key, s in get_scenarios().items() if key.startswith("mentoring_assessment.")}
    for kind, usage_id in SCENARIO_USAGE_IDS.items():
        assert usage_id in scenarios, (kind, sorted(scenarios))
        assert f'kind="{kind}"' in scenarios[usage_id]
        if SCENARIO_DEFINITIONS[kind].get("repeat_days"):
            assert f'repeat_days="{SCENARIO_DEFINITIONS[kind]["repeat_days"]}"' in scenarios[usage_id]


@pytest.mark.django_db
def test_an_empty_demo_has_only_people():
    call_command("mentoring_seed_demo", empty=True, scratch=True)
    assert Participant.objects.count() == 50
    assert not Match.objects.exists() and not MatchingRun.objects.exists() and not MentorshipRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["mentoring_seed_demo", "mentoring_benchmark"])
def test_commands_that_write_made_up_data_refuse_a_real_site(command, settings):
    """Where DEBUG is off (an LMS), they need --scratch, and refuse without writing anything."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError
    settings.DEBUG = False
    with pytest.raises(CommandError, match="scratch database"):
        call_command(command)
    assert not Participant.objects.exists() and not get_user_model().objects.exists()
    assert not Program.objects.exists()
