"""A bounded soak of the workbench demo: many people at once, then the matching invariants in the database.

``python -m mentoring_xblock.benchmarks.soak [--workers 3] [--clients 12] [--seconds 60] [--port 8140]``
(also ``--seed N`` for the clients' choices, ``--keep`` to keep the logs of a passing run).

1. Drops and recreates the scratch MariaDB database ``mentoring_soak`` (root at 127.0.0.1:3306, or what the
   ``MENTORING_DB_HOST/PORT/USER/PASSWORD`` variables of the workbench settings say), runs
   ``python -m django migrate`` and ``python -m django mentoring_seed_demo`` (a coordinator, approved mentors
   mentor_01.., learners learner_01.. with complete profiles) with ``MENTORING_DB=mysql`` and
   ``MENTORING_VAR_DIR`` in a temporary directory (its setup and server logs are kept when the soak fails).
   The database stays after the run for inspection.
2. Serves ``mentoring_xblock.workbench.settings`` (DEBUG on, so its development user service runs: the
   person is the ``?student=<username>`` query parameter) with gunicorn, ``--workers`` processes, on
   127.0.0.1:``--port``.
3. Runs ``--clients`` threads for ``--seconds``, each with its own HTTP session: one coordinator, and threads
   of seeded mentees, seeded mentors and newcomers who join (sometimes as both roles at once, from two tabs),
   save a profile, leave and rejoin. They call the block's handlers as its JavaScript does: a JSON POST to
   ``/handler/<usage_id>/<handler>/?student=<username>`` with the CSRF cookie in ``X-CSRFToken``. Every id
   they send comes from what that person sees: the program page (suggested mentors, the open request,
   incoming requests, proposed and active pairs) and the coordinator's tabs (waiting mentees, mentors,
   pending mentors, runs).
4. Stops the server and checks the invariants in the database with the ORM: open matches per mentor equal
   ``mentee_count``, which stays within capacity; at most one open match and one open request per mentee,
   never both; nobody is a mentee and a pending, approved or paused mentor; ``open_slot`` agrees with state.
5. Prints the parameters, the requests and requests/s, latency percentiles and status counts per handler,
   the first 5xx answers, and the invariants.

2xx and 4xx answers are expected (409 for conflicts, 400 for rate limits, 404 for what someone else just
changed). The exit status is 1 when an answer was a 5xx, a request got no answer, a client thread failed or
an invariant was violated; 2 when the soak could not be set up. Figures only, no assertions on time: it is a
benchmark, not a test. Needs gunicorn (``pip install gunicorn``) and a MariaDB/MySQL server.

The XBlock SDK workbench registers the scenarios' usage ids in memory, lazily and per process, and creates
its field rows with ``get_or_create`` on a table without a unique key. So the scenarios are loaded once
before the server starts, and each worker loads them when it boots (``wsgi_application()``): otherwise a
worker's first handler call is a 404, and workers loading at once could duplicate rows.
"""
import argparse
import html as html_lib
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import quote

import requests

DB_NAME = "mentoring_soak"
SETTINGS_MODULE = "mentoring_xblock.workbench.settings"
SCENARIO = "mentoring_program.0"
WSGI_FACTORY = "mentoring_xblock.benchmarks.soak:wsgi_application()"
COORDINATOR = "coordinator"
PAGE = "GET program page"
REQUEST_TIMEOUT = 60
SHOWN_FAILURES = 5
TABS = ("overview", "participants", "matching", "health", "settings", "audit")
OPEN_MENTOR_STATUSES = ("pending", "approved", "paused")


class SetupError(Exception):
    """The soak could not be prepared (database, migrations, server)."""


def wsgi_application():
    """The workbench's WSGI application with its scenarios loaded; gunicorn calls this in each worker."""
    from django.core.wsgi import get_wsgi_application  # pylint: disable=import-outside-toplevel
    application = get_wsgi_application()
    from workbench.scenarios import get_scenarios  # pylint: disable=import-outside-toplevel
    get_scenarios()
    return application


# ---- setup ---------------------------------------------------------------------------------------------

def soak_environment(var_dir):
    """The environment of the Django commands, the server and this process: the scratch database."""
    return dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS_MODULE, MENTORING_DB="mysql",
                MENTORING_DB_NAME=DB_NAME, MENTORING_VAR_DIR=var_dir, PYTHONUNBUFFERED="1")


def recreate_database():
    """Drop and create the scratch database on the server the workbench settings use."""
    import MySQLdb  # pylint: disable=import-outside-toplevel
    try:
        connection = MySQLdb.connect(host=os.environ.get("MENTORING_DB_HOST", "127.0.0.1"),
                                     port=int(os.environ.get("MENTORING_DB_PORT", "3306")),
                                     user=os.environ.get("MENTORING_DB_USER", "root"),
                                     password=os.environ.get("MENTORING_DB_PASSWORD", ""))
    except MySQLdb.Error as error:
        raise SetupError(f"cannot connect to MariaDB: {error}") from error
    try:
        cursor = connection.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS `{DB_NAME}`")
        cursor.execute(f"CREATE DATABASE `{DB_NAME}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    finally:
        connection.close()


def run_django(env, log_path, *arguments):
    """Run ``python -m django <arguments>`` with ``env``, its output appended to the log; return that output."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "django", *arguments], env=env, capture_output=True,
                            text=True, check=False)
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"$ python -m django {' '.join(arguments)}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        raise SetupError(f"python -m django {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    print(f"  python -m django {' '.join(arguments)}: {time.perf_counter() - started:.1f} s", flush=True)
    return result.stdout


def prepare(env, log_path):
    """Recreate, migrate and seed the scratch database, then load the scenarios here (see the module doc)."""
    recreate_database()
    run_django(env, log_path, "migrate", "--noinput", "-v", "0")
    seeded = run_django(env, log_path, "mentoring_seed_demo", "--scratch").strip().splitlines()
    print(f"  {seeded[-1] if seeded else 'seeded'}", flush=True)
    os.environ.update(env)
    import django  # pylint: disable=import-outside-toplevel
    django.setup()
    from django.db import connections  # pylint: disable=import-outside-toplevel
    from workbench.scenarios import get_scenarios  # pylint: disable=import-outside-toplevel
    get_scenarios()
    from mentoring_xblock.models import Participant  # pylint: disable=import-outside-toplevel
    people = Participant.objects.filter(status="active").order_by("username")
    mentees = [p.username for p in people if p.is_mentee]
    mentors = [p.username for p in people if p.mentor_status == "approved"]
    connections.close_all()
    return mentees, mentors


class Server:
    """A gunicorn master with ``workers`` processes serving the workbench, started and stopped by us."""

    def __init__(self, env, port, workers, log_path):
        self.env, self.port, self.workers, self.log_path = env, port, workers, log_path
        self.process = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self, timeout=90):
        """Start gunicorn and wait until the demo's landing page answers."""
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise SetupError(f"something already listens on 127.0.0.1:{self.port}; choose another --port")
        import gunicorn.config  # pylint: disable=import-outside-toplevel
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind",
                   f"127.0.0.1:{self.port}", "--timeout", "120", "--graceful-timeout", "30"]
        if any(s.name == "control_socket_disable" for s in gunicorn.config.KNOWN_SETTINGS):
            command.append("--no-control-socket")  # gunicorn >= 25 opens one in ~/.gunicorn otherwise
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # runs until stop()
                [*command, WSGI_FACTORY], env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                if requests.get(self.base + "/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise SetupError(f"the server did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        """Stop gracefully (SIGTERM to the master); kill its process group if it does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group we started (start_new_session)
            self.process.wait(timeout=10)


# ---- what a person sees --------------------------------------------------------------------------------

FORM = re.compile(r'<form data-handler="([a-z_]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')
SELECT = re.compile(r'<select[^>]*\bname="([a-z_]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"')
ACTIVE_WORKSPACE = re.compile(r'class="mentoring-button mentoring-primary" data-workspace="(\d+)"')
INIT_ARGS = re.compile(r'class="xblock_json_init_args">(\{.*?\})</script>')
USAGE_ID = re.compile(r"data-usage='([^']+)' data-block-type='mentoring_program'")


class View:
    """The forms (handler, fields) and active workspaces on a program page or a coordinator tab."""

    def __init__(self, text):
        self.forms = []
        for handler, body in FORM.findall(text):
            fields = defaultdict(list)
            for name, value in HIDDEN.findall(body):
                fields[name].append(html_lib.unescape(value))
            for name, options in SELECT.findall(body):
                fields[name].extend(html_lib.unescape(value) for value in OPTION.findall(options))
            self.forms.append((handler, fields))
        self.workspaces = [int(value) for value in ACTIVE_WORKSPACE.findall(text)]
        args = INIT_ARGS.search(text)
        self.role = json.loads(args.group(1)).get("role") if args else None
        self.unread = "data-mark-read" in text

    def has(self, handler):
        """Whether a form for ``handler`` is shown."""
        return any(name == handler for name, _fields in self.forms)

    def ids(self, handler, field):
        """The integer values of ``field`` in the forms for ``handler``, in page order, without repeats."""
        values = (value for name, fields in self.forms if name == handler for value in fields.get(field, ()))
        return list(dict.fromkeys(int(value) for value in values if value.isdigit()))

    def value(self, handler, field):
        """The first value of ``field`` in the first form for ``handler``, or None."""
        for name, fields in self.forms:
            if name == handler and fields.get(field):
                return fields[field][0]
        return None


def summarize_body(text, limit=1500):
    """An error body made short: Django's debug page as its title and exception, anything else as is."""
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    value = re.search(r'<pre class="exception_value">(.*?)</pre>', text, re.S)
    if title:
        parts = [title.group(1).strip()] + ([value.group(1).strip()] if value else [])
        text = html_lib.unescape(" | ".join(parts))
    return text[:limit]


# ---- counting ------------------------------------------------------------------------------------------

class Stats:
    """Latencies and statuses per action, and the first failures, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.failures = []
        self.client_errors = []

    def record(self, action, status, seconds, detail=None):
        """Count one answer (``status`` is the HTTP status, or "no answer"); keep the first failures."""
        with self.lock:
            self.latencies[action].append(seconds)
            self.statuses[action][status] += 1
            if (status == "no answer" or status >= 500) and len(self.failures) < SHOWN_FAILURES and detail:
                self.failures.append(dict(detail, action=action, status=status))

    def client_error(self, thread, error):
        """A client thread's own bug (it goes on, and the soak fails)."""
        with self.lock:
            self.client_errors.append(f"{thread}: {type(error).__name__}: {error}")

    def totals(self):
        """Overall status counts."""
        total = Counter()
        for counts in self.statuses.values():
            total.update(counts)
        return total


class Client:
    """One HTTP session that acts as workbench users; the user is the ``student`` query parameter."""

    def __init__(self, base, usage_id, stats):
        self.base, self.usage_id, self.stats = base, usage_id, stats
        self.session = requests.Session()

    def _call(self, action, method, url, detail, **kwargs):
        started = time.perf_counter()
        try:
            response = self.session.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as error:
            self.stats.record(action, "no answer", time.perf_counter() - started, dict(detail, body=repr(error)))
            return None
        elapsed = time.perf_counter() - started
        body = summarize_body(response.text) if response.status_code >= 500 else None
        self.stats.record(action, response.status_code, elapsed, dict(detail, body=body))
        return response

    def page(self, user):
        """GET the program page as ``user``: a View, or None when it did not answer 200."""
        url = f"{self.base}/scenario/{SCENARIO}/?student={quote(user)}"
        response = self._call(PAGE, "GET", url, {"user": user, "payload": None})
        return View(response.text) if response is not None and response.status_code == 200 else None

    def post(self, user, handler, payload=None):
        """POST ``payload`` as JSON to the block's ``handler`` as ``user``: ``(status, JSON body or None)``."""
        if "csrftoken" not in self.session.cookies:
            self.page(user)  # the workbench sets the CSRF cookie with its pages
        payload = {} if payload is None else payload
        url = f"{self.base}/handler/{self.usage_id}/{handler}/?student={quote(user)}"
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Accept": "application/json",
                   "Content-Type": "application/json"}
        response = self._call(handler, "POST", url, {"user": user, "payload": payload}, data=json.dumps(payload),
                              headers=headers)
        if response is None:
            return None, None
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None

    def burst(self, user, calls):
        """Send ``calls`` [(handler, payload)] as ``user`` at the same moment, as from several tabs."""
        if "csrftoken" not in self.session.cookies:
            self.page(user)
        results = [None] * len(calls)
        barrier = threading.Barrier(len(calls))

        def send(index, handler, payload):
            tab = Client(self.base, self.usage_id, self.stats)
            tab.session.cookies.update(self.session.cookies)
            barrier.wait()
            results[index] = tab.post(user, handler, payload)

        tabs = [threading.Thread(target=send, args=(i, handler, payload)) for i, (handler, payload) in enumerate(calls)]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join()
        return results


# ---- people --------------------------------------------------------------------------------------------

class Actor(threading.Thread):
    """A client thread: visits its users in turn until the deadline; ``visit`` is what one person does."""

    def __init__(self, name, client, users, deadline, seed):
        super().__init__(name=name, daemon=True)
        self.client, self.users, self.deadline = client, list(users), deadline
        self.rng = random.Random(seed)

    def run(self):
        """Visit users round-robin until the deadline; a bug here is counted, not fatal to the thread."""
        turn = 0
        while time.monotonic() < self.deadline:
            user = self.next_user(turn)
            turn += 1
            try:
                self.visit(user)
            except Exception as error:  # pylint: disable=broad-except  # counted; the soak fails
                self.client.stats.client_error(self.name, error)
                time.sleep(0.1)

    def next_user(self, turn):
        """The user of this turn."""
        return self.users[turn % len(self.users)]

    def visit(self, user):
        """What ``user`` does on one visit."""
        raise NotImplementedError

    def message(self, user):
        """A short workspace message."""
        return f"Soak check-in from {user}: **{self.rng.choice(['delegation', 'feedback', 'priorities'])}**."


class MenteeActor(Actor):
    """Seeded mentees: look at the program, ask mentors, withdraw, accept proposals, talk, sometimes end."""

    def visit(self, user):
        """View the page and act on what it shows."""
        view = self.client.page(user)
        if view is not None and view.role == "mentee":
            self.act_as_mentee(user, view)

    def act_as_mentee(self, user, view):
        """One mentee action chosen from the page."""
        post, roll = self.client.post, self.rng.random()
        proposed = view.ids("respond_proposal", "match_id")
        if proposed:
            accept = roll < 0.8
            post(user, "respond_proposal", {"match_id": proposed[0], "accept": accept,
                                            "reason": "" if accept else "Soak: a closer time zone would suit me."})
        elif view.workspaces:
            match_id = view.workspaces[0]
            if roll < 0.55:
                post(user, "workspace_post_message", {"match_id": match_id, "body": self.message(user)})
            elif roll < 0.75:
                post(user, "workspace_view", {"match_id": match_id})
            elif roll < 0.80:
                post(user, "end_match", {"match_id": match_id, "reason": "Soak: we reached our goals."})
            else:
                post(user, "state")
        elif view.has("withdraw_request"):
            if roll < 0.35:
                post(user, "withdraw_request", {"request_id": view.ids("withdraw_request", "request_id")[0]})
            else:
                post(user, "state")
        elif view.has("request_mentor"):
            mentors = view.ids("request_mentor", "mentor_id")
            if roll < 0.15 and len(mentors) >= 2:  # two tabs, two mentors: at most one request may stay open
                picked = self.rng.sample(mentors, 2)
                self.client.burst(user, [("request_mentor", {"mentor_id": m, "message": "Soak, tab"}) for m in picked])
            elif roll < 0.85:
                post(user, "request_mentor", {"mentor_id": self.rng.choice(mentors), "message": "Soak request"})
            elif view.has("join_queue"):
                post(user, "join_queue", {"message": "Soak: match me, please."})
            else:
                post(user, "state")
        elif view.has("join_queue") and roll < 0.5:
            post(user, "join_queue", {"message": "Soak: match me, please."})
        else:
            post(user, "state")
        if view.unread and self.rng.random() < 0.2:
            post(user, "mark_read")


class MentorActor(Actor):
    """Seeded mentors: answer requests (sometimes several at once), talk to mentees, pause, end pairs."""

    def visit(self, user):
        """View the page and act on what it shows."""
        view = self.client.page(user)
        if view is not None and view.role == "mentor":
            self.act_as_mentor(user, view)

    def act_as_mentor(self, user, view):
        """One mentor action chosen from the page."""
        post, roll = self.client.post, self.rng.random()
        incoming = view.ids("respond_request", "request_id")
        if view.value("set_paused", "paused") == "false":  # paused now: the form offers to resume
            if roll < 0.5:
                post(user, "set_paused", {"paused": False})
                return
        if incoming:
            if roll < 0.2 and len(incoming) >= 2:  # accept several from several tabs: capacity must hold
                self.client.burst(user, [("respond_request", {"request_id": r, "accept": True, "message": "Yes!"})
                                         for r in incoming[:3]])
            else:
                post(user, "respond_request", {"request_id": self.rng.choice(incoming),
                                               "accept": self.rng.random() < 0.75, "message": "Soak answer"})
        elif view.workspaces and roll < 0.6:
            match_id = self.rng.choice(view.workspaces)
            if roll < 0.45:
                post(user, "workspace_post_message", {"match_id": match_id, "body": self.message(user)})
            else:
                post(user, "workspace_view", {"match_id": match_id})
        elif view.has("end_match") and roll < 0.63:
            post(user, "end_match", {"match_id": self.rng.choice(view.ids("end_match", "match_id")),
                                     "reason": "Soak: my calendar is full."})
        elif view.has("set_paused") and roll < 0.66:
            post(user, "set_paused", {"paused": True})
        else:
            post(user, "state")


class NewcomerActor(MenteeActor, MentorActor):
    """Learners not in the program yet: join, save a profile, take part, sometimes leave and rejoin.

    They sometimes join as both roles at once (two tabs), and may rejoin with the other role.
    """

    def __init__(self, name, client, users, deadline, seed, profiles):
        super().__init__(name, client, users, deadline, seed)
        self.profiles = profiles
        self.profiled = set()

    def visit(self, user):
        """Join and fill in the profile first; then act as the role the page shows."""
        view = self.client.page(user)
        if view is None:
            return
        post = self.client.post
        if view.role is None:
            if self.rng.random() < 0.25:  # two tabs: "Find a mentor" and "Become a mentor" at once
                self.client.burst(user, [("join", {"role": "mentee"}), ("join", {"role": "mentor"})])
            else:
                post(user, "join", {"role": "mentee" if self.rng.random() < 0.75 else "mentor"})
            self.profiled.discard(user)
            status, state = post(user, "state")
            role = (state or {}).get("role") if status == 200 else None
            if role:
                status, _body = post(user, "save_profile", self.rng.choice(self.profiles[role]))
                if status == 200:
                    self.profiled.add(user)
        elif user not in self.profiled:
            status, _body = post(user, "save_profile", self.rng.choice(self.profiles[view.role]))
            if status == 200:
                self.profiled.add(user)
        elif self.rng.random() < 0.05:
            post(user, "leave_program", {"reason": "Soak: trying the other role."})
        elif view.role == "mentee":
            self.act_as_mentee(user, view)
        else:
            self.act_as_mentor(user, view)


class CoordinatorActor(Actor):
    """The course staff: tabs of the cockpit, manual matches, mentor approvals and cohort runs."""

    def visit(self, user):
        """One coordinator action."""
        post, roll = self.client.post, self.rng.random()
        if roll < 0.2:
            post(user, "coordinator_panel", {"tab": self.rng.choice(TABS)})
        elif roll < 0.5:
            status, body = post(user, "coordinator_panel", {"tab": "matching"})
            if status == 200:
                view = View(body["html"])
                mentees, mentors = view.ids("manual_match", "mentee_id"), view.ids("manual_match", "mentor_id")
                if mentees and mentors:
                    post(user, "manual_match", {"mentee_id": self.rng.choice(mentees),
                                                "mentor_id": self.rng.choice(mentors)})
        elif roll < 0.6:
            status, body = post(user, "coordinator_panel", {"tab": "participants", "role": "mentor",
                                                            "state": "pending"})
            if status == 200:
                approve = [form for form in View(body["html"]).forms
                           if form[0] == "review_mentor" and form[1].get("approve") == ["true"]]
                for _handler, fields in approve[:3]:
                    post(user, "review_mentor", {"participant_id": int(fields["participant_id"][0]), "approve": True})
        elif roll < 0.85:
            self.cohort_run(user)
        else:
            self.client.page(user)

    def cohort_run(self, user):
        """Start a run, read its status, then publish (half the time) or discard the draft."""
        post = self.client.post
        status, body = post(user, "start_run", {"objective": self.rng.choice(["participation", "score"]),
                                                "top_k": 30})
        if status != 200:
            return
        run_id = body["run_id"]
        status, body = post(user, "run_status", {"run_id": run_id})
        if status == 200 and body.get("state") == "draft":
            post(user, "publish_run" if self.rng.random() < 0.5 else "discard_run", {"run_id": run_id})


def demo_profiles():
    """Complete profiles newcomers save, per role (made up like the seeded ones, another seed)."""
    from mentoring_xblock.demo import demo_people  # pylint: disable=import-outside-toplevel
    people = demo_people(mentees=20, mentors=10, seed=4242)
    return {role: [p["profile"] for p in people if p["role"] == role] for role in ("mentee", "mentor")}


def make_actors(clients, base, usage_id, stats, mentees, mentors, deadline, seed):
    """One coordinator, then mentee, mentor and newcomer threads (about 55/25/20 of the rest)."""
    rest = clients - 1
    mentor_threads = max(1, round(rest * 0.25))
    newcomer_threads = max(1, round(rest * 0.2))
    mentee_threads = rest - mentor_threads - newcomer_threads
    profiles = demo_profiles()
    actors = [CoordinatorActor("coordinator", Client(base, usage_id, stats), [COORDINATOR], deadline, seed)]
    for index in range(mentee_threads):
        actors.append(MenteeActor(f"mentees-{index}", Client(base, usage_id, stats), mentees[index::mentee_threads],
                                  deadline, seed + 1 + index))
    for index in range(mentor_threads):
        actors.append(MentorActor(f"mentors-{index}", Client(base, usage_id, stats), mentors[index::mentor_threads],
                                  deadline, seed + 101 + index))
    for index in range(newcomer_threads):
        users = [f"soak_newcomer_{index}_{n}" for n in range(6)]
        actors.append(NewcomerActor(f"newcomers-{index}", Client(base, usage_id, stats), users, deadline,
                                    seed + 201 + index, profiles))
    return actors, {"mentee": mentee_threads, "mentor": mentor_threads, "newcomer": newcomer_threads}


# ---- invariants ----------------------------------------------------------------------------------------

def check_invariants():
    """[(invariant, number of violations, examples)] read from the database after the load."""
    from django.db import connections  # pylint: disable=import-outside-toplevel
    from django.db.models import Count, Q  # pylint: disable=import-outside-toplevel

    from mentoring_xblock.models import Match, MentorshipRequest, Participant  # pylint: disable=import-outside-toplevel
    connections.close_all()  # a fresh connection: read what the server committed
    open_matches = Match.objects.filter(open_slot=True)
    open_requests = MentorshipRequest.objects.filter(open_slot=True)
    open_by_mentor = Counter(open_matches.values_list("mentor_id", flat=True))
    people = list(Participant.objects.all())

    def repeated(rows):
        return [f"participant {row['mentee_id']}: {row['n']}"
                for row in rows.values("mentee_id").annotate(n=Count("id")).filter(n__gt=1)]

    matched = set(open_matches.values_list("mentee_id", flat=True))
    requesting = set(open_requests.values_list("mentee_id", flat=True))
    open_states = (Match.State.PROPOSED, Match.State.ACTIVE)
    results = [
        ("open matches as mentor == mentee_count (every participant)",
         [f"{p.username}: {open_by_mentor.get(p.pk, 0)} open, mentee_count {p.mentee_count}"
          for p in people if open_by_mentor.get(p.pk, 0) != p.mentee_count]),
        ("mentee_count <= capacity", [f"{p.username}: {p.mentee_count} > {p.capacity}"
                                      for p in people if p.mentee_count > p.capacity]),
        ("at most one open match per mentee", repeated(open_matches)),
        ("at most one open request per mentee", repeated(open_requests)),
        ("no mentee with both an open match and an open request",
         [f"participant {pk}" for pk in sorted(matched & requesting)]),
        ("no mentee who is also a pending/approved/paused mentor",
         [f"{p.username}: {p.mentor_status}" for p in people
          if p.is_mentee and p.mentor_status in OPEN_MENTOR_STATUSES]),
        ("Match.open_slot set exactly when proposed or active",
         [f"match {m.pk}: {m.state}, open_slot {m.open_slot}" for m in Match.objects.filter(
             Q(open_slot=True, state__in=["completed", "ended"]) | Q(open_slot__isnull=True, state__in=open_states))]),
        ("MentorshipRequest.open_slot set exactly when requested",
         [f"request {r.pk}: {r.state}, open_slot {r.open_slot}" for r in MentorshipRequest.objects.filter(
             Q(open_slot=True) & ~Q(state="requested") | Q(open_slot__isnull=True, state="requested"))]),
    ]
    census = {
        "participants": len(people),
        "open matches": open_matches.count(),
        "active matches": Match.objects.filter(state=Match.State.ACTIVE).count(),
        "ended or completed matches": Match.objects.filter(open_slot__isnull=True).count(),
        "open requests": open_requests.count(),
        "requests": MentorshipRequest.objects.count(),
    }
    return [(name, len(examples), examples[:5]) for name, examples in results], census


# ---- report --------------------------------------------------------------------------------------------

def percentile(ordered, fraction):
    """The nearest-rank percentile of an ordered list (NaN when empty)."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def server_log_errors(log_path):
    """How many tracebacks (also of errors the handlers answered), 500s and worker timeouts the server logged."""
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    return {"tracebacks": text.count("Traceback (most recent call last)"),
            "'Internal Server Error' lines": text.count("Internal Server Error"),
            "worker timeouts": text.count("WORKER TIMEOUT")}


def report(options, threads, stats, elapsed, invariants, census, log_path):
    """Print the figures; return whether the soak passed (no 5xx, no lost request, no violation)."""
    totals = stats.totals()
    requests_made = sum(totals.values())
    five_xx = sum(n for status, n in totals.items() if status != "no answer" and status >= 500)
    lost = totals.get("no answer", 0)
    print("\n== Parameters")
    print(f"  workers={options.workers} clients={options.clients} (1 coordinator, {threads['mentee']} mentee, "
          f"{threads['mentor']} mentor, {threads['newcomer']} newcomer threads) seconds={options.seconds:g} "
          f"port={options.port} seed={options.seed} database={DB_NAME}")
    print("\n== Load")
    print(f"  {requests_made} requests in {elapsed:.1f} s: {requests_made / elapsed:.1f} requests/s; "
          f"5xx: {five_xx}; without an answer: {lost}; client thread errors: {len(stats.client_errors)}")
    print(f"\n  {'action':28} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for action in sorted(stats.latencies, key=lambda name: (name != PAGE, name)):
        ordered = sorted(stats.latencies[action])
        figures = " ".join(f"{percentile(ordered, q) * 1000:8.1f}" for q in (0.5, 0.95, 0.99, 1.0))
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(stats.statuses[action].items(), key=str))
        print(f"  {action:28} {len(ordered):7} {figures}  {statuses}")
    print("\n  all statuses: " + ", ".join(f"{status}: {n}" for status, n in sorted(totals.items(), key=str)))
    logged = ", ".join(f"{n} {name}" for name, n in server_log_errors(log_path).items())
    print(f"  server log: {logged} ({log_path})")
    for failure in stats.failures:
        print(f"\n  ! {failure['status']} from {failure['action']} as {failure['user']}, "
              f"payload {json.dumps(failure['payload'])}:\n    {failure['body']}")
    for error in stats.client_errors[:SHOWN_FAILURES]:
        print(f"\n  ! client thread error: {error}")
    print("\n== Database after the load")
    print("  " + ", ".join(f"{name}: {n}" for name, n in census.items()))
    print("\n== Invariants (violations)")
    for name, violations, examples in invariants:
        print(f"  {'OK  ' if not violations else 'FAIL'} {violations:4}  {name}")
        for example in examples:
            print(f"             {example}")
    passed = not five_xx and not lost and not stats.client_errors and not any(v for _n, v, _e in invariants)
    print(f"\n== {'PASS' if passed else 'FAIL'}: {five_xx} 5xx, {lost} without an answer, "
          f"{len(stats.client_errors)} client errors, {sum(v for _n, v, _e in invariants)} invariant violations")
    return passed


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m mentoring_xblock.benchmarks.soak",
                                     description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (3)")
    parser.add_argument("--clients", type=int, default=12, help="client threads, one of them the coordinator (12)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the load runs (60)")
    parser.add_argument("--port", type=int, default=8140, help="port on 127.0.0.1 (8140)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the clients' choices (1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs) even on success")
    options = parser.parse_args(argv)
    if options.clients < 4:
        parser.error("--clients must be at least 4 (a coordinator, mentees, mentors, newcomers)")
    if options.workers < 1 or options.seconds <= 0:
        parser.error("--workers and --seconds must be positive")
    return options


def main(argv=None):
    """Set up, load, stop, check and report; the exit status says whether the soak passed."""
    options = parse_args(argv)
    var_dir = tempfile.mkdtemp(prefix="mentoring-soak-")
    env = soak_environment(var_dir)
    log_path = os.path.join(var_dir, "server.log")
    setup_log = os.path.join(var_dir, "setup.log")
    server = Server(env, options.port, options.workers, log_path)
    print(f"Mentoring soak: database {DB_NAME}, files in {var_dir}", flush=True)
    try:
        mentees, mentors = prepare(env, setup_log)
        server.start()
        page = requests.get(f"{server.base}/scenario/{SCENARIO}/?student={COORDINATOR}", timeout=REQUEST_TIMEOUT)
        found = USAGE_ID.search(page.text)
        if page.status_code != 200 or not found:
            raise SetupError(f"the program page answered {page.status_code} without the block's usage id")
        usage_id = found.group(1)
        print(f"  gunicorn: {options.workers} workers on {server.base}; block {usage_id}; "
              f"{len(mentees)} mentees, {len(mentors)} mentors", flush=True)
        stats = Stats()
        started = time.monotonic()
        actors, threads = make_actors(options.clients, server.base, usage_id, stats, mentees, mentors,
                                      started + options.seconds, options.seed)
        for actor in actors:
            actor.start()
        for actor in actors:
            actor.join(timeout=options.seconds + 4 * REQUEST_TIMEOUT)
        elapsed = time.monotonic() - started
    except SetupError as error:
        server.stop()
        print(f"Soak not run: {error}\n(files kept in {var_dir})", file=sys.stderr)
        return 2
    finally:
        server.stop()
    invariants, census = check_invariants()
    passed = report(options, threads, stats, elapsed, invariants, census, log_path)
    if passed and not options.keep:
        shutil.rmtree(var_dir, ignore_errors=True)
    else:
        print(f"Logs kept in {var_dir}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
