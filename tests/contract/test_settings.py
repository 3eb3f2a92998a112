"""Plugin settings as the platform applies them: before its derived settings exist.

``lms/envs/common.py`` and ``cms/envs/common.py`` call edx-django-utils' ``add_plugins(...)`` while
``LOCALE_PATHS`` (and other settings) are still ``openedx.core.lib.derived.Derived`` objects, which
``derive_settings()`` turns into values only afterwards. A plugin that reads, iterates or replaces one
of them breaks every ``manage.py lms|cms`` command.
"""
import sys
import types

import pytest
from django.test import override_settings
from django.utils import translation
from edx_django_utils.plugins import add_plugins, get_plugin_apps

from mentoring_xblock.conf import DEFAULTS

PROJECTS = ("lms.djangoapp", "cms.djangoapp")
SETTINGS_TYPES = ("common", "production", "test", "devstack")


class Derived:
    """The shape of the platform's ``Derived``: a value computed later, not a list (iterating raises)."""

    def __init__(self, calculate_value):
        self.calculate_value = calculate_value


def _derived_error(*_args, **_kwargs):
    raise AssertionError("a plugin evaluated a Derived setting before derive_settings()")


class Untouchable(Derived):
    """A Derived value that fails the test on any use, not only on iteration."""

    def __getattr__(self, name):
        _derived_error()

    __iter__ = __len__ = __bool__ = __eq__ = __contains__ = __add__ = __radd__ = _derived_error
    __hash__ = object.__hash__


def platform_settings_module(name):
    """A settings module shaped like lms/envs/common.py at the point where it applies plugin settings."""
    module = types.ModuleType(name)
    module.LOCALE_PATHS = Untouchable(lambda settings: ["/edx/app/edxapp/edx-platform/conf/locale"])
    module.TEMPLATES = Untouchable(lambda settings: [])
    module.ENV_TOKENS = {"MENTORING_MAX_MENTOR_CAPACITY": 12}
    module.INSTALLED_APPS = ["django.contrib.auth"]
    sys.modules[name] = module
    return module


@pytest.mark.parametrize("project", PROJECTS)
def test_the_plugin_app_is_discovered(project):
    assert "mentoring_xblock.apps.MentoringXBlockConfig" in get_plugin_apps(project)


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("settings_type", SETTINGS_TYPES)
def test_plugin_settings_never_touch_derived_settings(project, settings_type):
    name = f"fake_platform_settings_{project.split('.')[0]}_{settings_type}"
    module = platform_settings_module(name)
    locale_paths = module.LOCALE_PATHS
    try:
        add_plugins(name, project, "common")  # lms/envs/common.py, before derive_settings()
        if settings_type != "common":
            add_plugins(name, project, settings_type)  # lms/envs/<type>.py, which imports common.py first
    finally:
        del sys.modules[name]
    assert module.LOCALE_PATHS is locale_paths  # neither evaluated nor replaced
    for setting, default in DEFAULTS.items():
        assert hasattr(module, setting), setting
        if settings_type != "production" and setting != "MENTORING_MAX_MENTOR_CAPACITY":
            assert getattr(module, setting) == default
    if settings_type == "production":
        assert module.MENTORING_MAX_MENTOR_CAPACITY == 12  # ENV_TOKENS (Tutor's YAML) win
        assert module.MENTORING_DEV_USER_SERVICE is False


@pytest.mark.parametrize("project", PROJECTS)
def test_a_site_value_survives_the_common_settings(project):
    name = f"fake_platform_settings_site_{project.split('.')[0]}"
    module = platform_settings_module(name)
    module.MENTORING_REQUESTS_PER_HOUR = 3
    try:
        add_plugins(name, project, "common")
    finally:
        del sys.modules[name]
    assert module.MENTORING_REQUESTS_PER_HOUR == 3


@override_settings(LOCALE_PATHS=[])
def test_services_are_translated_without_any_locale_path_of_ours():
    """Django's gettext finds the app's own locale/ folder: no LOCALE_PATHS entry is needed."""
    with translation.override("es"):
        assert translation.gettext("Sign in to take part in the mentoring program.") == (
            "Inicia sesión para participar en el programa de mentoría.")
