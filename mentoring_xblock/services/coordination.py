"""What coordinators (course staff) do to participants and pairs. Every action is audited with a reason."""
from django.db import transaction
from django.utils.translation import gettext as _

from .. import policy
from ..conf import setting
from ..domain import health
from ..domain.activity import record_event
from ..domain.limits import MAX_REASON
from ..domain.pairs import lock_open_matches
from ..errors import ConfigurationError, Conflict, NotFound, ValidationError
from ..models import Match, Participant, Program
from ..program_config import clean_config
from ..validation import clean_text, is_whole, positive_id
from . import notifications
from .leaving import stop_taking_part
from .notifications import notify, pair_names
from .programs import OVERRIDABLE, config_hash

MAX_NUDGE = 100
MAX_NUDGE_ALL = 1000  # "Nudge all pairs at risk": every page, up to this many pairs


def _reason(reason, required=False):
    return clean_text(reason, "reason", MAX_REASON, _("reason"), required=required,
                required_message=_("Give a reason: it is kept in the program's audit log."))


def _participant_id(value):
    return positive_id(value, "participant_id", _("Say which participant with their number."))


def review_mentor(program, identity, participant_id, approve, reason=""):
    """Approve or reject a mentor who is waiting (or re-approve a rejected one)."""
    policy.require("coordinate", identity)
    participant_id = _participant_id(participant_id)
    if not isinstance(approve, bool):
        raise ValidationError(_("Say whether to approve with true or false."), {"approve": _("Not true/false.")})
    reason = _reason(reason, required=not approve)  # a person turned down is told why
    with transaction.atomic():
        mentor = Participant.objects.select_for_update().filter(program=program, pk=participant_id).first()
        if mentor is None or mentor.mentor_status == Participant.MentorStatus.NONE:
            raise NotFound(_("There is no such mentor in this program."))
        if mentor.status != Participant.Status.ACTIVE:
            raise Conflict(_("This person has left the program."))
        mentor.mentor_status = Participant.MentorStatus.APPROVED if approve else Participant.MentorStatus.REJECTED
        mentor.save(update_fields=["mentor_status", "modified"])
        if approve:
            notify(program, mentor, "mentor_approved")
        else:
            why = _("The course team wrote: {reason}").format(reason=reason)
            notify(program, mentor, "mentor_rejected", note=notifications.note(why))
        record_event(program, identity.user_id, "mentor.approved" if approve else "mentor.rejected", mentor,
                     reason=reason)
    return mentor


def set_capacity(program, identity, participant_id, capacity, reason=""):
    """Change a mentor's capacity (never below their current mentees)."""
    policy.require("coordinate", identity)
    participant_id = _participant_id(participant_id)
    reason = _reason(reason)
    most = min(program.configuration["capacity_max"], setting("MENTORING_MAX_MENTOR_CAPACITY"))
    if not is_whole(capacity) or not 1 <= capacity <= most:
        raise ValidationError(_("Capacity is a whole number from 1 to {most}.").format(most=most),
                              {"capacity": _("Out of range.")})
    with transaction.atomic():
        mentor = Participant.objects.select_for_update().filter(program=program, pk=participant_id).first()
        if mentor is None or not mentor.is_mentor:
            raise NotFound(_("There is no such mentor in this program."))
        if capacity < mentor.mentee_count:
            raise ValidationError(
                _("{name} mentors {count} people now; the capacity cannot be lower.").format(
                    name=mentor.shown_name(), count=mentor.mentee_count), {"capacity": _("Below current mentees.")})
        old = mentor.capacity
        mentor.capacity = capacity
        mentor.save(update_fields=["capacity", "modified"])
        record_event(program, identity.user_id, "mentor.capacity_changed", mentor, reason=reason,
                     old=old, new=capacity)
    return mentor


def remove_participant(program, identity, participant_id, reason):
    """Remove someone from the program: their requests close and their pairs end; they are told why."""
    policy.require("coordinate", identity)
    participant_id = _participant_id(participant_id)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        person = Participant.objects.filter(program=program, pk=participant_id).first()
        if person is None:
            raise NotFound(_("There is no such participant in this program."))
        if person.status == Participant.Status.REMOVED:
            raise Conflict(_("This person was already removed."))
        matches = lock_open_matches(program, person)
        person.refresh_from_db()
        stop_taking_part(program, person, matches, _("The course team removed a participant"), identity.user_id)
        person.status, person.left_reason = Participant.Status.REMOVED, reason
        person.save(update_fields=["status", "left_reason", "modified"])
        notify(program, person, "removed", reason=reason)
        record_event(program, identity.user_id, "participant.removed", person, reason=reason)
    return person


def nudge(program, identity, match_ids, note="", limit=None):
    """Remind pairs to get going (an email through the notification function).

    At most MAX_NUDGE chosen pairs at once; "every pair at risk" passes a larger ``limit`` (MAX_NUDGE_ALL).
    """
    policy.require("coordinate", identity)
    limit = limit or MAX_NUDGE
    if limit == MAX_NUDGE_ALL and isinstance(match_ids, list) and len(match_ids) > limit:
        raise ValidationError(_("More than {limit} pairs are at risk: nudge them from the list, a page at a "
                                "time.").format(limit=MAX_NUDGE_ALL))
    if (not isinstance(match_ids, list) or not match_ids or len(match_ids) > limit
            or not all(is_whole(i) for i in match_ids)):
        raise ValidationError(_("Choose from 1 to {limit} pairs to nudge.").format(limit=MAX_NUDGE),
                              {"match_ids": _("Not a list of pair numbers.")})
    note = _reason(note)
    with transaction.atomic():
        matches = list(Match.objects.filter(program=program, pk__in=match_ids, state=Match.State.ACTIVE)
                       .select_related("mentor", "mentee"))
        if len(matches) != len(set(match_ids)):
            raise NotFound(_("Some of these pairs are not active pairs of this program."))
        text = notifications.note(note)
        for match in matches:
            for person in (match.mentee, match.mentor):
                notify(program, person, "nudge", **pair_names(match), note=text)
            record_event(program, identity.user_id, "match.nudged", match, match=match, reason=note)
    return matches


def nudge_at_risk(program, identity, note=""):
    """Nudge every active pair at risk, on every page (up to ``MAX_NUDGE_ALL``); returns the pairs nudged."""
    policy.require("coordinate", identity)
    match_ids = health.at_risk_match_ids(program)
    if not match_ids:
        return []
    return nudge(program, identity, match_ids, note, limit=MAX_NUDGE_ALL)


def save_settings(program, identity, changes):
    """
    The course team changes program settings from the LMS; they apply to this course run at once.

    Only the settings in ``programs.OVERRIDABLE`` can change here; the whole resulting configuration
    is validated, and a problem names the setting. Studio's settings apply again after ``reset_settings``.
    """
    policy.require("coordinate", identity)
    if not isinstance(changes, dict) or not changes:
        raise ValidationError(_("Send the settings to change as a JSON object."), {"settings": _("Nothing to change.")})
    unknown = sorted(set(changes) - set(OVERRIDABLE))
    if unknown:
        raise ValidationError(_("These settings can only be changed in Studio: {names}.").format(
            names=", ".join(unknown)), {unknown[0]: _("Not changeable here.")})
    try:
        config = clean_config(dict(program.configuration, **changes))
    except ConfigurationError as error:
        field = error.message.split(":", 1)[0].split(".", 1)[0].split("[", 1)[0]
        raise ValidationError(error.message, {field: error.message}) from None
    changed = {key: config[key] for key in changes if config[key] != program.configuration.get(key)}
    if not changed:
        return program
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        program.settings_overrides = dict(program.settings_overrides, **changed)
        program.configuration, program.configuration_hash = config, config_hash(config)
        program.save(update_fields=["settings_overrides", "configuration", "configuration_hash", "modified"])
        record_event(program, identity.user_id, "program.settings_changed", program, changed=sorted(changed))
    return program


def reset_settings(program, identity):
    """Drop the course team's LMS changes: Studio's settings apply again at once."""
    policy.require("coordinate", identity)
    authored = getattr(program, "authored_configuration", None)  # set by programs.program_for
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        program.settings_overrides = {}
        if authored is not None:
            program.configuration, program.configuration_hash = authored, config_hash(authored)
        else:  # not read through a block: the next save of a snapshot stores Studio's settings
            program.configuration_hash = ""
        program.save(update_fields=["settings_overrides", "configuration", "configuration_hash", "modified"])
        record_event(program, identity.user_id, "program.settings_reset", program)
    return program
