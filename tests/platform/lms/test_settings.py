"""The plugin as the LMS loads it: plugin app, settings, translations, system checks, migrations."""
# ruff: noqa: E402  (platform imports come after the module-level skip, so the default suite never runs them)
from ..support import require

require("lms")

# pylint: disable=wrong-import-position
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from edx_django_utils.plugins import get_plugin_apps
from openedx.core.djangoapps.plugins.constants import ProjectType

import mentoring_xblock
from mentoring_xblock.conf import DEFAULTS

PACKAGE_DIR = Path(mentoring_xblock.__file__).resolve().parent
SERVICE_STRING = "Sign in to take part in the mentoring program."
SERVICE_STRING_ES = "Inicia sesión para participar en el programa de mentoría."


def test_app_installed_by_the_plugin_machinery():
    """The LMS lists the app because of its ``lms.djangoapp`` entry point: nobody edited INSTALLED_APPS."""
    app = "mentoring_xblock.apps.MentoringXBlockConfig"
    assert app in get_plugin_apps(ProjectType.LMS)
    assert app in settings.INSTALLED_APPS
    assert apps.is_installed("mentoring_xblock")
    assert apps.get_app_config("mentoring_xblock").verbose_name == "Mentoring programs"


def test_mentoring_defaults_are_settings():
    """The plugin's ``plugin_settings`` gave every MENTORING_* setting its default."""
    for name, default in DEFAULTS.items():
        assert hasattr(settings, name), name
        assert getattr(settings, name) == default, name


def test_locale_paths_evaluated_without_an_entry_of_ours():
    """LOCALE_PATHS is a real list (the platform's Derived value was evaluated, not replaced by the plugin)."""
    locale_paths = settings.LOCALE_PATHS
    assert isinstance(locale_paths, (list, tuple)), type(locale_paths)
    assert locale_paths, "the platform's own conf/locale is missing"
    for entry in locale_paths:
        assert isinstance(entry, (str, Path)), (entry, type(entry))
        resolved = Path(entry).resolve()
        assert PACKAGE_DIR not in (resolved, *resolved.parents), entry
        assert Path(mentoring_xblock.__file__).resolve().parents[1] not in (resolved, *resolved.parents), entry


@pytest.mark.parametrize("language", ["es", "es-419"])
def test_django_gettext_translates_a_service_string(language):
    """Django finds the app's locale/ (it is an installed app) and translates the services' strings."""
    with translation.override(language):
        assert translation.gettext(SERVICE_STRING) == SERVICE_STRING_ES
    with translation.override("en"):
        assert translation.gettext(SERVICE_STRING) == SERVICE_STRING


def test_system_checks_pass():
    """``manage.py lms check`` passes with the plugin installed."""
    call_command("check")


@pytest.mark.django_db
def test_migrations_match_the_models():
    """``makemigrations mentoring_xblock --check --dry-run`` finds no change (the run's --nomigrations undone)."""
    with override_settings(MIGRATION_MODULES={}):
        call_command("makemigrations", "mentoring_xblock", "--check", "--dry-run", verbosity=1)
