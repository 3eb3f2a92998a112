"""Minimal Django settings for `django-admin makemessages` (run by `i18n_tool extract` from the repository root)."""
import os

SECRET_KEY = "i18n-extraction-only"  # noqa: S105  # never used to sign anything
USE_I18N = True
LOCALE_PATHS = [os.path.abspath(os.path.join(os.path.dirname(__file__), "locale"))]
