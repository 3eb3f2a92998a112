"""Hostile input for every JSON handler of both blocks: never a 500, and a refused call changes nothing.

Bodies are a valid body with fields swapped for adversarial values (wrong types, huge or deep
values, unicode edge cases incl. lone surrogates, RTL and zero-width characters, NUL bytes, huge
and negative numbers, 1e308), or arbitrary JSON. Each handler is called by a person who may use it.

``MENTORING_FUZZ_EXAMPLES`` sets examples per handler (default 20; e.g. 500 for a deep run).
"""
import json
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_permissions import ALL_HANDLERS, DECLARED, case
from .trust import GET_HANDLERS, build_world, call, snapshot

pytestmark = pytest.mark.slow  # hypothesis for every handler: the full run (`make test`), not `make test-quick`
EXAMPLES = int(os.environ.get("MENTORING_FUZZ_EXAMPLES", "20"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                suppress_health_check=list(HealthCheck))
COUNTS = {"cases": 0, "refused": 0, "accepted": 0, "handlers": 0}
JSON_HANDLERS = [(block, name) for block, name in ALL_HANDLERS if name not in GET_HANDLERS]

EDGE_STRINGS = [
    "", " ", "\u0000", "a\u0000b", "\ud800", "x\udfffy", "\u202eevil\u202c", "\u200b", "\u200d\u200d", "\ufeff",
    "\U0001F600" * 50, "\u0301" * 100, "ﷺ" * 300, "<script>alert(1)</script>", "\"><svg onload=alert(1)>",
    "javascript:alert(1)", "=HYPERLINK(\"http://x\")", "'; DROP TABLE mentoring_match; --", "../../etc/passwd",
    "1", "-1", "true", "null", "NaN", "a\r\nb", "\t", "%s%s%n", "{}", "[]", "0x10", "１２３",
    "block-v1:Evil+X+Y+type@vertical+block@x", "2026-02-30", "9999-12-31T23:59:59+14:00",
]
NUMBERS = [0, -1, 1, -(2 ** 31), 2 ** 31, 2 ** 53, 2 ** 53 + 1, 2 ** 63, 2 ** 64, 10 ** 30, -(10 ** 30),
           1e308, -1e308, 1e-308, 0.5, -0.0]


def _nested(depth, leaf=1):
    value = leaf
    for index in range(depth):
        value = [value] if index % 2 else {"a": value}
    return value


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(NUMBERS),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=50), st.sampled_from(EDGE_STRINGS),
)
HUGE = st.builds(lambda chunk, count: chunk * count, st.sampled_from(["a", "é", "\u202e", "\U0001F600", "<b>"]),
                 st.integers(min_value=300, max_value=40000))
DEEP = st.integers(min_value=1, max_value=60).map(_nested)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=10), inner, max_size=6)), max_leaves=20)
HOSTILE = st.one_of(SCALARS, HUGE, DEEP, JSON_VALUES,
                    st.lists(st.integers(min_value=-5, max_value=10 ** 6), min_size=100, max_size=400))


def bodies(base):
    keys = sorted(set(base) | {"extra", "is_staff", "role", "user_id"})
    one = st.builds(lambda key, value: dict(base, **{key: value}), st.sampled_from(keys), HOSTILE)
    two = st.builds(lambda k1, v1, k2, v2: dict(base, **{k1: v1, k2: v2}), st.sampled_from(keys), HOSTILE,
                    st.sampled_from(keys), HOSTILE)
    return st.one_of(one, one, two, JSON_VALUES, DEEP)


def caller_for(block_type, handler):
    action, _scope = DECLARED[block_type][handler]
    if action in ("coordinate", "configure"):
        return "coordinator"
    if action == "respond_to_request":
        return "mentor"
    return "mentee"


def _no_crash_and_refusals_change_nothing(result, before):
    COUNTS["cases"] += 1
    assert result.status < 500
    if result.status >= 400:
        COUNTS["refused"] += 1
        assert snapshot() == before


@pytest.fixture
def world(program_usage, program, people):
    return build_world(program_usage, program)


def handler_case(world, block_type, handler):
    """The block, a caller who may use ``handler`` and a valid body for them."""
    usage = world.usage if block_type == "mentoring_program" else world.assessment_usage
    caller = caller_for(block_type, handler)
    base, _owners, _other = case(world, handler, caller)
    return usage, caller, base


@pytest.mark.django_db
@pytest.mark.parametrize("block_type, handler", JSON_HANDLERS)
def test_hostile_bodies(world, block_type, handler):
    usage, caller, base = handler_case(world, block_type, handler)

    @FUZZ
    @given(body=bodies(base))
    def attempt(body):
        raw = json.dumps(body).encode("utf-8")
        before = snapshot()
        result = call(usage, caller, handler, raw_body=raw)
        COUNTS["cases"] += 1
        assert result.status < 500, (body, result.body)
        assert isinstance(result.body, dict), result.body
        if result.status >= 400:
            COUNTS["refused"] += 1
            assert result.error, result.body  # a message a person can read
            assert snapshot() == before, f"a refused call ({result.status}) changed rows: {result.body}"
        else:
            COUNTS["accepted"] += 1

    attempt()
    COUNTS["handlers"] += 1


RAW = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"[" * 100000, b"{\"a\":" * 50000, b"NaN", b"Infinity", b"-Infinity", b"\xff\xfe",
                     b"\"\\ud800\"", b"{\"match_id\": 1e999}", b"x" * (300 * 1024), b"\x00", b"[1,2,",
                     b"{\"body\": \"\\u0000\"}", json.dumps({"a": 10 ** 400}).encode()]),
)


@pytest.mark.django_db
@pytest.mark.parametrize("handler", ["workspace_post_message", "start_run", "save_profile", "request_mentor"])
def test_hostile_raw_bytes(world, handler):
    caller = caller_for("mentoring_program", handler)

    @FUZZ
    @given(raw=RAW)
    def attempt(raw):
        before = snapshot()
        result = call(world.usage, caller, handler, raw_body=raw)
        _no_crash_and_refusals_change_nothing(result, before)

    attempt()


@pytest.mark.django_db
def test_hostile_assessment_answers(world):
    """Answers objects with hostile keys and values on the check-in form."""
    base, _owners, _other = case(world, "save_response", "mentee")

    @FUZZ
    @given(answers=st.dictionaries(st.one_of(st.text(max_size=300), st.sampled_from(EDGE_STRINGS)), HOSTILE,
                                   max_size=8))
    def attempt(answers):
        before = snapshot()
        result = call(world.assessment_usage, "mentee", "save_response", dict(base, answers=answers, submit=True))
        _no_crash_and_refusals_change_nothing(result, before)

    attempt()


# ---- numbers JSON can say and Python cannot store; ids in query strings ------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("block_type, handler", JSON_HANDLERS)
def test_non_finite_numbers_in_every_field(world, block_type, handler):
    """``1e400`` is valid JSON that Python reads as infinity: every field of every handler refuses it."""
    usage, caller, base = handler_case(world, block_type, handler)
    keys = sorted(base) if isinstance(base, dict) else []
    for key in [*keys, "extra"]:
        for number in ("1e400", "-1e400"):
            raw = json.dumps(dict(base, **{key: "@NUMBER@"})).replace('"@NUMBER@"', number).encode("utf-8")
            before = snapshot()
            result = call(usage, caller, handler, raw_body=raw)
            COUNTS["cases"] += 1
            assert result.status == 400 and result.error, (key, number, result.status, result.body)
            assert snapshot() == before


# ---- over-long values: everything stored fits its column --------------------------------------------

TEXT_COLUMN_BYTES = 65535  # MySQL/MariaDB TEXT, what Django's TextField is there
OVERLONG = (256, 1001, 5001, 10001, 70000)  # past CharField(255), the 1,000/5,000/10,000 limits, and TEXT


def oversized_values():
    """Stored values that do not fit their column on MariaDB (SQLite would keep them silently)."""
    from django.apps import apps
    from django.db import models
    found = []
    for model in apps.get_app_config("mentoring_xblock").get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        for row in model.objects.values("pk", *[f.attname for f in fields]):
            for field in fields:
                value = str(row[field.attname] or "")
                limit = field.max_length if isinstance(field, models.CharField) else None
                if (limit and len(value) > limit) or len(value.encode("utf-8")) > TEXT_COLUMN_BYTES:
                    found.append((model.__name__, field.name, len(value)))
    return found


def string_paths(body, prefix=()):
    """The paths of string values in a body, one level of objects deep (profile answers, settings, ...)."""
    for key, value in (body.items() if isinstance(body, dict) else ()):
        if isinstance(value, str):
            yield (*prefix, key)
        elif isinstance(value, dict) and not prefix:
            yield from string_paths(value, (key,))


def replaced(body, path, value):
    if len(path) == 1:
        return dict(body, **{path[0]: value})
    return dict(body, **{path[0]: replaced(body[path[0]], path[1:], value)})


# Text fields a handler takes beyond its minimal valid body (tests/test_permissions.case), so each is probed.
GOAL_TEXT = {"specific": "s", "measurable": "m", "achievable": "a", "relevant": "r"}
MEETING_TEXT = {"location": "Room", "agenda": "Plan"}
EXTRA_TEXT = {
    "review_mentor": {"reason": "r"}, "set_capacity": {"reason": "r"}, "nudge": {"note": "n"},
    "coordinator_panel": {"search": "s"}, "respond_request": {"message": "m"}, "respond_proposal": {"reason": "r"},
    "save_settings": {"description": "d", "consent_text": "c", "agreement_template": {"expectations": "e"}},
    "workspace_create_goal": GOAL_TEXT, "workspace_update_goal": dict(GOAL_TEXT, title="t"),
    "workspace_schedule_meeting": MEETING_TEXT, "workspace_update_meeting": MEETING_TEXT,
    "workspace_log_meeting": {"notes": "n", "next_steps": "s"}, "workspace_update_action": {"title": "t"},
    "workspace_save_agreement": {"meeting_frequency": "f", "confidentiality": "c", "duration": "d"},
}
STUDIO_TEXT = {"mentoring_program": {"program_slug": "leadership", "config": {"description": "d", "consent_text": "c"}},
               "mentoring_assessment": {"program_slug": "leadership"}}


@pytest.mark.django_db
@pytest.mark.parametrize("block_type, handler", JSON_HANDLERS)
def test_overlong_text_in_every_field(world, block_type, handler):
    """Each text field of a valid body at lengths past every column: refused with a message, or stored whole."""
    usage, caller, base = handler_case(world, block_type, handler)
    extra = STUDIO_TEXT[block_type] if handler == "studio_submit" else EXTRA_TEXT.get(handler, {})
    base = dict(base, **extra) if isinstance(base, dict) else base
    for path in string_paths(base):
        for length in OVERLONG:
            before = snapshot()
            result = call(usage, caller, handler, replaced(base, path, "é" * length))
            COUNTS["cases"] += 1
            assert result.status < 500, (path, length, result.body)
            if result.status >= 400:
                assert result.error and snapshot() == before, (path, length, result.body)
            assert not oversized_values(), (path, length, oversized_values())
            transaction_rollback_to(before)


def transaction_rollback_to(before):
    """Undo an accepted call's rows so the next length starts from the same state (deletes what it added)."""
    from django.apps import apps
    for model in apps.get_app_config("mentoring_xblock").get_models():
        kept = {row["id"] for row in before.get(model.__name__, []) if "id" in row}
        model.objects.exclude(pk__in=kept).delete()


QUERY_IDS = {  # the GET handlers that take ids: handler -> (caller, the id parameters and the rest of a good query)
    "workspace_meeting_ics": ("mentee", ("match_id", "meeting_id")),
    "export_download": ("coordinator", ("job_id",)),
}
BAD_QUERY_IDS = ["", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "²", "¹²", "１２", "٣", "߁", "𝟙",
                 "9" * 17, str(2 ** 53 + 1), "9" * 5000, "1\x00", "%00", "null", "[1]"]


@pytest.mark.django_db
@pytest.mark.parametrize("handler", sorted(QUERY_IDS))
def test_bad_ids_in_query_strings_get_a_400(world, handler):
    """Unicode digits ("²" passes str.isdigit()), huge and signed numbers: a 400 naming the parameter."""
    caller, params = QUERY_IDS[handler]
    good, _owners, _other = case(world, handler, caller)
    values = dict(part.split("=", 1) for part in good.split("&"))
    for param in params:
        for bad in BAD_QUERY_IDS:
            query = urlencode(dict(values, **{param: bad}))
            before = snapshot()
            result = call(world.usage, caller, handler, query=query)
            COUNTS["cases"] += 1
            assert result.status == 400, (param, bad, result.status, result.body)
            assert param in result.body.get("field_errors", {}), result.body
            assert snapshot() == before

    @FUZZ
    @given(bad=st.text(max_size=30).filter(lambda text: not (text.isascii() and text.isdigit())),
           param=st.sampled_from(params))
    def attempt(bad, param):
        result = call(world.usage, caller, handler, query=urlencode(dict(values, **{param: bad})))
        COUNTS["cases"] += 1
        assert result.status == 400, (param, bad, result.status, result.body)

    attempt()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if COUNTS["cases"]:
        print(f"\n[fuzz] {COUNTS['cases']} hostile calls on {COUNTS['handlers']} JSON handlers (+ raw bytes, answers): "
              f"{COUNTS['refused']} refused with nothing changed, {COUNTS['accepted']} accepted, 0 server errors "
              f"({EXAMPLES} examples per handler)")
