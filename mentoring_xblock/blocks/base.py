"""What both blocks share: JSON handlers that map domain errors to HTTP, identity, program, rendering."""
import contextlib
import functools
import json
import logging
import math
import re

from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.utils.resources import ResourceLoader

from .. import compat, olx, policy
from ..errors import MentoringError, ValidationError
from ..identity import author_identity_for_block, identity_for_block
from ..models import Participant
from ..validation import DISPLAY_NAME_MAX, MAX_ID, is_whole

log = logging.getLogger(__name__)
loader = ResourceLoader("mentoring_xblock")
# The JavaScript catalogs (`make compile_translations`) define window.<I18N_JS_NAMESPACE>; static/js/mentoring.js
# reads it. The blocks declare the same name as ``i18n_js_namespace`` for the LMS's own XBlock JS catalogs.
I18N_JS_NAMESPACE = "MentoringXBlockI18N"
JS_CATALOG = "static/js/translations/{code}/textjs.js"
MAX_BODY_BYTES = 256 * 1024


def json_response(body, status=200):
    """A JSON webob response."""
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf-8")


MAX_JSON_DEPTH = 20
# Characters XML 1.0 cannot hold (C0 controls but tab, newline, carriage return), which OLX export would lose.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_constant(name):
    """JSON has no NaN or Infinity; Python's parser accepts them unless told otherwise."""
    raise ValueError(f"not JSON: {name}")


def hostile_json(data):
    """Why a parsed JSON body cannot be used (too deep, unstorable text, out-of-range number), or None."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return _("The request is nested too deeply.")
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
                return _("The request contains characters that cannot be stored (a NUL or a lone surrogate).")
        elif is_whole(value) and abs(value) > MAX_ID:
            return _("A number in the request is too large.")
        elif isinstance(value, float) and not math.isfinite(value):  # 1e400 parses as infinity
            return _("A number in the request is too large.")
    return None


def _read_json(request):
    """The request's JSON body, or the response refusing it."""
    if request.method != "POST":
        return None, json_response({"error": _("Send this request with the POST method.")}, 405)
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        return None, json_response({"error": _("The request is too large.")}, 400)
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant) if body.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, json_response({"error": _("The request could not be read: it is not valid JSON.")}, 400)
    problem = hostile_json(data)
    if problem:
        return None, json_response({"error": problem}, 400)
    return data, None


def _declare(wrapper, action, scope):
    """Record the handler's policy on it: ``handler_policy`` and the permission matrix test read it back."""
    if action not in policy.POLICY or scope not in policy.SCOPES:
        raise ValueError(f"undeclared policy for {wrapper.__name__}: {action!r}, {scope!r}")
    wrapper.mentoring_policy = (action, scope)
    return wrapper


def json_handler(action, scope=policy.PROGRAM_SCOPE, *, atomic=True, denied=None):
    """Make ``func(self, data, suffix)`` an XBlock handler that takes and returns JSON, behind the policy's gate.

    ``action`` (a ``policy.POLICY`` key) and ``scope`` (``policy.SCOPES``) are the handler's declaration: the gate
    (``MentoringBlockMixin.gated``) checks the caller's roles before the handler runs, and the services check the
    object the request names. ``denied`` is the 403 message where the action's default does not fit.

    Bad JSON and domain errors become 4xx responses with a message a person can act on. The call is one
    transaction (``atomic``): whatever fails, nothing it wrote remains, and emails and tasks queued with
    ``on_commit`` never leave. A unique constraint that a concurrent request won (the checks run under row
    locks, so only a race reaches the database's own rule) is a 409; a database that stops answering, a 503.
    ``atomic=False`` only for a handler that hands work to the platform, which must commit first (the LMS's
    instructor tasks refuse to start inside a transaction).
    """
    def decorate(func):
        @XBlock.handler
        @functools.wraps(func)
        def wrapper(self, request, suffix=""):
            data, refusal = _read_json(request)
            if refusal is not None:
                return refusal
            try:
                with self.gated(action, scope, denied):
                    if not atomic:
                        return json_response(func(self, data, suffix))
                    with transaction.atomic():
                        return json_response(func(self, data, suffix))
            except MentoringError as error:
                return json_response(error.as_dict(), error.status)
            except IntegrityError:
                log.warning("Mentoring handler %s lost a race to a concurrent request", func.__name__, exc_info=True)
                return json_response({"error": _("Someone changed this at the same moment, so nothing was saved. "
                                                 "Reload the page and try again.")}, 409)
            except OperationalError:
                log.exception("Mentoring handler %s: the database did not answer", func.__name__)
                return json_response({"error": _("The server could not save this right now, so nothing was "
                                                 "saved. Try again in a minute.")}, 503)
        return _declare(wrapper, action, scope)
    return decorate


def download_handler(action, scope=policy.PROGRAM_SCOPE):
    """Make ``func(self, request, suffix)`` a GET handler (a file download) behind the same gate.

    A domain error, from the gate or the handler, becomes its JSON response; the handler returns the file.
    """
    def decorate(func):
        @XBlock.handler
        @functools.wraps(func)
        def wrapper(self, request, suffix=""):
            try:
                with self.gated(action, scope):
                    return func(self, request, suffix)
            except MentoringError as error:
                return json_response(error.as_dict(), error.status)
        return _declare(wrapper, action, scope)
    return decorate


def handler_policy(block_class):
    """``{handler name: (action, scope)}`` of every gated handler of ``block_class``."""
    return {name: value.mentoring_policy for name in dir(block_class)
            if (value := getattr(block_class, name, None)) is not None and hasattr(value, "mentoring_policy")}


class MentoringBlockMixin:
    """Identity, program and rendering helpers for the blocks. No queries and no rules here."""

    def clean_name_and_slug(self, data):
        """The display name and program name of a Studio submission, validated (a 400 names the fields)."""
        display_name = data.get("display_name", self.display_name)
        slug = data.get("program_slug", self.program_slug)
        errors = {}
        if not isinstance(display_name, str) or not display_name.strip() or len(display_name) > DISPLAY_NAME_MAX:
            errors["display_name"] = _("Give the block a name of at most {limit} characters.").format(
                limit=DISPLAY_NAME_MAX)
        elif _XML_ILLEGAL.search(display_name):  # XBlock's String field would drop them silently
            errors["display_name"] = _("Remove the control characters from the name.")
        if not isinstance(slug, str) or not olx.IDENT_SLUG.match(slug):
            errors["program_slug"] = _("Use 1-64 lowercase letters, digits, - or _ for the program name.")
        if errors:
            raise ValidationError(_("Some settings need your attention."), errors)
        return display_name.strip(), slug

    def read_name_and_slug(self, node):
        """Take the display name and program name from an OLX node (a bad program name names the element)."""
        if node.get("display_name"):
            if len(node.get("display_name")) > DISPLAY_NAME_MAX:
                olx.fail(node, _('"display_name" must be at most {limit} characters').format(limit=DISPLAY_NAME_MAX))
            self.display_name = node.get("display_name")
        slug = node.get("program", "mentoring")
        if not olx.IDENT_SLUG.match(slug):
            olx.fail(node, _('"program" must be 1-64 lowercase letters, digits, - or _'))
        self.program_slug = slug

    def write_name_and_slug(self, node):
        """Set the node's tag and the attributes every mentoring block exports."""
        node.tag = self.scope_ids.block_type
        node.set("xblock-family", self.entry_point)
        node.set("display_name", self.display_name)
        node.set("program", self.program_slug)

    _gate_identity = None

    def identity(self):
        """The caller, from the runtime's user service (inside a gated handler: the one the gate checked)."""
        if self._gate_identity is not None:
            return self._gate_identity
        return identity_for_block(self)

    def require_author(self, message=None):
        """Refuse (401/403 with ``message``) unless the caller may change this block's authored settings."""
        policy.require("configure", author_identity_for_block(self, self.course_key()), message=message)

    @contextlib.contextmanager
    def gated(self, action, scope, denied=None):
        """Run a handler's body only if the caller may do ``action`` (``policy.gate``); raise otherwise.

        Authoring is checked against the author (Studio's permissions service). The caller's participant row is
        read only when a participant's role could grant the action; the caller and the program the gate read are
        the ones the handler's body gets from ``identity()`` and ``program()``.
        """
        if action == "configure":
            self.require_author(denied)
            yield
            return
        identity = self.identity()
        self._gate_program, self._gate_identity = None, identity
        try:
            def participant():
                self._gate_program = self.program()
                return Participant.of_user(self._gate_program, identity.user_id)
            policy.gate(action, scope, identity, participant, message=denied)
            yield
        finally:
            self._gate_program = self._gate_identity = None

    def course_key(self):
        """The course holding this block."""
        return compat.course_key_for(self)

    _gate_program = None

    def program(self):
        """The Program row for this block's slug with this block's authored configuration (nothing written).

        Inside a handler whose gate already read it (``gated``), that same row.
        """
        if self._gate_program is not None:
            return self._gate_program
        return self.load_program()

    def load_program(self):
        """The Program row as this kind of block reads it (each block says how)."""
        raise NotImplementedError

    def dom_id(self):
        """A prefix for element ids that is unique per block on a page."""
        return "mentoring-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(self.scope_ids.usage_id))[-80:]

    def i18n(self):
        """The runtime's i18n service (may be None in bare runtimes)."""
        return self.runtime.service(self, "i18n")

    def render_template(self, path, context):
        """Render one of the package's Django templates with the runtime's translations."""
        return loader.render_django_template(path, context, i18n_service=self.i18n())

    def js_catalog(self):
        """The packaged JavaScript catalog for the active language (``es-419``, then ``es``), or None."""
        code = (get_language() or "en").lower().replace("_", "-")
        for candidate in dict.fromkeys((code, code.split("-")[0])):
            if candidate == "en" or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", candidate):
                continue
            try:
                return loader.load_unicode(JS_CATALOG.format(code=candidate))
            except OSError:
                continue
        return None

    def fragment(self, template, context, js_class=None, js_init_args=None, css=("css/mentoring.css",),
                 js=()):
        """A Fragment with the template, the package's CSS/JS (and JS catalog) and the JS initialiser."""
        frag = Fragment(self.render_template(template, context))
        for path in css:
            frag.add_css(loader.load_unicode(f"static/{path}"))
        catalog = self.js_catalog() if js else None
        if catalog:
            frag.add_javascript(catalog)
        for path in js:
            frag.add_javascript(loader.load_unicode(f"static/{path}"))
        if js_class:
            frag.initialize_js(js_class, js_init_args or {})
        return frag
