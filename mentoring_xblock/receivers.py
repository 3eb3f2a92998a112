"""What the plugin does when the platform tells it something (connected in ``apps.ready``).

``compat`` finds the platform's signals and imports nothing of the package but settings and errors;
the receivers here call the services.
"""
import logging

from . import compat
from .services.privacy import retire_user
from .services.programs import program_for, save_snapshot

log = logging.getLogger(__name__)


def on_user_retired(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """Receiver of the LMS retirement signal: retire the user's data in every mentoring program."""
    if user is None:
        return
    retire_user(user.id)


def on_course_published(sender, course_key=None, **kwargs):  # pylint: disable=unused-argument
    """Receiver of ``course_published``: store each program's authored configuration where tasks read it.

    One block owns a program's configuration: Studio refuses a second block with the same program name; if a
    course (an import) has two, the first by its location is used and the others are logged.
    """
    if course_key is None:
        return
    owners = {}
    for block in sorted(compat.program_blocks(course_key), key=lambda item: str(item.location)):
        if block.program_slug in owners:
            log.warning("Course %s has two mentoring_program blocks named %r (%s, %s): the first one's settings "
                        "are used", course_key, block.program_slug, owners[block.program_slug], block.location)
            continue
        owners[block.program_slug] = block.location
        save_snapshot(program_for(course_key, block.program_slug, block.program_config(), block.display_name))


def connect_retirement_signal(signal=None):
    """Connect ``on_user_retired`` to the LMS retirement signal; False (and nothing done) outside the LMS."""
    return compat.connect(signal or compat.retirement_signal(), on_user_retired, "retire_user")


def connect_course_published_signal(signal=None):
    """Connect ``on_course_published``; False (and nothing done) outside the platform."""
    return compat.connect(signal or compat.course_published_signal(), on_course_published, "course_published")
