"""``python -m mentoring_xblock.matching`` (see :mod:`mentoring_xblock.matching.cli`)."""

import sys

from .cli import main

sys.exit(main())
