"""Rules that used to exist in several places, now in one: every other module goes through it.

Each test reads the package's source and fails if a copy of the rule comes back (the copies disagreed:
issue 14 found them behind a hand-match without consent, negative numbers quoted in exports, a pair
ended twice over, and two message limits under one name).
"""
import ast
import pathlib
import re

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "mentoring_xblock"


def sources(*exclude):
    """(path relative to the package, text) of every module but migrations, benchmarks and ``exclude``."""
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("migrations/", "benchmarks/")) or relative in exclude:
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_the_callers_participant_is_looked_up_in_one_place():
    """``Participant.of_user``; only joining, which must lock the row, reads it itself."""
    lookup = re.compile(r"Participant\.objects\.filter\(program=program, user_id=")
    found = [name for name, text in sources("models.py") if lookup.search(text)]
    assert found == [], found


def test_a_pair_ends_in_one_place():
    """``domain.pairs.close_match`` alone sets a match's end and gives the mentor's place back."""
    ends = re.compile(r"\.ended_at\s*=|ended_at=timezone\.now\(\)|mentee_count\s*=\s*F\(\"mentee_count\"\)\s*-")
    found = [name for name, text in sources("domain/pairs.py") if ends.search(text)]
    assert found == [], found


def test_csv_cells_have_one_rule():
    """``spreadsheets.safe_cell``: no other module defines a formula guard."""
    found = [name for name, text in sources("spreadsheets.py")
             if re.search(r"^\s*(FORMULA_START\s*=|def safe_cell)", text, re.M)]
    assert found == [], found


def test_no_module_imports_a_private_name_of_another():
    """Services use each other's public functions only (privacy imported ``mentorship._close_match``)."""
    found = []
    for name, text in sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and node.level:
                found += [f"{name}: {node.module}.{alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == [], found


def test_limits_with_one_meaning_per_name():
    """A name means one limit: the request message is not the workspace message."""
    values = {}
    for _name, text in sources():
        for match in re.finditer(r"^(MAX_[A-Z_]+)\s*=\s*(\d+)", text, re.M):
            values.setdefault(match.group(1), set()).add(int(match.group(2)))
    assert {name: limits for name, limits in values.items() if len(limits) > 1} == {}


def test_a_leaving_persons_requests_close_in_one_place():
    """``domain.pairs.release_requests`` for leaving, removal and retirement (three copies before)."""
    closes = re.compile(r"MentorshipRequest\.objects\.filter\(mentor=\w+, open_slot=True\)")
    found = [name for name, text in sources("domain/pairs.py") if closes.search(text)]
    assert found == [], found


def _mentor_stops(program, mentor, how):
    """The mentor stops taking part: they leave, the course team removes them, or their account is retired."""
    from mentoring_xblock.services import coordination, mentorship, privacy

    from .conftest import identity_of
    from .harness import make_user
    if how == "leaves":
        mentorship.leave_program(program, identity_of(make_user("mentor")), "Moving on")
    elif how == "is removed":
        coordination.remove_participant(program, identity_of(make_user("coordinator", staff=True), staff=True),
                                        mentor.pk, "Not a member of staff any more")
    else:
        privacy.retire_user(make_user("mentor").pk)


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["leaves", "is removed", "is retired"])
def test_a_mentee_waiting_for_a_mentor_who_stops_is_told(program, people, how):
    """Before: only leaving told the mentee; after a removal or a retirement their request just closed."""
    from mentoring_xblock.models import MentorshipRequest, Notification, Participant
    from mentoring_xblock.services import mentorship

    from .conftest import identity_of
    from .harness import make_user
    mentor = Participant.objects.get(program=program, username="mentor")
    request = mentorship.request_mentor(program, identity_of(make_user("mentee")), mentor.pk, "Hello")
    _mentor_stops(program, mentor, how)
    request.refresh_from_db()
    assert request.state == MentorshipRequest.State.DECLINED and request.open_slot is None
    told = Notification.objects.filter(recipient=request.mentee, kind="request_declined")
    assert told.count() == 1
    if how == "is retired":
        assert told.get().data["mentor"] == "a former participant"  # never the retired person's name


def test_someone_who_stops_taking_part_ends_what_they_have_open_in_one_place():
    """``services.leaving.stop_taking_part`` for leaving, removal and retirement (three near-copies before).

    Nothing else releases a person's requests or tells the other person of a pair that it ended because
    someone stopped.
    """
    releases = re.compile(r"\brelease_requests\(")
    found = [name for name, text in sources("domain/pairs.py", "services/leaving.py") if releases.search(text)]
    assert found == [], found
    callers = [name for name, text in sources("services/leaving.py") if "stop_taking_part(" in text]
    assert callers == ["services/coordination.py", "services/mentorship.py", "services/privacy.py"], callers


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["leaves", "is removed", "is retired"])
def test_the_other_person_of_a_pair_is_told_once_and_never_by_a_retired_name(program, people, how):
    from mentoring_xblock.models import Match, Notification, Participant
    from mentoring_xblock.services import mentorship

    from .conftest import identity_of
    from .harness import make_user
    mentor = Participant.objects.get(program=program, username="mentor")
    request = mentorship.request_mentor(program, identity_of(make_user("mentee")), mentor.pk, "Hello")
    match = mentorship.respond_to_request(program, identity_of(make_user("mentor")), request.pk, True)
    _mentor_stops(program, mentor, how)
    match.refresh_from_db()
    assert match.state == Match.State.ENDED and match.open_slot is None and match.ended_at is not None
    told = Notification.objects.filter(recipient=match.mentee, kind="match_ended")
    assert told.count() == 1
    expected = "a former participant" if how == "is retired" else mentor.shown_name("")
    assert told.get().data["mentor"] == expected


def test_every_handler_is_gated_by_its_own_declaration():
    """The decorator declares (action, scope); the table the permission test reads is made from the same."""
    from mentoring_xblock import policy
    from mentoring_xblock.blocks.assessment import MentoringAssessmentBlock
    from mentoring_xblock.blocks.base import handler_policy
    from mentoring_xblock.blocks.program import MentoringProgramBlock
    for cls in (MentoringProgramBlock, MentoringAssessmentBlock):
        handlers = {name for name in dir(cls) if getattr(getattr(cls, name, None), "_is_xblock_handler", False)}
        declared = handler_policy(cls)
        assert set(declared) == handlers
        assert all(action in policy.POLICY and scope in policy.SCOPES for action, scope in declared.values())
    assert not hasattr(policy, "HANDLER_POLICY")  # no second table that could drift from the handlers


@pytest.mark.django_db
@pytest.mark.parametrize("caller, status", [("anonymous", 401), ("learner", 403), ("mentor", 403)])
def test_the_gate_runs_before_the_handler(program_usage, people, monkeypatch, caller, status):
    """A caller without the role never reaches the service: the gate refuses before the handler's body."""
    from mentoring_xblock.services import mentorship

    from .harness import call
    reached = []
    monkeypatch.setattr(mentorship, "request_mentor", lambda *args, **kwargs: reached.append(args))
    result = call(program_usage, caller, "request_mentor", {"mentor_id": 1, "message": "Hello"})
    assert result.status == status and reached == []
    assert result.body["error"]


def test_whole_numbers_from_json_are_checked_by_one_rule():
    """``validation.is_whole`` / ``is_number``: a JSON ``true`` is no number (19 hand-written copies before).

    The matching engine, which imports nothing of the package, keeps its own.
    """
    copy = re.compile(r"isinstance\((\w+), bool\) or not isinstance\(\1, (int|\(int, float\))\)"
                      r"|isinstance\((\w+), (int|\(int, float\))\) and not isinstance\(\3, bool\)"
                      r"|not isinstance\((\w+), int\) or isinstance\(\5, bool\)")
    found = [name for name, text in sources("validation.py") if not name.startswith("matching/") and copy.search(text)]
    assert found == [], found


@pytest.mark.parametrize("value, whole, number", [
    (True, False, False), (False, False, False), (0, True, True), (-3, True, True), (2.5, False, True),
    ("1", False, False), (None, False, False)])
def test_the_number_rule(value, whole, number):
    from mentoring_xblock.validation import is_number, is_whole
    assert is_whole(value) is whole and is_number(value) is number


def test_free_text_from_a_request_is_checked_by_one_rule():
    """``validation.clean_text``: three request validators before, with different messages for the same mistake.

    Answers to authored questions go through ``validation.text_answer``. The authored configuration
    (``program_config``, ``assessment_config``) is checked apart: its errors name a path in the
    configuration (``questions[2].label``) for Studio and OLX, not a field of a request.
    """
    own = re.compile(r"Write the \{label\} as text|Too long or not text|not isinstance\((value|reason|text), str\):")
    found = [name for name, text in sources("validation.py", "program_config.py", "assessment_config.py")
             if own.search(text)]
    assert found == [], found
    from mentoring_xblock.errors import ValidationError
    from mentoring_xblock.validation import clean_text
    assert clean_text(None, "note", 5, "note") == "" and clean_text("  hi ", "note", 5, "note") == "hi"
    for value, field_message in ((7, "Not text."), ("x" * 6, "Too long: at most 5 characters."),
                                 ("  ", "This is needed.")):
        with pytest.raises(ValidationError) as refused:
            clean_text(value, "note", 5, "note", required=True)
        assert refused.value.as_dict()["field_errors"]["note"] == field_message


def test_a_pair_at_risk_is_defined_in_one_place():
    """``domain.health``: the pair health tab, its count and "Nudge all pairs at risk" read the same rule."""
    rule = re.compile(r"last_checkin__lt|LOW_CHECKIN\s*=")
    found = [name for name, text in sources("domain/health.py") if rule.search(text)]
    assert found == [], found
