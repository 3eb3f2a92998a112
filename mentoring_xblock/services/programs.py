"""Programs: created on first use by a block, their configuration snapshot kept in step with the content."""
import hashlib
import json

from django.db import IntegrityError, transaction

from ..errors import ConfigurationError
from ..models import Program
from ..program_config import clean_config


def config_hash(config):
    """A stable digest of a configuration, to skip writes when nothing changed."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode("utf-8")).hexdigest()


def program_for(course_key, slug, config, title=""):
    """The program (course_key, slug) as its block sees it.

    The authored ``config`` (validated) with the course team's overrides, applied to the row in memory.
    Nothing is written when the row exists, so a view or a refused call changes nothing; ``save_snapshot``
    stores the configuration where work without the block (Celery tasks, commands) reads it. A missing row is
    created once, as the program's first use.
    """
    config = clean_config(config)
    program = Program.objects.filter(course_key=course_key, slug=slug).first()
    if program is None:
        program = sync_program(course_key, slug, config, title)
        program.stored_configuration_hash, program.authored_configuration = program.configuration_hash, config
        return program
    program.authored_configuration = config
    if program.settings_overrides:
        config = with_overrides(config, program.settings_overrides)
    program.stored_configuration_hash = program.configuration_hash
    program.configuration, program.configuration_hash = config, config_hash(config)
    program.title = title or program.title
    return program


def save_snapshot(program):
    """Store the configuration ``program_for`` applied (after the caller's permission check).

    A no-op when the row already holds it.
    """
    stored = getattr(program, "stored_configuration_hash", None)
    if stored is None or stored == program.configuration_hash:
        return program
    Program.objects.filter(pk=program.pk).update(configuration=program.configuration,
                                                 configuration_hash=program.configuration_hash, title=program.title)
    program.stored_configuration_hash = program.configuration_hash
    return program


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
