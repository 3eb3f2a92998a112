"""OLX for the blocks' authored configuration, with lxml.

A program's configuration is written as readable child elements of ``<mentoring_program>`` so
that it survives course export/import and re-runs and can be reviewed in a diff. Reading
validates everything; a problem raises ``ConfigurationError`` naming the element and the problem.
"""
import re

from django.utils.translation import gettext as _
from lxml import etree

from .assessment_config import MAX_ITEMS, MAX_POINTS, clean_definition
from .errors import ConfigurationError
from .program_config import (
    DEFAULT_CONFIG,
    MAX_COMPETENCIES,
    MAX_CRITERIA,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    clean_config,
)

SETTINGS_KEYS = (
    "starts", "ends", "matching_mode", "allow_learner_mentors", "mentor_approval_required", "capacity_default",
    "capacity_max", "request_expiry_days", "inactivity_days", "privacy", "language_required",
    "max_timezone_hours", "suggestion_count",
)
QUESTION_ATTRS = ("id", "kind", "required", "audience", "match", "exclude_same", "scale_min", "scale_max",
                  "max_length")
QUESTION_TEXTS = ("label", "mentor_label", "help", "reason")
# Attributes the platform adds to every block node; they are not configuration.
PLATFORM_ATTRS = {"url_name", "xblock-family", "display_name", "program", "filename"}
IDENT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
try:  # the file systems XBlock runtimes hand over (pyfilesystem2) raise their own errors
    from fs.errors import FSError
    _FS_ERRORS = (FSError,)
except ImportError:  # pragma: no cover - every XBlock line installs fs today
    _FS_ERRORS = ()
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              remove_comments=True)


def fail(node, message):
    """Raise with the element's tag (and line, when known) in the message."""
    line = f" (line {node.sourceline})" if getattr(node, "sourceline", None) else ""
    raise ConfigurationError(_("<{tag}>{line}: {message}").format(tag=node.tag, line=line, message=message))


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sub(parent, tag, text=None, **attrs):
    child = etree.SubElement(parent, tag, {key: _as_text(value) for key, value in attrs.items()})
    if text:
        child.text = text
    return child


def _children(node, allowed, limit):
    """Element children of ``node``, refusing tags not in ``allowed`` and more than ``limit`` of them.

    The count is checked before any child is read, so an oversized course file is refused at once.
    """
    children = [child for child in node if isinstance(child.tag, str)]
    if len(children) > limit:
        fail(node, _("at most {limit} child elements are allowed here, not {count}").format(
            limit=limit, count=len(children)))
    for child in children:
        if child.tag not in allowed:
            fail(child, _("unexpected element; expected one of: {tags}").format(tags=", ".join(allowed)))
    return children


def _check_attrs(node, allowed):
    for name in node.attrib:
        if name not in allowed:
            fail(node, _('unexpected attribute "{name}"').format(name=name))


def _text_of(node):
    return (node.text or "").strip()


def _int_or_text(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def program_config_to_node(config, node):
    """Write a (clean) program configuration as children of ``node``."""
    if config.get("description"):
        _sub(node, "description", config["description"])
    _sub(node, "settings", **{key: config[key] for key in SETTINGS_KEYS if key in config})
    if config.get("consent_text"):
        _sub(node, "consent", config["consent_text"])
    agreement = _sub(node, "agreement")
    for key, value in config.get("agreement_template", {}).items():
        if value:
            _sub(agreement, key, value)
    criteria = _sub(node, "criteria")
    for name, weight in config.get("criteria", {}).items():
        _sub(criteria, "criterion", name=name, weight=weight)
    questions = _sub(node, "questions")
    for question in config.get("questions", []):
        attrs = {key: question[key] for key in QUESTION_ATTRS if key in question and question[key] not in ("", None)}
        element = _sub(questions, "question", **attrs)
        for key in QUESTION_TEXTS:
            if question.get(key):
                _sub(element, key, question[key])
        for option in question.get("options", []):
            _sub(element, "option", option["label"], value=option["value"])
    grading = config.get("participation_grading")
    if grading:
        _sub(node, "participation_grading", **grading)
    competencies = _sub(node, "competencies")
    for competency in config.get("competencies", []):
        _sub(competencies, "competency", competency.get("description") or None,
             id=competency["id"], label=competency["label"])


def program_config_from_node(node):
    """Read and validate a program configuration from a ``<mentoring_program>`` node."""
    _check_attrs(node, PLATFORM_ATTRS)
    raw = {}
    sections = ("description", "settings", "consent", "agreement", "criteria", "questions", "competencies",
                "participation_grading")
    seen = set()
    for child in _children(node, sections, 2 * len(sections)):  # a twice-given section is named below
        if child.tag in seen:
            fail(child, _("appears twice; give each section once"))
        seen.add(child.tag)
        if child.tag == "description":
            raw["description"] = _text_of(child)
        elif child.tag == "consent":
            raw["consent_text"] = _text_of(child)
        elif child.tag == "settings":
            _check_attrs(child, SETTINGS_KEYS)
            raw.update({key: _int_or_text(value) if key not in ("starts", "ends") else value
                        for key, value in child.attrib.items()})
        elif child.tag == "agreement":
            parts = DEFAULT_CONFIG["agreement_template"]
            raw["agreement_template"] = {part.tag: _text_of(part)
                                         for part in _children(child, tuple(parts), len(parts))}
        elif child.tag == "criteria":
            raw["criteria"] = {}
            for criterion in _children(child, ("criterion",), MAX_CRITERIA):
                _check_attrs(criterion, ("name", "weight"))
                if "name" not in criterion.attrib:
                    fail(criterion, _('needs a "name" attribute'))
                raw["criteria"][criterion.get("name")] = criterion.get("weight", "0")
        elif child.tag == "questions":
            raw["questions"] = [_question_from_node(question)
                                for question in _children(child, ("question",), MAX_QUESTIONS)]
        elif child.tag == "participation_grading":
            _check_attrs(child, tuple(DEFAULT_CONFIG["participation_grading"]))
            raw["participation_grading"] = {key: _int_or_text(value) if key == "meetings" else value
                                            for key, value in child.attrib.items()}
        elif child.tag == "competencies":
            raw["competencies"] = []
            for competency in _children(child, ("competency",), MAX_COMPETENCIES):
                _check_attrs(competency, ("id", "label"))
                raw["competencies"].append({"id": competency.get("id"), "label": competency.get("label"),
                                            "description": _text_of(competency)})
    try:
        return clean_config(raw)
    except ConfigurationError as error:
        fail(node, error.message)
    return None  # unreachable


def _question_from_node(node):
    _check_attrs(node, QUESTION_ATTRS)
    question = {key: _int_or_text(value) for key, value in node.attrib.items()}
    options = []
    for child in _children(node, QUESTION_TEXTS + ("option",), len(QUESTION_TEXTS) + MAX_OPTIONS):
        if child.tag == "option":
            _check_attrs(child, ("value",))
            options.append({"value": child.get("value"), "label": _text_of(child)})
        else:
            question[child.tag] = _text_of(child)
    if options:
        question["options"] = options
    return question


MAX_DEFINITION_BYTES = 2 * 1024 * 1024  # a definition file larger than this is no configuration of ours


def is_pointer(node):
    """True for a pointer tag, ``<tag url_name="name"/>``: no children, no text, only ``url_name``.

    The platform's course import hands such a node to a pure XBlock's ``parse_xml`` when the course
    keeps the block's definition in its own file (``<tag>/<name>.xml``); resolving it is the block's job
    (edx-platform's ``xmodule/xml_block.py::is_pointer_tag`` is the same test).
    """
    return (set(node.attrib) == {"url_name"} and len(node) == 0 and not (node.text or "").strip())


def definition_node(node, runtime):
    """The node holding the block's definition: ``node`` itself, or the file a pointer tag names.

    The file is ``<tag>/<url_name>.xml`` in the runtime's ``resources_fs`` (the course directory
    being imported), with ``:`` in the name read as a folder separator, as the platform does.
    """
    if not is_pointer(node):
        return node
    url_name = node.get("url_name")
    path = "{tag}/{name}.xml".format(tag=node.tag, name=url_name.replace(":", "/"))
    resources = getattr(runtime, "resources_fs", None)
    if resources is None:
        fail(node, _("this element points at {path}, but there are no course files to read it from").format(
            path=path))
    try:
        with resources.open(path, "rb") as handle:
            data = handle.read(MAX_DEFINITION_BYTES + 1)
    except (OSError, *_FS_ERRORS):
        fail(node, _("the definition file {path} is missing or cannot be read").format(path=path))
    if len(data) > MAX_DEFINITION_BYTES:
        fail(node, _("the definition file {path} is larger than {size} MB").format(
            path=path, size=MAX_DEFINITION_BYTES // (1024 * 1024)))
    try:
        definition = etree.fromstring(data, parser=SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        fail(node, _("the definition file {path} could not be read: {problem}").format(path=path, problem=error))
    if definition.tag != node.tag:
        fail(node, _("the definition file {path} holds <{found}>, not <{tag}>").format(
            path=path, found=definition.tag, tag=node.tag))
    return definition


def parse_string(xml_text):
    """Parse OLX text safely (no entity expansion, no network, no DTD) into an element."""
    try:
        return etree.fromstring(xml_text.encode("utf-8") if isinstance(xml_text, str) else xml_text,
                                parser=SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise ConfigurationError(_("The XML could not be read: {problem}").format(problem=error)) from None


ASSESSMENT_ATTRS = ("kind", "weight", "grading", "shared_with_subject", "allow_edit_after_submit", "repeat_days")
ITEM_ATTRS = ("id", "kind", "competency", "required", "max_length")


def assessment_to_node(definition, node):
    """Write a (clean) assessment definition onto ``node``: settings as attributes, items as children."""
    for key in ASSESSMENT_ATTRS:
        node.set(key, _as_text(definition[key]))
    if definition.get("instructions"):
        _sub(node, "instructions", definition["instructions"])
    for item in definition["items"]:
        attrs = {key: item[key] for key in ITEM_ATTRS if item.get(key) not in (None, "")}
        element = _sub(node, "item", **attrs)
        _sub(element, "prompt", item["prompt"])
        for point in item.get("points", []):
            _sub(element, "point", point["label"], value=point["value"])
        for option in item.get("options", []):
            _sub(element, "option", option["label"], value=option["value"])


def assessment_from_node(node, competencies=None):
    """Read and validate an assessment definition from a ``<mentoring_assessment>`` node."""
    _check_attrs(node, PLATFORM_ATTRS | set(ASSESSMENT_ATTRS))
    raw = {key: node.get(key) for key in ASSESSMENT_ATTRS if node.get(key) is not None}
    items = []
    for child in _children(node, ("instructions", "item"), 1 + MAX_ITEMS):
        if child.tag == "instructions":
            raw["instructions"] = _text_of(child)
            continue
        _check_attrs(child, ITEM_ATTRS)
        item = {key: child.get(key) for key in ITEM_ATTRS if child.get(key) is not None}
        points, options = [], []
        for part in _children(child, ("prompt", "point", "option"), 1 + max(MAX_POINTS, MAX_OPTIONS)):
            if part.tag == "prompt":
                item["prompt"] = _text_of(part)
            else:
                _check_attrs(part, ("value",))
                (points if part.tag == "point" else options).append({"value": part.get("value"),
                                                                     "label": _text_of(part)})
        if points:
            item["points"] = points
        if options:
            item["options"] = options
        items.append(item)
    if items:
        raw["items"] = items
    elif raw.get("kind") == "goal_attainment":
        raw["items"] = []
    try:
        return clean_definition(raw, competencies)
    except ConfigurationError as error:
        fail(node, error.message)
    return None  # unreachable
