"""Participants: joining a program as mentee or mentor, and the profile they fill in."""
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..conf import setting
from ..domain.activity import record_event
from ..domain.limits import MAX_BIO, MAX_LANGUAGES
from ..domain.people import ROLE_MENTEE, ROLE_MENTOR
from ..errors import Conflict, NotFound, ValidationError
from ..models import Participant
from ..program_config import questions_for
from ..reference import HOURS_PER_WEEK, LANGUAGES, is_time_zone
from ..validation import is_whole, text_answer


def join_program(program, identity, role):
    """Make the caller a participant of ``program`` as ``role`` ('mentee' or 'mentor').

    Rejoining after withdrawing reactivates the same row. A person takes one role per program.
    """
    policy.require("join_program", identity)
    if role not in (ROLE_MENTEE, ROLE_MENTOR):
        raise ValidationError(_('Choose whether you join as "mentee" or "mentor".'), {"role": _("Unknown role.")})
    config = program.configuration
    if role == ROLE_MENTOR and not config.get("allow_learner_mentors") and not identity.is_coordinator:
        raise ValidationError(_("Mentors for this program are chosen by the course team, "
                                "so you cannot sign up as a mentor here."))
    with transaction.atomic():
        participant = Participant.objects.select_for_update().filter(
            program=program, user_id=identity.user_id).first()
        if participant is None:
            participant = Participant(program=program, user_id=identity.user_id)
        elif participant.status == Participant.Status.REMOVED:
            raise Conflict(_("A coordinator removed you from this program. Contact the course team to rejoin."))
        current = ROLE_MENTEE if participant.is_mentee else ROLE_MENTOR if participant.is_mentor else None
        if participant.pk and participant.status == Participant.Status.ACTIVE and current and current != role:
            raise Conflict(_("You already take part in this program as a {role}. "
                             "Leave the program first to join with another role.").format(
                role=_("mentee") if current == ROLE_MENTEE else _("mentor")))
        participant.username = identity.username or participant.username
        participant.display_name = identity.full_name or participant.display_name
        participant.status = Participant.Status.ACTIVE
        participant.left_reason = ""
        if role == ROLE_MENTEE:  # roles are exactly what one joins as: a former mentor is no longer one
            participant.is_mentee = True
            participant.mentor_status = Participant.MentorStatus.NONE
        else:
            participant.is_mentee = False
            if participant.mentor_status in ("", Participant.MentorStatus.REJECTED):
                approval = config.get("mentor_approval_required", True)
                participant.mentor_status = (Participant.MentorStatus.PENDING if approval
                                             else Participant.MentorStatus.APPROVED)
            if not participant.capacity:
                participant.capacity = config.get("capacity_default", 1)
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError:  # a concurrent join of the same user created the row
            raise Conflict(_("You have just joined this program in another window. Reload the page.")) from None
        record_event(program, identity.user_id, "participant.joined", participant, role=role)
    return participant


def _clean_answer(question, value, errors, draft):
    """Validate one answer against its question; record a message in ``errors`` when wrong."""
    key = f"answers.{question['id']}"
    kind = question["kind"]
    empty = value in (None, "", [])
    if empty:
        if question["required"] and not draft:
            errors[key] = _("This question needs an answer.")
        return None
    if kind == "choice":
        values = {option["value"] for option in question["options"]}
        if not isinstance(value, str) or value not in values:
            errors[key] = _("Pick one of the offered answers.")
            return None
        return value
    if kind == "multi_choice":
        values = [option["value"] for option in question["options"]]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[key] = _("Pick one or more of the offered answers.")
            return None
        unknown = [v for v in value if v not in values]
        if unknown:
            errors[key] = _("Pick one or more of the offered answers.")
            return None
        chosen = set(value)
        return [v for v in values if v in chosen]  # in the authored order, without repeats
    if kind == "scale":
        low, high = question["scale_min"], question["scale_max"]
        if not is_whole(value) or not low <= value <= high:
            errors[key] = _("Choose a whole number from {low} to {high}.").format(low=low, high=high)
            return None
        return value
    # free text
    try:
        return text_answer(value, question["max_length"])
    except ValueError as error:
        errors[key] = str(error)
        return None


def clean_profile(config, role, data, draft=False, mentee_count=0):
    """Validate a profile submission for ``role``: the cleaned fields, or a ValidationError listing every problem.

    A draft may leave required answers empty, but what it does say must be valid.
    """
    if not isinstance(data, dict):
        raise ValidationError(_("Send the profile as a JSON object."))
    errors, cleaned = {}, {}
    allowed_keys = {"answers", "bio", "time_zone", "languages", "availability", "capacity", "consent", "draft"}
    for key in sorted(set(data) - allowed_keys):
        errors[key] = _("This is not a profile field.")

    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        errors["answers"] = _("Answers must be sent as an object of question ids and answers.")
        answers = {}
    questions = questions_for(config, role)
    known = {q["id"] for q in questions}
    for key in sorted(set(answers) - known):
        errors[f"answers.{key}"] = _("This program has no such question for you.")
    cleaned["answers"] = {}
    for question in questions:
        value = _clean_answer(question, answers.get(question["id"]), errors, draft)
        if value is not None:
            cleaned["answers"][question["id"]] = value

    bio = data.get("bio", "")
    if not isinstance(bio, str):
        errors["bio"] = _("Write your introduction as text.")
    elif len(bio.strip()) > MAX_BIO:
        errors["bio"] = _("Keep your introduction under {limit} characters (it has {count}).").format(
            limit=MAX_BIO, count=len(bio.strip()))
    else:
        cleaned["bio"] = bio.strip()
        if role == ROLE_MENTOR and not cleaned["bio"] and not draft:
            errors["bio"] = _("Write a few words about yourself so that mentees can choose you.")

    time_zone = data.get("time_zone", "")
    if not isinstance(time_zone, str) or (time_zone and not is_time_zone(time_zone)):
        errors["time_zone"] = _("Choose your time zone from the list.")
    elif not time_zone and not draft:
        errors["time_zone"] = _("Choose your time zone so that meeting times make sense.")
    else:
        cleaned["time_zone"] = time_zone

    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
        errors["languages"] = _("Choose your languages from the list.")
    elif any(code not in LANGUAGES for code in languages):
        errors["languages"] = _("Choose your languages from the list.")
    elif len(set(languages)) > MAX_LANGUAGES:
        errors["languages"] = _("List at most {limit} languages.").format(limit=MAX_LANGUAGES)
    elif not languages and not draft:
        errors["languages"] = _("Choose at least one language you can be mentored in.")
    else:
        cleaned["languages"] = sorted(set(languages))

    availability = data.get("availability", [])
    if (not isinstance(availability, list)
            or not all(is_whole(h) for h in availability)
            or any(not 0 <= h < HOURS_PER_WEEK for h in availability)):
        errors["availability"] = _("Mark the hours you are available on the weekly grid.")
    else:
        cleaned["availability"] = sorted(set(availability))

    if role == ROLE_MENTOR and "capacity" in data:
        capacity = data["capacity"]
        most = min(config.get("capacity_max", 5), setting("MENTORING_MAX_MENTOR_CAPACITY"))
        if not is_whole(capacity) or not 1 <= capacity <= most:
            errors["capacity"] = _("Choose how many mentees you can take: from 1 to {most}.").format(most=most)
        elif capacity < mentee_count:
            errors["capacity"] = _("You mentor {count} people now; your capacity cannot be lower than that.").format(
                count=mentee_count)
        else:
            cleaned["capacity"] = capacity

    consent = data.get("consent", False)
    if not isinstance(consent, bool):
        errors["consent"] = _("Tick the box to agree, or leave it empty.")
    elif not consent and not draft:
        errors["consent"] = _("Agree to share your profile so that you can be matched.")
    else:
        cleaned["consent"] = consent

    if errors:
        raise ValidationError(_("Some answers need your attention."), errors)
    return cleaned


def save_profile(program, identity, data):
    """Save the caller's profile; a complete save marks the profile completed.

    ``data["draft"] = True`` keeps an incomplete profile without requiring every answer.
    """
    participant = Participant.of_user(program, identity.user_id)
    policy.require("edit_profile", identity, participant)
    if participant is None or participant.status != Participant.Status.ACTIVE:
        raise NotFound(_("Join the program before filling in your profile."))
    draft = data.get("draft", False) if isinstance(data, dict) else False
    if not isinstance(draft, bool):
        raise ValidationError(_("Say whether this is a draft with true or false."), {"draft": _("Not true/false.")})
    role = ROLE_MENTEE if participant.is_mentee else ROLE_MENTOR
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        cleaned = clean_profile(program.configuration, role, data, draft=draft,
                                mentee_count=participant.mentee_count)
        for field in ("answers", "bio", "time_zone", "languages", "availability", "capacity"):
            if field in cleaned:
                setattr(participant, field, cleaned[field])
        now = timezone.now()
        if cleaned.get("consent"):
            participant.consent_at = participant.consent_at or now
        elif "consent" in cleaned:
            participant.consent_at = None
        participant.seniority = _seniority(program.configuration, cleaned["answers"])
        participant.exclusion_groups = _exclusion_groups(program.configuration, cleaned["answers"])
        participant.display_name = identity.full_name or participant.display_name
        if not draft:
            participant.profile_completed_at = now
        participant.save()
        record_event(program, identity.user_id, "profile.saved", participant, draft=draft)
    return participant


def _seniority(config, answers):
    """The level (1-based option position) of the answer to the seniority question, if any."""
    for question in config["questions"]:
        if question["match"] == "seniority" and answers.get(question["id"]):
            values = [option["value"] for option in question["options"]]
            return values.index(answers[question["id"]]) + 1
    return None


def _exclusion_groups(config, answers):
    """Groups that forbid pairing with someone who gave the same answer (same team, same manager)."""
    groups = []
    for question in config["questions"]:
        value = answers.get(question["id"])
        if question["exclude_same"] and isinstance(value, str) and value.strip():
            groups.append(f"{question['id']}:{value.strip().casefold()}")
    return groups
