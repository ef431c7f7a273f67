"""Who a Django staff account is in Supabase: the auth user its audit entries and
deactivations name. An explicit StaffLink (set by a superuser) wins; otherwise a
case-insensitive match of the account's e-mail with a non-SSO auth user's whose address
is confirmed: only those e-mails are unique in auth.users (SSO users may share an
address), and anyone may sign up, unconfirmed, with a staff member's address."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser

from usersync.db.connection import alias, atomic
from usersync.logs.audit import Actor, record
from usersync.models import AuthUser, StaffLink


def linked_auth_user_id(user: AbstractBaseUser) -> uuid.UUID | None:
    if user is None or user.pk is None:
        return None
    linked = StaffLink.objects.filter(user_id=user.pk).values_list("auth_user_id", flat=True)
    explicit = linked.first()
    if explicit is not None:
        return explicit
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return None
    matches = list(
        AuthUser.objects.filter(
            email__iexact=email,
            email_confirmed_at__isnull=False,
            is_sso_user=False,
            deleted_at__isnull=True,
        ).values_list("id", flat=True)[:2]
    )
    # Two non-SSO users differing only in case: ambiguous, so link neither.
    return matches[0] if len(matches) == 1 else None


def actor_for(user: AbstractBaseUser) -> Actor:
    """The audit actor of a Django account acting through the admin."""
    return Actor(f"admin:{user.get_username()}", linked_auth_user_id(user))


def set_link(user: AbstractBaseUser, auth_user_id: uuid.UUID, actor: Actor) -> StaffLink:
    """Link a staff account to an auth user explicitly (audited as staff_link_set)."""
    with atomic():
        old = StaffLink.objects.select_for_update().filter(user_id=user.pk).first()
        old_id = old.auth_user_id if old else None
        link, _ = StaffLink.objects.update_or_create(
            user_id=user.pk, defaults={"auth_user_id": auth_user_id}
        )
        record(
            actor,
            "staff_link_set",
            auth_user_id,
            old_values={"auth_user_id": old_id},
            new_values={"auth_user_id": auth_user_id},
            details={"django_user": user.get_username()},
        )
    return link


def remove_link(link: StaffLink, actor: Actor) -> None:
    """Remove an explicit link (audited as staff_link_removed); the e-mail match applies again."""
    with atomic():
        record(
            actor,
            "staff_link_removed",
            link.auth_user_id,
            old_values={"auth_user_id": link.auth_user_id},
            details={"django_user": link.user.get_username()},
        )
        link.delete()


def forget_deleted_user(sender, instance: AbstractBaseUser, using: str, **kwargs) -> None:
    """post_delete of the user model: a deleted Django user's link goes too. In the
    database that holds the links a foreign key does it; from another one (Django's
    tables beside a Supabase alias, see usersync.routers), this does."""
    if using != alias():
        StaffLink.objects.filter(user_id=instance.pk).delete()
