"""The pairing workspace's handlers, mixed into the program block (see WorkspaceMixin).

Every handler is thin: one service (or selector) call, one tracking event. Each JSON body names the
pair with ``match_id``; versioned items also send the ``version`` they were read at.
"""

from webob import Response

from .. import policy
from ..calendars import meeting_calendar
from ..domain import access
from ..services import workspace as service
from ..validation import json_object as _object
from ..validation import query_id
from ..workspace_selectors import workspace_view_state
from .base import download_handler, json_handler


def _query_id(request, name):
    """A positive integer from the query string, or a 400."""
    return query_id(request.GET.get(name, ""), name)


class WorkspaceMixin:
    """Handlers of the pair workspace; the program block inherits them."""

    def _ws_track(self, name, **data):
        self.runtime.publish(self, f"edx.mentoring.{name}", dict(data, program=self.program_slug))

    def _ws_write(self, action, data, event, key="id"):
        """Run one write service and publish its tracking event; return the item's id and version."""
        data = _object(data)
        result = action(self.program(), self.identity(), data.get("match_id"), data)
        item_id = getattr(result, "pk", result)
        self._ws_track(event, match_id=data.get("match_id"), **{key: item_id})
        body = {"saved": True, key: item_id}
        if hasattr(result, "version"):
            body["version"] = result.version
        return body

    # ---- reading -------------------------------------------------------------------------------

    @json_handler("read_workspace", policy.PAIR_SCOPE)
    def workspace_view(self, data, suffix=""):
        """The workspace as HTML: ``{"match_id": n, "page": 1, "past_page": 1}`` -> ``{"html": "..."}``."""
        data = _object(data)
        state = workspace_view_state(self.program(), self.identity(), data.get("match_id"),
                                     page=data.get("page", 1), past_page=data.get("past_page", 1))
        state["dom_id"] = f"{self.dom_id()}-ws"
        for meeting in (m for group in state["meeting_groups"] for m in group["meetings"]):
            meeting["ics_url"] = self.runtime.handler_url(
                self, "workspace_meeting_ics", query=f"match_id={state['match']['id']}&meeting_id={meeting['id']}")
        state["unit_hint"] = self._ws_unit_hint()
        return {"html": self.render_template("templates/workspace.html", state),
                "page": state["page"], "pages": state["pages"]}

    def _ws_unit_hint(self):
        """The id of the unit holding this block, when the runtime knows it (shown to help link units)."""
        try:
            parent = self.get_parent()
        except Exception:  # pylint: disable=broad-except  # a bare runtime may not know the parent
            parent = None
        key = getattr(getattr(parent, "scope_ids", None), "usage_id", None)
        return str(key) if key is not None and str(key).startswith("block-v1:") else ""

    @download_handler("read_workspace", policy.PAIR_SCOPE)
    def workspace_meeting_ics(self, request, suffix=""):
        """Download one meeting as an .ics file: GET ``?match_id=n&meeting_id=m``."""
        match_id, meeting_id = _query_id(request, "match_id"), _query_id(request, "meeting_id")
        program = self.program()
        match, side, meeting = service.meeting_for_calendar(program, self.identity(), match_id, meeting_id)
        show_private = access.reads_pair_content(side, program.configuration)
        response = Response(meeting_calendar(meeting, match, show_private, host=request.host),
                            content_type="text/calendar", charset="utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="mentoring-meeting-{meeting.pk}.ics"'
        self._ws_track("meeting.downloaded", match_id=match.pk, meeting_id=meeting.pk)
        return response

    # ---- agreement -----------------------------------------------------------------------------

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_save_agreement(self, data, suffix=""):
        """``{match_id, version (0 for a new one), expectations, meeting_frequency, confidentiality, duration}``."""
        return self._ws_write(service.save_agreement, data, "agreement.saved", "agreement_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_sign_agreement(self, data, suffix=""):
        """``{match_id, version}``: sign the agreement as read."""
        return self._ws_write(service.sign_agreement, data, "agreement.signed", "agreement_id")

    # ---- goals and action items ----------------------------------------------------------------

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_create_goal(self, data, suffix=""):
        """Add a goal.

        ``{match_id, title, specific, measurable, achievable, relevant, status, progress, target_date, linked_units}``.

        ``linked_units``: usage-key strings of this course's units (a list, or text with one per line).
        """
        return self._ws_write(service.create_goal, data, "goal.created", "goal_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_update_goal(self, data, suffix=""):
        """``{match_id, goal_id, version, ...any goal fields}``."""
        return self._ws_write(service.update_goal, data, "goal.updated", "goal_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_create_action(self, data, suffix=""):
        """``{match_id, title, owner: mentor|mentee, due_date, goal_id (optional)}``."""
        return self._ws_write(service.create_action, data, "action.created", "action_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_update_action(self, data, suffix=""):
        """``{match_id, action_id, version, title?, owner?, due_date?, done?}``."""
        return self._ws_write(service.update_action, data, "action.updated", "action_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_delete_action(self, data, suffix=""):
        """``{match_id, action_id, version}``."""
        return self._ws_write(service.delete_action, data, "action.deleted", "action_id")

    # ---- meetings ------------------------------------------------------------------------------

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_schedule_meeting(self, data, suffix=""):
        """``{match_id, starts_at (ISO; without offset = caller's time zone), duration_minutes, location, agenda}``."""
        return self._ws_write(service.schedule_meeting, data, "meeting.scheduled", "meeting_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_update_meeting(self, data, suffix=""):
        """``{match_id, meeting_id, version, starts_at?, duration_minutes?, location?, agenda?}``."""
        return self._ws_write(service.update_meeting, data, "meeting.updated", "meeting_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_log_meeting(self, data, suffix=""):
        """``{match_id, meeting_id, version, status: held|missed|cancelled, notes, next_steps}``."""
        return self._ws_write(service.log_meeting, data, "meeting.logged", "meeting_id")

    # ---- messages ------------------------------------------------------------------------------

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_post_message(self, data, suffix=""):
        """``{match_id, body (markdown), parent_id (optional)}``."""
        return self._ws_write(service.post_message, data, "message.posted", "message_id")

    @json_handler("write_workspace", policy.AUTHOR_SCOPE)
    def workspace_edit_message(self, data, suffix=""):
        """``{match_id, message_id, body}`` (author only, within the edit window)."""
        return self._ws_write(service.edit_message, data, "message.edited", "message_id")

    @json_handler("write_workspace", policy.AUTHOR_SCOPE)
    def workspace_delete_message(self, data, suffix=""):
        """``{match_id, message_id}`` (author only; shown as deleted)."""
        return self._ws_write(service.delete_message, data, "message.deleted", "message_id")

    # ---- resources and close-out ---------------------------------------------------------------

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_add_resource(self, data, suffix=""):
        """``{match_id, title, url (http/https) | usage_key (a unit of this course)}``."""
        return self._ws_write(service.add_resource, data, "resource.added", "resource_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_remove_resource(self, data, suffix=""):
        """``{match_id, resource_id}``."""
        return self._ws_write(service.remove_resource, data, "resource.removed", "resource_id")

    @json_handler("write_workspace", policy.PAIR_SCOPE)
    def workspace_save_reflection(self, data, suffix=""):
        """``{match_id, text}``: once the mentorship has ended."""
        return self._ws_write(service.save_reflection, data, "reflection.saved", "reflection_id")
