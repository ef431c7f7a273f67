"""How a Supabase user is named to staff: by e-mail, else phone, else a short id. One
rule for every title, breadcrumb, message and log line."""

from __future__ import annotations

import uuid

SHORT_ID = 8


def user_label(
    email: str | None,
    phone: str | None,
    user_id: uuid.UUID | str | None,
    is_anonymous: bool = False,
) -> str:
    if email:
        return email
    if phone:
        # auth.users keeps phone numbers without the leading +.
        return f"+{phone}" if phone.isdigit() else phone
    if user_id is None:
        return "unknown user"
    short = str(user_id)[:SHORT_ID]
    return f"anonymous user {short}" if is_anonymous else f"user {short}"


def auth_user_label(user, user_id: uuid.UUID | str | None = None) -> str:
    """The label of an AuthUser (or None: the user is gone, named by `user_id`)."""
    if user is None:
        return user_label(None, None, user_id)
    return user_label(user.email, user.phone, user.pk, user.is_anonymous)
