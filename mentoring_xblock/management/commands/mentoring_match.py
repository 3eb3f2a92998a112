"""Run cohort matching for a program from the command line (the same job as the coordinator's button)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ...errors import MentoringError
from ...identity import Identity
from ...models import Program
from ...services import matching_runs


class Command(BaseCommand):
    """``python -m django mentoring_match COURSE_KEY PROGRAM --user STAFF [--objective ..] [--publish]``."""

    help = "Run whole-cohort matching for one program; prints the run's figures. Publishes with --publish."

    def add_arguments(self, parser):
        """Program, acting staff user and run settings."""
        parser.add_argument("course_key")
        parser.add_argument("program", help="The program's name (slug).")
        parser.add_argument("--user", required=True, help="Username of the course staff member this is done for "
                                                           "(kept in the audit log).")
        parser.add_argument("--objective", choices=matching_runs.OBJECTIVES, default="participation")
        parser.add_argument("--min-score", type=float, default=None)
        parser.add_argument("--top-k", type=int, default=30)
        parser.add_argument("--publish", action="store_true", help="Publish the draft when it is ready.")

    def handle(self, *args, **options):
        """Start (and run) the job through the same services as the coordinator's view."""
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as error:
            raise CommandError(f"Not a course key: {options['course_key']}") from error
        program = Program.objects.filter(course_key=course_key, slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No program {options['program']!r} in {course_key}.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        identity = Identity(user.pk, user.username, True, True, full_name=user.get_full_name())
        params = {"objective": options["objective"], "min_score": options["min_score"], "top_k": options["top_k"]}
        try:
            run = matching_runs.start_run(program, identity, params)
            run = matching_runs.execute_run(run.pk)  # no-op when it already ran in process
            if run.state != "draft":
                raise CommandError(f"Run {run.pk} ended as {run.state}: {run.error}")
            metrics = run.metrics
            self.stdout.write(f"Run {run.pk}: {metrics['matched']} of {metrics['mentees']} mentees matched with "
                              f"{metrics['mentors']} mentors; mean score {metrics['mean_score']:.3f}; "
                              f"{metrics['seconds']:.2f} s; unmatched {metrics['unmatched']}.")
            if options["publish"]:
                matching_runs.publish_run(program, identity, run.pk)
                self.stdout.write(f"Run {run.pk} published.")
        except MentoringError as error:
            raise CommandError(error.message) from error
