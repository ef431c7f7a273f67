"""The roles a profile may hold, written once: which exist (USERSYNC_ALLOWED_ROLES), which
one a new profile gets (USERSYNC_DEFAULT_ROLE, never the admin role), and which one may
manage users (USERSYNC_ADMIN_ROLE). The commands, the API, the admin and the staff
actions all ask here."""

from __future__ import annotations

from usersync.conf import conf
from usersync.errors import InvalidField, Misconfigured


def allowed_roles() -> list[str]:
    return list(conf.ALLOWED_ROLES)


def check_role(role: str) -> str:
    """`role`, if a profile may hold it; else InvalidField naming the field "role"."""
    if role not in allowed_roles():
        raise InvalidField(
            "role", f"unknown role {str(role)[:60]!r}; allowed: {', '.join(allowed_roles())}"
        )
    return role


def admin_role() -> str:
    """The role whose active holders may manage users (of whom one always remains)."""
    return conf.ADMIN_ROLE


def default_role() -> str:
    """The role a profile gets unless one is chosen. Raises Misconfigured when it is the
    admin role: everyone would be made an admin (refused where it is used and stored, not
    only by the system check usersync.E005, which gunicorn and `manage.py shell` skip)."""
    role = conf.DEFAULT_ROLE
    if role == admin_role():
        raise Misconfigured(
            f"USERSYNC_DEFAULT_ROLE and USERSYNC_ADMIN_ROLE are both {str(role)[:50]!r}: "
            f"usersync makes no profile by default until the default role is not the admin role"
        )
    return role
