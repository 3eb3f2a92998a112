"""The ``mentoring_assessment`` block: a program's self-assessment, feedback or check-in in the course."""
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from xblock.core import XBlock
from xblock.fields import Dict, Scope, String

from .. import olx
from ..assessment_config import KINDS, clean_definition
from ..errors import ConfigurationError, PermissionDenied, ValidationError
from ..services.programs import get_or_create_program
from .base import MentoringBlockMixin, json_handler

KIND_LABELS = {
    "self_pre": gettext_noop("Self-assessment before the program"),
    "self_post": gettext_noop("Self-assessment after the program"),
    "mentor_rates_mentee": gettext_noop("Mentor's rating of the mentee"),
    "mentee_rates_mentor": gettext_noop("Feedback on your mentor"),
    "checkin": gettext_noop("Relationship check-in"),
    "goal_attainment": gettext_noop("Goal attainment"),
}


@XBlock.needs("user")
@XBlock.needs("i18n")
class MentoringAssessmentBlock(MentoringBlockMixin, XBlock):
    """An assessment of a mentoring program: its kind, items and how it counts."""

    display_name = String(display_name=gettext_noop("Display name"), default=gettext_noop("Mentoring assessment"),
                          scope=Scope.settings)
    program_slug = String(display_name=gettext_noop("Program"), default="mentoring", scope=Scope.settings,
                          help=gettext_noop("The program (by name) this assessment belongs to."))
    definition = Dict(display_name=gettext_noop("Assessment definition"), default={}, scope=Scope.settings,
                      help=gettext_noop("Kind, items, weight and editing rules."))

    has_author_view = True
    icon_class = "problem"

    def program(self):
        """The Program row; its configuration is authored on the program block, never here."""
        return get_or_create_program(self.course_key(), self.program_slug)

    def clean_definition(self):
        """The authored definition, completed with the kind's defaults."""
        return clean_definition(self.definition)

    def _context(self):
        definition = self.clean_definition()
        return {"display_name": self.display_name, "program_slug": self.program_slug, "definition": definition,
                "kind_label": _(KIND_LABELS[definition["kind"]])}

    def student_view(self, context=None):
        """The LMS view of the assessment definition."""
        return self.fragment("templates/assessment.html", self._context())

    def author_view(self, context=None):
        """Studio preview: the kind, weight and items."""
        return self.fragment("templates/assessment.html", dict(self._context(), author=True))

    def studio_view(self, context=None):
        """Studio editor: kind, weight, editing rule, and the items as JSON."""
        definition = self.clean_definition()
        return self.fragment("templates/assessment_studio.html", {
            "display_name": self.display_name, "program_slug": self.program_slug, "definition": definition,
            "kinds": [(kind, _(KIND_LABELS[kind])) for kind in KINDS],
            "items_json": json.dumps(definition["items"], indent=2),
        }, js_class="MentoringAssessmentStudio", js=("js/mentoring.js", "js/studio.js"))

    @json_handler
    def studio_submit(self, data, suffix=""):
        """Save the Studio editor's fields after validating the whole definition."""
        if not self.identity().is_coordinator:
            raise PermissionDenied(_("Only the course team can change this assessment."))
        if not isinstance(data, dict) or not isinstance(data.get("definition", {}), dict):
            raise ValidationError(_("Send the settings as a JSON object."))
        display_name = data.get("display_name", self.display_name)
        slug = data.get("program_slug", self.program_slug)
        errors = {}
        if not isinstance(display_name, str) or not display_name.strip() or len(display_name) > 255:
            errors["display_name"] = _("Give the block a name of at most 255 characters.")
        if not isinstance(slug, str) or not olx.IDENT_SLUG.match(slug):
            errors["program_slug"] = _("Use 1-64 lowercase letters, digits, - or _ for the program name.")
        if errors:
            raise ValidationError(_("Some settings need your attention."), errors)
        try:
            definition = clean_definition(dict(self.clean_definition(), **data.get("definition", {})))
        except ConfigurationError as error:
            raise ValidationError(error.message, {"definition": error.message}) from None
        self.display_name, self.program_slug, self.definition = display_name.strip(), slug, definition
        return {"saved": True}

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Read the block from OLX; bad OLX names the element and the problem."""
        block = runtime.construct_xblock_from_class(cls, keys)
        block.definition = olx.assessment_from_node(node)
        if node.get("display_name"):
            block.display_name = node.get("display_name")
        slug = node.get("program", "mentoring")
        if not olx.IDENT_SLUG.match(slug):
            olx.fail(node, _('"program" must be 1-64 lowercase letters, digits, - or _'))
        block.program_slug = slug
        return block

    def add_xml_to_node(self, node):
        """Write the block and its definition as OLX."""
        node.tag = self.scope_ids.block_type
        node.set("xblock-family", self.entry_point)
        node.set("display_name", self.display_name)
        node.set("program", self.program_slug)
        olx.assessment_to_node(self.clean_definition(), node)

    @staticmethod
    def workbench_scenarios():
        """One demo scenario per assessment kind, in the demo leadership program."""
        from ..demo import DEMO_SLUG  # pylint: disable=import-outside-toplevel
        titles = {"self_pre": "Before the program: rate your leadership skills",
                  "self_post": "After the program: rate your leadership skills",
                  "mentor_rates_mentee": "Mentors: rate your mentee's growth",
                  "checkin": "Monthly relationship check-in"}
        return [(f"Mentoring assessment: {title}",
                 f'<mentoring_assessment display_name="{title}" program="{DEMO_SLUG}" kind="{kind}"'
                 f'{" repeat_days=\"30\"" if kind == "checkin" else ""}/>')
                for kind, title in titles.items()]
