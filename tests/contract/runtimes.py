"""The workbench made to behave like the platform's runtimes where they differ (tests only).

Each stand-in reproduces one documented platform behaviour, named where it is defined:
- Studio's services (``cms/djangoapps/contentstore/utils.py::load_services_for_studio`` and
  ``views/preview.py``): a ``user`` service built as ``DjangoXBlockUserService(user)``, which says
  ``user_is_staff=False`` and role ``student`` for everyone, and ``studio_user_permissions``.
- The LMS's grade events (``xmodule/services.py::_handle_grade_event``): recorded for the user of the
  request; the event's ``user_id`` is not read.
"""
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from webob import Request
from xblock.reference.user_service import UserService, XBlockUser

from mentoring_xblock.identity import (
    ATTR_IS_AUTHENTICATED,
    ATTR_USER_ID,
    ATTR_USER_IS_STAFF,
    ATTR_USER_ROLE,
    ATTR_USERNAME,
)

from ..harness import HandlerResult, block_as

ATTR_USER_IS_GLOBAL_STAFF = "edx-platform.user_is_global_staff"


class PlatformUserService(UserService):
    """``DjangoXBlockUserService``: the facts it is given, with its defaults (staff False, role student)."""

    def __init__(self, user, user_is_staff=False, user_role="student", user_is_global_staff=False):
        super().__init__()
        self.user, self.user_is_staff, self.user_role = user, user_is_staff, user_role
        self.user_is_global_staff = user_is_global_staff

    def get_current_user(self):
        xblock_user = XBlockUser(is_current_user=True)
        if self.user is None:
            xblock_user.opt_attrs[ATTR_IS_AUTHENTICATED] = False
            return xblock_user
        xblock_user.full_name = self.user.get_full_name()
        xblock_user.emails = [self.user.email]
        xblock_user.opt_attrs.update({
            ATTR_IS_AUTHENTICATED: True, ATTR_USER_ID: self.user.pk, ATTR_USERNAME: self.user.username,
            ATTR_USER_IS_STAFF: self.user_is_staff, ATTR_USER_ROLE: self.user_role,
            ATTR_USER_IS_GLOBAL_STAFF: self.user_is_global_staff,
        })
        return xblock_user


class StudioPermissions:
    """``StudioPermissionsService``: ``can_write(course_key)`` as the course's access rules say."""

    def __init__(self, writable_course_keys=()):
        self.writable = {str(key) for key in writable_course_keys}
        self.asked = []

    def can_read(self, course_key):
        return self.can_write(course_key)

    def can_write(self, course_key):
        self.asked.append(str(course_key))
        return str(course_key) in self.writable


def studio_block(usage_id, user, permissions):
    """The block as Studio's editing runtime builds it for ``user`` (a Django user)."""
    block = block_as(usage_id, user.username)
    block.runtime._services.update({  # pylint: disable=protected-access  # as load_services_for_studio does
        "user": PlatformUserService(user),  # Studio: DjangoXBlockUserService(user), no role given
        "studio_user_permissions": permissions,
    })
    return block


def lms_block(usage_id, user, course_staff=False, credited=None):
    """The block as the LMS builds it for ``user``; grade events are credited to ``user`` in ``credited``."""
    block = block_as(usage_id, user.username if user else "anonymous")
    block.runtime._services["user"] = PlatformUserService(  # pylint: disable=protected-access
        user, user_is_staff=course_staff, user_role="staff" if course_staff else "student")
    if credited is not None:
        def publish(block_, event_type, event):
            if event_type == "grade":  # _handle_grade_event: the request's user, event["user_id"] unread
                credited.append((user.pk if user else None, event))
        block.runtime.publish = publish
    return block


def call_handler(block, handler, data=None):
    """Call a JSON handler of an already built block; status, parsed JSON and query count."""
    request = Request.blank("/", method="POST", body=json.dumps(data or {}).encode("utf-8"),
                            content_type="application/json")
    with CaptureQueriesContext(connection) as queries:
        response = block.runtime.handle(block, handler, request)
    body = json.loads(response.body.decode("utf-8")) if response.body else None
    return HandlerResult(response.status_code, body, len(queries))
