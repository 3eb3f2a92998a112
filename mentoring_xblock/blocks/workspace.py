"""The pairing workspace's handlers, mixed into the program block (see WorkspaceMixin)."""


class WorkspaceMixin:
    """Handlers of the pair workspace; the program block inherits them."""
