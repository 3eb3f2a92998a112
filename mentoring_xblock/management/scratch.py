"""Commands that write made-up data refuse to run on a real site unless told it is a scratch database.

``mentoring_seed_demo`` creates made-up users (one of them course staff) and ``mentoring_benchmark`` 100,000
participants: on an LMS's own database that would be a security and data problem. They run where DEBUG is
on (the workbench demo) or with ``--scratch``.
"""
from django.conf import settings
from django.core.management.base import CommandError


def add_scratch_argument(parser):
    """The ``--scratch`` flag: the database this runs on may be filled with made-up data."""
    parser.add_argument("--scratch", action="store_true",
                        help="Confirm that this database is a scratch one (needed where DEBUG is off).")


def require_scratch(options, what):
    """Raise CommandError (nothing written) unless DEBUG is on or ``--scratch`` was given."""
    if settings.DEBUG or options.get("scratch"):
        return
    raise CommandError(f"{what} writes made-up people and data to this database. Run it on a scratch database "
                       f"only, and say so with --scratch (or with DEBUG on, as in the workbench demo).")
