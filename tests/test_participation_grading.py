"""Participation grading of the program block: configured by the author, published to the gradebook."""
import re

import pytest
from django.utils import timezone

from mentoring_xblock.demo import program_olx
from mentoring_xblock.errors import ConfigurationError
from mentoring_xblock.models import Agreement, Match, Meeting, Participant
from mentoring_xblock.program_config import clean_config

from .harness import block_as, call, make_user, parse_olx, render

GRADED = ('<participation_grading enabled="true" weight="2" matched="true" agreement_signed="true" '
          'meetings="2"/>')


@pytest.fixture
def graded_usage(db):
    olx = re.sub(r"<participation_grading [^>]*/>", GRADED, program_olx())
    return parse_olx(olx)


def grades(events):
    return [data for name, data in events if name == "grade"]


def test_configuration_validation():
    assert clean_config({})["participation_grading"]["enabled"] is False
    for raw, message in (({"participation_grading": {"meetings": 99}}, "meetings: must be between 0 and 50"),
                         ({"participation_grading": {"bonus": 1}}, "participation_grading.bonus"),
                         ({"participation_grading": {"enabled": True, "matched": False}},
                          "choose at least one requirement")):
        with pytest.raises(ConfigurationError, match=message):
            clean_config(raw)


@pytest.mark.django_db
def test_olx_round_trip(graded_usage):
    from lxml import etree
    block = block_as(graded_usage, "anonymous")
    assert block.has_score and block.weight == 2.0 and block.max_score() == 2.0
    node = etree.Element("x")
    block.add_xml_to_node(node)
    again = block_as(parse_olx(etree.tostring(node, encoding="unicode")), "anonymous")
    assert again.program_config()["participation_grading"] == block.program_config()["participation_grading"]
    ungraded = block_as(parse_olx(program_olx(slug="plain")), "anonymous")
    assert not ungraded.has_score and ungraded.max_score() is None


@pytest.mark.django_db
def test_grade_grows_with_participation_and_is_published_once_per_change(graded_usage, people, published):
    program = block_as(graded_usage, "anonymous").program()
    render(graded_usage, "mentee")
    assert grades(published)[-1]["value"] == 0 and grades(published)[-1]["max_value"] == 2.0
    render(graded_usage, "mentee")
    assert len(grades(published)) == 1  # unchanged: not sent again

    mentee = Participant.objects.get(program=program, username="mentee")
    mentor = Participant.objects.get(program=program, username="mentor")
    match = Match.objects.create(program=program, mentor=mentor, mentee=mentee, state="active", origin="request",
                                 started_at=timezone.now())
    html, _ = render(graded_usage, "mentee")
    assert grades(published)[-1]["value"] == pytest.approx(2 / 3)
    assert "Your participation grade" in html and "be in a mentoring pair" in html

    now = timezone.now()
    Agreement.objects.create(match=match, mentor_signed_at=now, mentee_signed_at=now)
    Meeting.objects.create(match=match, starts_at=now, status="held")
    render(graded_usage, "mentee")
    assert grades(published)[-1]["value"] == pytest.approx(2 * (1 + 1 + 0.5) / 3)
    Meeting.objects.create(match=match, starts_at=now, status="held")
    render(graded_usage, "mentor")
    assert grades(published)[-1] == {"value": 2.0, "max_value": 2.0}
    assert published.credited[-1][0] == make_user("mentor").pk


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["anonymous", "learner", "coordinator"])
def test_people_outside_the_program_get_no_grade(graded_usage, people, published, person):
    render(graded_usage, person)
    assert grades(published) == []


@pytest.mark.django_db
def test_ungraded_program_publishes_nothing(program_usage, people, published):
    render(program_usage, "mentee")
    assert grades(published) == []
    assert call(program_usage, "mentee", "state", {}).status == 200
