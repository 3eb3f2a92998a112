"""An assessment's authored definition: kind, items, scoring (content of the ``mentoring_assessment`` block).

``clean_definition`` validates and completes it, raising ``ConfigurationError`` naming the
place and the problem. Default item sets for each kind are written for leadership development.
"""
import copy

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .errors import ConfigurationError
from .program_config import IDENT_RE, MAX_LABEL, boolean

KINDS = ("self_pre", "self_post", "mentor_rates_mentee", "mentee_rates_mentor", "checkin", "goal_attainment")
ITEM_KINDS = ("scale", "choice", "multi_choice", "text")
MAX_ITEMS = 60
MIN_POINTS, MAX_POINTS = 4, 7

AGREEMENT_SCALE = [
    {"value": 1, "label": "Strongly disagree"}, {"value": 2, "label": "Disagree"},
    {"value": 3, "label": "Neither agree nor disagree"}, {"value": 4, "label": "Agree"},
    {"value": 5, "label": "Strongly agree"},
]
SKILL_SCALE = [
    {"value": 1, "label": "Not yet"}, {"value": 2, "label": "Beginning"}, {"value": 3, "label": "Developing"},
    {"value": 4, "label": "Capable"}, {"value": 5, "label": "Strong"}, {"value": 6, "label": "Role model"},
]

# Each competency as the person says it of themself, and as their mentor says it of them (written out: a
# substitution made "My mentee hand over work" and "My mentee adapt how I communicate").
COMPETENCY_PROMPTS = {
    "delegation": {
        "self": "I hand over work with clear outcomes and let others decide how to do it.",
        "mentee": "My mentee hands over work with clear outcomes and lets others decide how to do it."},
    "giving_feedback": {
        "self": "I give specific, timely feedback, including when it is uncomfortable.",
        "mentee": "My mentee gives specific, timely feedback, including when it is uncomfortable."},
    "coaching": {
        "self": "I help people find their own answers by asking questions rather than telling.",
        "mentee": "My mentee helps people find their own answers by asking questions rather than telling."},
    "strategic_thinking": {
        "self": "I connect my team's daily work to longer-term goals and trade-offs.",
        "mentee": "My mentee connects their team's daily work to longer-term goals and trade-offs."},
    "communication": {
        "self": "I adapt how I communicate to my audience and check that I was understood.",
        "mentee": "My mentee adapts how they communicate to their audience and checks that they were understood."},
}


def _competency_items(subject):
    items = []
    for competency, prompts in COMPETENCY_PROMPTS.items():
        prompt = prompts[subject]
        items.append({"id": competency, "kind": "scale", "prompt": prompt, "competency": competency,
                      "required": True, "points": copy.deepcopy(SKILL_SCALE)})
    return items


DEFAULT_ITEMS = {
    "self_pre": _competency_items("self"),
    "self_post": _competency_items("self"),
    "mentor_rates_mentee": _competency_items("mentee") + [
        {"id": "comment", "kind": "text", "prompt": "What has your mentee grown in most, and what next?",
         "required": False, "max_length": 2000}],
    "mentee_rates_mentor": [
        {"id": "prepared", "kind": "scale", "prompt": "My mentor comes to our meetings prepared.",
         "required": True, "points": copy.deepcopy(AGREEMENT_SCALE)},
        {"id": "helpful", "kind": "scale", "prompt": "My mentor's advice helps me in my day-to-day work.",
         "required": True, "points": copy.deepcopy(AGREEMENT_SCALE)},
        {"id": "comment", "kind": "text", "prompt": "Anything you would like your mentor to do differently?",
         "required": False, "max_length": 2000}],
    "checkin": [
        {"id": "meets_regularly", "kind": "scale", "prompt": "We meet as often as we agreed.",
         "required": True, "points": copy.deepcopy(AGREEMENT_SCALE)},
        {"id": "feels_heard", "kind": "scale", "prompt": "I feel heard in our conversations.",
         "required": True, "points": copy.deepcopy(AGREEMENT_SCALE)},
        {"id": "progress", "kind": "scale", "prompt": "We are making progress on our goals.",
         "required": True, "points": copy.deepcopy(AGREEMENT_SCALE)},
        {"id": "comment", "kind": "text", "prompt": "Anything the course team should know?", "required": False,
         "max_length": 2000}],
    "goal_attainment": [],
}

DEFAULT_DEFINITION = {
    "kind": "self_pre",
    "instructions": "",
    "items": None,  # None: the kind's default item set
    "weight": 1.0,
    "grading": None,  # None: "completion"
    "shared_with_subject": None,  # None: the kind's default (SHARED_BY_DEFAULT)
    "allow_edit_after_submit": False,
    "repeat_days": 0,
}

# What an assessment counts for in the gradebook (docs/decisions/0003-assessment-grading.md):
# "completion": the respondent earns the weight by submitting (a mentor: once every current mentee is rated);
# "subject_result": the person the answers are about earns the weight times what the answers say (0..1);
# "none": it counts for nobody (weight 0 in the gradebook).
GRADINGS = ("completion", "subject_result", "none")
GRADING_LABELS = {
    "completion": gettext_noop("The person who answers, for submitting"),
    "subject_result": gettext_noop("The person rated, by what the answers say"),
    "none": gettext_noop("Nobody (not graded)"),
}
# Rating oneself or one's mentor by the result would reward inflated answers and put pressure on mentees:
# only a mentor's rating of a mentee (and of the pair's goals) may grade the person rated.
ALLOWED_GRADINGS = {
    "self_pre": ("completion", "none"), "self_post": ("completion", "none"), "checkin": ("completion", "none"),
    "mentee_rates_mentor": ("completion", "none"),
    "mentor_rates_mentee": ("completion", "subject_result", "none"),
    "goal_attainment": ("completion", "subject_result", "none"),
}
# Kinds whose answers are about someone else, and whether that person reads them unless the author says.
SHARED_BY_DEFAULT = {"mentor_rates_mentee": True, "goal_attainment": True, "mentee_rates_mentor": False,
                     "checkin": False}


def _fail(path, message):
    raise ConfigurationError(f"{path}: {message}")


def _clean_labelled(raw, path, value_kind):
    if not isinstance(raw, list):
        _fail(path, _("must be a list"))
    cleaned, seen = [], set()
    for index, entry in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(entry, dict):
            _fail(where, _("must be an object with a value and a label"))
        value = entry.get("value")
        if value_kind == "int":
            try:
                value = int(value)
            except (TypeError, ValueError):
                _fail(f"{where}.value", _("must be a whole number"))
        elif not isinstance(value, str) or not IDENT_RE.match(value):
            _fail(f"{where}.value", _("must start with a lowercase letter and use only a-z, 0-9 and _"))
        if value in seen:
            _fail(f"{where}.value", _("is used twice"))
        seen.add(value)
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            _fail(f"{where}.label", _("must be text of 1 to {limit} characters").format(limit=MAX_LABEL))
        cleaned.append({"value": value, "label": label.strip()})
    return cleaned


def _clean_item(raw, path, competencies):
    if not isinstance(raw, dict):
        _fail(path, _("must be an object"))
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not IDENT_RE.match(item_id):
        _fail(f"{path}.id", _("must start with a lowercase letter and use only a-z, 0-9 and _"))
    kind = raw.get("kind")
    if kind not in ITEM_KINDS:
        _fail(f"{path}.kind", _("must be one of: {kinds}").format(kinds=", ".join(ITEM_KINDS)))
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > 1000:
        _fail(f"{path}.prompt", _("must be text of 1 to 1000 characters"))
    item = {"id": item_id, "kind": kind, "prompt": prompt.strip(),
            "required": boolean(raw.get("required", False), f"{path}.required"),
            "competency": raw.get("competency") or ""}
    if item["competency"]:
        if kind != "scale":
            _fail(f"{path}.competency", _("only a scale item can measure a competency"))
        if competencies is not None and item["competency"] not in competencies:
            _fail(f"{path}.competency", _('"{id}" is not one of the program\'s competencies').format(
                id=item["competency"]))
    if kind == "scale":
        item["points"] = _clean_labelled(raw.get("points", []), f"{path}.points", "int")
        if not MIN_POINTS <= len(item["points"]) <= MAX_POINTS:
            _fail(f"{path}.points", _("a scale needs {low} to {high} labelled points").format(
                low=MIN_POINTS, high=MAX_POINTS))
    elif kind in ("choice", "multi_choice"):
        item["options"] = _clean_labelled(raw.get("options", []), f"{path}.options", "ident")
        if len(item["options"]) < 2:
            _fail(f"{path}.options", _("a choice item needs at least two options"))
    else:
        try:
            item["max_length"] = int(raw.get("max_length", 2000))
        except (TypeError, ValueError):
            _fail(f"{path}.max_length", _("must be a whole number"))
        if not 1 <= item["max_length"] <= 10000:
            _fail(f"{path}.max_length", _("must be between 1 and 10000"))
    return item


def clean_definition(raw, competencies=None):
    """A complete, valid assessment definition from ``raw`` or a ConfigurationError naming the problem."""
    raw = raw or {}
    if not isinstance(raw, dict):
        _fail("assessment", _("the definition must be an object"))
    unknown = sorted(set(raw) - set(DEFAULT_DEFINITION))
    if unknown:
        _fail(unknown[0], _("is not a setting of an assessment"))
    merged = dict(copy.deepcopy(DEFAULT_DEFINITION), **raw)
    if merged["kind"] not in KINDS:
        _fail("kind", _("must be one of: {kinds}").format(kinds=", ".join(KINDS)))
    definition = {"kind": merged["kind"]}
    instructions = merged["instructions"] or ""
    if not isinstance(instructions, str) or len(instructions) > 5000:
        _fail("instructions", _("must be text of at most 5000 characters"))
    definition["instructions"] = instructions.strip()
    try:
        definition["weight"] = float(merged["weight"])
    except (TypeError, ValueError):
        _fail("weight", _("must be a number"))
    if not 0 <= definition["weight"] <= 100:
        _fail("weight", _("must be between 0 and 100"))
    definition["grading"] = merged["grading"] or "completion"
    allowed = ALLOWED_GRADINGS[definition["kind"]]
    if definition["grading"] not in allowed:
        _fail("grading", _("for this kind must be one of: {gradings}").format(gradings=", ".join(allowed)))
    kind = definition["kind"]
    shared = merged["shared_with_subject"]
    if kind not in SHARED_BY_DEFAULT:
        if shared not in (None, False, "false", "0", "no"):
            _fail("shared_with_subject", _("a self-assessment is read by the person who answers it"))
        definition["shared_with_subject"] = False
    else:
        definition["shared_with_subject"] = SHARED_BY_DEFAULT[kind] if shared is None else \
            boolean(shared, "shared_with_subject")
    if definition["grading"] == "subject_result" and not definition["shared_with_subject"]:
        _fail("shared_with_subject", _("must be true when the rating is the grade of the person rated: "
                                       "nobody is graded on answers they may not read"))
    definition["allow_edit_after_submit"] = boolean(merged["allow_edit_after_submit"], "allow_edit_after_submit")
    try:
        definition["repeat_days"] = int(merged["repeat_days"])
    except (TypeError, ValueError):
        _fail("repeat_days", _("must be a whole number"))
    if not 0 <= definition["repeat_days"] <= 365:
        _fail("repeat_days", _("must be between 0 and 365"))
    if definition["repeat_days"] and definition["kind"] not in ("checkin", "mentee_rates_mentor"):
        _fail("repeat_days", _("only check-ins and mentor feedback can repeat"))
    items = merged["items"]
    if items is None:
        items = copy.deepcopy(DEFAULT_ITEMS[definition["kind"]])
    if not isinstance(items, list):
        _fail("items", _("must be a list"))
    if len(items) > MAX_ITEMS:
        _fail("items", _("an assessment can have at most {limit} items").format(limit=MAX_ITEMS))
    if not items and definition["kind"] != "goal_attainment":
        _fail("items", _("an assessment needs at least one item"))
    definition["items"], ids = [], set()
    for index, item in enumerate(items):
        cleaned = _clean_item(item, f"items[{index}]", competencies)
        if cleaned["id"] in ids:
            _fail(f"items[{index}].id", _('"{id}" is used by another item').format(id=cleaned["id"]))
        ids.add(cleaned["id"])
        definition["items"].append(cleaned)
    if (definition["grading"] == "subject_result" and kind != "goal_attainment"
            and not any(item["kind"] == "scale" for item in definition["items"])):
        _fail("grading", _("a grade from the rating needs at least one scale item"))
    return definition
