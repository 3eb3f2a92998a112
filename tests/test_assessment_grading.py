"""Assessment grading: scores published to the gradebook, completion, weight changes, rescoring."""
import pytest
from xblock.completable import XBlockCompletionMode
from xblock.scorable import Score

from mentoring_xblock import compat
from mentoring_xblock.models import ActivityEvent

from .harness import block_as, call, make_user, render
from .test_assessment import SELF_ANSWERS, add_mentee, assessment, grades, pair, participant

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")


@pytest.mark.django_db
def test_block_declares_score_and_completion(program, people):
    block = block_as(assessment("self_pre", weight="2.5"), "mentee")
    assert block.has_score is True and block.weight == 2.5
    assert block.has_custom_completion is True and block.completion_mode == XBlockCompletionMode.COMPLETABLE
    assert block.get_score() == Score(0.0, 2.5)
    block.set_score(Score(2.5, 2.5))
    assert block.get_score() == Score(2.5, 2.5)


@pytest.mark.django_db
def test_submission_publishes_weighted_grade_and_completion(program, people, published):
    usage = assessment("self_pre", weight="2.5")
    result = call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    assert result.body["score"] == 2.5 and result.body["max_score"] == 2.5 and result.body["completion"] == 1.0
    assert grades(published) == [{"value": 2.5, "max_value": 2.5, "only_if_higher": None}]
    assert [user for user, _data in published.credited] == [make_user("mentee").pk]
    assert ("completion", {"completion": 1.0}) in published
    assert block_as(usage, "mentee").get_score() == Score(2.5, 2.5)
    published.clear()
    render(usage, "mentee")  # nothing changed: no new grade
    assert grades(published) == []


@pytest.mark.django_db
def test_mentor_completes_when_every_current_mentee_is_rated(program, people, published):
    add_mentee(program, "second")
    pair(program)
    pair(program, mentee="second")
    usage = assessment("mentor_rates_mentee")
    first = call(usage, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                                   "answers": SELF_ANSWERS, "submit": True})
    assert first.status == 200 and first.body["completion"] == 0.0
    assert grades(published)[-1]["value"] == 0.0
    assert ("completion", {"completion": 1.0}) not in published
    second = call(usage, "mentor", "save_response", {"subject_id": participant(program, "second").pk,
                                                    "answers": SELF_ANSWERS, "submit": True})
    assert second.body["completion"] == 1.0
    assert grades(published)[-1] == {"value": 1.0, "max_value": 1.0, "only_if_higher": None}
    assert {user for user, _data in published.credited} == {make_user("mentor").pk}
    assert ("completion", {"completion": 1.0}) in published
    # A new mentee makes the mentor's assessment incomplete again; the next view republishes 0.
    add_mentee(program, "third")
    pair(program, mentee="third")
    published.clear()
    render(usage, "mentor")
    assert grades(published) == [{"value": 0.0, "max_value": 1.0, "only_if_higher": None}]
    assert published.credited[-1][0] == make_user("mentor").pk


@pytest.mark.django_db
def test_weight_change_is_republished_on_view(program, people, published):
    usage = assessment("self_pre", weight="2")
    call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    saved = call(usage, "coordinator", "studio_submit", {"definition": {"weight": 4}})
    assert saved.status == 200, saved.body
    published.clear()
    render(usage, "mentee")
    assert grades(published) == [{"value": 4.0, "max_value": 4.0, "only_if_higher": None}]
    assert published.credited[-1][0] == make_user("mentee").pk
    published.clear()
    render(usage, "mentee")
    assert grades(published) == []
    # People who never answered get no grade event from a view.
    render(usage, "learner")
    assert grades(published) == []


@pytest.fixture
def platform_rescore(monkeypatch):
    """The LMS's instructor-task rescore, as queued by compat (the platform tests run the real one)."""
    queued = []

    def queue(usage_key, only_if_higher=False):
        queued.append((str(usage_key), only_if_higher))
        return f"task-{len(queued)}"
    monkeypatch.setattr(compat, "queue_rescore_all", queue)
    return queued


def _checkin_with_answers(program):
    pair(program)
    usage = assessment("checkin", weight="3")
    call(usage, "mentee", "save_response", {"answers": {"meets_regularly": 4, "feels_heard": 4, "progress": 4},
                                            "submit": True})
    call(usage, "mentor", "save_response", {"subject_id": participant(program, "mentee").pk,
                                            "answers": {"meets_regularly": 4}})
    return usage


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_rescore_all_queues_the_platform_rescore_for_every_role(program, people, person, status, published,
                                                                  platform_rescore):
    usage = _checkin_with_answers(program)
    published.clear()
    result = call(usage, person, "rescore_all", {})
    assert result.status == status, result.body
    # Whoever calls, the block publishes no grade: the LMS would credit it to the caller.
    assert grades(published) == []
    if status == 200:
        # One submitted respondent (the mentor only saved a draft); the platform's task rescores each learner.
        assert result.body == {"queued": 1, "task_id": "task-1"}
        assert platform_rescore == [(str(block_as(usage, "coordinator").assessment().usage_key), False)]
        assert ActivityEvent.objects.filter(verb="assessment.rescored").count() == 1
    else:
        assert platform_rescore == [] and result.error
        assert not ActivityEvent.objects.filter(verb="assessment.rescored").exists()


@pytest.mark.django_db
def test_rescore_all_outside_the_lms_says_why_and_changes_nothing(program, people, published):
    usage = _checkin_with_answers(program)
    published.clear()
    result = call(usage, "coordinator", "rescore_all", {})
    assert result.status == 409 and "instructor tasks" in result.error
    assert grades(published) == [] and not ActivityEvent.objects.filter(verb="assessment.rescored").exists()


@pytest.mark.django_db
def test_rescore_all_with_no_submission_says_so(program, people, platform_rescore):
    result = call(assessment("checkin"), "coordinator", "rescore_all", {})
    assert result.status == 409 and "Nobody has submitted" in result.error and platform_rescore == []


@pytest.mark.django_db
def test_scorable_mixin_rescore(program, people, published):
    usage = assessment("self_pre")
    with pytest.raises(ValueError):
        block_as(usage, "mentee").rescore(only_if_higher=False)
    call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    published.clear()
    block = block_as(usage, "mentee")
    assert block.has_submitted_answer() and block.calculate_score() == Score(1.0, 1.0)
    block.rescore(only_if_higher=True)
    assert grades(published) == [{"value": 1.0, "max_value": 1.0, "only_if_higher": True}]
    assert published.credited == [(make_user("mentee").pk, grades(published)[0])]
    assert not block_as(usage, "learner").has_submitted_answer()


# ---- what counts for whom (definition "grading") and who reads what ("shared_with_subject") ------

def _rating(level):
    """A mentor's rating of their mentee: every competency at ``level`` on the 1..6 skill scale."""
    return {competency: level for competency in SELF_ANSWERS}


@pytest.mark.django_db
@pytest.mark.parametrize("level", [1, 4, 6])
def test_a_rating_can_be_the_grade_of_the_person_rated(program, people, published, level):
    """Before: the mentor's rating counted for the mentor (for submitting) and the mentee never read it."""
    from mentoring_xblock.models import Notification
    pair(program)
    usage = assessment("mentor_rates_mentee", weight="4", grading="subject_result")
    mentee = participant(program, "mentee")
    saved = call(usage, "mentor", "save_response", {"subject_id": mentee.pk, "answers": _rating(level),
                                                    "submit": True})
    assert saved.status == 200, saved.body
    assert grades(published) == []  # nothing for the mentor, who is not graded by this block
    assert Notification.objects.filter(recipient=mentee, kind="assessment_graded").count() == 1
    # Independently: each competency placed on the 1..6 scale, averaged, times the weight.
    expected = 4 * ((level - 1) / (6 - 1))
    published.clear()
    html, _queries = render(usage, "mentee")
    assert grades(published) == [{"value": pytest.approx(expected), "max_value": 4.0, "only_if_higher": None}]
    assert [user for user, _data in published.credited] == [make_user("mentee").pk]
    assert "What was said about you" in html and "Mentor" in html
    assert f"{level} · " in html  # the mentee reads each answer with its label
    block = block_as(usage, "mentee")
    assert block.has_submitted_answer() and block.calculate_score() == Score(pytest.approx(expected), 4.0)
    published.clear()
    render(usage, "mentee")
    assert grades(published) == []  # unchanged: not published again
    # The mentor's own view publishes nothing for them.
    render(usage, "mentor")
    assert grades(published) == []
    assert not block_as(usage, "mentor").has_submitted_answer()


@pytest.mark.django_db
def test_a_new_rating_regrades_the_person_rated_on_their_next_view(program, people, published):
    pair(program)
    usage = assessment("mentor_rates_mentee", grading="subject_result", allow_edit_after_submit="true")
    mentee = participant(program, "mentee")
    call(usage, "mentor", "save_response", {"subject_id": mentee.pk, "answers": _rating(6), "submit": True})
    render(usage, "mentee")
    call(usage, "mentor", "save_response", {"subject_id": mentee.pk, "answers": _rating(1), "submit": True})
    published.clear()
    render(usage, "mentee")
    assert grades(published) == [{"value": 0.0, "max_value": 1.0, "only_if_higher": None}]


@pytest.mark.django_db
def test_the_mentee_waiting_for_a_rating_is_told_where_the_grade_comes_from(program, people, published):
    pair(program)
    usage = assessment("mentor_rates_mentee", grading="subject_result")
    html, _queries = render(usage, "mentee")
    assert "Your grade here comes from your mentor's rating of you, once they submit it." in html
    assert grades(published) == []
    mentor_html, _queries = render(usage, "mentor")
    assert "Your rating is your mentee's grade here, and they read what you submit." in mentor_html


@pytest.mark.django_db
def test_an_assessment_not_graded_counts_for_nobody(program, people, published):
    usage = assessment("self_pre", weight="3", grading="none")
    block = block_as(usage, "mentee")
    assert block.weight == 0 and block.max_score() == 0
    saved = call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    assert saved.status == 200 and saved.body["max_score"] == 0.0 and saved.body["completion"] == 1.0
    assert grades(published) == [] and ("completion", {"completion": 1.0}) in published


@pytest.mark.django_db
def test_turning_grading_off_takes_the_published_grade_back_on_the_next_view(program, people, published):
    usage = assessment("self_pre", weight="2")
    call(usage, "mentee", "save_response", {"answers": SELF_ANSWERS, "submit": True})
    assert grades(published)[-1] == {"value": 2.0, "max_value": 2.0, "only_if_higher": None}
    saved = call(usage, "coordinator", "studio_submit", {"definition": {"grading": "none"}})
    assert saved.status == 200, saved.body
    published.clear()
    render(usage, "mentee")
    assert grades(published) == [{"value": 0.0, "max_value": 0.0, "only_if_higher": None}]


@pytest.mark.django_db
@pytest.mark.parametrize("kind, shared, reads", [
    ("mentor_rates_mentee", None, True),      # the mentee reads their mentor's rating unless the author says no
    ("mentor_rates_mentee", "false", False),
    ("mentee_rates_mentor", None, False),     # a mentee's feedback reaches their mentor only if the author says so
    ("mentee_rates_mentor", "true", True),
])
def test_who_reads_the_answers_about_them(program, people, published, emails_sent, kind, shared, reads):
    from mentoring_xblock.models import Notification
    pair(program)
    attrs = {"shared_with_subject": shared} if shared else {}
    usage = assessment(kind, **attrs)
    respondent, subject = ("mentor", "mentee") if kind == "mentor_rates_mentee" else ("mentee", "mentor")
    answers = _rating(5) if kind == "mentor_rates_mentee" else {"prepared": 2, "helpful": 2,
                                                                 "comment": "Come with an agenda, please."}
    body = {"answers": answers, "submit": True}
    if respondent == "mentor":
        body["subject_id"] = participant(program, subject).pk
    assert call(usage, respondent, "save_response", body).status == 200
    html, _queries = render(usage, subject)
    assert ("What was said about you" in html) is reads
    if kind == "mentee_rates_mentor":
        assert ("Come with an agenda, please." in html) is reads
    told = Notification.objects.filter(recipient=participant(program, subject), kind="assessment_shared")
    assert told.exists() is reads
    # Whoever reads it, nobody but the two and the course team: a learner outside the pair reads nothing.
    other, _queries = render(usage, "learner")
    assert "What was said about you" not in other and "Come with an agenda" not in other
    # The grade stays the respondent's, for submitting.
    assert [user for user, _data in published.credited] == [make_user(respondent).pk]


@pytest.mark.django_db
@pytest.mark.parametrize("attrs, field, message", [
    ({"kind": "self_pre", "grading": "subject_result"}, "grading", "for this kind must be one of"),
    ({"kind": "mentee_rates_mentor", "grading": "subject_result"}, "grading", "for this kind must be one of"),
    ({"kind": "mentor_rates_mentee", "grading": "subject_result", "shared_with_subject": False},
     "shared_with_subject", "nobody is graded on answers they may not read"),
    ({"kind": "self_post", "shared_with_subject": True}, "shared_with_subject", "read by the person who answers"),
    ({"kind": "mentor_rates_mentee", "grading": "subject_result", "shared_with_subject": True,
      "items": [{"id": "comment", "kind": "text", "prompt": "Say something"}]}, "grading", "needs at least one scale"),
    ({"grading": "sometimes"}, "grading", "must be one of"),
])
def test_studio_refuses_a_grading_that_cannot_work(program, people, attrs, field, message):
    usage = assessment("self_pre")
    before = block_as(usage, "coordinator").clean_definition()
    result = call(usage, "coordinator", "studio_submit", {"definition": attrs})
    assert result.status == 400 and message in result.error and field in result.error
    assert list(result.body["field_errors"]) == [field]  # shown under that field of the editor
    assert block_as(usage, "coordinator").clean_definition() == before


@pytest.mark.django_db
def test_grading_survives_olx_export_and_import(program, people):
    from lxml import etree

    from mentoring_xblock import olx
    from mentoring_xblock.assessment_config import clean_definition
    definition = clean_definition({"kind": "goal_attainment", "grading": "subject_result", "items": []})
    node = etree.Element("mentoring_assessment")
    olx.assessment_to_node(definition, node)
    assert node.get("grading") == "subject_result" and node.get("shared_with_subject") == "true"
    assert olx.assessment_from_node(node) == definition


@pytest.mark.django_db
def test_studio_editor_and_preview_say_who_it_counts_for(program, people):
    usage = assessment("mentor_rates_mentee", grading="subject_result")
    editor, _queries = render(usage, "coordinator", "studio_view")
    import lxml.html
    form = lxml.html.fragment_fromstring(editor, create_parent="div")
    options = {o.get("value"): o for o in form.xpath('//select[@name="definition.grading"]/option')}
    assert options["subject_result"].get("selected") is not None
    # Each choice names the kinds that may have it (the editor disables the others for the kind chosen).
    assert options["subject_result"].get("data-kinds").split() == ["mentor_rates_mentee", "goal_attainment"]
    assert "self_pre" in options["completion"].get("data-kinds").split()
    assert 'name="definition.shared_with_subject"' in editor
    preview, _queries = render(usage, "coordinator", "author_view")
    assert "Counts for: The person rated, by what the answers say." in preview
