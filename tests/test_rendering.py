"""Both blocks render in the LMS view, Studio's preview and Studio's editor, for every role; text is escaped."""
import pytest

from mentoring_xblock.models import Participant

from .harness import call, parse_olx, render

ROLES = ("anonymous", "learner", "mentee", "mentor", "coordinator")


@pytest.mark.django_db
@pytest.mark.parametrize("person", ROLES)
def test_program_student_view_for_every_role(program_usage, people, person):
    html, _queries = render(program_usage, people[person])
    assert "Leadership mentoring" in html
    if person == "anonymous":
        assert "Sign in" in html and "mentoring-profile" not in html
    elif person == "learner":
        assert 'data-join="mentee"' in html and 'data-join="mentor"' in html
    elif person in ("mentee", "mentor"):
        assert "mentoring-profile" in html
    assert ("Run the program (course team)" in html) == (person == "coordinator")
    if person == "mentor":
        assert 'name="capacity"' in html and "Which leadership skills can you mentor others in?" in html


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["author_view", "studio_view"])
def test_program_studio_views(program_usage, people, view):
    html, _queries = render(program_usage, "coordinator", view)
    assert "Leadership mentoring" in html or "leadership" in html


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["student_view", "author_view", "studio_view"])
@pytest.mark.parametrize("kind", ["self_pre", "mentor_rates_mentee", "checkin", "goal_attainment"])
def test_assessment_views(db, view, kind):
    usage = parse_olx(f'<mentoring_assessment program="leadership" kind="{kind}"/>')
    html, _queries = render(usage, "learner", view)
    assert "Mentoring assessment" in html or 'name="display_name"' in html


@pytest.mark.django_db
def test_user_text_is_escaped(program_usage, program, people):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    Participant.objects.filter(program=program, username="mentee").update(bio=payload)
    html, _queries = render(program_usage, "mentee")
    assert "<script>alert" not in html and "<img src=x" not in html
    olx = f'<mentoring_program program="x" display_name="{payload.replace("<", "&lt;").replace(chr(34), "&quot;")}"/>'
    html, _queries = render(parse_olx(olx), "learner")
    assert "<script>alert" not in html


@pytest.mark.django_db
def test_program_view_queries_do_not_grow_with_program_size(program_usage, program, people):
    from mentoring_xblock.demo import demo_people
    from mentoring_xblock.identity import Identity
    from mentoring_xblock.services.participants import join_program, save_profile

    from .harness import make_user
    roles = ("mentee", "mentor", "coordinator", "learner")
    render(program_usage, "mentee")  # warm the process's mentor pool (one more query when cold)
    small = {person: render(program_usage, person)[1] for person in roles}
    for person in demo_people(mentees=25, mentors=8, seed=7):
        user = make_user(person["username"] + "_x")
        identity = Identity(user.pk, user.username, False, True)
        participant = join_program(program, identity, person["role"])
        save_profile(program, identity, person["profile"])
        if person["role"] == "mentor":
            participant.mentor_status = "approved"
            participant.save()
    large = {person: render(program_usage, person)[1] for person in roles}
    assert large == small


@pytest.mark.django_db
@pytest.mark.parametrize("person, status", [
    ("anonymous", 401), ("learner", 403), ("mentee", 403), ("mentor", 403), ("coordinator", 200),
])
def test_studio_submit_for_every_role(program_usage, people, person, status):
    from .harness import block_as
    result = call(program_usage, people[person], "studio_submit",
                  {"display_name": "Renamed", "config": {"capacity_default": 3}})
    assert result.status == status
    renamed = block_as(program_usage, "anonymous").display_name == "Renamed"
    assert renamed == (status == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"display_name": ""}, "display_name"),
    ({"program_slug": "Not OK!"}, "program_slug"),
    ({"config": {"matching_mode": "lottery"}}, "config"),
    ({"config": "nope"}, "config"),
])
def test_studio_submit_bad_input(program_usage, people, body, field):
    from .harness import block_as
    before = block_as(program_usage, "coordinator").program_config()
    result = call(program_usage, "coordinator", "studio_submit", body)
    assert result.status == 400 and field in result.body["field_errors"]
    assert block_as(program_usage, "coordinator").program_config() == before


@pytest.mark.django_db
def test_studio_submit_keeps_settings_it_does_not_show(program_usage, people):
    from .harness import block_as
    assert call(program_usage, "coordinator", "studio_submit", {"config": {"capacity_default": 3}}).status == 200
    config = block_as(program_usage, "coordinator").program_config()
    assert config["capacity_default"] == 3 and config["starts"] == "2026-09-01"


@pytest.mark.django_db
def test_the_forms_accept_what_the_services_accept(program_usage, program, people):
    """Each limit lives once: the program view's maxlength is the service's limit, which refuses one more."""
    import lxml.html

    from mentoring_xblock.services import mentorship
    html, _queries = render(program_usage, "mentee")
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    messages = page.xpath('//form[@data-handler="request_mentor"]//textarea[@name="message"]')
    reasons = page.xpath('//form[@data-handler="leave_program"]//textarea[@name="reason"]')
    assert messages and reasons
    assert {int(t.get("maxlength")) for t in messages} == {mentorship.MAX_REQUEST_MESSAGE}
    assert {int(t.get("maxlength")) for t in reasons} == {mentorship.MAX_REASON}
    mentor_id = int(page.xpath('//form[@data-handler="request_mentor"]//input[@name="mentor_id"]')[0].get("value"))
    too_long = call(program_usage, "mentee", "request_mentor",
                    {"mentor_id": mentor_id, "message": "x" * (mentorship.MAX_REQUEST_MESSAGE + 1)})
    assert too_long.status == 400 and not too_long.writes
    fits = call(program_usage, "mentee", "request_mentor",
                {"mentor_id": mentor_id, "message": "x" * mentorship.MAX_REQUEST_MESSAGE})
    assert fits.status == 200, fits.body


@pytest.mark.django_db
@pytest.mark.parametrize("person, cockpit, workspace", [
    ("anonymous", False, False), ("learner", False, False), ("mentee", False, True), ("mentor", False, True),
    ("coordinator", True, True)])
def test_learners_load_no_coordinator_code(program_usage, people, person, cockpit, workspace):
    """The cockpit's script reaches the course team only; the workspace's, people who can have a pair."""
    from .harness import block_as
    fragment = block_as(program_usage, people[person]).render("student_view", {})
    scripts = "\n".join(resource.data for resource in fragment.resources
                        if resource.mimetype == "application/javascript")
    assert ("global.MentoringCoordinator = " in scripts) == cockpit  # where coordinator.js defines itself
    assert ("global.MentoringWorkspace = " in scripts) == workspace
    assert "MentoringProgramBlock" in scripts  # every viewer's page runs the program view's own script
