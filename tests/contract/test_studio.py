"""Studio: authoring rights come from ``studio_user_permissions``, not from the user service.

In Studio the ``user`` service is ``DjangoXBlockUserService(user)`` with no role, so it says
``user_is_staff=False`` and ``user_role="student"`` for a course instructor and for global staff
alike (edx-platform ``cms/djangoapps/contentstore/utils.py::load_services_for_studio``). Studio also
offers ``studio_user_permissions`` (``StudioPermissionsService``), whose ``can_write(course_key)`` is
``has_studio_write_access``. Blocks that read authoring rights from the user service cannot be saved.
"""
import pytest

from mentoring_xblock import compat

from ..harness import block_as, make_user, parse_olx
from .runtimes import StudioPermissions, call_handler, lms_block, studio_block

PROGRAM = '<mentoring_program program="leadership" display_name="Mentoring"/>'
ASSESSMENT = '<mentoring_assessment program="leadership" kind="self_pre" display_name="Before"/>'
SUBMISSIONS = {
    "program": (PROGRAM, {"display_name": "Renamed program", "config": {"capacity_default": 3}}),
    "assessment": (ASSESSMENT, {"display_name": "Renamed assessment", "definition": {"weight": 3}}),
}


def block_to_submit(kind):
    """A new block of ``kind``, the Studio submission for it, and its fields before the submission."""
    olx, body = SUBMISSIONS[kind]
    usage_id = parse_olx(olx)
    return usage_id, body, saved_fields(usage_id)


def saved_fields(usage_id):
    block = block_as(usage_id, "anonymous")
    if block.scope_ids.block_type == "mentoring_program":
        return block.display_name, block.program_config()["capacity_default"]
    return block.display_name, block.clean_definition()["weight"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SUBMISSIONS))
def test_a_course_author_saves_although_the_user_service_says_student(kind):
    usage_id, body, _before = block_to_submit(kind)
    author = make_user("author")  # not global staff: a course instructor
    course_key = compat.course_key_for(block_as(usage_id, "anonymous"))
    permissions = StudioPermissions([course_key])
    block = studio_block(usage_id, author, permissions)
    assert block.identity().is_coordinator is False  # what Studio's user service says
    result = call_handler(block, "studio_submit", body)
    assert result.status == 200, result.body
    assert permissions.asked == [str(course_key)]
    assert saved_fields(usage_id) == ((body["display_name"], 3) if kind == "program"
                                      else (body["display_name"], 3.0))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SUBMISSIONS))
def test_someone_without_write_access_is_refused_and_nothing_changes(kind):
    usage_id, body, before = block_to_submit(kind)
    reader = make_user("reader", staff=True)  # Django staff flag, but no write access to this course
    block = studio_block(usage_id, reader, StudioPermissions(["course-v1:Other+Course+Run"]))
    result = call_handler(block, "studio_submit", body)
    assert result.status == 403 and result.body["error"]
    assert saved_fields(usage_id) == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SUBMISSIONS))
def test_in_the_lms_course_staff_may_author_and_learners_may_not(kind):
    """No studio_user_permissions service (the LMS): the user service's course staff flag decides."""
    usage_id, body, before = block_to_submit(kind)
    learner = lms_block(usage_id, make_user("learner"))
    assert call_handler(learner, "studio_submit", body).status == 403
    assert saved_fields(usage_id) == before
    staff = lms_block(usage_id, make_user("staff"), course_staff=True)
    assert call_handler(staff, "studio_submit", body).status == 200
    assert saved_fields(usage_id)[0] == body["display_name"]


@pytest.mark.django_db
def test_studio_views_render_for_an_author():
    for olx, name in ((PROGRAM, "Mentoring"), (ASSESSMENT, "Before")):
        usage_id = parse_olx(olx)
        author = make_user("author")
        block = studio_block(usage_id, author, StudioPermissions([compat.course_key_for(block_as(usage_id,
                                                                                               "anonymous"))]))
        for view in ("author_view", "studio_view"):
            html = block.render(view, {}).body_html()
            assert name in html, view
