"""Settings the plugin injects into the LMS and Studio through edx-django-utils."""
