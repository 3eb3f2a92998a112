"""Default settings for the LMS and Studio (edx-django-utils calls ``plugin_settings``).

The platform applies these while some of its own settings are still ``Derived`` values that
``derive_settings()`` evaluates later (``LOCALE_PATHS`` among them): nothing here reads, iterates
or replaces a platform setting. Translations need no setting at all: Django's gettext finds
``mentoring_xblock/locale/<lang>/LC_MESSAGES/django.mo`` because the app is installed (the plugin
machinery adds it to ``INSTALLED_APPS``), and the XBlock i18n service reads
``mentoring_xblock/translations/<lang>/LC_MESSAGES/text.mo``. Both are links to the top-level
``translations/`` folder.
"""
from mentoring_xblock.conf import DEFAULTS


def plugin_settings(settings):
    """Give every MENTORING_* setting its default unless the site already set it."""
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
