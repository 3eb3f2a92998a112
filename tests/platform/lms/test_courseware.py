"""A learner and the course team in the LMS: rendering, handlers, Participant rows, grades, completion.

Everything goes through the LMS's own views (``render_xblock``, ``xblock_handler``, the instructor
dashboard's rescore API) with a logged-in Django test client, and every outcome is read back from the
platform's tables (StudentModule, BlockCompletion, the course grade) or the plugin's models.
"""
# ruff: noqa: E402  (platform imports come after the module-level skip, so the default suite never runs them)
from ..support import json_or_text, require

require("lms")

# pylint: disable=wrong-import-position
import json

from common.djangoapps.student.tests.factories import (
    CourseEnrollmentFactory,
    InstructorFactory,
    StaffFactory,
    UserFactory,
)
from completion.models import BlockCompletion
from completion.waffle import ENABLE_COMPLETION_TRACKING_SWITCH
from django.conf import settings
from django.urls import reverse
from edx_toggles.toggles.testutils import override_waffle_switch
from lms.djangoapps.course_blocks.api import get_course_blocks
from lms.djangoapps.courseware.models import StudentModule
from lms.djangoapps.grades.course_grade_factory import CourseGradeFactory
from lms.djangoapps.grades.transformer import GradesTransformer
from lms.djangoapps.instructor_task.models import InstructorTask
from openedx.core.djangoapps.content.block_structure.api import get_course_in_cache
from openedx.core.djangoapps.lang_pref import LANGUAGE_KEY
from openedx.core.djangoapps.user_api.preferences.api import set_user_preference
from xmodule.modulestore import ModuleStoreEnum
from xmodule.modulestore.django import modulestore
from xmodule.modulestore.tests.django_utils import ModuleStoreTestCase

from mentoring_xblock.assessment_config import clean_definition
from mentoring_xblock.models import AssessmentResponse, Participant, Program

from ..courses import SLUG, MentoringCourse

PASSWORD = UserFactory._DEFAULT_PASSWORD  # pylint: disable=protected-access
LEARNER_VIEW = "How would you like to take part?"  # templates/program.html, to someone who has not joined
LEARNER_VIEW_ES = "¿Cómo te gustaría participar?"
COORDINATOR_VIEW = 'class="mentoring-coord-panel"'  # templates/coordinator.html


class MentoringLmsTestCase(ModuleStoreTestCase):
    """A course with both blocks, an enrolled learner, course staff and an instructor."""

    # Publishing updates the course's block structure (the grades' weights and max scores), as in the LMS.
    ENABLED_SIGNALS = ["course_published"]

    def setUp(self):
        super().setUp()
        self.mentoring = MentoringCourse(self.store)
        self.course_key = self.mentoring.key
        self.learner = UserFactory(username="learner_one")
        CourseEnrollmentFactory(user=self.learner, course_id=self.course_key)
        self.staff = StaffFactory(course_key=self.course_key, username="course_staff")
        self.instructor = InstructorFactory(course_key=self.course_key, username="course_instructor")

    # ---- helpers -----------------------------------------------------------------------------

    def login(self, user):
        """The test client signed in as ``user``."""
        self.client.logout()
        assert self.client.login(username=user.username, password=PASSWORD)

    def render(self, user, block):
        """GET /xblock/<usage_key> as ``user``."""
        self.login(user)
        return self.client.get(reverse("render_xblock", kwargs={"usage_key_string": str(block.location)}))

    def handler(self, user, block, handler, data=None):
        """POST JSON to the block's LMS handler URL as ``user``; (status, parsed JSON or text)."""
        self.login(user)
        url = reverse("xblock_handler", kwargs={"course_id": str(self.course_key), "usage_id": str(block.location),
                                                "handler": handler, "suffix": ""})
        with self.captureOnCommitCallbacks(execute=True):  # the grade tasks the LMS queues on commit
            response = self.client.post(url, data=json.dumps(data or {}), content_type="application/json")
        return response.status_code, json_or_text(response)

    def join_and_submit(self, user):
        """``user`` joins as a mentee and submits the self-assessment with every item answered."""
        status, body = self.handler(user, self.mentoring.program, "join", {"role": "mentee"})
        assert status == 200, body
        definition = clean_definition(self.mentoring.assessment.definition)
        answers = {item["id"]: item["points"][3]["value"] for item in definition["items"]}
        status, body = self.handler(user, self.mentoring.assessment, "save_response",
                                    {"subject_id": None, "answers": answers, "submit": True})
        assert status == 200, body
        return body

    def student_module(self, user, block):
        """The StudentModule row of ``user`` for ``block`` or None."""
        return StudentModule.objects.filter(student=user, course_id=self.course_key,
                                            module_state_key=block.location).first()

    def mentoring_subsection(self, user):
        """``user``'s course grade (read as the progress page does) and its graded Mentoring subsection's grade."""
        course_grade = CourseGradeFactory().read(user, self.mentoring.course)
        return course_grade, course_grade.subsection_grades[self.mentoring.sequential.location]

    def dashboard_rescore(self, block, learner):
        """The instructor dashboard's rescore of ``learner``'s answer to ``block`` (an instructor task, run)."""
        self.login(self.instructor)
        url = reverse("rescore_problem", kwargs={"course_id": str(self.course_key)})
        response = self.client.post(url, {"problem_to_reset": str(block.location),
                                          "unique_student_identifier": learner.username, "only_if_higher": False})
        assert response.status_code == 200, response.content
        task = InstructorTask.objects.get(course_id=self.course_key, task_type="rescore_problem")
        assert task.task_state == "SUCCESS", task.task_output
        assert json.loads(task.task_output)["succeeded"] == 1, task.task_output
        return task

    def assessment_score(self, user):
        """(earned, possible) of the assessment block in ``user``'s course grade."""
        course_grade = CourseGradeFactory().read(user, self.mentoring.course)
        score = course_grade.problem_scores.get(self.mentoring.assessment.location)
        return None if score is None else (score.earned, score.possible)


class TestRenderXBlock(MentoringLmsTestCase):
    """/xblock/<usage_key>: the learner's view, the coordinator's view, in the viewer's language."""

    def test_learner_sees_the_learner_view(self):
        response = self.render(self.learner, self.mentoring.program)
        assert response.status_code == 200
        html = response.content.decode("utf-8")
        assert LEARNER_VIEW in html
        assert COORDINATOR_VIEW not in html
        assert "Leadership mentoring" in html

    def test_course_staff_sees_the_coordinator_view(self):
        response = self.render(self.staff, self.mentoring.program)
        assert response.status_code == 200
        html = response.content.decode("utf-8")
        assert COORDINATOR_VIEW in html

    def test_assessment_renders_for_learner_and_staff(self):
        learner = self.render(self.learner, self.mentoring.assessment)
        staff = self.render(self.staff, self.mentoring.assessment)
        assert learner.status_code == 200 and staff.status_code == 200
        assert "Self-assessment before the program" in learner.content.decode("utf-8")

    def test_i18n_service_renders_in_the_learners_language(self):
        """The learner's LMS language preference reaches the block's templates through the i18n service."""
        set_user_preference(self.learner, LANGUAGE_KEY, "es-419")  # as the account settings page saves it
        first = self.render(self.learner, self.mentoring.program)  # the LMS answers with the language cookie
        assert first.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es-419"
        response = self.client.get(reverse("render_xblock",
                                           kwargs={"usage_key_string": str(self.mentoring.program.location)}))
        assert response.status_code == 200
        html = response.content.decode("utf-8")
        assert 'lang="es-419"' in html
        assert LEARNER_VIEW_ES in html
        assert LEARNER_VIEW not in html


class TestHandlersGradesCompletion(MentoringLmsTestCase):
    """The LMS handler URL: joining, answering, and what lands in the platform's tables."""

    def test_join_creates_a_participant_for_the_caller(self):
        status, body = self.handler(self.learner, self.mentoring.program, "join", {"role": "mentee"})
        assert status == 200, body
        program = Program.objects.get(course_key=self.course_key, slug=SLUG)
        participant = Participant.objects.get(program=program, user_id=self.learner.id)
        assert participant.is_mentee
        assert participant.status == Participant.Status.ACTIVE
        assert participant.username == self.learner.username
        assert not Participant.objects.filter(user_id__in=[self.staff.id, self.instructor.id]).exists()

    def test_anonymous_handler_call_changes_nothing(self):
        self.client.logout()
        url = reverse("xblock_handler", kwargs={"course_id": str(self.course_key),
                                                "usage_id": str(self.mentoring.program.location),
                                                "handler": "join", "suffix": ""})
        response = self.client.post(url, data=json.dumps({"role": "mentee"}), content_type="application/json")
        assert response.status_code in (302, 401, 403, 404), response.status_code
        assert not Participant.objects.exists()

    @override_waffle_switch(ENABLE_COMPLETION_TRACKING_SWITCH, True)
    def test_submit_scores_grades_and_completes_for_the_learner(self):
        body = self.join_and_submit(self.learner)
        assert body["state"] == "submitted" and body["score"] == 1.0 and body["max_score"] == 1.0
        assert AssessmentResponse.objects.filter(respondent__user_id=self.learner.id, state="submitted").count() == 1

        row = self.student_module(self.learner, self.mentoring.assessment)
        assert row is not None, "no StudentModule row for the learner"
        assert (row.grade, row.max_grade) == (1.0, 1.0)

        course_grade, subsection = self.mentoring_subsection(self.learner)
        assert (subsection.graded_total.earned, subsection.graded_total.possible) == (1.0, 1.0)
        assert self.assessment_score(self.learner) == (1.0, 1.0)
        assert course_grade.percent == 1.0
        assert course_grade.passed

        completion = BlockCompletion.objects.get(user=self.learner, context_key=self.course_key,
                                                 block_key=self.mentoring.assessment.location)
        assert completion.completion == 1.0

    def test_learner_without_submission_has_no_grade(self):
        status, body = self.handler(self.learner, self.mentoring.program, "join", {"role": "mentee"})
        assert status == 200, body
        course_grade, subsection = self.mentoring_subsection(self.learner)
        assert subsection.graded_total.earned == 0.0
        assert course_grade.percent == 0.0


class TestGradesGoToTheRightUser(MentoringLmsTestCase):
    """The LMS credits a grade event to the request's user: staff actions must never grade staff."""

    def test_rescore_all_by_staff_gives_staff_no_grade_and_keeps_the_learners(self):
        self.join_and_submit(self.learner)
        before = self.student_module(self.learner, self.mentoring.assessment)
        assert (before.grade, before.max_grade) == (1.0, 1.0)

        status, body = self.handler(self.staff, self.mentoring.assessment, "rescore_all")
        assert status == 200 and body["queued"] == 1 and body["task_id"], body  # the platform's task, queued

        staff_row = self.student_module(self.staff, self.mentoring.assessment)
        assert staff_row is None or staff_row.grade is None, (
            f"rescore_all credited a grade to the staff user who called it: "
            f"{staff_row.grade}/{staff_row.max_grade} (answer {status}: {body})")
        staff_grade, staff_subsection = self.mentoring_subsection(self.staff)
        assert staff_subsection.graded_total.earned == 0.0
        assert staff_grade.percent == 0.0

        after = self.student_module(self.learner, self.mentoring.assessment)
        assert (after.grade, after.max_grade) == (1.0, 1.0)
        _course_grade, subsection = self.mentoring_subsection(self.learner)
        assert subsection.graded_total.earned == 1.0

        # The block handed the work to the platform's rescore task, which ran for each learner as that learner.
        tasks = InstructorTask.objects.filter(course_id=self.course_key, task_type__startswith="rescore_problem")
        assert [task.task_id for task in tasks] == [body["task_id"]]
        for task in tasks:
            assert task.requester == self.staff
            assert str(self.mentoring.assessment.location) in task.task_input
            assert task.task_state == "SUCCESS", task.task_output
            assert json.loads(task.task_output)["failed"] == 0, task.task_output

    def test_platform_rescore_of_one_learner_republishes_their_own_grade(self):
        """The instructor dashboard's rescore (an instructor task) recomputes the learner's score (new weight)."""
        self.join_and_submit(self.learner)
        with self.captureOnCommitCallbacks(execute=True):  # the block structure update the publish queues
            assessment = self.mentoring.update(self.mentoring.assessment,
                                               definition=dict(self.mentoring.assessment.definition, weight=2.0))
        with modulestore().branch_setting(ModuleStoreEnum.Branch.published_only, self.course_key):
            assert modulestore().get_item(assessment.location).weight == 2.0

        self.dashboard_rescore(assessment, self.learner)

        row = self.student_module(self.learner, assessment)
        assert (row.grade, row.max_grade) == (2.0, 2.0)
        for user in (self.instructor, self.staff):
            other = self.student_module(user, assessment)
            assert other is None or other.grade is None, f"{user.username} got a grade"
        _course_grade, subsection = self.mentoring_subsection(self.learner)
        assert (subsection.graded_total.earned, subsection.graded_total.possible) == (2.0, 2.0)


class TestGradedByTheRating(MentoringLmsTestCase):
    """A mentor's rating as the mentee's grade: the mentor's request grades nobody; the mentee's view grades them."""

    def test_the_rating_lands_in_the_mentees_gradebook_not_the_mentors(self):
        from mentoring_xblock.models import Match
        from mentoring_xblock.services import mentorship

        mentor_user = UserFactory(username="mentor_one")
        CourseEnrollmentFactory(user=mentor_user, course_id=self.course_key)
        with self.captureOnCommitCallbacks(execute=True):
            rating = self.mentoring.update(self.mentoring.assessment, definition={
                "kind": "mentor_rates_mentee", "weight": 4.0, "grading": "subject_result"})
        for user, role in ((self.learner, "mentee"), (mentor_user, "mentor")):
            status, body = self.handler(user, self.mentoring.program, "join", {"role": role})
            assert status == 200, body
        program = Program.objects.get(course_key=self.course_key, slug=SLUG)
        mentee = Participant.objects.get(program=program, user_id=self.learner.id)
        mentor = Participant.objects.get(program=program, user_id=mentor_user.id)
        Participant.objects.filter(pk=mentor.pk).update(mentor_status="approved", capacity=2)
        mentor.refresh_from_db()
        mentorship.open_match(program, mentor, mentee, Match.Origin.COORDINATOR, Match.State.ACTIVE, None)

        definition = clean_definition(rating.definition)
        level = {item["id"]: 4 for item in definition["items"] if item["kind"] == "scale"}  # 4 on the 1..6 scale
        status, body = self.handler(mentor_user, rating, "save_response",
                                    {"subject_id": mentee.pk, "answers": level, "submit": True})
        assert status == 200, body
        mentor_row = self.student_module(mentor_user, rating)
        assert mentor_row is None or mentor_row.grade is None, "the mentor was graded for the mentee's rating"

        expected = 4.0 * (4 - 1) / (6 - 1)  # independently: 4 on 1..6 is 3/5 of the way, times the weight
        response = self.render(self.learner, rating)
        assert response.status_code == 200
        assert "What was said about you" in response.content.decode()
        row = self.student_module(self.learner, rating)
        assert row is not None and abs(row.grade - expected) < 1e-9 and row.max_grade == 4.0
        assert self.assessment_score(self.learner) == (expected, 4.0)
        assert self.assessment_score(mentor_user) in (None, (0.0, 4.0))

        # The instructor dashboard's rescore of the mentee republishes their grade from the rating.
        self.dashboard_rescore(rating, self.learner)
        row = self.student_module(self.learner, rating)
        assert abs(row.grade - expected) < 1e-9 and row.max_grade == 4.0


class TestGradesTransformer(MentoringLmsTestCase):
    """At course publish the grades transformer collects each scored block's max_score (None breaks grading)."""

    def publish_course(self):
        """Publish the course as Studio does; the LMS rebuilds the collected block structure."""
        with self.captureOnCommitCallbacks(execute=True):
            self.store.publish(self.course_key.make_usage_key("course", "course"), ModuleStoreEnum.UserID.test)
        return get_course_in_cache(self.course_key)

    def collected(self, structure, block, field):
        return structure.get_transformer_block_field(block.location, GradesTransformer, field)

    def test_assessment_max_score_is_its_weight(self):
        self.mentoring.update(self.mentoring.assessment,
                              definition=dict(self.mentoring.assessment.definition, weight=3.0))
        structure = self.publish_course()
        assert self.collected(structure, self.mentoring.assessment, "max_score") == 3.0
        assert structure.get_xblock_field(self.mentoring.assessment.location, "has_score") is True
        assert structure.get_xblock_field(self.mentoring.assessment.location, "weight") == 3.0
        learner_blocks = get_course_blocks(self.learner, self.mentoring.course.location)
        assert self.collected(learner_blocks, self.mentoring.assessment, "max_score") == 3.0

    def test_program_is_unscored_until_participation_grading_is_on(self):
        structure = self.publish_course()
        assert not structure.get_xblock_field(self.mentoring.program.location, "has_score")
        config = dict(self.mentoring.program.config,
                      participation_grading={"enabled": True, "weight": 2.0, "matched": True,
                                             "agreement_signed": False, "meetings": 0})
        self.mentoring.update(self.mentoring.program, config=config)
        structure = self.publish_course()
        assert structure.get_xblock_field(self.mentoring.program.location, "has_score") is True
        assert self.collected(structure, self.mentoring.program, "max_score") == 2.0


class TestPublishingStoresTheConfiguration(MentoringLmsTestCase):
    """The modulestore's ``course_published`` signal stores each program's authored configuration.

    That is where tasks and commands read it; views only read it.
    """

    def test_publishing_stores_the_configuration_and_views_write_nothing(self):
        config = dict(self.mentoring.program.config, description="Published in Studio")
        self.mentoring.update(self.mentoring.program, config=config, publish=True)
        program = Program.objects.get(course_key=self.course_key, slug=SLUG)
        assert program.configuration["description"] == "Published in Studio"  # no view has run yet
        before = Program.objects.filter(pk=program.pk).values().get()
        assert self.render(self.learner, self.mentoring.program).status_code == 200
        assert self.render(self.staff, self.mentoring.program).status_code == 200
        assert Program.objects.filter(pk=program.pk).values().get() == before
