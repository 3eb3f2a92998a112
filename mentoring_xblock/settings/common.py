"""Default settings for the LMS and Studio (edx-django-utils calls ``plugin_settings``)."""
from pathlib import Path

from mentoring_xblock.conf import DEFAULTS

# translations/<lang>/LC_MESSAGES/{text,django}.mo inside the installed package. The XBlock i18n service reads
# text.mo for the templates; Django's own gettext (used by the services and the handlers) reads django.mo, a copy
# of text.mo made by `make compile_translations`, from any directory listed in LOCALE_PATHS.
TRANSLATIONS_DIR = str(Path(__file__).resolve().parent.parent / "translations")


def plugin_settings(settings):
    """Give every MENTORING_* setting its default unless the site already set it; add our catalogs."""
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    locale_paths = list(getattr(settings, "LOCALE_PATHS", []) or [])
    if TRANSLATIONS_DIR not in locale_paths:
        # Last: the platform's own catalogs keep precedence for the strings they share with ours.
        settings.LOCALE_PATHS = [*locale_paths, TRANSLATIONS_DIR]
