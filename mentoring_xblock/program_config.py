"""A program's authored configuration: its shape, its defaults and its validation.

The configuration is course content (it lives on the ``mentoring_program`` block and travels in
OLX). ``clean_config`` turns any candidate dict into a complete, valid configuration or raises a
``ConfigurationError`` whose message names the place and the problem, e.g.
``questions[2].options: a choice question needs at least two options``.

The profile fields every program has (bio, time zone, languages, weekly availability) are not
questions; questions are the program's own extras, some of which feed matching:
``match="topics"`` (what the mentee wants vs what the mentor offers), ``match="seniority"`` (a
choice whose option order is the level), ``match="choice"`` (same answer scores) and
``exclude_same=True`` (same answer forbids the pair, e.g. same team).
"""
import copy
import datetime
import re

from django.utils.translation import gettext as _

from .errors import ConfigurationError
from .matching.model import BUILTIN_CRITERIA, DEFAULT_WEIGHTS

MATCHING_MODES = ("self_select", "coordinator", "both")
PRIVACY_LEVELS = ("metadata", "full")
QUESTION_KINDS = ("choice", "multi_choice", "scale", "text")
AUDIENCES = ("mentee", "mentor", "both")
MATCH_USES = ("", "topics", "seniority", "choice")
BASE_CRITERIA = BUILTIN_CRITERIA  # the engine's built-in criteria, under the name the product uses
IDENT_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_QUESTIONS = 40
MAX_COMPETENCIES = 40
MAX_CRITERIA = 60  # the built-in criteria and one per matchable question, with room to spare
MAX_OPTIONS = 60
MAX_TEXT = 5000
MAX_LABEL = 300
MAX_WEIGHT = 10.0

DEFAULT_CONFIG = {
    "description": "",
    "starts": "",
    "ends": "",
    "matching_mode": "self_select",
    "allow_learner_mentors": True,
    "mentor_approval_required": True,
    "capacity_default": 2,
    "capacity_max": 5,
    "request_expiry_days": 7,
    "inactivity_days": 21,
    "privacy": "metadata",
    "consent_text": "",
    "language_required": True,
    "max_timezone_hours": 8,
    "suggestion_count": 5,
    "agreement_template": {
        "expectations": "",
        "meeting_frequency": "",
        "confidentiality": "",
        "duration": "",
    },
    "criteria": dict(DEFAULT_WEIGHTS),
    # Participation grading of the program block: off by default; when on, each chosen requirement
    # counts equally (meetings count in part: 2 of 4 held is half).
    "participation_grading": {"enabled": False, "weight": 1.0, "matched": True, "agreement_signed": False,
                              "meetings": 0},
    "questions": [],
    "competencies": [],
}


def default_config():
    """A fresh copy of the defaults."""
    return copy.deepcopy(DEFAULT_CONFIG)


def _fail(path, message):
    raise ConfigurationError(f"{path}: {message}")


def _text(value, path, max_length=MAX_TEXT, required=False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        _fail(path, _("must be text"))
    value = value.strip()
    if required and not value:
        _fail(path, _("must not be empty"))
    if len(value) > max_length:
        _fail(path, _("must be at most {limit} characters long").format(limit=max_length))
    return value


def boolean(value, path):
    """True or False from JSON or OLX ("true"/"false", "1"/"0", "yes"/"no"); anything else names ``path``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.lower() in ("true", "1", "yes")
    return _fail(path, _("must be true or false"))


def _int(value, path, low, high):
    if isinstance(value, bool):
        _fail(path, _("must be a whole number"))
    try:
        number = int(value)
    except (TypeError, ValueError):
        return _fail(path, _("must be a whole number"))
    if isinstance(value, float) and value != number:
        _fail(path, _("must be a whole number"))
    if not low <= number <= high:
        _fail(path, _("must be between {low} and {high}").format(low=low, high=high))
    return number


def _float(value, path, low, high):
    if isinstance(value, bool):
        _fail(path, _("must be a number"))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _fail(path, _("must be a number"))
    if not low <= number <= high:
        _fail(path, _("must be between {low} and {high}").format(low=low, high=high))
    return number


def _choice(value, path, allowed):
    if value not in allowed:
        _fail(path, _("must be one of: {choices}").format(choices=", ".join(a or '""' for a in allowed)))
    return value


def _ident(value, path):
    if not isinstance(value, str) or not IDENT_RE.match(value):
        _fail(path, _("must start with a lowercase letter and use only lowercase letters, digits and _ "
                      "(at most 40)"))
    return value


def _date(value, path):
    value = _text(value, path, max_length=10)
    if value:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            _fail(path, _("must be a date written as YYYY-MM-DD"))
    return value


def _clean_options(raw, path):
    if not isinstance(raw, list):
        _fail(path, _("must be a list"))
    if len(raw) > MAX_OPTIONS:
        _fail(path, _("must have at most {limit} options").format(limit=MAX_OPTIONS))
    options, seen = [], set()
    for index, option in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(option, dict):
            _fail(where, _("must be an object with a value and a label"))
        value = _ident(option.get("value"), f"{where}.value")
        if value in seen:
            _fail(f"{where}.value", _('"{value}" is used twice').format(value=value))
        seen.add(value)
        options.append({"value": value, "label": _text(option.get("label"), f"{where}.label", MAX_LABEL, True)})
    return options


def _clean_question(raw, path):
    if not isinstance(raw, dict):
        _fail(path, _("must be an object"))
    kind = _choice(raw.get("kind"), f"{path}.kind", QUESTION_KINDS)
    question = {
        "id": _ident(raw.get("id"), f"{path}.id"),
        "kind": kind,
        "label": _text(raw.get("label"), f"{path}.label", MAX_LABEL, True),
        "mentor_label": _text(raw.get("mentor_label"), f"{path}.mentor_label", MAX_LABEL),
        "help": _text(raw.get("help"), f"{path}.help", MAX_LABEL),
        # How a shared answer reads as a reason for a pair ("Both prefer to meet: {answer}"), read by both people
        # and the course team alike; without it the reason names the question and the answer.
        "reason": _text(raw.get("reason"), f"{path}.reason", MAX_LABEL),
        "required": boolean(raw.get("required", False), f"{path}.required"),
        "audience": _choice(raw.get("audience", "both"), f"{path}.audience", AUDIENCES),
        "match": _choice(raw.get("match", "") or "", f"{path}.match", MATCH_USES),
        "exclude_same": boolean(raw.get("exclude_same", False), f"{path}.exclude_same"),
        "options": [],
    }
    if kind in ("choice", "multi_choice"):
        question["options"] = _clean_options(raw.get("options", []), f"{path}.options")
        if len(question["options"]) < 2:
            _fail(f"{path}.options", _("a choice question needs at least two options"))
    if kind == "scale":
        question["scale_min"] = _int(raw.get("scale_min", 1), f"{path}.scale_min", 0, 10)
        question["scale_max"] = _int(raw.get("scale_max", 5), f"{path}.scale_max", 1, 10)
        if question["scale_max"] <= question["scale_min"]:
            _fail(f"{path}.scale_max", _("must be greater than scale_min"))
    if kind == "text":
        question["max_length"] = _int(raw.get("max_length", 1000), f"{path}.max_length", 1, MAX_TEXT)
    expected_kind = {"topics": ("multi_choice",), "seniority": ("choice",), "choice": ("choice",)}
    if question["match"] and kind not in expected_kind[question["match"]]:
        _fail(f"{path}.match", _('"{use}" needs a question of kind {kinds}').format(
            use=question["match"], kinds=" / ".join(expected_kind[question["match"]])))
    if question["match"] and question["audience"] != "both":
        _fail(f"{path}.match", _("a question used for matching must be asked of both mentees and mentors"))
    if question["reason"] and question["match"] != "choice":
        _fail(f"{path}.reason", _('only a question matched on the same answer ("match": "choice") has a reason text'))
    if question["reason"] and question["reason"].count("{answer}") != 1:
        _fail(f"{path}.reason", _("must contain {answer} once, where the shared answer goes"))
    if question["exclude_same"] and kind != "choice" and kind != "text":
        _fail(f"{path}.exclude_same", _("only a choice or text question can exclude pairs with the same answer"))
    return question


def clean_config(raw):
    """Return a complete, valid configuration from ``raw`` (missing keys take defaults) or raise."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        _fail("program", _("the configuration must be an object"))
    merged = default_config()
    unknown = sorted(set(raw) - set(merged))
    if unknown:
        _fail(unknown[0], _("is not a setting of a mentoring program"))
    merged.update({key: value for key, value in raw.items() if value is not None})
    config = {
        "description": _text(merged["description"], "description", 20000),
        "starts": _date(merged["starts"], "starts"),
        "ends": _date(merged["ends"], "ends"),
        "matching_mode": _choice(merged["matching_mode"], "matching_mode", MATCHING_MODES),
        "allow_learner_mentors": boolean(merged["allow_learner_mentors"], "allow_learner_mentors"),
        "mentor_approval_required": boolean(merged["mentor_approval_required"], "mentor_approval_required"),
        "capacity_default": _int(merged["capacity_default"], "capacity_default", 1, 50),
        "capacity_max": _int(merged["capacity_max"], "capacity_max", 1, 50),
        "request_expiry_days": _int(merged["request_expiry_days"], "request_expiry_days", 1, 90),
        "inactivity_days": _int(merged["inactivity_days"], "inactivity_days", 1, 365),
        "privacy": _choice(merged["privacy"], "privacy", PRIVACY_LEVELS),
        "consent_text": _text(merged["consent_text"], "consent_text"),
        "language_required": boolean(merged["language_required"], "language_required"),
        "max_timezone_hours": _int(merged["max_timezone_hours"], "max_timezone_hours", 1, 24),
        "suggestion_count": _int(merged["suggestion_count"], "suggestion_count", 1, 20),
    }
    if config["starts"] and config["ends"] and config["ends"] < config["starts"]:
        _fail("ends", _("must not be before the start date"))
    if config["capacity_default"] > config["capacity_max"]:
        _fail("capacity_default", _("must not be above capacity_max"))

    template = merged["agreement_template"]
    if not isinstance(template, dict):
        _fail("agreement_template", _("must be an object"))
    unknown = sorted(set(template) - set(DEFAULT_CONFIG["agreement_template"]))
    if unknown:
        _fail(f"agreement_template.{unknown[0]}", _("is not a part of the agreement"))
    config["agreement_template"] = {
        key: _text(template.get(key, ""), f"agreement_template.{key}")
        for key in DEFAULT_CONFIG["agreement_template"]
    }

    questions = merged["questions"]
    if not isinstance(questions, list):
        _fail("questions", _("must be a list"))
    if len(questions) > MAX_QUESTIONS:
        _fail("questions", _("a program can have at most {limit} questions").format(limit=MAX_QUESTIONS))
    config["questions"], ids = [], set()
    for index, question in enumerate(questions):
        cleaned = _clean_question(question, f"questions[{index}]")
        if cleaned["id"] in ids:
            _fail(f"questions[{index}].id", _('"{id}" is used by another question').format(id=cleaned["id"]))
        ids.add(cleaned["id"])
        config["questions"].append(cleaned)
    for use in ("topics", "seniority"):
        if sum(1 for q in config["questions"] if q["match"] == use) > 1:
            _fail("questions", _('only one question can be used for "{use}"').format(use=use))

    criteria = merged["criteria"]
    if not isinstance(criteria, dict):
        _fail("criteria", _("must be an object of criterion names and weights"))
    choice_ids = {q["id"] for q in config["questions"] if q["match"] == "choice"}
    config["criteria"] = {}
    for name, weight in criteria.items():
        if name not in BASE_CRITERIA and name not in choice_ids:
            _fail(f"criteria.{name}", _("is not a criterion: use one of {names}, or a question marked "
                                        "match=choice").format(names=", ".join(BASE_CRITERIA)))
        config["criteria"][name] = _float(weight, f"criteria.{name}", 0, MAX_WEIGHT)
    if not any(config["criteria"].values()):
        _fail("criteria", _("at least one criterion needs a weight above 0"))

    grading = merged["participation_grading"]
    if not isinstance(grading, dict):
        _fail("participation_grading", _("must be an object"))
    unknown = sorted(set(grading) - set(DEFAULT_CONFIG["participation_grading"]))
    if unknown:
        _fail(f"participation_grading.{unknown[0]}", _("is not a part of participation grading"))
    grading = dict(DEFAULT_CONFIG["participation_grading"], **grading)
    config["participation_grading"] = {
        "enabled": boolean(grading["enabled"], "participation_grading.enabled"),
        "weight": _float(grading["weight"], "participation_grading.weight", 0, 100),
        "matched": boolean(grading["matched"], "participation_grading.matched"),
        "agreement_signed": boolean(grading["agreement_signed"], "participation_grading.agreement_signed"),
        "meetings": _int(grading["meetings"], "participation_grading.meetings", 0, 50),
    }
    if config["participation_grading"]["enabled"] and not (
            config["participation_grading"]["matched"] or config["participation_grading"]["agreement_signed"]
            or config["participation_grading"]["meetings"]):
        _fail("participation_grading", _("choose at least one requirement to grade"))

    competencies = merged["competencies"]
    if not isinstance(competencies, list):
        _fail("competencies", _("must be a list"))
    if len(raw) > MAX_COMPETENCIES:
        _fail("competencies", _("a program can have at most {limit} competencies").format(limit=MAX_COMPETENCIES))
    config["competencies"], comp_ids = [], set()
    for index, competency in enumerate(competencies):
        where = f"competencies[{index}]"
        if not isinstance(competency, dict):
            _fail(where, _("must be an object with an id and a label"))
        comp_id = _ident(competency.get("id"), f"{where}.id")
        if comp_id in comp_ids:
            _fail(f"{where}.id", _('"{id}" is used twice').format(id=comp_id))
        comp_ids.add(comp_id)
        config["competencies"].append({
            "id": comp_id,
            "label": _text(competency.get("label"), f"{where}.label", MAX_LABEL, True),
            "description": _text(competency.get("description"), f"{where}.description", MAX_LABEL),
        })
    return config


def questions_for(config, role):
    """The questions a person in ``role`` ('mentee' or 'mentor') is asked, in order."""
    return [q for q in config["questions"] if q["audience"] in (role, "both")]


def question_label(question, role):
    """The label shown to ``role``: mentors may get their own wording."""
    if role == "mentor" and question.get("mentor_label"):
        return question["mentor_label"]
    return question["label"]
