"""Django app configuration, registered as an Open edX plugin app (no INSTALLED_APPS edit needed)."""
from django.apps import AppConfig


class MentoringXBlockConfig(AppConfig):
    """The mentoring_xblock Django app: models, migrations, admin, commands and tasks."""

    name = "mentoring_xblock"
    verbose_name = "Mentoring programs"
    default_auto_field = "django.db.models.BigAutoField"

    # Read by edx-django-utils' plugin machinery in the LMS and Studio.
    plugin_app = {
        "settings_config": {
            "lms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
            "cms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
        },
    }

    def ready(self):
        """Listen to the LMS's user retirement signal and the modulestore's course publishing.

        Nothing is connected outside the platform.
        """
        # Models are ready only now; importing tasks registers the Celery tasks the services queue by name.
        from . import receivers, tasks  # noqa: F401  # pylint: disable=import-outside-toplevel,unused-import
        receivers.connect_retirement_signal()
        receivers.connect_course_published_signal()
