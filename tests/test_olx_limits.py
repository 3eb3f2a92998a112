"""OLX is read strictly: unknown values and oversized content are refused with the element named, before work.

A course file is content anyone with Studio access (or a course import) controls; every value that reaches
a database column is bounded where it enters, with the limit declared once.
"""
import pytest
from lxml import etree

from mentoring_xblock import olx
from mentoring_xblock.demo import program_olx
from mentoring_xblock.errors import ConfigurationError
from mentoring_xblock.program_config import MAX_COMPETENCIES, MAX_OPTIONS, MAX_QUESTIONS
from mentoring_xblock.validation import DISPLAY_NAME_MAX

from .harness import block_as, call, make_user, parse_olx


def _refused(olx_text, *expected):
    with pytest.raises(ConfigurationError) as error:
        parse_olx(olx_text)
    for text in expected:
        assert text in error.value.message, error.value.message
    return error.value.message


# ---- lengths the database can hold -----------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("tag", ["mentoring_program", "mentoring_assessment"])
def test_a_display_name_longer_than_the_column_is_refused(tag):
    name = "N" * (DISPLAY_NAME_MAX + 1)
    _refused(f'<{tag} program="leadership" display_name="{name}"/>', f"<{tag}>", "display_name",
             str(DISPLAY_NAME_MAX))


@pytest.mark.django_db
@pytest.mark.parametrize("tag", ["mentoring_program", "mentoring_assessment"])
def test_a_display_name_at_the_limit_is_stored_and_rendered(tag):
    name = "N" * DISPLAY_NAME_MAX
    usage = parse_olx(f'<{tag} program="leadership" display_name="{name}"/>')
    block = block_as(usage, "anonymous")
    assert block.display_name == name
    block.program()  # the Program row takes the name (MariaDB refused 300 characters with DataError 1406)
    html = block.render("student_view", {}).body_html()
    assert name in html


@pytest.mark.django_db
def test_studio_refuses_a_name_the_column_cannot_hold_and_keeps_the_old_one():
    make_user("coordinator", staff=True)
    usage = parse_olx('<mentoring_program program="leadership" display_name="Mentoring"/>')
    result = call(usage, "coordinator", "studio_submit", {"display_name": "N" * (DISPLAY_NAME_MAX + 1)})
    assert result.status == 400 and "display_name" in result.body["field_errors"]
    assert str(DISPLAY_NAME_MAX) in result.body["field_errors"]["display_name"]
    assert block_as(usage, "anonymous").display_name == "Mentoring"


# ---- unknown values ----------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("olx_text, expected", [
    ('<mentoring_assessment program="leadership" kind="self_post" allow_edit_after_submit="maybe"/>',
     "allow_edit_after_submit: must be true or false"),
    ('<mentoring_assessment program="leadership" kind="checkin"><item id="a" kind="scale" required="perhaps">'
     '<prompt>P</prompt><point value="1">1</point><point value="2">2</point><point value="3">3</point>'
     '<point value="4">4</point></item></mentoring_assessment>', "items[0].required: must be true or false"),
])
def test_a_yes_no_value_that_is_neither_is_refused(olx_text, expected):
    _refused(olx_text, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("value, expected", [("true", True), ("FALSE", False), ("1", True), ("no", False)])
def test_yes_no_values_read_the_same_everywhere(value, expected):
    usage = parse_olx(f'<mentoring_assessment program="leadership" kind="self_post" '
                      f'allow_edit_after_submit="{value}"/>')
    assert block_as(usage, "anonymous").clean_definition()["allow_edit_after_submit"] is expected


@pytest.mark.django_db
def test_a_section_given_twice_is_refused():
    text = program_olx().replace("<criteria>", "<description>Again</description><criteria>", 1)
    _refused(text, "<description>", "appears twice")


# ---- sizes are checked before any work -------------------------------------------------------------

def _program_with(section, child, count):
    node = olx.parse_string(program_olx())
    old = node.find(section)
    new = etree.SubElement(node, section)
    if old is not None:
        node.replace(old, new)
    new.extend(etree.fromstring(child) for _ in range(count))
    return etree.tostring(node, encoding="unicode")


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("section, child, limit", [
    ("questions", '<question id="q" kind="text"><label>Q</label></question>', MAX_QUESTIONS),
    ("competencies", '<competency id="c" label="C"/>', MAX_COMPETENCIES),
])
def test_too_many_elements_are_refused_before_any_is_read(monkeypatch, section, child, limit):
    read = []
    monkeypatch.setattr(olx, "_question_from_node", lambda node: read.append(node) or {})
    message = _refused(_program_with(section, child, 100_000), f"<{section}>", f"at most {limit}", "100000")
    if section == "questions":
        assert read == [], message


@pytest.mark.django_db
def test_too_many_options_are_refused():
    options = "".join(f'<option value="v{i}">V{i}</option>' for i in range(MAX_OPTIONS + 5))
    text = _program_with("questions", f'<question id="q" kind="choice"><label>Q</label>{options}</question>', 1)
    _refused(text, "<question>", "at most")


@pytest.mark.django_db
def test_too_many_assessment_items_are_refused():
    item = ('<item id="a" kind="text"><prompt>P</prompt></item>')
    _refused(f'<mentoring_assessment program="leadership" kind="checkin">{item * 100_000}</mentoring_assessment>',
             "<mentoring_assessment>", "at most")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Bad\x17name", "Bell\x07", "\x0bTab"])
def test_studio_refuses_control_characters_in_a_name_instead_of_dropping_them(name):
    make_user("coordinator", staff=True)
    usage = parse_olx('<mentoring_assessment program="leadership" kind="self_pre" display_name="Before"/>')
    result = call(usage, "coordinator", "studio_submit", {"display_name": name})
    assert result.status == 400 and "display_name" in result.body["field_errors"]
    assert block_as(usage, "anonymous").display_name == "Before"


# ---- every value of a course file, over-long ------------------------------------------------------

OVERLONG_OLX = 10001


def _values(root):
    """(element, attribute or None for its text) for every attribute and text of the tree."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            yield element, name
        if element.text and element.text.strip():
            yield element, None


ASSESSMENT_OLX = ('<mentoring_assessment program="leadership" kind="checkin" display_name="Check-in" weight="2" '
                  'allow_edit_after_submit="true"/>')


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["program", "assessment"])
def test_every_olx_value_over_long_is_refused_or_fits(source):
    """Every attribute and text of the demo program's OLX (and an assessment's), one at a time, over-long.

    At 10,001 characters each is refused with the element named, or read and then stored in columns that hold it.
    """
    from .test_fuzz import oversized_values
    original = program_olx() if source == "program" else ASSESSMENT_OLX
    count = len(list(_values(etree.fromstring(original))))
    refused = accepted = 0
    for index in range(count):
        root = etree.fromstring(original)
        element, name = list(_values(root))[index]
        if name is None:
            element.text = "x" * OVERLONG_OLX
        else:
            element.set(name, "x" * OVERLONG_OLX)
        try:
            usage = parse_olx(etree.tostring(root, encoding="unicode"))
        except ConfigurationError as error:
            assert error.message.startswith("<"), error.message  # names the element
            refused += 1
            continue
        accepted += 1
        block = block_as(usage, "coordinator")
        block.render("student_view", {})
        assert not oversized_values(), (element.tag, name, oversized_values())
    assert refused and refused + accepted == count
    print(f"\n[olx] {source}: {count} values at {OVERLONG_OLX:,} characters: {refused} refused, {accepted} fit")
