"""The naive backfill people write first: a Python loop over the auth users, one ORM
get_or_create (a SELECT, then an INSERT in its own transaction) per user."""

from __future__ import annotations

NOT_SSO = ("email", "phone", "anonymous")


def naive_backfill(sample: int) -> int:
    """Profiles for the first `sample` auth users by id; returns how many it created.
    It skips the identity look-up the sync does for SSO users: if anything, this
    flatters the naive way."""
    from usersync.models import AuthUser, UserProfile

    created = 0
    for user in AuthUser.objects.order_by("id")[:sample]:
        if user.deleted_at is not None:
            continue
        provider = user.provider
        _, was_created = UserProfile.objects.get_or_create(
            user_id=user.id,
            defaults={
                "role": "user",
                "is_active": True,
                "sso_provider": None if provider in NOT_SSO else provider[:50],
                "last_login": user.last_sign_in_at,
            },
        )
        created += was_created
    return created
