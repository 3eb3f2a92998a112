"""Default settings for the LMS and Studio (edx-django-utils calls ``plugin_settings``)."""
from mentoring_xblock.conf import DEFAULTS


def plugin_settings(settings):
    """Give every MENTORING_* setting its default unless the site already set it."""
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
