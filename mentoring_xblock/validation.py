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


def json_object(data):
    """The JSON body as an object, or a 400 saying so."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send the details as a JSON object."))
    return data


def positive_id(value, field, message=None):
    """A positive integer id from JSON (never a boolean, at most ``MAX_ID``), or a 400 naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ValidationError(message or _("Say which one with its number."), {field: _("Not a valid id.")})
    return value


def query_id(raw, field, message=None):
    """A positive integer id from a query string (ASCII digits, at most ``MAX_ID``), or a 400 naming ``field``."""
    if not isinstance(raw, str) or not _QUERY_ID.fullmatch(raw):
        raise ValidationError(message or _("Say which one with its number."), {field: _("Not a valid id.")})
    return positive_id(int(raw), field, message)
