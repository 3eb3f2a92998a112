"""The assessment block: who answers what about whom, drafts and submission, validation, periods, goals, views."""
import datetime

import pytest
from django.utils import timezone

from mentoring_xblock.assessment_config import COMPETENCY_PROMPTS
from mentoring_xblock.models import AssessmentResponse, Goal, Match, Participant

from . import factories
from .factories import participant
from .harness import block_as, call, make_user, parse_olx, render

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")
SELF_ANSWERS = {competency: 3 for competency in COMPETENCY_PROMPTS}


def assessment(kind, **attrs):
    extra = "".join(f' {key}="{value}"' for key, value in attrs.items())
    return parse_olx(f'<mentoring_assessment program="leadership" kind="{kind}"{extra}/>')


def add_mentee(program, name):
    user = make_user(name)
    return Participant.objects.create(program=program, user_id=user.pk, username=name, is_mentee=True,
                                      display_name=name.title())


def pair(program, mentor="mentor", mentee="mentee", days_ago=0):
    mentor_row, mentee_row = participant(program, mentor), participant(program, mentee)
    Participant.objects.filter(pk=mentor_row.pk).update(capacity=20)
    match = factories.pair(program, mentee_row.username, mentor_row.username)
    if days_ago:
        Match.objects.filter(pk=match.pk).update(started_at=timezone.now() - datetime.timedelta(days=days_ago))
    return match


def steady_render(usage, person, view="student_view"):
    """Render twice (the first view may publish a changed score) and return the second HTML and query count."""
    render(usage, person, view)
    return render(usage, person, view)


def app_queries(usage, person):
    """Queries of one render outside the workbench's own field storage (the LMS caches field data)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    block = block_as(usage, person)
    with CaptureQueriesContext(connection) as queries:
        block.render("student_view", {})
    return sum(1 for query in queries.captured_queries if "workbench_xblockstate" not in query["sql"])


def rows():
    return list(AssessmentResponse.objects.order_by("pk").values())


def grades(events):
    return [data for name, data in events if name == "grade"]


# ---- who may answer ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 200), ("mentor", 403), ("coordinator", 403),
])
def test_self_assessment_for_every_role(program, people, person, status, published):
    usage = assessment("self_pre")
    result = call(usage, person, "save_response", {"answers": SELF_ANSWERS, "submit": True})
    assert result.status == status, result.body
    assert result.error if status != 200 else result.body["state"] == "submitted"
    if status == 200:
        response = AssessmentResponse.objects.get()
        mentee = participant(program, "mentee")
        assert response.respondent == mentee and response.subject == mentee and response.kind == "self_pre"
        assert response.answers["competencies"] == SELF_ANSWERS and response.score == 1.0
        assert grades(published) == [{"value": 1.0, "max_value": 1.0, "only_if_higher": None}]
        assert [user for user, _data in published.credited] == [make_user("mentee").pk]
        assert ("completion", {"completion": 1.0}) in published
    else:
        assert not AssessmentResponse.objects.exists() and not grades(published)
    if person == "learner":
        assert "Join the program first" in result.error


@pytest.mark.django_db
@pytest.mark.parametrize("kind, person, status", [
    ("mentor_rates_mentee", "anonymous", 401), ("mentor_rates_mentee", "learner", 403),
    ("mentor_rates_mentee", "mentee", 403), ("mentor_rates_mentee", "mentor", 200),
    ("mentor_rates_mentee", "coordinator", 403),
    ("mentee_rates_mentor", "anonymous", 401), ("mentee_rates_mentor", "learner", 403),
    ("mentee_rates_mentor", "mentee", 200), ("mentee_rates_mentor", "mentor", 403),
    ("mentee_rates_mentor", "coordinator", 403),
    ("checkin", "anonymous", 401), ("checkin", "learner", 403), ("checkin", "mentee", 200),
    ("checkin", "mentor", 200), ("checkin", "coordinator", 403),
])
def test_pair_assessments_for_every_role(program, people, kind, person, status, published):
    pair(program)
    usage = assessment(kind)
    answers = {"mentor_rates_mentee": dict(SELF_ANSWERS, comment="Grew a lot."),
               "mentee_rates_mentor": {"prepared": 4, "helpful": 5},
               "checkin": {"meets_regularly": 4, "feels_heard": 5, "progress": 3}}[kind]
    body = {"answers": answers, "submit": True}
    if person == "mentor":
        body["subject_id"] = participant(program, "mentee").pk
    result = call(usage, person, "save_response", body)
    assert result.status == status, result.body
    if status == 200:
        response = AssessmentResponse.objects.get()
        other = "mentee" if person == "mentor" else "mentor"
        assert response.subject == participant(program, other)
        assert response.match == Match.objects.get()
        assert grades(published)[0]["value"] == 1.0
    else:
        assert not AssessmentResponse.objects.exists()


@pytest.mark.django_db
def test_mentor_cannot_answer_about_someone_elses_mentee(program, people):
    pair(program)
    stranger = add_mentee(program, "stranger")
    usage = assessment("mentor_rates_mentee")
    result = call(usage, "mentor", "save_response", {"subject_id": stranger.pk, "answers": SELF_ANSWERS,
                                                     "submit": True})
    assert result.status == 404 and "not one of yours" in result.error
    result = call(usage, "mentor", "save_response", {"subject_id": 999999, "answers": SELF_ANSWERS})
    assert result.status == 404
    assert not AssessmentResponse.objects.exists()


@pytest.mark.django_db
def test_pair_forms_need_an_active_match(program, people):
    result = call(assessment("mentee_rates_mentor"), "mentee", "save_response", {"answers": {}, "submit": False})
    assert result.status == 409 and "active mentor" in result.error
    result = call(assessment("mentor_rates_mentee"), "mentor", "save_response",
                  {"subject_id": participant(program, "mentee").pk, "answers": {}})
    assert result.status == 409 and "no active mentee" in result.error


@pytest.mark.django_db
def test_mentor_with_two_mentees_must_say_whom(program, people):
    pair(program)
    add_mentee(program, "second")
    pair(program, mentee="second")
    result = call(assessment("mentor_rates_mentee"), "mentor", "save_response", {"answers": SELF_ANSWERS})
    assert result.status == 400 and "subject_id" in result.body["field_errors"]


# ---- bad input -----------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("body, status, field", [
    ({"answers": {"horoscope": 3}}, 400, "horoscope"),
    ({"answers": {"delegation": 9}}, 400, "delegation"),
    ({"answers": {"delegation": 0}}, 400, "delegation"),
    ({"answers": {"delegation": "3"}}, 400, "delegation"),
    ({"answers": {"delegation": True}}, 400, "delegation"),
    ({"answers": {"delegation": 2.5}}, 400, "delegation"),
    ({"answers": {"delegation": [3]}}, 400, "delegation"),
    ({"answers": [3, 4]}, 400, "answers"),
    ({"answers": "all good"}, 400, "answers"),
    ({"answers": SELF_ANSWERS, "submit": "yes"}, 400, "submit"),
    ({"answers": SELF_ANSWERS, "subject_id": "me"}, 400, "subject_id"),
    ({"answers": {"delegation": 3}, "submit": True}, 400, "coaching"),   # required items missing
    ({"answers": {"x" * 5000: 1}}, 400, "x" * 64),
])
def test_bad_answers_change_nothing(program, people, body, status, field, published):
    usage = assessment("self_pre")
    result = call(usage, "mentee", "save_response", body)
    assert result.status == status, result.body
    assert result.error
    assert field in result.body.get("field_errors", {}), result.body
    assert not AssessmentResponse.objects.exists() and not grades(published)


@pytest.mark.django_db
def test_text_choice_and_multi_choice_items_are_checked(program, people):
    usage = parse_olx("""<mentoring_assessment program="leadership" kind="self_pre">
      <item id="style" kind="choice" required="true"><prompt>Style?</prompt>
        <option value="calm">Calm</option><option value="bold">Bold</option></item>
      <item id="tools" kind="multi_choice"><prompt>Tools?</prompt>
        <option value="one">One</option><option value="two">Two</option><option value="three">Three</option></item>
      <item id="note" kind="text" max_length="20"><prompt>Note</prompt></item>
    </mentoring_assessment>""")
    bad = [({"style": "loud"}, "style"), ({"style": 1}, "style"), ({"tools": "one"}, "tools"),
           ({"tools": ["one", "four"]}, "tools"), ({"note": "x" * 21}, "note"), ({"note": 5}, "note")]
    for answers, field in bad:
        result = call(usage, "mentee", "save_response", {"answers": answers})
        assert result.status == 400 and field in result.body["field_errors"], (answers, result.body)
    long_text = call(usage, "mentee", "save_response", {"answers": {"note": "x" * 21}})
    assert "under 20 characters (it has 21)" in long_text.body["field_errors"]["note"]
    assert not AssessmentResponse.objects.exists()
    good = call(usage, "mentee", "save_response", {"answers": {"style": "bold", "tools": ["three", "one", "one"],
                                                               "note": "  fine  "}, "submit": True})
    assert good.status == 200, good.body
    assert AssessmentResponse.objects.get().answers["items"] == {"style": "bold", "tools": ["one", "three"],
                                                                 "note": "fine"}


@pytest.mark.django_db
def test_bad_json_and_methods(program, people):
    usage = assessment("self_pre")
    assert call(usage, "mentee", "save_response", raw_body=b"{nope").status == 400
    assert call(usage, "mentee", "save_response", [1]).status == 400
    assert call(usage, "mentee", "save_response", method="GET").status == 405
    assert not AssessmentResponse.objects.exists()


# ---- draft, submit, edit -------------------------------------------------------------------------

@pytest.mark.django_db
def test_draft_then_submit_then_no_more_edits(program, people, published):
    usage = assessment("self_pre")
    draft = call(usage, "mentee", "save_response", {"answers": {"delegation": 2}, "submit": False})
    assert draft.status == 200 and draft.body["state"] == "draft" and draft.body["score"] == 0
    assert not grades(published) and ("completion", {"completion": 1.0}) not in published
    response = AssessmentResponse.objects.get()
    assert response.state == "draft" and response.submitted_at is None and response.score is None
    done = call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    assert done.status == 200 and done.body["response_id"] == response.pk
    assert AssessmentResponse.objects.get().submitted_at is not None
    before = rows()
    for submit in (True, False):
        again = call(usage, "mentee", "save_response", {"answers": dict(SELF_ANSWERS, delegation=5),
                                                        "submit": submit})
        assert again.status == 409 and "already submitted" in again.error
    assert rows() == before


@pytest.mark.django_db
def test_edit_after_submit_where_allowed(program, people):
    usage = assessment("self_pre", allow_edit_after_submit="true")
    assert call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True}).status == 200
    draft = call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": False})
    assert draft.status == 409 and "submit your changes" in draft.error
    changed = call(usage, "mentee", "save_response", {"answers": dict(SELF_ANSWERS, delegation=6), "submit": True})
    assert changed.status == 200
    response = AssessmentResponse.objects.get()
    assert response.answers["items"]["delegation"] == 6 and response.state == "submitted"
    html, _queries = render(usage, "mentee")
    assert "Change your answers" in html and "Submit changes" in html


# ---- periods -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_repeating_checkin_gets_one_response_per_period(program, people):
    match = pair(program, days_ago=65)
    usage = assessment("checkin", repeat_days="30")
    answers = {"meets_regularly": 4, "feels_heard": 4, "progress": 4}
    assert call(usage, "mentee", "save_response", {"answers": answers, "submit": True}).body["period"] == 2
    again = call(usage, "mentee", "save_response", {"answers": answers, "submit": True})
    assert again.status == 409
    Match.objects.filter(pk=match.pk).update(started_at=timezone.now() - datetime.timedelta(days=95))
    later = call(usage, "mentee", "save_response", {"answers": answers, "submit": True})
    assert later.status == 200 and later.body["period"] == 3
    assert sorted(AssessmentResponse.objects.values_list("period", flat=True)) == [2, 3]
    html, _queries = render(usage, "mentee")
    assert "Check-in 4" in html


# ---- goal attainment -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_goal_attainment_rates_each_goal_from_minus_two_to_plus_two(program, people, published):
    match = pair(program)
    usage = assessment("goal_attainment")
    mentee_id = participant(program, "mentee").pk
    html, _queries = render(usage, "mentor")
    assert "no goals yet" in html
    empty = call(usage, "mentor", "save_response", {"subject_id": mentee_id, "answers": {}, "submit": True})
    assert empty.status == 409 and "no goals yet" in empty.error
    first = Goal.objects.create(match=match, title="Delegate the weekly report", measurable="Team sends it alone")
    second = Goal.objects.create(match=match, title="Run a 1:1 with <b>every</b> report")
    Goal.objects.create(match=match, title="Dropped goal", status=Goal.Status.DROPPED)
    html, _queries = render(usage, "mentor")
    assert "Expected outcome: Team sends it alone" in html and "Dropped goal" not in html
    assert "&lt;b&gt;every&lt;/b&gt;" in html and "<b>every</b>" not in html
    off = call(usage, "mentor", "save_response", {"subject_id": mentee_id, "answers": {f"goal_{first.pk}": 3}})
    assert off.status == 400 and "-2 to 2" in off.body["field_errors"][f"goal_{first.pk}"]
    missing = call(usage, "mentor", "save_response", {"subject_id": mentee_id,
                                                      "answers": {f"goal_{first.pk}": 1}, "submit": True})
    assert missing.status == 400 and f"goal_{second.pk}" in missing.body["field_errors"]
    done = call(usage, "mentor", "save_response", {"subject_id": mentee_id, "submit": True,
                                                   "answers": {f"goal_{first.pk}": 1, f"goal_{second.pk}": -2}})
    assert done.status == 200, done.body
    stored = AssessmentResponse.objects.get().answers["goals"]
    assert stored[str(first.pk)] == {"title": "Delegate the weekly report", "value": 1}
    assert grades(published)[-1]["value"] == 1.0
    html, _queries = render(usage, "mentor")
    assert "+1 · Somewhat more than expected" in html and "-2 · Much less than expected" in html
    mentee_html, _queries = render(usage, "mentee")
    # Goal ratings are shared with the mentee by default: they read each goal with its rating.
    assert "what they said is below" in mentee_html and "What was said about you" in mentee_html
    assert "Delegate the weekly report" in mentee_html and "+1 · Somewhat more than expected" in mentee_html


# ---- views for every role ------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("person, expected", [
    ("anonymous", "Sign in to the course to answer this assessment."),
    ("learner", "Join the program first"),
    ("mentee", "Save draft"),
    ("mentor", "Mentees fill in this assessment."),
    ("coordinator", "Course team: responses"),
])
def test_self_assessment_view_for_every_role(program, people, person, expected):
    html, _queries = render(assessment("self_pre"), person)
    assert expected in html
    assert ("Download record" in html) == (person == "coordinator")
    assert ('name="delegation"' in html) == (person == "mentee")


@pytest.mark.django_db
def test_mentor_view_has_one_form_per_mentee_and_mentee_sees_no_mentor_message(program, people):
    usage = assessment("mentor_rates_mentee")
    html, _queries = render(usage, "mentor")
    assert "once you have one" in html
    add_mentee(program, "second")
    pair(program)
    pair(program, mentee="second")
    html, _queries = render(usage, "mentor")
    assert html.count('class="mentoring-assessment-answers"') == 2
    assert "About your mentee Second" in html
    html, _queries = render(assessment("mentee_rates_mentor"), "second")
    assert "About your mentor" in html
    html, _queries = render(assessment("checkin"), "learner")
    assert "Join the program first" in html
    unmatched = add_mentee(program, "alone")
    html, _queries = render(assessment("checkin"), unmatched.username)
    assert "once you have an active mentor" in html


@pytest.mark.django_db
def test_submitted_answers_are_shown_escaped(program, people):
    pair(program)
    usage = assessment("mentor_rates_mentee")
    comment = '<script>alert("x")</script> Great =1+1'
    result = call(usage, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                                     "answers": dict(SELF_ANSWERS, comment=comment), "submit": True})
    assert result.status == 200
    html, _queries = render(usage, "mentor")
    assert "Submitted on" in html and "3 · Developing" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "Change your answers" not in html


@pytest.mark.django_db
def test_draft_answers_fill_the_form_again(program, people):
    usage = assessment("self_pre")
    call(usage, "mentee", "save_response", {"answers": {"delegation": 5}})
    html, _queries = render(usage, "mentee")
    assert "Draft saved, not submitted yet." in html
    assert 'name="delegation" value="5" data-kind="scale" checked' in html


@pytest.mark.django_db
def test_author_view_lists_items(program, people):
    html, _queries = render(assessment("checkin", repeat_days="30"), "coordinator", view="author_view")
    assert "We meet as often as we agreed." in html and "weight 1.0" in html


@pytest.mark.django_db
def test_view_queries_do_not_grow_with_mentees(program, people):
    usage = assessment("mentor_rates_mentee")
    add_mentee(program, "m1")
    pair(program, mentee="m1")
    call(usage, "mentor", "save_response", {"subject_id": participant(program, "m1").pk, "answers": SELF_ANSWERS,
                                            "submit": True})
    _html, few = steady_render(usage, "mentor")
    for index in range(2, 7):
        add_mentee(program, f"m{index}")
        pair(program, mentee=f"m{index}")
        call(usage, "mentor", "save_response", {"subject_id": participant(program, f"m{index}").pk,
                                                "answers": SELF_ANSWERS, "submit": index < 6})
    html, many = steady_render(usage, "mentor")
    assert html.count('class="mentoring-assessment-answers"') == 1  # m6's draft; the others are submitted
    assert html.count("Submitted on") == 5
    assert many == few, (few, many)
    assert app_queries(usage, "mentor") <= 6
    _html, coordinator_few = steady_render(usage, "coordinator")
    for index in range(7, 12):
        add_mentee(program, f"m{index}")
        pair(program, mentee=f"m{index}")
    _html, coordinator_many = steady_render(usage, "coordinator")
    assert coordinator_few == coordinator_many


@pytest.mark.django_db
def test_goal_view_queries_do_not_grow(program, people):
    usage = assessment("goal_attainment")
    add_mentee(program, "g1")
    match = pair(program, mentee="g1")
    Goal.objects.create(match=match, title="One")
    _html, few = steady_render(usage, "mentor")
    for index in range(2, 6):
        add_mentee(program, f"g{index}")
        other = pair(program, mentee=f"g{index}")
        Goal.objects.create(match=other, title="Two")
        Goal.objects.create(match=other, title="Three")
    _html, many = steady_render(usage, "mentor")
    assert few == many


# ---- growth --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_growth_chart_after_both_self_assessments(program, people):
    pre, post, rating = assessment("self_pre"), assessment("self_post"), assessment("mentor_rates_mentee")
    pair(program)
    assert call(pre, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True}).status == 200
    html, _queries = render(post, "mentee")
    assert "Your growth" not in html
    call(rating, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                             "answers": dict(SELF_ANSWERS, delegation=5), "submit": True})
    after = dict(SELF_ANSWERS, delegation=5, coaching=2)
    assert call(post, "mentee", "save_response", {"answers": after, "submit": True}).status == 200
    html, _queries = render(post, "mentee")
    assert "Your growth" in html and "<figure" in html and "<figcaption>" in html
    assert 'role="img"' in html and "Delegation: 3 before, 5 after, mentor 5" in html
    assert "<table" in html and "+2" in html and "-1" in html
    assert app_queries(post, "mentee") <= 6
    pre_html, _queries = render(pre, "mentee")
    assert "Your growth" not in pre_html


@pytest.mark.django_db
def test_growth_needs_the_pre_assessment(program, people):
    post = assessment("self_post")
    call(post, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    html, _queries = render(post, "mentee")
    assert "once you have also submitted the self-assessment from the start" in html


def test_default_mentor_ratings_read_as_sentences_about_the_mentee():
    """Before: "My mentee hand over work ...", "My mentee adapt how I communicate ..." (a word substitution)."""
    import re

    from mentoring_xblock.assessment_config import DEFAULT_ITEMS
    prompts = [item["prompt"] for item in DEFAULT_ITEMS["mentor_rates_mentee"] if item.get("competency")]
    assert len(prompts) == len(COMPETENCY_PROMPTS)
    for prompt in prompts:
        words = prompt.split()
        assert words[:2] == ["My", "mentee"] and words[2].endswith("s"), prompt  # "My mentee hands ..."
        assert not re.search(r"\b(I|my|me)\b", " ".join(words[2:])), prompt  # about the mentee, not the mentor
