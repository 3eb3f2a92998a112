"""The platform edge: everything that differs between the Open edX LMS/Studio and other runtimes.

Every import from edx-platform happens inside a function here, so the package imports, and its
tests run, without the LMS.
"""
import re

from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from .conf import setting
from .errors import Conflict

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def course_key_for(block):
    """The CourseKey of the course holding ``block`` (the workbench gets the configured demo course)."""
    usage_id = block.scope_ids.usage_id
    if isinstance(usage_id, UsageKey):
        return usage_id.context_key
    return CourseKey.from_string(setting("MENTORING_WORKBENCH_COURSE_KEY"))


def usage_key_for(block):
    """The UsageKey of ``block``; outside the LMS one is derived from the runtime's usage id."""
    usage_id = block.scope_ids.usage_id
    if isinstance(usage_id, UsageKey):
        return usage_id
    try:
        return UsageKey.from_string(str(usage_id))
    except InvalidKeyError:
        return runtime_usage_key(course_key_for(block), block.scope_ids.block_type, usage_id)


def runtime_usage_key(course_key, block_type, usage_id):
    """The UsageKey standing for a runtime's own usage id (the workbench's) in ``course_key``."""
    return course_key.make_usage_key(block_type, _UNSAFE.sub("_", str(usage_id))[:200])


def get_user_by_id(user_id):
    """The Django user with ``user_id`` or None (the LMS and the workbench both use contrib.auth users)."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel
    return get_user_model().objects.filter(pk=user_id).first()


def usernames(user_ids):
    """``{user id: username}`` for the ids given, in one query (course staff are not participants)."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel
    ids = {pk for pk in user_ids if pk is not None}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}


def user_language(user):
    """The language a user reads the site in: their LMS preference, else the site default."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel
    try:
        from openedx.core.djangoapps.user_api.preferences.api import (  # pylint: disable=import-outside-toplevel
            get_user_preference,
        )
    except ImportError:  # not in the LMS
        return settings.LANGUAGE_CODE
    return get_user_preference(user, "pref-lang") or settings.LANGUAGE_CODE


def retirement_signal():
    """The LMS's ``USER_RETIRE_LMS_MISC`` signal (sent with ``user=``), or None outside the LMS."""
    try:
        from openedx.core.djangoapps.user_api.accounts.signals import (  # pylint: disable=import-outside-toplevel
            USER_RETIRE_LMS_MISC,
        )
    except ImportError:
        return None
    return USER_RETIRE_LMS_MISC


def connect(signal, receiver, uid):
    """Connect ``receiver`` to a platform signal; False (and nothing done) where the platform has none."""
    if signal is None:
        return False
    signal.connect(receiver, dispatch_uid=f"mentoring_xblock.{uid}")
    return True


def course_published_signal():
    """The modulestore's ``course_published`` signal (Studio publishing, course import), or None outside it."""
    try:
        from xmodule.modulestore.django import SignalHandler  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return SignalHandler.course_published


def program_blocks(course_key):
    """The published ``mentoring_program`` blocks of a course, from the platform's modulestore."""
    from xmodule.modulestore.django import modulestore  # pylint: disable=import-outside-toplevel,import-error
    return modulestore().get_items(course_key, qualifiers={"category": "mentoring_program"})


def other_program_names(block):
    """``{program name: block display name}`` of the course's other ``mentoring_program`` blocks.

    From the platform's modulestore (Studio); empty outside the platform (the workbench has one block per
    scenario).
    """
    try:
        blocks = program_blocks(course_key_for(block))
    except ImportError:
        return {}
    own = getattr(getattr(block, "location", None), "block_id", None) or str(block.scope_ids.usage_id)
    return {other.program_slug: other.display_name for other in blocks
            if other.location.block_id != own}


def queue_rescore_all(usage_key, only_if_higher=False):
    """Queue the LMS's own rescore of every learner of a block (an instructor task); None outside the LMS.

    The task loads the block once per learner with that learner's runtime and calls its ``rescore``
    (``lms/djangoapps/instructor_task``), the only way the LMS accepts a grade for somebody other than
    the user of the request. The task is submitted in the name of the current request's user.
    """
    try:
        from crum import get_current_request  # pylint: disable=import-outside-toplevel
        from lms.djangoapps.instructor_task.api import (  # pylint: disable=import-outside-toplevel
            submit_rescore_problem_for_all_students,
        )
        from lms.djangoapps.instructor_task.api_helper import (  # pylint: disable=import-outside-toplevel
            AlreadyRunningError,
        )
    except ImportError:  # not in the LMS
        return None
    request = get_current_request()
    if request is None:
        return None
    try:
        task = submit_rescore_problem_for_all_students(request, usage_key, only_if_higher)
    except AlreadyRunningError:
        raise Conflict(_("The LMS is already recalculating the scores of this assessment; "
                         "follow it on the instructor dashboard.")) from None
    return task.task_id
