"""Export what the mentoring programs store about one user, as JSON (a personal data request)."""
import json

from django.core.management.base import BaseCommand

from ...services.privacy import export_user_data


class Command(BaseCommand):
    """``python -m django mentoring_export_user_data --user-id N [--output FILE]``."""

    help = "Print (or write to --output) everything the mentoring programs store about one user, as JSON."

    def add_arguments(self, parser):
        """The LMS user id and an optional output file."""
        parser.add_argument("--user-id", type=int, required=True, help="The LMS user id of the person.")
        parser.add_argument("--output", help="Write the JSON to this file instead of the standard output.")

    def handle(self, *args, **options):
        """Collect and write the JSON."""
        text = json.dumps(export_user_data(options["user_id"]), indent=2, sort_keys=True, ensure_ascii=False)
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
        else:
            self.stdout.write(text)
