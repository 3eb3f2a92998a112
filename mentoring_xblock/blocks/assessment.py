"""The ``mentoring_assessment`` block: a program's self-assessment, feedback or check-in in the course.

Scorable and completable. What it counts for, and for whom, is the definition's ``grading``
(``domain.assessments``): the respondent for submitting, the person rated by the rating, or nobody.
A block only ever grades the user it serves, so the person rated is graded when they open it (and by
the LMS's rescore). The last published score is kept in user_state so that a view can republish when
the rules, the weight or the rating changed since.
"""
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Dict, Scope, String
from xblock.scorable import ScorableXBlockMixin, Score

from .. import compat, olx, policy
from ..assessment_config import (
    ALLOWED_GRADINGS,
    GRADING_LABELS,
    GRADINGS,
    KINDS,
    SHARED_BY_DEFAULT,
    clean_definition,
)
from ..assessment_selectors import assessment_view_state
from ..demo import DEMO_SLUG
from ..domain import assessments as rules
from ..errors import ConfigurationError, ValidationError
from ..identity import STUDIO_PERMISSIONS_SERVICE
from ..reference import translated
from ..services import assessments as service
from ..services.programs import get_or_create_program
from ..spreadsheets import to_csv
from ..validation import json_object as _object
from .base import I18N_JS_NAMESPACE, MentoringBlockMixin, download_handler, json_handler

REPORT_LABELS = (
    ("rates", gettext_noop("Response rates by kind (CSV)")),
    ("growth", gettext_noop("Competencies before and after (CSV)")),
    ("checkins", gettext_noop("Check-in trends by period (CSV)")),
)
KIND_LABELS = rules.KIND_LABELS




def _safe_name(filename):
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename)[:150]


def _csv_download(text, filename):
    """A CSV attachment (UTF-8 with a BOM so spreadsheets read accents)."""
    response = Response(("\ufeff" + text).encode("utf-8"), content_type="text/csv", charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe_name(filename)}"'
    return response


# The editor's fields a definition error can be shown under (the rest, the items, go under the items' JSON).
EDITOR_FIELDS = ("kind", "instructions", "weight", "grading", "shared_with_subject", "repeat_days")


def _editor_field(message):
    """The editor field a definition error belongs to, from the path it starts with ("weight: ...")."""
    head = message.split(":", 1)[0].strip()
    return head if head in EDITOR_FIELDS else "definition"


@XBlock.needs("user")
@XBlock.needs("i18n")
@XBlock.wants(STUDIO_PERMISSIONS_SERVICE)  # Studio only: who may author the course
class MentoringAssessmentBlock(MentoringBlockMixin, ScorableXBlockMixin, XBlock):
    """An assessment of a mentoring program: its kind, items and how it counts."""

    display_name = String(display_name=gettext_noop("Display name"), default=gettext_noop("Mentoring assessment"),
                          scope=Scope.settings)
    program_slug = String(display_name=gettext_noop("Program"), default="mentoring", scope=Scope.settings,
                          help=gettext_noop("The program (by name) this assessment belongs to."))
    definition = Dict(display_name=gettext_noop("Assessment definition"), default={}, scope=Scope.settings,
                      help=gettext_noop("Kind, items, weight and editing rules."))
    # The only user_state: the score last published for this learner ({"earned": x, "possible": y}).
    published_score = Dict(default={}, scope=Scope.user_state)

    has_author_view = True
    has_score = True
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    icon_class = "problem"
    i18n_js_namespace = I18N_JS_NAMESPACE  # window.MentoringXBlockI18N: the JavaScript catalog

    def load_program(self):
        """The Program row; its configuration is authored on the program block, never here."""
        return get_or_create_program(self.course_key(), self.program_slug)

    def clean_definition(self):
        """The authored definition, completed with the kind's defaults."""
        return clean_definition(self.definition)

    @property
    def weight(self):
        """How much the assessment counts (the LMS's grading reads ``weight``): 0 when it is not graded."""
        return rules.graded_weight(self.clean_definition())

    def assessment(self):
        """The block as the assessment services see it."""
        return rules.Assessment(self.program(), compat.usage_key_for(self), self.clean_definition())

    def _context(self, definition=None):
        definition = definition or self.clean_definition()
        return {"display_name": self.display_name, "program_slug": self.program_slug, "definition": definition,
                "kind_label": translated(KIND_LABELS[definition["kind"]]), "dom_id": self.dom_id()}

    # ---- views ---------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The LMS view: the viewer's forms (or why there are none), answers, growth, coordinator summary."""
        assessment = self.assessment()
        state = assessment_view_state(assessment, self.identity())
        if state["score"] is not None:
            self._sync_grade(state["score"], rated=bool(state.get("graded_by_rating") and state["shared"]))
        ctx = dict(self._context(assessment.definition), **state)
        if state["is_coordinator"]:
            ctx["report_urls"] = [(name, label, self.runtime.handler_url(self, "report", query=f"report={name}"))
                                  for name, label in REPORT_LABELS]
        return self.fragment("templates/assessment.html", ctx, js_class="MentoringAssessmentBlock",
                             js=("js/mentoring.js", "js/assessment.js"),
                             css=("css/mentoring.css", "css/assessment.css"))

    def author_view(self, context=None):
        """Studio preview: the kind, weight and items."""
        context = self._context()
        context["grading_label"] = translated(GRADING_LABELS[context["definition"]["grading"]])
        return self.fragment("templates/assessment_author.html", dict(context, author=True),
                             css=("css/mentoring.css", "css/assessment.css"))

    def studio_view(self, context=None):
        """Studio editor: kind, weight, editing rule, and the items as JSON."""
        definition = self.clean_definition()
        return self.fragment("templates/assessment_studio.html", {
            "display_name": self.display_name, "program_slug": self.program_slug, "definition": definition,
            "kinds": [(kind, translated(KIND_LABELS[kind])) for kind in KINDS],
            "gradings": [(value, translated(GRADING_LABELS[value]),
                          " ".join(kind for kind in KINDS if value in ALLOWED_GRADINGS[kind])) for value in GRADINGS],
            "about_others": " ".join(SHARED_BY_DEFAULT),
            "items_json": json.dumps(definition["items"], indent=2),
        }, js_class="MentoringAssessmentStudio", js=("js/mentoring.js", "js/studio.js"))

    # ---- grading (ScorableXBlockMixin) ---------------------------------------------------------

    def has_submitted_answer(self):
        """True when the current user has submitted in this block."""
        return rules.has_submitted(self.assessment(), self.identity())

    def get_score(self):
        """The score last published for the current user."""
        stored = self.published_score or {}
        return Score(raw_earned=stored.get("earned", 0.0), raw_possible=stored.get("possible", self.weight))

    def set_score(self, score):
        """Remember the score published for the current user."""
        self.published_score = {"earned": score.raw_earned, "possible": score.raw_possible}

    def calculate_score(self):
        """The current user's score from their responses and the definition's weight."""
        return rules.grade_for_identity(self.assessment(), self.identity())[0]

    def max_score(self):
        """The most a person can earn here (the LMS's grades transformer reads it at course publish)."""
        return self.weight

    def rescore(self, only_if_higher):
        """Recompute and republish the current user's score.

        The LMS calls this once per learner, with the block bound to that learner, when the course team
        rescores (the instructor dashboard, or ``rescore_all`` here, which queues that same task).
        """
        if not self.allows_rescore():
            raise TypeError(_("This assessment cannot be rescored."))
        if not self.has_submitted_answer():
            raise ValueError(_("This person has not submitted this assessment yet."))
        self._publish_grade(self.calculate_score(), only_if_higher)

    def _publish_grade(self, score, only_if_higher=None):
        """Publish the current user's grade and remember it.

        The event names no user: the LMS credits a grade event to the user of the request whatever
        ``user_id`` it carries (``xmodule/services.py``, ``_handle_grade_event``), so a block can only ever
        grade the person it is serving.
        """
        self.runtime.publish(self, "grade", {"value": score.raw_earned, "max_value": score.raw_possible,
                                             "only_if_higher": only_if_higher})
        self.set_score(score)

    def _sync_grade(self, score, rated=False):
        """Republish on view when the stored published score differs (e.g. the weight or the rating changed).

        Nothing is published for a 0 nobody earned yet, unless it is what a rating gave (``rated``).
        """
        stored = self.published_score or {}
        if not stored and not score.raw_earned and not rated:
            return
        if stored.get("earned") != score.raw_earned or stored.get("possible") != score.raw_possible:
            self._publish_grade(score)

    # ---- handlers ------------------------------------------------------------------------------

    @json_handler("answer_assessment", policy.OWN_SCOPE)
    def save_response(self, data, suffix=""):
        """Save a draft or submit: ``{"subject_id": n | null, "answers": {item_id: value}, "submit": bool}``."""
        data = _object(data)
        assessment = self.assessment()
        result = service.save_response(assessment, self.identity(), data.get("subject_id"),
                                       data.get("answers"), data.get("submit", False))
        response = result.response
        if response.state == "submitted" and data.get("submit"):
            if assessment.definition["grading"] == "completion":  # else the person rated, on their view
                self._publish_grade(result.score)
            if result.completion == 1.0:
                self.runtime.publish(self, "completion", {"completion": 1.0})
        self.runtime.publish(self, "edx.mentoring.assessment." + ("submitted" if data.get("submit") else "saved"),
                             {"program": self.program_slug, "kind": response.kind, "response_id": response.pk})
        return {"response_id": response.pk, "state": response.state, "period": response.period,
                "score": result.score.raw_earned, "max_score": result.score.raw_possible,
                "completion": result.completion}

    # The LMS's instructor task must be submitted outside a transaction.
    @json_handler("coordinate", atomic=False)
    def rescore_all(self, _data, suffix=""):
        """A coordinator has the LMS rescore every respondent (after the weight changed): one platform task."""
        return service.queue_rescore(self.assessment(), self.identity())

    @download_handler("coordinate")
    def report(self, request, suffix=""):
        """GET ``?report=rates|growth|checkins``: the program's report as CSV (coordinators only)."""
        name = request.GET.get("report", "")
        columns, rows = rules.report(self.program(), self.identity(), name)
        return _csv_download(to_csv(columns, rows), f"{self.program_slug}-{name}.csv")

    @download_handler("coordinate")
    def learner_record(self, request, suffix=""):
        """GET ``?username=...&format=csv|json``: one participant's assessment record (coordinators only)."""
        fmt = request.GET.get("format", "csv")
        if fmt not in ("csv", "json"):
            raise ValidationError(_('Choose the "csv" or "json" format.'), {"format": _("Unknown format.")})
        record = rules.learner_record(self.program(), self.identity(), request.GET.get("username"))
        filename = f"{self.program_slug}-{record['participant']}-assessments.{fmt}"
        if fmt == "json":
            response = Response(json.dumps(record, indent=2), content_type="application/json", charset="utf-8")
            response.headers["Content-Disposition"] = f'attachment; filename="{_safe_name(filename)}"'
            return response
        return _csv_download(to_csv(rules.RECORD_COLUMNS, rules.record_rows(record)), filename)

    @json_handler("configure", denied=gettext_lazy("Only the course team can change this assessment."))
    def studio_submit(self, data, suffix=""):
        """Save the Studio editor's fields after validating the whole definition."""
        if not isinstance(data, dict) or not isinstance(data.get("definition", {}), dict):
            raise ValidationError(_("Send the settings as a JSON object."))
        display_name, slug = self.clean_name_and_slug(data)
        try:
            definition = clean_definition(dict(self.clean_definition(), **data.get("definition", {})))
        except ConfigurationError as error:
            raise ValidationError(error.message, {_editor_field(error.message): error.message}) from None
        self.display_name, self.program_slug, self.definition = display_name, slug, definition
        return {"saved": True}

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Read the block from OLX; bad OLX names the element and the problem."""
        node = olx.definition_node(node, runtime)  # a pointer tag: the definition is in its own file
        block = runtime.construct_xblock_from_class(cls, keys)
        block.definition = olx.assessment_from_node(node)
        block.read_name_and_slug(node)
        return block

    def add_xml_to_node(self, node):
        """Write the block and its definition as OLX."""
        self.write_name_and_slug(node)
        olx.assessment_to_node(self.clean_definition(), node)

    @staticmethod
    def workbench_scenarios():
        """One demo scenario per assessment kind, in the demo leadership program."""
        titles = {"self_pre": "Before the program: rate your leadership skills",
                  "self_post": "After the program: rate your leadership skills",
                  "mentor_rates_mentee": "Mentors: rate your mentee's growth",
                  "checkin": "Monthly relationship check-in",
                  "mentee_rates_mentor": "Feedback on your mentor",
                  "goal_attainment": "Mentors: how far did your mentee reach their goals?"}
        extra = {"checkin": ' repeat_days="30"', "self_post": ' allow_edit_after_submit="false"'}
        return [(f"Mentoring assessment: {title}",
                 f'<mentoring_assessment display_name="{title}" program="{DEMO_SLUG}" kind="{kind}"'
                 f'{extra.get(kind, "")}/>')
                for kind, title in titles.items()]
