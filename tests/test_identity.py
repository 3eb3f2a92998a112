"""Identity comes from the runtime's user service only; the workbench's dev service is refused in production."""
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from xblock.reference.user_service import XBlockUser

from mentoring_xblock.identity import Identity, identity_from_user
from mentoring_xblock.settings import production
from mentoring_xblock.workbench.user_service import WorkbenchUserService


def lms_user(**attrs):
    user = XBlockUser(is_current_user=True)
    user.opt_attrs.update(attrs)
    return user


def test_lms_learner_and_staff():
    learner = identity_from_user(lms_user(**{"edx-platform.user_id": 7, "edx-platform.username": "ana",
                                             "edx-platform.is_authenticated": True,
                                             "edx-platform.user_is_staff": False,
                                             "edx-platform.user_role": "student"}))
    assert learner == Identity(7, "ana", False, True)
    staff = identity_from_user(lms_user(**{"edx-platform.user_id": 8, "edx-platform.username": "bo",
                                           "edx-platform.is_authenticated": True,
                                           "edx-platform.user_is_staff": True}))
    assert staff.is_coordinator
    instructor = identity_from_user(lms_user(**{"edx-platform.user_id": 9, "edx-platform.user_role": "instructor"}))
    assert instructor.is_coordinator and instructor.is_authenticated


@pytest.mark.parametrize("user", [
    None,
    lms_user(),
    lms_user(**{"edx-platform.is_authenticated": False, "edx-platform.user_id": None}),
    lms_user(**{"edx-platform.is_authenticated": False, "edx-platform.user_id": 5,
                "edx-platform.user_is_staff": True}),
    lms_user(**{"xblock-workbench.user_id": "student_1"}),  # the SDK's own service: no platform id
])
def test_anonymous_users(user):
    assert identity_from_user(user) == Identity.anonymous()


@override_settings(DEBUG=False)
def test_dev_user_service_refuses_without_debug():
    with pytest.raises(ImproperlyConfigured, match="development only"):
        WorkbenchUserService()


@override_settings(DEBUG=True, MENTORING_DEV_USER_SERVICE=False)
def test_dev_user_service_refuses_when_not_enabled():
    with pytest.raises(ImproperlyConfigured):
        WorkbenchUserService()


def test_production_settings_switch_the_dev_service_off():
    class Settings:
        ENV_TOKENS = {"MENTORING_DEV_USER_SERVICE": True, "MENTORING_REQUESTS_PER_HOUR": 5}
    settings = Settings()
    production.plugin_settings(settings)
    assert settings.MENTORING_DEV_USER_SERVICE is False
    assert settings.MENTORING_REQUESTS_PER_HOUR == 5


@pytest.mark.django_db
def test_dev_user_service_maps_names_to_users():
    from .harness import make_user
    make_user("boss", staff=True)
    service = WorkbenchUserService()

    class Runtime:
        user_id = "boss"
    service.runtime = Runtime()
    identity = identity_from_user(service.get_current_user())
    assert identity.is_coordinator and identity.username == "boss"
    Runtime.user_id = "anonymous"
    assert identity_from_user(service.get_current_user()) == Identity.anonymous()
    Runtime.user_id = "<script>"
    assert identity_from_user(service.get_current_user()) == Identity.anonymous()
