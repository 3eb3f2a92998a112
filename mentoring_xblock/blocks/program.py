"""The ``mentoring_program`` block: the program's home in a unit for learners, mentors and coordinators."""
import json

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from xblock.core import XBlock
from xblock.fields import Dict, Scope, String

from .. import compat, olx, policy
from ..demo import program_olx
from ..errors import ConfigurationError, ValidationError
from ..identity import STUDIO_PERMISSIONS_SERVICE
from ..models import Participant
from ..program_config import clean_config
from ..selectors import form_choices, program_view_state
from ..services import mentorship, notifications, participants
from ..services.participation import participation
from ..services.programs import program_for, save_snapshot
from ..validation import json_object as _object
from .base import I18N_JS_NAMESPACE, MentoringBlockMixin, json_handler
from .coordinator import CoordinatorMixin
from .workspace import WorkspaceMixin


def view_scripts(role, is_coordinator):
    """The JavaScript a viewer's page needs.

    The cockpit's only for the course team; the workspace's only for people who can have a pair (mentees,
    mentors) and for the course team, who open pairs' workspaces.
    """
    scripts = ["js/mentoring.js"]
    if is_coordinator:
        scripts.append("js/coordinator.js")
    if role or is_coordinator:
        scripts.append("js/workspace.js")
    return (*scripts, "js/program.js")


@XBlock.needs("user")
@XBlock.needs("i18n")
@XBlock.wants(STUDIO_PERMISSIONS_SERVICE)  # Studio only: who may author the course
class MentoringProgramBlock(CoordinatorMixin, WorkspaceMixin, MentoringBlockMixin, XBlock):
    """A mentoring program inside the course: join, profile, matching, pairs and the coordinator's view."""

    display_name = String(
        display_name=gettext_noop("Display name"),
        default=gettext_noop("Mentoring program"),
        scope=Scope.settings,
    )
    program_slug = String(
        display_name=gettext_noop("Program"),
        help=gettext_noop("Blocks with the same program name in a course share one program."),
        default="mentoring",
        scope=Scope.settings,
    )
    config = Dict(
        display_name=gettext_noop("Program configuration"),
        help=gettext_noop("Description, dates, matching mode, profile questions, criteria and weights."),
        default={},
        scope=Scope.settings,
    )

    published_participation = Dict(
        default={}, scope=Scope.user_state,
        help=gettext_noop("The participation grade last sent to the gradebook (the only per-learner state)."))

    has_author_view = True
    icon_class = "other"

    # ---- participation grading -----------------------------------------------------------------

    @property
    def has_score(self):
        """Graded only when the author turned participation grading on."""
        return bool(self.program_config()["participation_grading"]["enabled"])

    @property
    def weight(self):
        """The grade's weight, from the program's participation grading."""
        return self.program_config()["participation_grading"]["weight"]

    def max_score(self):
        """The most a person can earn for participation."""
        return self.weight if self.has_score else None

    def publish_participation(self, program, identity):
        """Send the viewer's participation grade to the gradebook when it changed."""
        participant = Participant.of_user(program, identity.user_id)
        result = participation(program, participant)
        if result is None:
            return None
        earned, possible, _details = result
        if self.published_participation != {"earned": earned, "possible": possible}:
            # No user_id: the LMS credits a grade event to the request's user, whatever the event says.
            self.runtime.publish(self, "grade", {"value": earned, "max_value": possible})
            self.published_participation = {"earned": earned, "possible": possible}
        return result
    i18n_js_namespace = I18N_JS_NAMESPACE  # window.MentoringXBlockI18N: the JavaScript catalog

    # ---- configuration -------------------------------------------------------------------------

    def program_config(self):
        """The authored configuration, completed with defaults and validated."""
        return clean_config(self.config)

    def load_program(self):
        """The Program row for this block's name with this block's authored configuration (nothing written)."""
        return program_for(self.course_key(), self.program_slug, self.program_config(), self.display_name)

    # ---- views ---------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The LMS view: what the viewer sees depends on who they are in the program."""
        program = self.program()
        identity = self.identity()
        state = program_view_state(program, identity)
        if state["role"]:
            state["participation"] = self.publish_participation(program, identity)
        state.update(form_choices(state["config"]))
        state["display_name"] = self.display_name
        state["program_slug"] = self.program_slug
        state["dom_id"] = self.dom_id()
        state["profile_json_id"] = f"{state['dom_id']}-profile"
        if state["is_coordinator"]:
            state["coordinator_html"] = mark_safe(  # noqa: S308  # our own template, escaped inside
                self.render_template("templates/coordinator.html", self.coordinator_context(program)))
        return self.fragment(
            "templates/program.html", state, js_class="MentoringProgramBlock",
            js_init_args={"role": state["role"]},
            js=view_scripts(state["role"], state["is_coordinator"]),
            css=("css/mentoring.css", "css/workspace.css"),
        )

    def author_view(self, context=None):
        """Studio preview: a summary of the configuration (no learner data in Studio)."""
        config = self.program_config()
        return self.fragment("templates/program_author.html", {
            "display_name": self.display_name, "program_slug": self.program_slug, "config": config,
            "criteria": sorted(config["criteria"].items(), key=lambda item: -item[1]),
        })

    def studio_view(self, context=None):
        """Studio editor: main settings as fields, questions and criteria as JSON."""
        config = self.program_config()
        taken = compat.other_program_names(self)
        return self.fragment("templates/program_studio.html", {
            "name_taken_by": taken.get(self.program_slug, ""),
            "display_name": self.display_name,
            "program_slug": self.program_slug,
            "config": config,
            "questions_json": json.dumps(config["questions"], indent=2),
            "criteria_json": json.dumps(config["criteria"], indent=2),
            "competencies_json": json.dumps(config["competencies"], indent=2),
        }, js_class="MentoringProgramStudio", js=("js/mentoring.js", "js/studio.js"))

    # ---- handlers ------------------------------------------------------------------------------

    @json_handler("view_program")
    def state(self, _data, suffix=""):
        """The viewer's current program state (used to refresh the view)."""
        state = program_view_state(self.program(), self.identity())
        return {
            "role": state["role"],
            "roles": state["roles"],
            "mentor_status": state["mentor_status"],
            "profile": state["profile"],
            "profile_complete": state["profile_complete"],
        }

    @json_handler("join_program")
    def join(self, data, suffix=""):
        """Join the program as ``{"role": "mentee" | "mentor"}``."""
        if not isinstance(data, dict):
            raise ValidationError(_('Send {"role": "mentee"} or {"role": "mentor"}.'))
        participant = participants.join_program(self.program(), self.identity(), data.get("role"))
        self.runtime.publish(self, "edx.mentoring.participant.joined",
                             {"program": self.program_slug, "role": data.get("role")})
        return {"role": "mentee" if participant.is_mentee else "mentor",
                "mentor_status": participant.mentor_status}

    @json_handler("edit_profile")
    def save_profile(self, data, suffix=""):
        """Save the caller's profile (``draft: true`` keeps an incomplete one)."""
        participant = participants.save_profile(self.program(), self.identity(), data)
        self.runtime.publish(self, "edx.mentoring.profile.saved",
                             {"program": self.program_slug, "draft": participant.profile_completed_at is None})
        return {"saved": True, "profile_complete": participant.profile_completed_at is not None}

    # ---- the mentoring journey (each handler: one service call, one tracking event) -------------

    def _track(self, name, **data):
        self.runtime.publish(self, f"edx.mentoring.{name}", dict(data, program=self.program_slug))

    @json_handler("request_mentor")
    def request_mentor(self, data, suffix=""):
        """A mentee asks ``{"mentor_id": n, "message": "..."}`` to mentor them."""
        data = _object(data)
        request = mentorship.request_mentor(self.program(), self.identity(), data.get("mentor_id"),
                                            data.get("message", ""))
        self._track("request.created", request_id=request.pk)
        return {"request_id": request.pk, "state": request.state}

    @json_handler("request_mentor")
    def join_queue(self, data, suffix=""):
        """A mentee asks the course team to match them."""
        request = mentorship.join_queue(self.program(), self.identity(), _object(data).get("message", ""))
        self._track("request.queued", request_id=request.pk)
        return {"request_id": request.pk, "state": request.state}

    @json_handler("request_mentor", policy.OWN_SCOPE)
    def withdraw_request(self, data, suffix=""):
        """A mentee withdraws ``{"request_id": n}``."""
        request = mentorship.withdraw_request(self.program(), self.identity(), _object(data).get("request_id"))
        self._track("request.withdrawn", request_id=request.pk)
        return {"request_id": request.pk, "state": request.state}

    @json_handler("respond_to_request", policy.OWN_SCOPE)
    def respond_request(self, data, suffix=""):
        """A mentor answers ``{"request_id": n, "accept": bool, "message": "..."}``."""
        data = _object(data)
        match = mentorship.respond_to_request(self.program(), self.identity(), data.get("request_id"),
                                              data.get("accept"), data.get("message", ""))
        self._track("request.accepted" if match else "request.declined", request_id=data.get("request_id"))
        return {"accepted": match is not None, "match_id": match.pk if match else None}

    @json_handler("respond_to_request")
    def set_paused(self, data, suffix=""):
        """A mentor pauses or resumes new requests: ``{"paused": bool}``."""
        mentor = mentorship.set_paused(self.program(), self.identity(), _object(data).get("paused"))
        self._track("mentor.paused" if mentor.mentor_status == "paused" else "mentor.resumed")
        return {"mentor_status": mentor.mentor_status}

    @json_handler("respond_to_proposal", policy.OWN_SCOPE)
    def respond_proposal(self, data, suffix=""):
        """A mentee answers a proposed match: ``{"match_id": n, "accept": bool, "reason": "..."}``."""
        data = _object(data)
        match = mentorship.respond_to_proposal(self.program(), self.identity(), data.get("match_id"),
                                               data.get("accept"), data.get("reason", ""))
        self._track("match.accepted" if match.state == "active" else "match.rematch_requested", match_id=match.pk)
        return {"match_id": match.pk, "state": match.state}

    @json_handler("end_match", policy.OWN_SCOPE)
    def end_match(self, data, suffix=""):
        """Either person (or a coordinator) ends a pair: ``{"match_id": n, "reason": "..."}``."""
        data = _object(data)
        match = mentorship.end_match(self.program(), self.identity(), data.get("match_id"), data.get("reason"))
        self._track("match.ended", match_id=match.pk)
        return {"match_id": match.pk, "state": match.state}

    @json_handler("leave_program")
    def leave_program(self, data, suffix=""):
        """The caller leaves the program: ``{"reason": "..."}``."""
        mentorship.leave_program(self.program(), self.identity(), _object(data).get("reason", ""))
        self._track("participant.left")
        return {"left": True}

    @json_handler("read_notifications")
    def mark_read(self, _data, suffix=""):
        """The caller has seen their notifications."""
        count = notifications.mark_read_for(self.program(), self.identity())
        return {"marked": count}

    @json_handler("configure", denied=gettext_lazy("Only the course team can change the program's settings."))
    def studio_submit(self, data, suffix=""):
        """Save the Studio editor's fields after validating the whole configuration."""
        if not isinstance(data, dict):
            raise ValidationError(_("Send the settings as a JSON object."))
        display_name, slug = self.clean_name_and_slug(data)
        taken = compat.other_program_names(self)
        if slug in taken:  # two blocks with one name would share people but not settings
            raise ValidationError(_("Some settings need your attention."), {"program_slug": _(
                "The block “{block}” in this course already runs a program named “{slug}”. Choose another "
                "name, or use that block.").format(block=taken[slug], slug=slug)})
        changes = data.get("config", {})
        if not isinstance(changes, dict):
            raise ValidationError(_("Send the program configuration as a JSON object."),
                                  {"config": _("Not an object.")})
        try:
            config = clean_config(dict(self.program_config(), **changes))
        except ConfigurationError as error:
            raise ValidationError(error.message, {"config": error.message}) from None
        self.display_name, self.program_slug, self.config = display_name, slug, config
        save_snapshot(self.program())  # where tasks and commands read it (course publishing also stores it)
        return {"saved": True}

    # ---- OLX ---------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Read the block and its configuration from OLX; bad OLX names the element and the problem."""
        node = olx.definition_node(node, runtime)  # a pointer tag: the definition is in its own file
        block = runtime.construct_xblock_from_class(cls, keys)
        block.config = olx.program_config_from_node(node)
        block.read_name_and_slug(node)
        return block

    def add_xml_to_node(self, node):
        """Write the block and its configuration as OLX."""
        self.write_name_and_slug(node)
        olx.program_config_to_node(self.program_config(), node)

    @staticmethod
    def workbench_scenarios():
        """The workbench demo: the seeded leadership program."""
        return [("Mentoring program: leadership development", program_olx())]
