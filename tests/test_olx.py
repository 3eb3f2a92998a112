"""OLX: both blocks' configuration round-trips through export/import; bad OLX names element and problem."""
import pytest
from lxml import etree

from mentoring_xblock.assessment_config import DEFAULT_ITEMS
from mentoring_xblock.demo import leadership_config, program_olx
from mentoring_xblock.errors import ConfigurationError

from .harness import block_as, parse_olx


def export(usage_id):
    """Export a block to an OLX string the way a runtime does."""
    block = block_as(usage_id, "anonymous")
    node = etree.Element("unknown")
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode")


@pytest.mark.django_db
def test_program_round_trip_keeps_every_setting():
    usage_id = parse_olx(program_olx(slug="cohort-a", display_name="Cohort A"))
    block = block_as(usage_id, "anonymous")
    assert block.program_slug == "cohort-a"
    assert block.display_name == "Cohort A"
    assert block.program_config() == leadership_config()

    again = block_as(parse_olx(export(usage_id)), "anonymous")
    assert again.program_config() == leadership_config()
    assert (again.program_slug, again.display_name) == ("cohort-a", "Cohort A")
    assert export(usage_id) == export(parse_olx(export(usage_id)))


@pytest.mark.django_db
def test_program_with_no_children_takes_defaults():
    block = block_as(parse_olx('<mentoring_program program="p1"/>'), "anonymous")
    assert block.program_config()["matching_mode"] == "self_select"
    assert block.program_slug == "p1"


@pytest.mark.django_db
def test_assessment_round_trip_with_default_and_custom_items():
    default = block_as(parse_olx('<mentoring_assessment program="leadership" kind="checkin" repeat_days="30"/>'),
                       "anonymous")
    definition = default.clean_definition()
    assert [(i["id"], i["prompt"]) for i in definition["items"]] == [
        (i["id"], i["prompt"]) for i in DEFAULT_ITEMS["checkin"]]
    assert definition["repeat_days"] == 30
    again = block_as(parse_olx(export(default.scope_ids.usage_id)), "anonymous")
    assert again.clean_definition() == definition

    custom = """<mentoring_assessment program="leadership" kind="self_pre" weight="2.5">
      <instructions>Be honest.</instructions>
      <item id="q1" kind="scale" competency="delegation" required="true"><prompt>I delegate.</prompt>
        <point value="1">Never</point><point value="2">Rarely</point><point value="3">Often</point>
        <point value="4">Always</point></item>
      <item id="q2" kind="multi_choice"><prompt>Pick</prompt>
        <option value="a">A</option><option value="b">B</option></item>
      <item id="q3" kind="text" max_length="300"><prompt>Why?</prompt></item>
    </mentoring_assessment>"""
    block = block_as(parse_olx(custom), "anonymous")
    definition = block.clean_definition()
    assert definition["weight"] == 2.5 and definition["instructions"] == "Be honest."
    assert [item["id"] for item in definition["items"]] == ["q1", "q2", "q3"]
    assert definition["items"][0]["points"][3] == {"value": 4, "label": "Always"}
    assert block_as(parse_olx(export(block.scope_ids.usage_id)), "anonymous").clean_definition() == definition


@pytest.mark.django_db
@pytest.mark.parametrize("olx, expected", [
    ('<mentoring_program program="x"><colour/></mentoring_program>', "<colour>"),
    ('<mentoring_program program="x"><settings matching_mode="lottery"/></mentoring_program>',
     "matching_mode: must be one of"),
    ('<mentoring_program program="x"><settings colour="red"/></mentoring_program>',
     '<settings> (line 1): unexpected attribute "colour"'),
    ('<mentoring_program program="x"><criteria><criterion weight="2"/></criteria></mentoring_program>',
     '<criterion> (line 1): needs a "name" attribute'),
    ('<mentoring_program program="x"><questions><question id="q" kind="choice"><label>Q</label>'
     '<option value="a">A</option></question></questions></mentoring_program>',
     "questions[0].options: a choice question needs at least two options"),
    ('<mentoring_program program="Bad Slug!"/>', '"program" must be'),
    ('<mentoring_assessment kind="horoscope"/>', "kind: must be one of"),
    ('<mentoring_assessment kind="self_pre"><item id="a" kind="scale"><prompt>P</prompt>'
     '<point value="1">x</point></item></mentoring_assessment>', "items[0].points: a scale needs 4 to 7"),
    ('<mentoring_assessment kind="self_pre"><item id="a" kind="text"><prompt>P</prompt><colour/></item>'
     '</mentoring_assessment>', "<colour>"),
])
def test_malformed_olx_names_element_and_problem(olx, expected):
    with pytest.raises(ConfigurationError) as error:
        parse_olx(olx)
    assert expected in error.value.message


def test_hostile_xml_is_not_expanded():
    from mentoring_xblock.olx import parse_string
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            '<mentoring_program><description>&lol2;</description></mentoring_program>')
    node = parse_string(bomb)
    assert "lollollol" not in etree.tostring(node, encoding="unicode")
    external = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
                '<mentoring_program><description>&ext;</description></mentoring_program>')
    assert "root:" not in etree.tostring(parse_string(external), encoding="unicode")
    with pytest.raises(ConfigurationError, match="could not be read"):
        parse_string("<mentoring_program>")
