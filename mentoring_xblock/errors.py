"""Domain errors raised by services; handlers turn them into HTTP statuses with the message as is."""


class MentoringError(Exception):
    """Base of every error a service raises on purpose. ``message`` is translated and shown to a person."""

    status = 400

    def __init__(self, message, field_errors=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field_errors = {key: str(value) for key, value in (field_errors or {}).items()}

    def as_dict(self):
        """The JSON body a handler returns."""
        body = {"error": self.message}
        if self.field_errors:
            body["field_errors"] = self.field_errors
        return body


class ValidationError(MentoringError):
    """The input is wrong; nothing was changed. The message says what to fix."""

    status = 400


class NotAuthenticated(MentoringError):
    """The caller must sign in."""

    status = 401


class PermissionDenied(MentoringError):
    """The caller may not do this."""

    status = 403


class NotFound(MentoringError):
    """The object does not exist for this caller (also used where existence must not leak)."""

    status = 404


class Conflict(MentoringError):
    """The object changed since the caller read it, or its state no longer allows the action."""

    status = 409


class ConfigurationError(ValidationError):
    """Authored configuration (Studio or OLX) is invalid; the message names the element and the problem."""
