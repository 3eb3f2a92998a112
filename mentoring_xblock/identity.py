"""Who is calling: one place that turns the XBlock ``user`` service into an ``Identity``.

In the LMS the user service's ``opt_attrs`` carry the platform's facts (user id, username, course
staff flag, role). Course staff status is taken from there only, never from the request.

Studio is different: its ``user`` service says ``user_is_staff=False`` and role ``student`` for every
author, a course instructor and global staff included (``DjangoXBlockUserService(user)`` in
``cms/djangoapps/contentstore/utils.py::load_services_for_studio``). Authoring rights there come from the
``studio_user_permissions`` service (``can_write(course_key)``), which only Studio offers.
"""
from dataclasses import dataclass, replace

ATTR_USER_ID = "edx-platform.user_id"
ATTR_USERNAME = "edx-platform.username"
ATTR_IS_AUTHENTICATED = "edx-platform.is_authenticated"
ATTR_USER_IS_STAFF = "edx-platform.user_is_staff"
ATTR_USER_ROLE = "edx-platform.user_role"
COORDINATOR_ROLES = ("staff", "instructor", "limited_staff")


@dataclass(frozen=True)
class Identity:
    """The caller of a handler as the services see them."""

    user_id: int | None
    username: str
    is_coordinator: bool
    is_authenticated: bool
    full_name: str = ""

    @classmethod
    def anonymous(cls):
        """Somebody who is not signed in."""
        return cls(user_id=None, username="", is_coordinator=False, is_authenticated=False)


def identity_from_user(xblock_user):
    """Build an Identity from an ``XBlockUser`` (``None`` means anonymous)."""
    if xblock_user is None:
        return Identity.anonymous()
    attrs = getattr(xblock_user, "opt_attrs", None) or {}
    user_id = attrs.get(ATTR_USER_ID)
    authenticated = bool(attrs.get(ATTR_IS_AUTHENTICATED, user_id is not None)) and user_id is not None
    if not authenticated:
        return Identity.anonymous()
    role = attrs.get(ATTR_USER_ROLE) or ""
    is_staff = bool(attrs.get(ATTR_USER_IS_STAFF)) or role in COORDINATOR_ROLES
    return Identity(
        user_id=int(user_id),
        username=str(attrs.get(ATTR_USERNAME) or ""),
        is_coordinator=is_staff,
        is_authenticated=True,
        full_name=str(getattr(xblock_user, "full_name", "") or "")[:255],
    )


STUDIO_PERMISSIONS_SERVICE = "studio_user_permissions"


def identity_for_block(block):
    """The Identity of whoever the block's runtime is serving now."""
    user_service = block.runtime.service(block, "user")
    return identity_from_user(user_service.get_current_user() if user_service else None)


def author_identity_for_block(block, course_key):
    """The caller as an author of the block's course, who may change its authored settings or not.

    In Studio (the runtime offers ``studio_user_permissions``) that service decides, since Studio's
    user service calls every author a student; elsewhere (the LMS, the workbench) course staff may,
    as the user service says.
    """
    identity = identity_for_block(block)
    permissions = block.runtime.service(block, STUDIO_PERMISSIONS_SERVICE)
    if permissions is None or not identity.is_authenticated:
        return identity
    return replace(identity, is_coordinator=bool(permissions.can_write(course_key)))
