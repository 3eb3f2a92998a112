"""Declared request inputs: what a handler accepts, as a pydantic schema, with the messages a person reads.

A schema names each field's type and limits once; ``parse`` checks a JSON body against it and turns the first
problem into the package's ``ValidationError`` (a 400): the schema's sentence for that field, and the short
message under the field itself, exactly as the hand-written checks gave them. Handlers receive a typed object.

The handlers move to schemas one at a time; the coordinator's cockpit panel is the first (see
``docs/decisions/0004-layers.md``, "Not yet").
"""
from typing import ClassVar, Literal

from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator
from pydantic import ValidationError as SchemaError

from .coordinator_selectors import AUDIT_KINDS
from .errors import ValidationError
from .validation import MAX_ID, json_object

MAX_PAGE = 100000


class Input(BaseModel):
    """A request body. Unknown keys are ignored (the browser may send more); values are never coerced."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)
    # field -> (sentence, short message under the field), shown when the field is wrong.
    MESSAGES: ClassVar[dict] = {}


def parse(schema, data):
    """``data`` (a parsed JSON body) checked against ``schema``; a 400 naming the first wrong field otherwise."""
    try:
        return schema.model_validate(json_object(data))
    except SchemaError as error:
        field = str(error.errors()[0]["loc"][0])
        sentence, short = schema.MESSAGES[field]
        raise ValidationError(str(sentence), {field: str(short)}) from None


def _empty_is_default(value):
    """``null`` and ``""`` mean "no filter" for the optional filters."""
    return "" if value is None else value


class CoordinatorPanel(Input):
    """One tab of the coordinator's cockpit: ``{"tab": "participants", "page": 2, ...filters}``."""

    TABS: ClassVar[tuple] = ("overview", "participants", "matching", "health", "settings", "audit")
    MESSAGES: ClassVar[dict] = {
        "tab": (gettext_lazy("Choose one of the tabs."), gettext_lazy("Unknown tab.")),
        "page": (gettext_lazy("The page is a whole number from 1."), gettext_lazy("Not a page number.")),
        "role": (gettext_lazy("Choose one of the offered filters."), gettext_lazy("Unknown filter.")),
        "state": (gettext_lazy("Choose one of the offered filters."), gettext_lazy("Unknown filter.")),
        "matched": (gettext_lazy("Choose one of the offered filters."), gettext_lazy("Unknown filter.")),
        "kind": (gettext_lazy("Choose one of the offered filters."), gettext_lazy("Unknown filter.")),
        "search": (gettext_lazy("Search for at most 100 characters of a name."), gettext_lazy("Too long.")),
        "run_id": (gettext_lazy("Say which run with its number."), gettext_lazy("Not a valid id.")),
        "at_risk": (gettext_lazy("Say whether to show only pairs at risk with true or false."),
                    gettext_lazy("Not true/false.")),
    }

    tab: Literal["overview", "participants", "matching", "health", "settings", "audit"] = "overview"
    page: StrictInt = Field(1, ge=1, le=MAX_PAGE)
    role: Literal["", "mentee", "mentor"] = ""
    state: Literal["", "active", "withdrawn", "removed", "pending"] = ""
    matched: Literal["", "yes", "no"] = ""
    kind: StrictStr = ""
    search: StrictStr = Field("", max_length=100)
    run_id: StrictInt | None = Field(None, gt=0, le=MAX_ID)
    at_risk: StrictBool = False

    _filters_may_be_null = field_validator("role", "state", "matched", "kind", "search", mode="before")(
        _empty_is_default)

    @field_validator("kind")
    @classmethod
    def _an_audit_kind(cls, value):
        if value and value not in AUDIT_KINDS:
            raise ValueError("unknown audit kind")
        return value
