"""Expire mentoring requests past their date in every program, and tell the mentees (run on a schedule)."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from ...models import MentorshipRequest, Program
from ...services.mentorship import expire_due_requests


class Command(BaseCommand):
    """``./manage.py lms mentoring_expire_requests``: schedule it hourly (cron, or a Tutor cron job)."""

    help = "Expire open mentoring requests past their date and notify the mentees; prints how many per program."

    def handle(self, *args, **options):
        """Expire per program, each in its own transaction."""
        now, total = timezone.now(), 0
        program_ids = (MentorshipRequest.objects.filter(MentorshipRequest.due(now))
                       .values_list("program_id", flat=True).distinct())
        for program in Program.objects.filter(pk__in=list(program_ids)).order_by("pk"):
            count = expire_due_requests(program, now)
            total += count
            self.stdout.write(f"{program.course_key} / {program.slug}: {count} requests expired")
        self.stdout.write(f"{total} requests expired in all.")
