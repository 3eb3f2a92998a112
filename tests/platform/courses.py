"""A course with both mentoring blocks, built with the platform's own factories (imported by platform tests only)."""
from xmodule.modulestore import ModuleStoreEnum
from xmodule.modulestore.tests.factories import BlockFactory, CourseFactory

from mentoring_xblock.demo import leadership_config

BLOCK_TYPES = ["mentoring_program", "mentoring_assessment"]
GRADING_POLICY = {
    "GRADER": [{"type": "Mentoring", "min_count": 1, "drop_count": 0, "short_label": "MNT", "weight": 1.0}],
    "GRADE_CUTOFFS": {"Pass": 0.5},
}
SLUG = "leadership"


def program_config():
    """The demo program's configuration without its dates (so that the tests do not depend on today's date)."""
    return {key: value for key, value in leadership_config().items() if key not in ("starts", "ends")}


class MentoringCourse:
    """course > chapter > sequential (graded, "Mentoring") > vertical > program block + self_pre assessment."""

    def __init__(self, store, org="MentoringPlatform", number="MNT101", run="2026", weight=1.0):
        self.store = store
        course = CourseFactory.create(org=org, number=number, run=run, display_name="Leadership with mentoring",
                                      advanced_modules=list(BLOCK_TYPES))
        self.chapter = BlockFactory.create(parent=course, category="chapter", display_name="Your mentoring program")
        self.sequential = BlockFactory.create(parent=self.chapter, category="sequential", display_name="Mentoring",
                                              graded=True, format="Mentoring")
        self.vertical = BlockFactory.create(parent=self.sequential, category="vertical", display_name="Mentoring unit")
        self.program = BlockFactory.create(parent=self.vertical, category="mentoring_program",
                                           display_name="Leadership mentoring", program_slug=SLUG,
                                           config=program_config())
        self.assessment = BlockFactory.create(parent=self.vertical, category="mentoring_assessment",
                                              display_name="Before the program: rate your leadership skills",
                                              program_slug=SLUG, definition={"kind": "self_pre", "weight": weight})
        self.key = course.id
        course = store.get_course(course.id)
        course.set_grading_policy(GRADING_POLICY)
        store.update_item(course, ModuleStoreEnum.UserID.test)

    @property
    def course(self):
        """The course as the modulestore has it now."""
        return self.store.get_course(self.key)

    def reload(self, block):
        """``block`` as the modulestore has it now (draft branch)."""
        with self.store.branch_setting(ModuleStoreEnum.Branch.draft_preferred, self.key):
            return self.store.get_item(block.location)

    def update(self, block, publish=True, **fields):
        """Change fields of ``block`` as an author would (draft branch), then publish; the block as stored."""
        with self.store.branch_setting(ModuleStoreEnum.Branch.draft_preferred, self.key):
            stored = self.store.get_item(block.location)
            for name, value in fields.items():
                setattr(stored, name, value)
            self.store.update_item(stored, ModuleStoreEnum.UserID.test)
            if publish:
                self.store.publish(stored.location, ModuleStoreEnum.UserID.test)
        return self.reload(block)
