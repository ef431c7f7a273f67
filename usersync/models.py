"""Django's view of the tables: Supabase's auth.users (read-only), usersync's tables,
and the sync engine's bookkeeping. The database objects themselves are created by
the SQL in migrations_sql/; these models mirror them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from usersync.naming import auth_user_label


class ReadOnlyModelError(TypeError):
    """auth.users belongs to Supabase's auth service; Django never writes it."""


class ReadOnlyQuerySet(models.QuerySet):
    def _refuse(self, *args, **kwargs):
        raise ReadOnlyModelError(
            "auth.users is read-only from Django: users are created, changed and deleted "
            "by Supabase Auth (dashboard, auth API or admin API)"
        )

    update = delete = bulk_create = bulk_update = create = get_or_create = _refuse
    update_or_create = _refuse


class AuthUser(models.Model):
    """A row of Supabase's auth.users: only the columns usersync uses. Any column mapped
    here can be filtered on through the ORM, so the others (user metadata, which users
    write themselves, among them) stay out of reach."""

    id = models.UUIDField(primary_key=True)
    email = models.CharField(max_length=255, null=True)
    phone = models.TextField(null=True)
    email_confirmed_at = models.DateTimeField(null=True)
    phone_confirmed_at = models.DateTimeField(null=True)
    last_sign_in_at = models.DateTimeField(null=True)
    raw_app_meta_data = models.JSONField(null=True)
    created_at = models.DateTimeField(null=True)
    banned_until = models.DateTimeField(null=True)
    is_sso_user = models.BooleanField(default=False)
    is_anonymous = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True)

    objects = ReadOnlyQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = '"auth"."users"'
        verbose_name = "auth user"
        ordering = ("id",)

    def __str__(self) -> str:
        return auth_user_label(self)

    def save(self, *args, **kwargs):
        ReadOnlyQuerySet._refuse(self)

    def delete(self, *args, **kwargs):
        ReadOnlyQuerySet._refuse(self)

    @property
    def provider(self) -> str:
        """How the user's sign-in provider is shown: usersync.user_accounts' rule (list
        pages select_related("account") to read it in the same query)."""
        return self.account.provider


class UserAccount(models.Model):
    """usersync.user_accounts, a database view: what usersync's rules say about each
    auth user (the shown provider, whether they need a profile). Read-only."""

    user = models.OneToOneField(
        AuthUser,
        on_delete=models.DO_NOTHING,
        db_column="user_id",
        db_constraint=False,
        primary_key=True,
        related_name="account",
    )
    provider = models.TextField()
    has_profile = models.BooleanField()
    needs_profile = models.BooleanField()

    objects = ReadOnlyQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = '"usersync"."user_accounts"'
        verbose_name = "auth user account"

    def __str__(self) -> str:
        return f"{self.user_id} ({self.provider})"

    def save(self, *args, **kwargs):
        ReadOnlyQuerySet._refuse(self)

    def delete(self, *args, **kwargs):
        ReadOnlyQuerySet._refuse(self)


class UserWithoutProfile(AuthUser):
    """The admin's list of auth users who can sign in but have no profile."""

    class Meta:
        proxy = True
        verbose_name = "auth user without a profile"
        verbose_name_plural = "auth users without a profile"


class UserProfile(models.Model):
    """user_profiles: the application's own record of a Supabase user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        AuthUser,
        on_delete=models.DO_NOTHING,  # the database cascades
        db_column="user_id",
        db_constraint=False,
        null=True,
        related_name="profile",
    )
    role = models.CharField(max_length=50, default="user")
    is_active = models.BooleanField(null=True, default=True)
    last_login = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        AuthUser,
        on_delete=models.DO_NOTHING,  # the database sets NULL
        db_column="deactivated_by",
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivation_reason = models.CharField(max_length=255, null=True, blank=True)
    sso_provider = models.CharField(max_length=50, null=True, blank=True)
    sso_user_id = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    class Meta:
        db_table = "user_profiles"
        verbose_name = "user profile"

    def __str__(self) -> str:
        # The admin's titles, breadcrumbs and messages name the user, not a UUID.
        return auth_user_label(self.user, self.user_id)


class UserActivityLog(models.Model):
    user_id = models.UUIDField(null=True, db_index=False)
    activity_type = models.CharField(max_length=50)
    details = models.JSONField(default=dict)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=500, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "user_activity_log"
        verbose_name = "user activity"
        verbose_name_plural = "user activities"

    def __str__(self) -> str:
        return f"{self.activity_type} by {self.user_id}"


class AuditAction(models.TextChoices):
    """What admin_audit_log records, as staff read it."""

    ROLE_CHANGED = "role_changed", "Role changed"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"
    PROFILE_CREATED = "profile_created", "Profile created"
    SYNC_RUN = "sync_run", "Sync run"
    STAFF_LINK_SET = "staff_link_set", "Staff link set"
    STAFF_LINK_REMOVED = "staff_link_removed", "Staff link removed"
    AUDIT_LOG_PRUNED = "audit_log_pruned", "Audit log pruned"
    SUPABASE_AUTH_BAN_RESTORED = "supabase_auth_ban_restored", "Supabase Auth ban restored"


class AdminAuditLog(models.Model):
    actor = models.CharField(max_length=150)
    actor_user_id = models.UUIDField(null=True)
    action = models.CharField(max_length=50, choices=AuditAction.choices)
    target_user_id = models.UUIDField(null=True)
    old_values = models.JSONField(null=True)
    new_values = models.JSONField(null=True)
    reason = models.TextField(null=True)
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "admin_audit_log"
        verbose_name = "admin audit entry"
        verbose_name_plural = "admin audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor}"


class ChatErrorLog(models.Model):
    user_id = models.UUIDField(null=True)
    error_type = models.CharField(max_length=100)
    message = models.TextField()
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "chat_error_log"
        verbose_name = "chat error"
        verbose_name_plural = "chat errors"

    def __str__(self) -> str:
        return f"{self.error_type} for {self.user_id}"


class SyncRun(models.Model):
    """One run of the sync engine (usersync.sync_runs)."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        INTERRUPTED = "interrupted"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    preserve = models.BooleanField(default=True)
    batch_size = models.IntegerField()
    batches = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    filled = models.IntegerField(default=0)
    reset = models.IntegerField(default=0)
    triggered_by = models.CharField(max_length=150)
    host = models.CharField(max_length=255, default="")
    pid = models.IntegerField(null=True)
    error = models.TextField(default="")

    class Meta:
        db_table = '"usersync"."sync_runs"'

    def __str__(self) -> str:
        return f"sync run {self.pk} ({self.status})"


class TriggerFailure(models.Model):
    """A profile the trigger could not create or complete (usersync.trigger_failures)."""

    user_id = models.UUIDField()
    occurred_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=50)
    sqlstate = models.CharField(max_length=5)
    message = models.TextField()
    # The access token hook's: the claims that went out without usersync's.
    claims = models.JSONField(null=True)
    resolved_at = models.DateTimeField(null=True)

    class Meta:
        db_table = '"usersync"."trigger_failures"'

    def __str__(self) -> str:
        return f"{self.source} failed for {self.user_id}: {self.message}"


class StaffLink(models.Model):
    """A Django staff account's Supabase auth user, set by a superuser where the e-mail
    match does not find it (SSO accounts, different addresses). See usersync.staff.identity."""

    # Django's users may live in another database than this table (see usersync.routers):
    # the database cascades where they share one, usersync.staff.identity elsewhere.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="usersync_link",
    )
    auth_user = models.OneToOneField(
        AuthUser,
        on_delete=models.DO_NOTHING,  # the database cascades
        db_column="auth_user_id",
        db_constraint=False,
        related_name="staff_link",
        limit_choices_to={"deleted_at__isnull": True},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "usersync_staff_links"
        verbose_name = "staff link"

    def __str__(self) -> str:
        return f"{self.user} is auth user {self.auth_user_id}"
