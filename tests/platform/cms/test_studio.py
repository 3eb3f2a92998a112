"""The blocks in Studio: author view (preview), editor (studio_view) and saving (studio_submit), by course role.

Through Studio's own views with a logged-in Django test client: ``xblock_view_handler``
(``/xblock/<usage_key>/<view>``, JSON) and ``component_handler`` (``/xblock/<usage_key>/handler/<name>``).
Saving is read back from the modulestore. A course instructor (not global staff) and global staff may
author; a learner, the LMS's limited staff and another course's staff may not, and change nothing.
"""
# ruff: noqa: E402  (platform imports come after the module-level skip, so the default suite never runs them)
from ..support import json_or_text, require

require("cms")

# pylint: disable=wrong-import-position
import json

from cms.djangoapps.contentstore.utils import load_services_for_studio
from common.djangoapps.student.roles import CourseLimitedStaffRole
from common.djangoapps.student.tests.factories import (
    CourseEnrollmentFactory,
    GlobalStaffFactory,
    InstructorFactory,
    StaffFactory,
    UserFactory,
)
from django.urls import reverse
from xmodule.modulestore.django import modulestore
from xmodule.modulestore.tests.django_utils import ModuleStoreTestCase
from xmodule.modulestore.tests.factories import BlockFactory, CourseFactory

from mentoring_xblock.identity import ATTR_USER_IS_STAFF, ATTR_USER_ROLE

from ..courses import SLUG, MentoringCourse

PASSWORD = UserFactory._DEFAULT_PASSWORD  # pylint: disable=protected-access
PROGRAM_AUTHOR_VIEW = "mentoring-author"  # templates/program_author.html
ASSESSMENT_AUTHOR_VIEW = f"program “{SLUG}”, weight"  # templates/assessment_author.html
STUDIO_FORM = "mentoring-studio-form"  # templates/*_studio.html


class StudioTestCase(ModuleStoreTestCase):
    """A course with both blocks and people in every Studio role."""

    def setUp(self):
        super().setUp()
        self.mentoring = MentoringCourse(self.store)
        self.course_key = self.mentoring.key
        self.instructor = InstructorFactory(course_key=self.course_key, username="course_instructor")
        self.global_staff = GlobalStaffFactory(username="global_staff")
        self.learner = UserFactory(username="learner_one")
        CourseEnrollmentFactory(user=self.learner, course_id=self.course_key)
        self.limited_staff = UserFactory(username="limited_staff")
        CourseLimitedStaffRole(self.course_key).add_users(self.limited_staff)
        other_course = CourseFactory.create(org="Elsewhere", number="X1", run="2026")
        self.other_staff = StaffFactory(course_key=other_course.id, username="other_course_staff")
        self.authors = (self.instructor, self.global_staff)
        self.outsiders = (self.learner, self.limited_staff, self.other_staff)

    def login(self, user):
        self.client.logout()
        assert self.client.login(username=user.username, password=PASSWORD)

    def view(self, user, block, view_name):
        """GET Studio's xblock view as JSON; (status, html)."""
        self.login(user)
        response = self.client.get(reverse("xblock_view_handler", kwargs={"usage_key_string": str(block.location),
                                                                          "view_name": view_name}),
                                   HTTP_ACCEPT="application/json")
        html = json.loads(response.content.decode("utf-8"))["html"] if response.status_code == 200 else ""
        return response.status_code, html

    def submit(self, user, block, data):
        """POST JSON to the block's studio_submit through Studio's component handler; (status, JSON)."""
        self.login(user)
        response = self.client.post(reverse("component_handler", kwargs={"usage_key_string": str(block.location),
                                                                         "handler": "studio_submit"}),
                                    data=json.dumps(data), content_type="application/json")
        return response.status_code, json_or_text(response)

    def stored(self, block):
        """The block as Studio's modulestore has it now."""
        return modulestore().get_item(block.location)


class TestStudioViews(StudioTestCase):
    """Author view (in the unit's container preview and alone) and the editor, for each author."""

    def test_container_preview_shows_both_author_views(self):
        for user in self.authors:
            status, html = self.view(user, self.mentoring.vertical, "container_preview")
            assert status == 200, user.username
            assert PROGRAM_AUTHOR_VIEW in html, user.username
            assert ASSESSMENT_AUTHOR_VIEW in html, user.username

    def test_author_view_of_each_block(self):
        for user in self.authors:
            status, html = self.view(user, self.mentoring.program, "author_view")
            assert status == 200 and PROGRAM_AUTHOR_VIEW in html, user.username
            assert "Leadership mentoring" in html
            status, html = self.view(user, self.mentoring.assessment, "author_view")
            assert status == 200 and ASSESSMENT_AUTHOR_VIEW in html, user.username

    def test_studio_view_of_each_block(self):
        for user in self.authors:
            status, html = self.view(user, self.mentoring.program, "studio_view")
            assert status == 200 and STUDIO_FORM in html, (user.username, html[:500])
            assert f'name="program_slug" type="text" maxlength="64" value="{SLUG}"' in html
            status, html = self.view(user, self.mentoring.assessment, "studio_view")
            assert status == 200 and STUDIO_FORM in html, (user.username, html[:500])
            assert 'name="definition.kind"' in html

    def test_outsiders_cannot_open_the_views(self):
        for user in self.outsiders:
            for view_name in ("studio_view", "author_view"):
                status, _html = self.view(user, self.mentoring.program, view_name)
                assert status == 403, (user.username, view_name, status)

    def test_studio_user_service_calls_authors_students(self):
        """What the blocks must not trust in Studio: its user service says "student", not staff, for every author."""
        for user in self.authors:
            block = self.stored(self.mentoring.program)
            load_services_for_studio(block.runtime, user)
            xblock_user = block.runtime.service(block, "user").get_current_user()
            assert xblock_user.opt_attrs[ATTR_USER_ROLE] == "student", user.username
            assert not xblock_user.opt_attrs[ATTR_USER_IS_STAFF], user.username  # global staff included
            assert block.runtime.service(block, "studio_user_permissions").can_write(self.course_key)


class TestStudioSubmit(StudioTestCase):
    """studio_submit: authors save (stored in the modulestore), everyone else gets 403 and changes nothing."""

    def test_authors_save_the_program(self):
        for number, user in enumerate(self.authors, start=1):
            config = {"description": f"Saved by {user.username}", "capacity_default": 1 + number}
            status, body = self.submit(user, self.mentoring.program,
                                       {"display_name": f"Program {number}", "program_slug": f"leaders-{number}",
                                        "config": config})
            assert status == 200, (user.username, body)
            stored = self.stored(self.mentoring.program)
            assert stored.display_name == f"Program {number}"
            assert stored.program_slug == f"leaders-{number}"
            assert stored.config["description"] == f"Saved by {user.username}"
            assert stored.config["capacity_default"] == 1 + number
            assert stored.config["questions"] == self.mentoring.program.config["questions"]  # the rest kept

    def test_authors_save_the_assessment(self):
        for number, user in enumerate(self.authors, start=1):
            status, body = self.submit(user, self.mentoring.assessment,
                                       {"display_name": f"Assessment {number}",
                                        "definition": {"weight": 2.0 + number, "instructions": user.username}})
            assert status == 200, (user.username, body)
            stored = self.stored(self.mentoring.assessment)
            assert stored.display_name == f"Assessment {number}"
            assert stored.definition["weight"] == 2.0 + number
            assert stored.definition["instructions"] == user.username
            assert stored.definition["kind"] == "self_pre"

    def test_invalid_settings_get_400_and_change_nothing(self):
        before = self.stored(self.mentoring.assessment).definition
        status, body = self.submit(self.instructor, self.mentoring.assessment, {"definition": {"weight": "heavy"}})
        assert status == 400, body
        assert "definition" in body.get("fields", body) or "weight" in json.dumps(body), body
        assert self.stored(self.mentoring.assessment).definition == before

    def test_outsiders_get_403_and_change_nothing(self):
        program = self.stored(self.mentoring.program)
        assessment = self.stored(self.mentoring.assessment)
        for user in self.outsiders:
            status, body = self.submit(user, self.mentoring.program,
                                       {"display_name": "Hijacked", "config": {"description": "Hijacked"}})
            assert status == 403, (user.username, status, body)
            status, body = self.submit(user, self.mentoring.assessment,
                                       {"display_name": "Hijacked", "definition": {"weight": 99}})
            assert status == 403, (user.username, status, body)
        now_program, now_assessment = self.stored(self.mentoring.program), self.stored(self.mentoring.assessment)
        assert (now_program.display_name, now_program.program_slug, now_program.config) == (
            program.display_name, program.program_slug, program.config)
        assert (now_assessment.display_name, now_assessment.definition) == (
            assessment.display_name, assessment.definition)


class TestOneBlockPerProgram(StudioTestCase):
    """Two program blocks with one program name would share people but not settings.

    Studio refuses the second name, and warns where a course (an import) already has two.
    """

    def test_a_second_block_cannot_take_a_program_name_in_use(self):
        second = BlockFactory.create(parent=self.mentoring.vertical, category="mentoring_program",
                                     display_name="Second program", program_slug="other-program",
                                     config=self.mentoring.program.config)
        status, body = self.submit(self.instructor, second, {"program_slug": SLUG})
        assert status == 400, body
        assert "Leadership mentoring" in body["field_errors"]["program_slug"]
        assert self.stored(second).program_slug == "other-program"  # nothing changed
        status, body = self.submit(self.instructor, second, {"program_slug": "second-program"})
        assert status == 200, body  # a name of its own is fine, and saving its own name again too
        assert self.submit(self.instructor, second, {"program_slug": "second-program"})[0] == 200

    def test_the_editor_warns_when_two_blocks_already_share_a_name(self):
        twin = BlockFactory.create(parent=self.mentoring.vertical, category="mentoring_program",
                                   display_name="Imported twin", program_slug=SLUG,
                                   config=self.mentoring.program.config)
        status, html = self.view(self.instructor, twin, "studio_view")
        assert status == 200 and "Leadership mentoring" in html and "only one block" in html
