"""Checks of request values shared by the blocks and the services (each raises a 400 that says what to send)."""
import re

from django.utils.translation import gettext as _

from .errors import ValidationError

# The largest id or whole number a request may carry: JavaScript's safe integers, and far inside a database's
# BIGINT. Larger values are no id of ours, and some overflow database integers.
MAX_ID = 2 ** 53
# A block's display name, as the Program row stores it (models.Program.title); Studio and OLX refuse longer ones.
DISPLAY_NAME_MAX = 255
# ASCII digits only: str.isdigit() also accepts "²" and fullwidth digits, which int() then rejects or misreads.
_QUERY_ID = re.compile(r"[0-9]{1,16}", re.ASCII)


def is_whole(value):
    """True for a whole number from JSON: an int, never a boolean (``True`` is an int to Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    """True for a number from JSON (int or float), never a boolean."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def clean_text(value, field, limit, label, required=False, required_message=None):
    """Free text from JSON, stripped (None is empty), at most ``limit`` characters, or a 400 naming ``field``.

    ``label`` names the text in the message ("the reason"); ``required`` refuses an empty one, with
    ``required_message`` where the general sentence does not say why it is needed.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("Write the {label} as text.").format(label=label), {field: _("Not text.")})
    value = value.strip()
    if required and not value:
        raise ValidationError(required_message or _("Fill in the {label}.").format(label=label),
                              {field: _("This is needed.")})
    if len(value) > limit:
        raise ValidationError(
            _("Keep the {label} under {limit} characters (it has {count}).").format(
                label=label, limit=limit, count=len(value)),
            {field: _("Too long: at most {limit} characters.").format(limit=limit)})
    return value


def text_answer(value, limit):
    """A free-text answer to an authored question (a profile or an assessment), stripped.

    Raises ValueError with the sentence shown under the question: a form names every problem at once, so the
    caller collects these rather than stopping at the first.
    """
    if not isinstance(value, str):
        raise ValueError(_("Write this answer as text."))
    value = value.strip()
    if len(value) > limit:
        raise ValueError(_("Keep this answer under {limit} characters (it has {count}).").format(
            limit=limit, count=len(value)))
    return value


def json_object(data):
    """The JSON body as an object, or a 400 saying so."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send the details as a JSON object."))
    return data


def positive_id(value, field, message=None):
    """A positive integer id from JSON (never a boolean, at most ``MAX_ID``), or a 400 naming ``field``."""
    if not is_whole(value) or not 0 < value <= MAX_ID:
        raise ValidationError(message or _("Say which one with its number."), {field: _("Not a valid id.")})
    return value


def query_id(raw, field, message=None):
    """A positive integer id from a query string (ASCII digits, at most ``MAX_ID``), or a 400 naming ``field``."""
    if not isinstance(raw, str) or not _QUERY_ID.fullmatch(raw):
        raise ValidationError(message or _("Say which one with its number."), {field: _("Not a valid id.")})
    return positive_id(int(raw), field, message)
