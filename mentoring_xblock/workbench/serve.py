"""Bring up the demo: ``python -m mentoring_xblock.workbench.serve [--port 8000]``.

Migrates the SQLite database, seeds the leadership program, prints where to go, and serves the
workbench on 127.0.0.1.
"""
import argparse
import os


def main(argv=None):
    """Migrate, seed, print the links and run the development server."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MENTORING_DEMO_PORT", "8000")))
    parser.add_argument("--no-serve", action="store_true", help="Only migrate and seed.")
    parser.add_argument("--empty", action="store_true",
                        help="Seed only the people, without the pairs, runs and check-ins of the story.")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_xblock.workbench.settings")

    import django  # pylint: disable=import-outside-toplevel
    django.setup()
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    call_command("migrate", interactive=False, verbosity=0)
    call_command("mentoring_seed_demo", empty=options.empty)
    base = f"http://127.0.0.1:{options.port}"
    print(f"""
Mentoring XBlock demo
  Start here (pick a person):  {base}/
  Learner in a pair:           {base}/scenario/mentoring_program.0/?student=learner_01
  Learner still looking:       {base}/scenario/mentoring_program.0/?student=learner_21
  Mentor:                      {base}/scenario/mentoring_program.0/?student=mentor_01
  Coordinator (course staff):  {base}/scenario/mentoring_program.0/?student=coordinator
  New learner:                 {base}/scenario/mentoring_program.0/?student=newcomer
  Studio editor:               {base}/scenario/mentoring_program.0/studio_view/?student=coordinator
Press Ctrl+C to stop.
""", flush=True)
    if not options.no_serve:
        call_command("runserver", f"127.0.0.1:{options.port}", use_reloader=False)


if __name__ == "__main__":
    main()
