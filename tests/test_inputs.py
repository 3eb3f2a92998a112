"""Declared inputs (mentoring_xblock/inputs.py).

A schema yields the same messages and field names as the checks it replaced, refuses what JSON would smuggle
past a loose check (true for 1, "2" for 2), and a refused call changes nothing.
"""
import pytest

from mentoring_xblock import inputs
from mentoring_xblock.errors import ValidationError

from .harness import call

PANEL_REFUSALS = [
    ({"tab": "secrets"}, "tab", "Choose one of the tabs.", "Unknown tab."),
    ({"tab": "participants", "page": 0}, "page", "The page is a whole number from 1.", "Not a page number."),
    ({"tab": "participants", "page": True}, "page", "The page is a whole number from 1.", "Not a page number."),
    ({"tab": "participants", "page": "2"}, "page", "The page is a whole number from 1.", "Not a page number."),
    ({"tab": "participants", "page": 100001}, "page", "The page is a whole number from 1.", "Not a page number."),
    ({"tab": "participants", "role": "admin"}, "role", "Choose one of the offered filters.", "Unknown filter."),
    ({"tab": "participants", "state": 3}, "state", "Choose one of the offered filters.", "Unknown filter."),
    ({"tab": "participants", "matched": "maybe"}, "matched", "Choose one of the offered filters.", "Unknown filter."),
    ({"tab": "participants", "search": "x" * 101}, "search", "Search for at most 100 characters of a name.",
     "Too long."),
    ({"tab": "participants", "search": ["x"]}, "search", "Search for at most 100 characters of a name.",
     "Too long."),
    ({"tab": "matching", "run_id": "7"}, "run_id", "Say which run with its number.", "Not a valid id."),
    ({"tab": "matching", "run_id": -1}, "run_id", "Say which run with its number.", "Not a valid id."),
    ({"tab": "health", "at_risk": "yes"}, "at_risk", "Say whether to show only pairs at risk with true or false.",
     "Not true/false."),
    ({"tab": "audit", "kind": "passwords"}, "kind", "Choose one of the offered filters.", "Unknown filter."),
]


@pytest.mark.parametrize("body, field, sentence, short", PANEL_REFUSALS)
def test_the_panel_schema_refuses_with_the_fields_own_message(body, field, sentence, short):
    with pytest.raises(ValidationError) as refused:
        inputs.parse(inputs.CoordinatorPanel, body)
    assert refused.value.as_dict() == {"error": sentence, "field_errors": {field: short}}


def test_the_panel_schema_reads_what_the_cockpit_sends():
    panel = inputs.parse(inputs.CoordinatorPanel, {"tab": "participants", "page": 3, "role": None, "search": " Ana ",
                                                   "extra": "ignored"})
    assert (panel.tab, panel.page, panel.role, panel.search, panel.at_risk, panel.run_id) == (
        "participants", 3, "", " Ana ", False, None)
    assert inputs.parse(inputs.CoordinatorPanel, {}).tab == "overview"
    with pytest.raises(ValidationError) as refused:
        inputs.parse(inputs.CoordinatorPanel, ["tab"])
    assert refused.value.as_dict() == {"error": "Send the details as a JSON object."}


def test_every_message_of_a_schema_is_declared():
    for schema in (inputs.CoordinatorPanel,):
        assert set(schema.MESSAGES) == set(schema.model_fields)


@pytest.mark.django_db
@pytest.mark.parametrize("body, field, sentence, short", PANEL_REFUSALS)
def test_the_cockpit_handler_answers_400_with_the_schemas_message(program_usage, people, body, field, sentence,
                                                                   short):
    result = call(program_usage, "coordinator", "coordinator_panel", body)
    assert result.status == 400 and result.body == {"error": sentence, "field_errors": {field: short}}
    assert result.writes == ()
