"""The coordinator's handlers, mixed into the program block. Staff status comes from the runtime only."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from webob import Response

from .. import coordinator_selectors, inputs
from ..domain import jobs as job_states
from ..errors import NotFound
from ..services import coordination, exports, matching_runs
from ..validation import json_object as _object
from ..validation import query_id
from .base import download_handler, json_handler, json_response

CRITERION_LABELS = {
    "topics": gettext_lazy("Shared goals (what the mentee wants, what the mentor offers)"),
    "language": gettext_lazy("Shared language"),
    "timezone": gettext_lazy("Close time zones"),
    "availability": gettext_lazy("Overlapping weekly availability"),
    "seniority": gettext_lazy("Mentor more senior than the mentee"),
}
TABS = inputs.CoordinatorPanel.TABS




class CoordinatorMixin:
    """The cockpit of the program for course staff: overview, people, matching, pair health, audit."""

    def coordinator_context(self, program, tab="overview", panel=None):
        """The template context of one coordinator tab (a fixed number of queries); ``panel`` its filters."""
        panel = panel or inputs.CoordinatorPanel(tab=tab)
        context = {"tab": tab, "tabs": TABS, "dom_id": self.dom_id(), "config": program.configuration}
        if tab == "overview":
            context["overview"] = coordinator_selectors.overview(program)
        elif tab == "participants":
            filters = {"role": panel.role, "state": panel.state, "matched": panel.matched}
            context["filters"] = dict(filters, search=panel.search)
            context["people"] = coordinator_selectors.participants(
                program, search=panel.search.strip(), page=panel.page, **filters)
        elif tab == "matching":
            context["matching"] = coordinator_selectors.matching_view(program, run_id=panel.run_id,
                                                                        page=panel.page)
        elif tab == "health":
            context["at_risk_only"] = panel.at_risk
            context["health"] = coordinator_selectors.pair_health(program, at_risk_only=panel.at_risk,
                                                                  page=panel.page)
        elif tab == "audit":
            context["audit"] = coordinator_selectors.audit(program, page=panel.page, kind=panel.kind)
        elif tab == "settings":
            context["overridden"] = sorted(program.settings_overrides)
            questions = {q["id"]: q["label"] for q in program.configuration["questions"]}
            context["criteria"] = [(name, str(CRITERION_LABELS.get(name, questions.get(name, name))), weight)
                                   for name, weight in sorted(program.configuration["criteria"].items())]
        return context

    def _coordinator_program(self):
        return self.program()  # the handler's gate has checked the caller (``coordinate``)

    @json_handler("coordinate")
    def coordinator_panel(self, data, suffix=""):
        """One tab of the cockpit as HTML: ``{"tab": "participants", "page": 2, ...filters}``."""
        panel = inputs.parse(inputs.CoordinatorPanel, data)
        return {"html": self.render_template("templates/coordinator.html",
                                             self.coordinator_context(self.program(), panel.tab, panel))}

    @json_handler("coordinate")
    def review_mentor(self, data, suffix=""):
        """Approve or reject a mentor: ``{"participant_id": n, "approve": bool, "reason": "..."}``."""
        data = _object(data)
        mentor = coordination.review_mentor(self.program(), self.identity(), data.get("participant_id"),
                                            data.get("approve"), data.get("reason", ""))
        name = mentor.shown_name(_("a participant"))
        done = (_("{name} is approved as a mentor and was told by email.") if mentor.mentor_status == "approved"
                else _("{name} was not approved as a mentor and was told why by email.")).format(name=name)
        return {"mentor_status": mentor.mentor_status, "done": done}

    @json_handler("coordinate")
    def set_capacity(self, data, suffix=""):
        """Change a mentor's capacity: ``{"participant_id": n, "capacity": n, "reason": "..."}``."""
        data = _object(data)
        mentor = coordination.set_capacity(self.program(), self.identity(), data.get("participant_id"),
                                           data.get("capacity"), data.get("reason", ""))
        return {"capacity": mentor.capacity}

    @json_handler("coordinate")
    def remove_participant(self, data, suffix=""):
        """Remove someone from the program: ``{"participant_id": n, "reason": "..."}``."""
        data = _object(data)
        person = coordination.remove_participant(self.program(), self.identity(), data.get("participant_id"),
                                                 data.get("reason"))
        return {"status": person.status}

    @json_handler("coordinate")
    def start_run(self, data, suffix=""):
        """Start a cohort matching run: ``{"objective": ..., "min_score": ..., "top_k": ..., "weights": {...}}``."""
        run = matching_runs.start_run(self.program(), self.identity(), _object(data))
        self.runtime.publish(self, "edx.mentoring.run.started", {"program": self.program_slug, "run_id": run.pk})
        return {"run_id": run.pk, "state": run.state, "progress": run.progress, "metrics": run.metrics}

    @json_handler("coordinate")
    def run_status(self, data, suffix=""):
        """Progress of a run: ``{"run_id": n}``."""
        program = self._coordinator_program()
        run_id = _object(data).get("run_id")
        run = coordinator_selectors.matching_view(program, run_id=run_id)["run"] if isinstance(run_id, int) else None
        if run is None or run.pk != run_id:  # the same answer as the services give for a run
            raise NotFound(_("There is no such matching run."))
        stalled, error = job_states.run_shown_state(run)
        return {"run_id": run.pk, "state": run.state, "progress": run.progress, "metrics": run.metrics,
                "stalled": stalled, "error": error}

    @json_handler("coordinate")
    def edit_proposal(self, data, suffix=""):
        """Change a draft: ``{"run_id": n, "mentee_id": n, "mentor_id": n | null, "fixed": bool}``.

        ``"swap_with": <another mentee's id>`` instead exchanges the two mentees' mentors.
        """
        data = _object(data)
        proposal = matching_runs.edit_proposal(self.program(), self.identity(), data.get("run_id"),
                                               data.get("mentee_id"), data.get("mentor_id"), data.get("fixed", False),
                                               swap_with=data.get("swap_with"))
        return {"mentee_id": proposal.mentee_id, "mentor_id": proposal.mentor_id, "score": proposal.score}

    @json_handler("coordinate")
    def resolve_run(self, data, suffix=""):
        """Solve a draft again around its fixed pairs: ``{"run_id": n}``."""
        run = matching_runs.resolve_run(self.program(), self.identity(), _object(data).get("run_id"))
        return {"run_id": run.pk, "metrics": run.metrics}

    @json_handler("coordinate")
    def publish_run(self, data, suffix=""):
        """Publish a draft (all pairs or none): ``{"run_id": n}``."""
        run = matching_runs.publish_run(self.program(), self.identity(), _object(data).get("run_id"))
        self.runtime.publish(self, "edx.mentoring.run.published", {"program": self.program_slug, "run_id": run.pk})
        return {"run_id": run.pk, "state": run.state}

    @json_handler("coordinate")
    def discard_run(self, data, suffix=""):
        """Discard a draft: ``{"run_id": n}``."""
        run = matching_runs.discard_run(self.program(), self.identity(), _object(data).get("run_id"))
        return {"run_id": run.pk, "state": run.state}

    @json_handler("coordinate")
    def manual_match(self, data, suffix=""):
        """Propose a pair by hand: ``{"mentee_id": n, "mentor_id": n}``."""
        data = _object(data)
        match, warnings = matching_runs.manual_match(self.program(), self.identity(), data.get("mentee_id"),
                                                     data.get("mentor_id"))
        self.runtime.publish(self, "edx.mentoring.match.created", {"program": self.program_slug,
                                                                   "match_id": match.pk, "origin": match.origin})
        return {"match_id": match.pk, "state": match.state, "score": match.score, "warnings": warnings}

    @json_handler("coordinate")
    def nudge(self, data, suffix=""):
        """Email pairs a reminder: ``{"match_ids": [..]}`` or ``{"at_risk": true}``, with an optional note."""
        data = _object(data)
        if data.get("at_risk") is True:  # every page, not the one shown
            matches = coordination.nudge_at_risk(self.program(), self.identity(), data.get("note", ""))
        else:
            matches = coordination.nudge(self.program(), self.identity(), data.get("match_ids"), data.get("note", ""))
        self.runtime.publish(self, "edx.mentoring.match.nudged", {"program": self.program_slug,
                                                                  "count": len(matches)})
        return {"nudged": len(matches)}

    @json_handler("coordinate")
    def save_settings(self, data, suffix=""):
        """Change program settings for this course run: ``{"matching_mode": ..., "criteria": {...}, ...}``."""
        program = coordination.save_settings(self.program(), self.identity(), _object(data))
        return {"saved": True, "overridden": sorted(program.settings_overrides)}

    @json_handler("coordinate")
    def reset_settings(self, _data, suffix=""):
        """Go back to the settings authored in Studio."""
        coordination.reset_settings(self.program(), self.identity())
        return {"saved": True, "overridden": []}

    @json_handler("coordinate")
    def start_export(self, data, suffix=""):
        """Ask for an export: ``{"kind": ...}`` -> download now, or a job a worker builds (large exports)."""
        kind = _object(data).get("kind")
        job = exports.start_export(self.program(), self.identity(), kind)
        if job is None:
            return {"mode": "download"}
        return {"mode": "job", "job_id": job.pk, "state": job.state}

    @json_handler("coordinate")
    def export_status(self, data, suffix=""):
        """Where a queued export is: ``{"job_id": n}``."""
        job = exports.export_job(self.program(), self.identity(), _object(data).get("job_id"))
        state, error = job_states.export_shown_state(job)
        return {"job_id": job.pk, "kind": job.kind, "state": state, "rows": job.rows, "error": error}

    @download_handler("coordinate")
    def export_download(self, request, suffix=""):
        """Download a finished export (``?job_id=n``)."""
        job_id = query_id(request.GET.get("job_id", ""), "job_id", _("Say which export with its number."))
        job = exports.export_job(self.program(), self.identity(), job_id)
        if job.state != "ready":
            return json_response({"error": _("This export is not ready yet.")}, 409)
        response = Response(body=job.content.encode("utf-8"), content_type="text/csv", charset="utf-8")
        response.content_disposition = f'attachment; filename="{self.program_slug}-{job.kind}.csv"'
        return response

    @download_handler("coordinate")
    def export_csv(self, request, suffix=""):
        """Download a CSV (``?kind=participants|matches|meetings|responses|audit``), streamed."""
        kind = request.GET.get("kind", "")
        lines = exports.export_rows(self.program(), self.identity(), kind)
        self.runtime.publish(self, "edx.mentoring.export.downloaded", {"program": self.program_slug, "kind": kind})
        response = Response(content_type="text/csv", charset="utf-8")
        response.app_iter = (line.encode("utf-8") for line in lines)
        response.content_disposition = f'attachment; filename="{self.program_slug}-{kind}.csv"'
        return response
