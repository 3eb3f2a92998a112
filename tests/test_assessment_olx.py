"""Assessment OLX: every kind and setting round-trips; the block still renders after import; bad OLX is named."""
import pytest
from lxml import etree

from mentoring_xblock.assessment_config import KINDS
from mentoring_xblock.blocks.assessment import MentoringAssessmentBlock
from mentoring_xblock.errors import ConfigurationError

from .harness import block_as, call, parse_olx, render


def export(usage_id):
    block = block_as(usage_id, "anonymous")
    node = etree.Element("unknown")
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_round_trips(kind):
    repeat = ' repeat_days="14"' if kind in ("checkin", "mentee_rates_mentor") else ""
    usage = parse_olx(f'<mentoring_assessment display_name="A &amp; B" program="cohort-2" kind="{kind}" '
                      f'weight="0.5" allow_edit_after_submit="true"{repeat}/>')
    block = block_as(usage, "anonymous")
    definition = block.clean_definition()
    assert (definition["kind"], definition["weight"], definition["allow_edit_after_submit"]) == (kind, 0.5, True)
    again = block_as(parse_olx(export(usage)), "anonymous")
    assert again.clean_definition() == definition
    assert (again.display_name, again.program_slug) == ("A & B", "cohort-2")
    assert export(usage) == export(parse_olx(export(usage)))


@pytest.mark.django_db
def test_goal_attainment_with_a_comment_item_round_trips_and_renders(program, people):
    usage = parse_olx('<mentoring_assessment program="leadership" kind="goal_attainment">'
                      '<item id="note" kind="text" max_length="500"><prompt>Anything else?</prompt></item>'
                      '</mentoring_assessment>')
    definition = block_as(usage, "anonymous").clean_definition()
    assert [item["id"] for item in definition["items"]] == ["note"]
    again = parse_olx(export(usage))
    assert block_as(again, "anonymous").clean_definition() == definition
    html, _queries = render(again, "mentor")
    assert "once you have one" in html


@pytest.mark.django_db
@pytest.mark.parametrize("olx, expected", [
    ('<mentoring_assessment kind="self_pre" weight="heavy"/>', "weight: must be a number"),
    ('<mentoring_assessment kind="self_pre" weight="500"/>', "weight: must be between 0 and 100"),
    ('<mentoring_assessment kind="self_pre" repeat_days="7"/>', "repeat_days: only check-ins"),
    ('<mentoring_assessment kind="checkin" repeat_days="often"/>', "repeat_days: must be a whole number"),
    ('<mentoring_assessment kind="self_pre" colour="red"/>', 'unexpected attribute "colour"'),
    ('<mentoring_assessment kind="self_pre" program="Not OK"/>', '"program" must be'),
    ('<mentoring_assessment kind="self_pre"><item id="a" kind="choice"><prompt>P</prompt>'
     '<option value="x">X</option></item></mentoring_assessment>', "a choice item needs at least two options"),
    ('<mentoring_assessment kind="self_pre"><item id="a" kind="text" competency="delegation"><prompt>P</prompt>'
     '</item></mentoring_assessment>', "only a scale item can measure a competency"),
    ('<mentoring_assessment kind="self_pre"><item id="a" kind="text"><prompt>P</prompt></item>'
     '<item id="a" kind="text"><prompt>Q</prompt></item></mentoring_assessment>', "is used by another item"),
])
def test_bad_assessment_olx_names_the_problem(olx, expected):
    with pytest.raises(ConfigurationError) as error:
        parse_olx(olx)
    assert expected in error.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_studio_submit_for_every_role(program, people, person, status):
    usage = parse_olx('<mentoring_assessment program="leadership" kind="self_pre"/>')
    result = call(usage, person, "studio_submit", {"definition": {"weight": 3, "allow_edit_after_submit": True}})
    assert result.status == status
    definition = block_as(usage, "anonymous").clean_definition()
    assert definition["weight"] == (3.0 if status == 200 else 1.0)


@pytest.mark.django_db
def test_studio_submit_bad_definition_changes_nothing(program, people):
    usage = parse_olx('<mentoring_assessment program="leadership" kind="self_pre"/>')
    result = call(usage, "coordinator", "studio_submit", {"definition": {"weight": -1}})
    assert result.status == 400 and list(result.body["field_errors"]) == ["weight"]  # under the weight field
    assert block_as(usage, "anonymous").clean_definition()["weight"] == 1.0


def test_workbench_scenarios_cover_the_kinds():
    scenarios = MentoringAssessmentBlock.workbench_scenarios()
    kinds = {etree.fromstring(xml).get("kind") for _title, xml in scenarios}
    assert kinds == set(KINDS)
    assert etree.fromstring(scenarios[0][1]).get("kind") == "self_pre"
    assert etree.fromstring(scenarios[1][1]).get("kind") == "self_post"
