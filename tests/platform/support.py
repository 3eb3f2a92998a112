"""Which platform this run is in, and the module-level skip every platform test module starts with.

Nothing here imports edx-platform code at import time: the project's default suite (the XBlock SDK
workbench, ``tests.settings``) collects these modules too and must skip them with a reason.
"""
import importlib.util
import json

import pytest

NEEDS_PLATFORM = ("needs an edx-platform environment (lms/cms/xmodule importable, DJANGO_SETTINGS_MODULE a platform "
                  "settings module such as lms.envs.test or cms.envs.test): see tests/platform/README.md")
URLCONFS = {"lms.urls": "lms", "cms.urls": "cms"}


def platform_kind():
    """'lms' or 'cms' when Django runs with that platform's settings, else None."""
    if any(importlib.util.find_spec(name) is None for name in ("lms", "cms", "xmodule")):
        return None
    from django.conf import settings  # pylint: disable=import-outside-toplevel
    if not settings.configured:
        return None
    return URLCONFS.get(getattr(settings, "ROOT_URLCONF", None))


def require(kind):
    """Skip the calling module (before it imports platform code) unless this run is in ``kind`` ('lms'/'cms')."""
    found = platform_kind()
    if found is None:
        pytest.skip(NEEDS_PLATFORM, allow_module_level=True)
    if found != kind:
        wanted = {"lms": "the LMS (e.g. lms.envs.test)", "cms": "Studio (e.g. cms.envs.test)"}[kind]
        pytest.skip(f"{kind.upper()} test: run it with the settings of {wanted}; this run has {found.upper()} "
                    f"settings", allow_module_level=True)


def json_or_text(response):
    """A Django test response's body: parsed JSON, or the text when it is not JSON (an HTML error page)."""
    try:
        return json.loads(response.content.decode("utf-8"))
    except ValueError:
        return response.content.decode("utf-8", "replace")
