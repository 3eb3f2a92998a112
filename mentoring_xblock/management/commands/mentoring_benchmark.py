"""
Measure the product at scale: seed a synthetic program, then time the views and count their queries.

``python -m django mentoring_benchmark [--participants 100000] [--pairs 30000] [--mentors 10000]``
prints, for the coordinator's overview, participants table, pair health and matching tab, and for
one mentee's suggestions, the SQL query count and the time at full size relative to the same view
with 100 participants (and 10 mentors for suggestions). Works on SQLite and MariaDB/MySQL (run it
with the settings of the database to measure). It writes to the database it runs on: use a scratch one.
"""
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ... import coordinator_selectors
from ...demo import leadership_config
from ...domain import matching as matching_service
from ...models import Match, Participant, Program
from ...services.programs import sync_program
from ..scratch import add_scratch_argument, require_scratch

TOPICS = [q for q in leadership_config()["questions"] if q["id"] == "goals"][0]["options"]
LEVELS = [q for q in leadership_config()["questions"] if q["id"] == "role_level"][0]["options"]
ZONES = ["Europe/Madrid", "America/New_York", "Asia/Kolkata", "Africa/Lagos", "America/Sao_Paulo", "Asia/Tokyo"]
LANGUAGES = [["en"], ["en", "es"], ["es"], ["en", "fr"], ["pt", "es"], ["en", "hi"]]


def seed_program(slug, participants, mentors, pairs, seed=7):
    """Bulk-create a program with ``participants`` people (``mentors`` of them mentors) and active pairs."""
    rng = random.Random(seed)
    course_key = CourseKey.from_string("course-v1:MentoringBench+SCALE+2026")
    Program.objects.filter(course_key=course_key, slug=slug).delete()
    program = sync_program(course_key, slug, leadership_config(), f"Benchmark {slug}")
    now = timezone.now()
    rows = []
    for index in range(participants):
        is_mentor = index < mentors
        topics = rng.sample([o["value"] for o in TOPICS], rng.randint(2, 5))
        zone = rng.randrange(len(ZONES))
        rows.append(Participant(
            program=program, user_id=10_000_000 + index, username=f"{slug}_{index}", status="active",
            is_mentee=not is_mentor, mentor_status="approved" if is_mentor else "",
            answers={"goals": topics, "role_level": LEVELS[rng.randint(2, 4) if is_mentor else rng.randint(0, 2)]
                     ["value"]},
            time_zone=ZONES[zone], languages=LANGUAGES[zone], availability=[rng.randrange(168) for _ in range(6)],
            seniority=rng.randint(3, 5) if is_mentor else rng.randint(1, 3),
            capacity=rng.randint(3, 5) if is_mentor else 0, consent_at=now, profile_completed_at=now))
    with transaction.atomic():
        Participant.objects.bulk_create(rows, batch_size=2000)
        people = list(Participant.objects.filter(program=program).order_by("pk").values_list("pk", "is_mentee",
                                                                                             "capacity"))
        mentor_ids = [(pk, capacity) for pk, is_mentee, capacity in people if not is_mentee]
        mentee_ids = [pk for pk, is_mentee, _capacity in people if is_mentee]
        matches, load, slots = [], {}, [pk for pk, capacity in mentor_ids for _ in range(capacity)]
        rng.shuffle(slots)
        for mentee_id, mentor_id in zip(mentee_ids[:pairs], slots, strict=False):
            load[mentor_id] = load.get(mentor_id, 0) + 1
            matches.append(Match(program=program, mentor_id=mentor_id, mentee_id=mentee_id, state="active",
                                 origin="run", score=rng.random(), started_at=now,
                                 last_activity_at=now - timezone.timedelta(days=rng.randint(0, 60))))
        Match.objects.bulk_create(matches, batch_size=2000)
        for mentor_id, count in load.items():
            Participant.objects.filter(pk=mentor_id).update(mentee_count=count)
    return program


def measure(function, repeat=3):
    """(queries, best seconds) of ``function`` over a few runs."""
    best, queries = None, 0
    for _attempt in range(repeat):
        connection.queries_log.clear()  # the seeding filled the log; counts need room
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            elapsed = time.perf_counter() - started
        queries = len(captured)
        best = elapsed if best is None else min(best, elapsed)
    return queries, best


class Command(BaseCommand):
    """Seed a large and a small program and compare the views' query counts and times."""

    help = __doc__

    def add_arguments(self, parser):
        """Sizes."""
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--pairs", type=int, default=30_000)
        parser.add_argument("--mentors", type=int, default=10_000)
        add_scratch_argument(parser)

    def handle(self, *args, **options):
        """Seed, measure, print (on a scratch database only)."""
        require_scratch(options, "mentoring_benchmark")
        started = time.perf_counter()
        large = seed_program("bench-large", options["participants"], options["mentors"], options["pairs"])
        small = seed_program("bench-small", 100, 10, 30)
        self.stdout.write(f"database: {connection.vendor}; seeded {options['participants']} participants, "
                          f"{options['pairs']} active pairs, {options['mentors']} mentors in "
                          f"{time.perf_counter() - started:.1f} s")
        views = {
            "overview": coordinator_selectors.overview,
            "participants (page 1)": lambda program: coordinator_selectors.participants(program, page=1),
            "participants (mentors, search)": lambda program: coordinator_selectors.participants(
                program, role="mentor", search="_1", page=2),
            "pair health (page 1)": lambda program: coordinator_selectors.pair_health(program, page=1),
            "pair health (at risk)": lambda program: coordinator_selectors.pair_health(program, at_risk_only=True),
            "matching tab": coordinator_selectors.matching_view,
        }
        self.stdout.write(f"{'view':34} {'queries small':>13} {'queries large':>13} {'ms small':>9} "
                          f"{'ms large':>9} {'ratio':>6}")
        for name, view in views.items():
            small_q, small_t = measure(lambda view=view: view(small))
            large_q, large_t = measure(lambda view=view: view(large))
            self.stdout.write(f"{name:34} {small_q:13d} {large_q:13d} {small_t * 1000:9.1f} {large_t * 1000:9.1f} "
                              f"{large_t / small_t:6.1f}")
        for program in (small, large):
            Match.objects.filter(program=program, mentee__username__endswith="_99").delete()
        mentee_small = Participant.objects.filter(program=small, is_mentee=True).exclude(
            matches_as_mentee__open_slot=True).first()
        mentee_large = Participant.objects.filter(program=large, is_mentee=True).exclude(
            matches_as_mentee__open_slot=True).first()
        small_q, small_t = measure(lambda: matching_service.suggestions(small, mentee_small))
        large_q, large_t = measure(lambda: matching_service.suggestions(large, mentee_large))
        mentors_large = Participant.objects.filter(program=large, mentor_status="approved").count()
        self.stdout.write(f"{'suggestions (10 vs ' + str(mentors_large) + ' mentors)':34} {small_q:13d} "
                          f"{large_q:13d} {small_t * 1000:9.1f} {large_t * 1000:9.1f} {large_t / small_t:6.1f}")
        cold = {}
        for name, program in (("small", small), ("large", large)):
            started = time.perf_counter()
            matching_service.mentor_pool(program, now=float("inf"))  # rebuild, as after the cache expires
            cold[name] = time.perf_counter() - started
        self.stdout.write(f"{'  mentor pool rebuild (cold)':34} {1:13d} {1:13d} {cold['small'] * 1000:9.1f} "
                          f"{cold['large'] * 1000:9.1f} {cold['large'] / cold['small']:6.1f}")
