"""Checks of request values shared by the blocks and the services (each raises a 400 that says what to send)."""
from django.utils.translation import gettext as _

from .errors import ValidationError


def json_object(data):
    """The JSON body as an object, or a 400 saying so."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send the details as a JSON object."))
    return data


def positive_id(value, field, message=None):
    """A positive integer id from JSON (never a boolean), or a 400 naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(message or _("Say which one with its number."), {field: _("Not a valid id.")})
    return value
