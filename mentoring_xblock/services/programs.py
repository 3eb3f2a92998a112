"""Programs: created on first use by a block, their configuration snapshot kept in step with the content."""
import hashlib
import json

from django.db import IntegrityError, transaction

from ..errors import ConfigurationError
from ..models import ActivityEvent, Program
from ..program_config import clean_config


def config_hash(config):
    """A stable digest of a configuration, to skip writes when nothing changed."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode("utf-8")).hexdigest()


def sync_program(course_key, slug, config, title=""):
    """Return the program (course_key, slug), creating it, and refresh its configuration snapshot.

    ``config`` is the block's authored configuration; it is validated here. One query when
    nothing changed.
    """
    config = clean_config(config)
    program = Program.objects.filter(course_key=course_key, slug=slug).first()
    if program is not None and program.settings_overrides:
        config = with_overrides(config, program.settings_overrides)
    digest = config_hash(config)
    if program is None:
        try:
            with transaction.atomic():
                return Program.objects.create(course_key=course_key, slug=slug, title=title,
                                              configuration=config, configuration_hash=digest)
        except IntegrityError:  # created by a concurrent request
            program = Program.objects.get(course_key=course_key, slug=slug)
    if program.configuration_hash != digest or (title and program.title != title):
        program.configuration, program.configuration_hash = config, digest
        program.title = title or program.title
        program.save(update_fields=["configuration", "configuration_hash", "title", "modified"])
    return program


# Settings the course team may change in the LMS cockpit (structure — questions, competencies,
# participation grading — stays authored in Studio).
OVERRIDABLE = ("description", "starts", "ends", "matching_mode", "allow_learner_mentors", "mentor_approval_required",
               "capacity_default", "capacity_max", "request_expiry_days", "inactivity_days", "privacy",
               "consent_text", "language_required", "suggestion_count", "agreement_template", "criteria")


def with_overrides(config, overrides):
    """The authored configuration with the course team's LMS overrides on top (ignored if they no longer fit)."""
    try:
        return clean_config(dict(config, **{k: v for k, v in overrides.items() if k in OVERRIDABLE}))
    except ConfigurationError:  # e.g. Studio removed a question a weight pointed at: Studio's settings win
        return config


def get_or_create_program(course_key, slug):
    """The program (course_key, slug) as it is; created with the default configuration if missing."""
    program = Program.objects.filter(course_key=course_key, slug=slug).first()
    return program or sync_program(course_key, slug, {})


def record_event(program, actor_id, verb, obj=None, match=None, reason="", **data):
    """Append one line to the program's activity log."""
    return ActivityEvent.objects.create(
        program=program,
        match=match,
        actor_id=actor_id,
        verb=verb,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        reason=reason,
        data=data,
    )
