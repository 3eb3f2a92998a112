"""Test settings: the workbench settings with mentoring_xblock installed, on SQLite or MariaDB (MENTORING_DB=mysql)."""
import os

os.environ.setdefault("MENTORING_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from mentoring_xblock.workbench.settings import *  # noqa: E402,F401,F403  pylint: disable=wildcard-import,wrong-import-position

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = os.environ.get("MENTORING_TEST_BROKER", "redis://127.0.0.1:6379/15")
