"""Settings for the XBlock SDK workbench with mentoring_xblock installed (demo and tests).

SQLite by default; ``MENTORING_DB=mysql`` uses the MariaDB/MySQL server at ``MENTORING_DB_HOST``
(127.0.0.1), user root, database ``MENTORING_DB_NAME`` (mentoring_xblock).
"""
import os

from workbench.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from workbench.settings import INSTALLED_APPS, WORKBENCH

DEBUG = True
VAR_DIR = os.environ.get("MENTORING_VAR_DIR", os.path.join(os.getcwd(), "var"))
os.makedirs(VAR_DIR, exist_ok=True)

if os.environ.get("MENTORING_DB", "sqlite") == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("MENTORING_DB_NAME", "mentoring_xblock"),
            "USER": os.environ.get("MENTORING_DB_USER", "root"),
            "PASSWORD": os.environ.get("MENTORING_DB_PASSWORD", ""),
            "HOST": os.environ.get("MENTORING_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("MENTORING_DB_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4", "isolation_level": "read committed"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("MENTORING_SQLITE", os.path.join(VAR_DIR, "mentoring_demo.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }

INSTALLED_APPS = [*INSTALLED_APPS, "mentoring_xblock.apps.MentoringXBlockConfig"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "mentoring_xblock.workbench.urls"
WORKBENCH = dict(WORKBENCH, services=dict(WORKBENCH["services"],
                                          user="mentoring_xblock.workbench.user_service.WorkbenchUserService",
                                          i18n="mentoring_xblock.workbench.i18n_service.PackageI18nService"))
MENTORING_DEV_USER_SERVICE = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "mentoring@example.com"
TIME_ZONE = "UTC"
USE_TZ = True
# Only our blocks on the workbench's front page.
EXCLUDED_XBLOCKS = {
    "allscopes_demo", "attempts_scoreboard_demo", "equality_demo", "filethumbs", "helloworld_demo",
    "html_demo", "problem_demo", "sidebar_demo", "slider_demo", "textinput_demo", "thumbs", "view_counter_demo",
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
