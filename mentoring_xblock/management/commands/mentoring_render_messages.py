"""Render again every pair message that an older version of the plugin rendered (run after an upgrade)."""
from django.core.management.base import BaseCommand

from ...services.workspace import rerender_messages


class Command(BaseCommand):
    """``python -m django mentoring_render_messages`` (``./manage.py lms mentoring_render_messages``)."""

    help = "Store freshly rendered HTML for messages rendered by an older version's rules; prints how many."

    def add_arguments(self, parser):
        """The batch size."""
        parser.add_argument("--batch-size", type=int, default=500, help="Messages read and written per batch.")

    def handle(self, *args, **options):
        """Re-render in batches and print the count."""
        count = rerender_messages(batch_size=max(1, options["batch_size"]))
        self.stdout.write(f"{count} messages rendered again.")
