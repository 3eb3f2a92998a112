"""A development user service for the XBlock SDK workbench.

The workbench names the current person with ``?student=<name>``. This service maps that name to a
Django user (created on first use) and reports the user's ``is_staff`` flag as course staff, so the
demo can be tried as learner, mentor and coordinator. It refuses to start unless ``DEBUG`` is on and
``MENTORING_DEV_USER_SERVICE`` is True; the production settings hook forces the latter off.
"""
import re
import warnings

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from xblock.reference.user_service import UserService, XBlockUser

from ..conf import setting
from ..identity import ATTR_IS_AUTHENTICATED, ATTR_USER_ID, ATTR_USER_IS_STAFF, ATTR_USER_ROLE, ATTR_USERNAME

ANONYMOUS_NAMES = {"", "none", "anonymous"}
VALID_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,150}$")


def check_enabled():
    """Raise ImproperlyConfigured unless this development service may run here."""
    if not settings.DEBUG or not setting("MENTORING_DEV_USER_SERVICE"):
        raise ImproperlyConfigured(
            "The mentoring workbench user service is for development only: it lets anyone choose who they are. "
            "It runs only with DEBUG = True and MENTORING_DEV_USER_SERVICE = True; remove it from the "
            "WORKBENCH services setting in production."
        )


class WorkbenchUserService(UserService):
    """Maps the workbench's student name to a Django user and its staff flag."""

    def __init__(self, **kwargs):
        check_enabled()
        super().__init__(**kwargs)
        self.runtime = None  # the workbench sets this after construction

    def get_current_user(self):
        """The XBlockUser for the workbench's current student name."""
        with warnings.catch_warnings():  # the workbench still names the student through Runtime.user_id
            warnings.simplefilter("ignore")
            name = str(getattr(self.runtime, "user_id", "") or "")
        user = XBlockUser(is_current_user=True)
        if name.lower() in ANONYMOUS_NAMES or not VALID_NAME.match(name):
            user.opt_attrs[ATTR_IS_AUTHENTICATED] = False
            return user
        django_user, _created = get_user_model().objects.get_or_create(username=name)
        user.emails = [django_user.email] if django_user.email else []
        user.full_name = django_user.get_full_name()
        user.opt_attrs.update({
            ATTR_IS_AUTHENTICATED: True,
            ATTR_USER_ID: django_user.pk,
            ATTR_USERNAME: django_user.username,
            ATTR_USER_IS_STAFF: django_user.is_staff,
            ATTR_USER_ROLE: "staff" if django_user.is_staff else "student",
        })
        return user
