"""The test harness: blocks from OLX on the workbench runtime, handlers called as anyone, query counts.

Build a block from OLX, call any handler as a given person with a JSON body, read status and JSON
back, and count SQL queries.

People are named like in the workbench (``?student=``): the development user service maps a name
to a Django user; ``anonymous`` is not signed in. ``make_user(name, staff=True)`` makes a coordinator.
"""
import itertools
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from webob import Request
from workbench.runtime import WorkbenchRuntime

_scenario_numbers = itertools.count()


def make_user(name, staff=False):
    """The Django user behind a workbench name (created, staff flag set)."""
    user, _created = get_user_model().objects.get_or_create(username=name, defaults={"email": f"{name}@example.com"})
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    return user


def parse_olx(olx):
    """Load OLX into the workbench runtime and return its usage id."""
    runtime = WorkbenchRuntime("anonymous")
    runtime.id_generator.set_scenario(f"test-{next(_scenario_numbers)}")
    return runtime.parse_xml_string(olx)


def block_as(usage_id, person):
    """The block with ``usage_id`` as seen by ``person`` (a workbench name)."""
    runtime = WorkbenchRuntime(person)
    return runtime.get_block(usage_id)


@dataclass
class HandlerResult:
    """What a handler answered."""

    status: int
    body: object
    queries: int
    writes: tuple = ()  # the SQL statements that changed rows


    @property
    def error(self):
        """The error message of a 4xx answer."""
        return self.body.get("error") if isinstance(self.body, dict) else None


def call(usage_id, person, handler, data=None, method="POST", raw_body=None, query=""):
    """Call ``handler`` of the block as ``person`` with ``data`` as JSON; return status, JSON, query count."""
    block = block_as(usage_id, person)
    body = raw_body if raw_body is not None else json.dumps(data if data is not None else {}).encode("utf-8")
    request = Request.blank("/?" + query if query else "/", method=method, body=body if method == "POST" else None,
                            content_type="application/json")
    with CaptureQueriesContext(connection) as queries:
        response = block.runtime.handle(block, handler, request)
    try:
        parsed = json.loads(response.body.decode("utf-8")) if response.body else None
    except ValueError:
        parsed = response.body.decode("utf-8", "replace")
    return HandlerResult(response.status_code, parsed, len(queries), writes_in(queries))


WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_in(queries):
    """The statements among captured ``queries`` that change rows (savepoints and reads are not writes)."""
    return tuple(q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITE_STATEMENTS))


def render_writes(usage_id, person, view="student_view"):
    """Render ``view`` as ``person``; return the statements that changed rows while it rendered."""
    block = block_as(usage_id, person)
    with CaptureQueriesContext(connection) as queries:
        block.render(view, {})
    return writes_in(queries)


def render(usage_id, person, view="student_view"):
    """Render ``view`` as ``person``; return the fragment's HTML and the number of queries."""
    block = block_as(usage_id, person)
    with CaptureQueriesContext(connection) as queries:
        fragment = block.render(view, {})
    return fragment.body_html(), len(queries)
