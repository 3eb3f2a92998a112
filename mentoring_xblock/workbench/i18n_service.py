"""The workbench's i18n service, made to translate like the LMS's ``XBlockI18nService``.

In the LMS the service of a block is its package's own catalog (``gettext.translation("text",
<package>/translations, [locale])``, edx-platform ``xmodule/modulestore/django.py``), and the
``{% trans %}`` tag of ``xblock.utils`` merges that catalog over Django's: the block's wording wins for
strings that other apps also translate ("Save"). The SDK's ``WorkbenchI18NService`` proxies Django's
translation module, which has no catalog to merge, so another app's translation wins there. This
service gives the workbench the LMS's precedence.
"""
import gettext
from pathlib import Path

import django.utils.translation
from django.conf import settings
from django.utils.translation import get_language, to_locale
from xblock.reference.plugins import Service

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "translations")


class PackageI18nService(Service):
    """Translations from this package's ``text`` catalogs, falling back on Django's for other languages."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._catalogs = {}

    def _translator(self):
        language = get_language() or settings.LANGUAGE_CODE
        if language not in self._catalogs:
            try:
                self._catalogs[language] = gettext.translation("text", TRANSLATIONS, [to_locale(language)])
            except OSError:  # no catalog of ours for this language (English): Django's gettext
                self._catalogs[language] = django.utils.translation
        return self._catalogs[language]

    def __getattr__(self, name):
        return getattr(self._translator(), name)
