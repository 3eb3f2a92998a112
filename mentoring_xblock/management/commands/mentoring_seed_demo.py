"""Seed the demo leadership program: a coordinator, approved mentors, learners with full profiles, and a story.

Unless ``--empty``, the story is lived in: pairs at every stage, a published run, a draft, check-ins good and bad.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from opaque_keys.edx.keys import CourseKey

from ...conf import setting
from ...demo import DEMO_SLUG, demo_people, leadership_config
from ...demo_story import seed_story
from ...identity import Identity
from ...models import Program
from ...services.coordination import review_mentor
from ...services.participants import join_program, save_profile
from ...services.programs import sync_program
from ..scratch import add_scratch_argument, require_scratch


class Command(BaseCommand):
    """Seed the demo: ``python -m django mentoring_seed_demo [--mentees 40] [--mentors 10] [--reset]``."""

    help = "Create the demo leadership mentoring program with made-up people (idempotent)."

    def add_arguments(self, parser):
        """Sizes, course and reset."""
        parser.add_argument("--mentees", type=int, default=40)
        parser.add_argument("--mentors", type=int, default=10)
        parser.add_argument("--course", default=None, help="Course key (default: the workbench demo course).")
        parser.add_argument("--reset", action="store_true", help="Delete the demo program's data first.")
        parser.add_argument("--empty", action="store_true",
                            help="Only the people: no pairs, requests, runs or answers (the browser tests start so).")
        parser.add_argument("--send-email", action="store_true",
                            help="Email the made-up people (by default seeding sends no email).")
        add_scratch_argument(parser)

    def handle(self, *args, **options):
        """Create the program and its people through the services (idempotent), without emailing them."""
        require_scratch(options, "mentoring_seed_demo")  # it creates made-up users, one of them course staff
        if options["send_email"]:
            return self._seed(options)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            return self._seed(options)

    def _seed(self, options):
        course_key = CourseKey.from_string(options["course"] or setting("MENTORING_WORKBENCH_COURSE_KEY"))
        users = get_user_model()
        with transaction.atomic():
            if options["reset"]:
                Program.objects.filter(course_key=course_key, slug=DEMO_SLUG).delete()
            program = sync_program(course_key, DEMO_SLUG, leadership_config(), "Leadership mentoring")
            coordinator, _created = users.objects.get_or_create(
                username="coordinator", defaults={"is_staff": True, "first_name": "Casey", "last_name": "Coordinator",
                                                  "email": "coordinator@example.com"})
            if not coordinator.is_staff:
                coordinator.is_staff = True
                coordinator.save(update_fields=["is_staff"])
            staff = Identity(coordinator.pk, coordinator.username, True, True)
            created = 0
            for person in demo_people(mentees=options["mentees"], mentors=options["mentors"]):
                user, is_new = users.objects.get_or_create(
                    username=person["username"],
                    defaults={"first_name": person["first_name"], "last_name": person["last_name"],
                              "email": f"{person['username']}@example.com"})
                identity = Identity(user.pk, user.username, False, True, full_name=user.get_full_name())
                if is_new or not program.participants.filter(user_id=user.pk).exists():
                    participant = join_program(program, identity, person["role"])
                    save_profile(program, identity, person["profile"])
                    if person["role"] == "mentor":
                        review_mentor(program, staff, participant.pk, True)
                    created += 1
            story = not options["empty"] and seed_story(program, staff)
        self.stdout.write(f"Demo program {program}: {created} participants added "
                          f"({program.participants.count()} in all)"
                          + ("; pairs, requests, runs and check-ins seeded." if story else "."))
