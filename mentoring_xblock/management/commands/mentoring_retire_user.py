"""Retire one user's personal data in every mentoring program (what the LMS retirement signal does)."""
import json

from django.core.management.base import BaseCommand

from ...services.privacy import retire_user


class Command(BaseCommand):
    """``python -m django mentoring_retire_user --user-id N``."""

    help = "Remove or anonymise one user's personal data in every mentoring program; prints what changed."

    def add_arguments(self, parser):
        """The LMS user id."""
        parser.add_argument("--user-id", type=int, required=True, help="The LMS user id of the person.")

    def handle(self, *args, **options):
        """Retire and print the counts as JSON."""
        self.stdout.write(json.dumps(retire_user(options["user_id"]), sort_keys=True))
