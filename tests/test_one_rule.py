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
    """``services.pairs.close_match`` alone sets a match's end and gives the mentor's place back."""
    ends = re.compile(r"\.ended_at\s*=|ended_at=timezone\.now\(\)|mentee_count\s*=\s*F\(\"mentee_count\"\)\s*-")
    found = [name for name, text in sources("services/pairs.py") if ends.search(text)]
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
    """``services.pairs.release_requests`` for leaving, removal and retirement (three copies before)."""
    closes = re.compile(r"MentorshipRequest\.objects\.filter\(mentor=\w+, open_slot=True\)")
    found = [name for name, text in sources("services/pairs.py") if closes.search(text)]
    assert found == [], found


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["leaves", "is removed", "is retired"])
def test_a_mentee_waiting_for_a_mentor_who_stops_is_told(program, people, how):
    """Before: only leaving told the mentee; after a removal or a retirement their request just closed."""
    from mentoring_xblock.models import MentorshipRequest, Notification, Participant
    from mentoring_xblock.services import coordination, mentorship, privacy

    from .conftest import identity_of
    from .harness import make_user
    mentor = Participant.objects.get(program=program, username="mentor")
    request = mentorship.request_mentor(program, identity_of(make_user("mentee")), mentor.pk, "Hello")
    if how == "leaves":
        mentorship.leave_program(program, identity_of(make_user("mentor")))
    elif how == "is removed":
        coordination.remove_participant(program, identity_of(make_user("coordinator", staff=True), staff=True),
                                        mentor.pk, "Not a member of staff any more")
    else:
        privacy.retire_user(make_user("mentor").pk)
    request.refresh_from_db()
    assert request.state == MentorshipRequest.State.DECLINED and request.open_slot is None
    told = Notification.objects.filter(recipient=request.mentee, kind="request_declined")
    assert told.count() == 1
    if how == "is retired":
        assert told.get().data["mentor"] == "a former participant"  # never the retired person's name
