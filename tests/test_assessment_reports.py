"""Assessment reports for coordinators: response rates, competency growth, check-in trends, learner records."""
import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from webob import Request

from mentoring_xblock.domain import assessments as service
from mentoring_xblock.identity import Identity
from mentoring_xblock.models import Match
from mentoring_xblock.spreadsheets import to_csv

from .harness import block_as, call, make_user
from .test_assessment import SELF_ANSWERS, add_mentee, assessment, pair, participant

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")
CHECKIN = {"meets_regularly": 4, "feels_heard": 5, "progress": 3}


def get(usage, person, handler, query=""):
    """GET a plain (non-JSON) handler; returns the webob response."""
    block = block_as(usage, person)
    return block.runtime.handle(block, handler, Request.blank(f"/?{query}"))


def table(response):
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def filled(program, people):
    """Two mentees with pre and post self-assessments, mentor ratings and check-ins in two periods."""
    add_mentee(program, "second")
    pair(program, days_ago=40)
    pair(program, mentee="second", days_ago=10)
    pre, post = assessment("self_pre"), assessment("self_post")
    rating, checkin = assessment("mentor_rates_mentee"), assessment("checkin", repeat_days="30")
    for name, before, after in (("mentee", 2, 4), ("second", 3, 4)):
        call(pre, name, "save_response", {"answers": dict(SELF_ANSWERS, delegation=before), "submit": True})
        call(post, name, "save_response", {"answers": dict(SELF_ANSWERS, delegation=after), "submit": True})
        call(rating, "mentor", "save_response", {"subject_id": participant(program, name).pk, "submit": True,
                                                 "answers": dict(SELF_ANSWERS, delegation=5,
                                                                 comment="=HYPERLINK(\"http://x\")")})
        call(checkin, name, "save_response", {"answers": CHECKIN, "submit": True})
    call(checkin, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                              "answers": {"meets_regularly": 2}})
    return {"pre": pre, "post": post, "rating": rating, "checkin": checkin}


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_report_download_for_every_role(filled, person, status):
    response = get(filled["pre"], person, "report", "report=rates")
    assert response.status_code == status
    if status == 200:
        assert response.content_type == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="leadership-rates.csv"'
    else:
        assert json.loads(response.body)["error"]


@pytest.mark.django_db
def test_response_rates_report(filled):
    rows = table(get(filled["pre"], "coordinator", "report", "report=rates"))
    assert rows[0] == list(service.RATE_COLUMNS)
    by_kind = {row[0]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == list(service.KIND_ORDER)
    assert by_kind["self_pre"] == ["self_pre", "2", "0", "2", "100.0"]
    assert by_kind["mentor_rates_mentee"] == ["mentor_rates_mentee", "2", "0", "2", "100.0"]
    assert by_kind["checkin"] == ["checkin", "4", "1", "2", "50.0"]
    assert by_kind["goal_attainment"] == ["goal_attainment", "2", "0", "0", "0.0"]


@pytest.mark.django_db
def test_competency_growth_report(filled):
    rows = table(get(filled["pre"], "coordinator", "report", "report=growth"))
    assert rows[0] == list(service.GROWTH_COLUMNS)
    delegation = next(row for row in rows if row[0] == "delegation")
    assert delegation == ["delegation", "Delegation", "2", "2.5", "4.0", "1.5", "5.0"]
    coaching = next(row for row in rows if row[0] == "coaching")
    assert coaching[3:6] == ["3.0", "3.0", "0.0"]


@pytest.mark.django_db
def test_checkin_trend_report_by_period(filled):
    rows = table(get(filled["pre"], "coordinator", "report", "report=checkins"))
    assert rows[0] == list(service.CHECKIN_COLUMNS)
    assert ["0", "feels_heard", "1", "5.0"] in rows and ["1", "feels_heard", "1", "5.0"] in rows
    assert all(row[1] != "comment" for row in rows[1:])


@pytest.mark.django_db
def test_unknown_report_is_400_for_coordinators_only(filled):
    bad = get(filled["pre"], "coordinator", "report", "report=salaries")
    assert bad.status_code == 400 and "Choose one of the reports" in json.loads(bad.body)["error"]
    assert get(filled["pre"], "mentee", "report", "report=salaries").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_learner_record_for_every_role(filled, person, status):
    response = get(filled["pre"], person, "learner_record", "username=mentee&format=csv")
    assert response.status_code == status
    if status == 200:
        assert response.content_type == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.django_db
def test_learner_record_csv_is_formula_safe_and_json_is_complete(filled):
    rows = table(get(filled["pre"], "coordinator", "learner_record", "username=mentee&format=csv"))
    assert rows[0] == list(service.RECORD_COLUMNS)
    comments = [row for row in rows if row[7] == "comment"]
    assert comments and comments[0][8] == "'=HYPERLINK(\"http://x\")"
    kinds = {row[0] for row in rows[1:]}
    assert kinds == {"self_pre", "self_post", "mentor_rates_mentee", "checkin"}
    response = get(filled["pre"], "coordinator", "learner_record", "username=mentee&format=json")
    assert response.content_type == "application/json"
    record = json.loads(response.body)
    assert record["participant"] == "mentee"
    assert {r["kind"] for r in record["responses"]} == kinds
    assert all("second" not in (r["respondent"], r["subject"]) for r in record["responses"])


@pytest.mark.django_db
@pytest.mark.parametrize("query, status", [
    ("username=nobody", 404), ("username=", 400), ("", 400), ("username=mentee&format=xlsx", 400),
])
def test_learner_record_bad_input(filled, query, status):
    response = get(filled["pre"], "coordinator", "learner_record", query)
    assert response.status_code == status and json.loads(response.body)["error"]


def test_csv_cells_are_formula_safe():
    from mentoring_xblock.services import exports
    from mentoring_xblock.spreadsheets import safe_cell
    # One rule for every download: the reports and the exports use the same function.
    assert exports.safe_cell is safe_cell
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("fine") == "fine" and safe_cell(None) == ""
    # Numbers stay numbers (before, the exports wrote a goal rating of -2 as the text '-2).
    assert safe_cell(-1.5) == -1.5 and safe_cell(-2) == -2 and safe_cell(True) is True
    text = to_csv(("b", "a", "c"), [{"a": 1, "b": "=x", "c": -2}])
    assert text == "b,a,c\r\n'=x,1,-2\r\n"


@pytest.mark.django_db
def test_report_queries_do_not_grow(filled, program):
    coordinator = make_user("coordinator", staff=True)
    identity = Identity(coordinator.pk, "coordinator", True, True)

    def count(builder):
        with CaptureQueriesContext(connection) as queries:
            builder(program, identity)
        return len(queries)

    before = [count(f) for f in (service.response_rates, service.competency_report, service.checkin_trends)]
    for index in range(5):
        mentee = add_mentee(program, f"extra{index}")
        call(filled["pre"], mentee.username, "save_response", {"answers": SELF_ANSWERS, "submit": True})
    after = [count(f) for f in (service.response_rates, service.competency_report, service.checkin_trends)]
    assert before == after
    assert Match.objects.count() == 2
