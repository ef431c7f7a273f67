"""The Custom Access Token hook (usersync.access_token_hook), called as Supabase Auth
calls it: logged in as supabase_auth_admin, in a transaction, with a 2 s statement
timeout, with the auth service's event shapes; every output checked against what the
auth service accepts."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest

from tests.auth_hook import (
    HOOK,
    call_hook,
    call_in,
    claims_schema_errors,
    error_shape_errors,
    make_event,
)
from tests.db import connect
from tests.factories import AuthUserFactory
from usersync.models import TriggerFailure, UserProfile

pytestmark = pytest.mark.django_db(transaction=True)

REFUSAL = "This account has been deactivated. Contact an administrator."


def added_claims(event: dict, output: dict) -> dict:
    """The claims the hook added, after checking it kept every input claim as it was."""
    claims = output["claims"]
    kept = {key: claims.get(key) for key in event["claims"]}
    assert kept == event["claims"]
    return {key: value for key, value in claims.items() if key not in event["claims"]}


def profile_rows(user_id: uuid.UUID) -> list[dict]:
    return list(
        UserProfile.objects.filter(user_id=user_id).values(
            "role", "is_active", "sso_provider", "sso_user_id"
        )
    )


def hook_failures(user_id: uuid.UUID) -> list[str]:
    return list(
        TriggerFailure.objects.filter(user_id=user_id, source="access_token_hook").values_list(
            "sqlstate", flat=True
        )
    )


def wait_until_blocked(conn: psycopg.Connection, pid: int) -> None:
    """Until backend `pid` waits for a lock (polled; the test fails after 10 s)."""
    for _ in range(1000):
        row = conn.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()
        if row and row[0] == "Lock":
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"backend {pid} never waited for a lock")


AUTH_EVENTS = {
    "password": dict(method="password"),
    "oauth": dict(method="oauth", provider="github"),
    "anonymous": dict(method="anonymous", email="", is_anonymous=True),
    "sso": dict(method="sso/saml", provider="sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"),
    "refresh": dict(method="token_refresh", aud=["authenticated"]),
    "otp_aal2": dict(method="otp", aal="aal2", phone="15550001111"),
}


@pytest.mark.parametrize("kind", AUTH_EVENTS)
def test_access_token_hook__active_profile_adds_role_and_active_to_every_kind_of_token(kind):
    user = AuthUserFactory()
    event = make_event(user.pk, **AUTH_EVENTS[kind])
    output = call_hook(event)
    assert claims_schema_errors(output) == []
    assert added_claims(event, output) == {"user_role": "user", "user_is_active": True}
    assert output["claims"]["role"] == "authenticated"


def test_access_token_hook__carries_the_profiles_role():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(role="admin")
    event = make_event(user.pk)
    assert call_hook(event)["claims"]["user_role"] == "admin"


@pytest.mark.parametrize("kind", ["password", "refresh"])
def test_access_token_hook__deactivated_profile_refuses_the_token_with_403(kind):
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    output = call_hook(make_event(user.pk, **AUTH_EVENTS[kind]))
    assert output == {"error": {"http_code": 403, "message": REFUSAL}}
    assert error_shape_errors(output) == []


def test_access_token_hook__a_null_is_active_counts_as_deactivated():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=None)
    assert call_hook(make_event(user.pk))["error"]["http_code"] == 403


def test_access_token_hook__reactivated_profile_gets_tokens_again():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    assert "error" in call_hook(make_event(user.pk))
    UserProfile.objects.filter(user_id=user.pk).update(is_active=True)
    assert call_hook(make_event(user.pk))["claims"]["user_is_active"] is True


def test_access_token_hook__missing_profile_is_created_once_and_claims_issued():
    user = AuthUserFactory(provider="github")
    UserProfile.objects.filter(user_id=user.pk).delete()
    event = make_event(user.pk, method="oauth", provider="github")
    first = call_hook(event)
    second = call_hook(event)
    assert claims_schema_errors(first) == []
    assert added_claims(event, first) == {"user_role": "user", "user_is_active": True}
    assert second == first
    assert profile_rows(user.pk) == [
        {
            "role": "user",
            "is_active": True,
            "sso_provider": "github",
            "sso_user_id": f"github-{user.pk.hex[:10]}",
        }
    ]
    assert hook_failures(user.pk) == []


def test_access_token_hook__concurrent_first_sign_ins_make_exactly_one_profile():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).delete()
    event = make_event(user.pk)
    outputs = {}
    with (
        connect(user="supabase_auth_admin") as first,
        connect(user="supabase_auth_admin") as second,
        connect() as observer,
    ):

        def second_sign_in():
            with second.transaction():
                outputs["second"] = call_in(second, event)

        thread = threading.Thread(target=second_sign_in)
        with first.transaction():
            outputs["first"] = call_in(first, event)
            thread.start()
            wait_until_blocked(observer, second.info.backend_pid)
        # The first transaction has committed: the waiting one now sees its profile.
        thread.join()
    assert outputs["first"] == outputs["second"]
    assert added_claims(event, outputs["second"]) == {"user_role": "user", "user_is_active": True}
    assert len(profile_rows(user.pk)) == 1
    assert hook_failures(user.pk) == []


def test_access_token_hook__a_lock_held_too_long_issues_the_claims_unchanged_and_records_it():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).delete()
    event = make_event(user.pk)
    with connect(user="supabase_auth_admin") as first, first.transaction():
        call_in(first, event)
        # The first sign-in's transaction stays open past the hook's lock timeout (1 s).
        output = call_hook(event)
    assert output == {"claims": event["claims"]}
    assert len(profile_rows(user.pk)) == 1
    assert hook_failures(user.pk) == ["55P03"]


def unrecorded_failures() -> int:
    with connect() as admin:
        return admin.execute(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
            " FROM usersync.access_token_hook_unrecorded_failures"
        ).fetchone()[0]


def test_access_token_hook__profiles_and_failure_record_locked_still_answers_within_2_s():
    # The worst case of the time budget: the profile read waits, then the failure
    # record waits too. The auth service's 2 s statement timeout must not cancel it.
    user = AuthUserFactory()
    event = make_event(user.pk)
    before = unrecorded_failures()
    with connect() as locker, locker.transaction():
        locker.execute("LOCK public.user_profiles IN ACCESS EXCLUSIVE MODE")
        locker.execute("LOCK usersync.trigger_failures IN SHARE MODE")
        started = time.monotonic()
        output = call_hook(event)
        took = time.monotonic() - started
    assert output == {"claims": event["claims"]}
    assert took < 1.9
    # Not recorded (its table was locked), but counted, and the count is in the status.
    assert hook_failures(user.pk) == []
    assert unrecorded_failures() == before + 1
    import usersync

    assert usersync.status().trigger_failures >= 1


def test_access_token_hook__acknowledging_in_the_admin_resets_the_unrecorded_count(admin_client):
    from django.urls import reverse

    user = AuthUserFactory()
    with connect() as locker, locker.transaction():
        locker.execute("LOCK public.user_profiles IN ACCESS EXCLUSIVE MODE")
        locker.execute("LOCK usersync.trigger_failures IN SHARE MODE")
        call_hook(make_event(user.pk))
    recorded = AuthUserFactory()
    with connect() as locker, locker.transaction():
        locker.execute("LOCK public.user_profiles IN ACCESS EXCLUSIVE MODE")
        call_hook(make_event(recorded.pk))
    (failure,) = TriggerFailure.objects.filter(user_id=recorded.pk)
    response = admin_client.post(
        reverse("admin:usersync_triggerfailure_changelist"),
        {"action": "acknowledge_hook_failures", "_selected_action": [failure.pk]},
        follow=True,
    )
    (message,) = [str(m) for m in response.context["messages"]]
    assert message == (
        "Acknowledged 1 access token hook failures, and 1 the hook could not record."
    )
    assert unrecorded_failures() == 0


def test_access_token_hook__failure_stays_open_through_a_sync_until_staff_acknowledge_it(
    admin_client,
):
    from django.urls import reverse

    import usersync

    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    event = make_event(user.pk)
    with connect() as locker, locker.transaction():
        locker.execute("LOCK public.user_profiles IN ACCESS EXCLUSIVE MODE")
        output = call_hook(event)
    # Fail-open: the deactivated user's token went out without usersync's claims.
    assert output == {"claims": event["claims"]}
    (failure,) = TriggerFailure.objects.filter(user_id=user.pk, source="access_token_hook")
    assert failure.claims == event["claims"]
    usersync.sync_users()
    failure.refresh_from_db()
    assert failure.resolved_at is None
    assert usersync.status().trigger_failures >= 1

    changelist = reverse("admin:usersync_triggerfailure_changelist")
    response = admin_client.post(
        changelist,
        {"action": "acknowledge_hook_failures", "_selected_action": [failure.pk]},
        follow=True,
    )
    assert any(str(m).startswith("Acknowledged 1 ") for m in response.context["messages"])
    failure.refresh_from_db()
    assert failure.resolved_at is not None


def test_access_token_hook__unknown_user_issues_the_claims_unchanged_and_records_it():
    user_id = uuid.uuid4()
    event = make_event(user_id)
    assert call_hook(event) == {"claims": event["claims"]}
    assert hook_failures(user_id) == ["P0002"]
    assert profile_rows(user_id) == []


def test_access_token_hook__user_deleted_concurrently_gets_a_defined_answer():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).delete()
    event = make_event(user.pk)
    with connect() as deleting, deleting.transaction():
        deleting.execute("DELETE FROM auth.users WHERE id = %s", [user.pk])
        # The new profile's foreign key waits for the deletion, up to the lock timeout.
        output = call_hook(event)
    assert output == {"claims": event["claims"]}
    assert hook_failures(user.pk) == ["55P03"]


def test_access_token_hook__failing_profile_insert_issues_the_claims_unchanged_and_records_it():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).delete()
    with connect() as admin:
        admin.execute(
            """
            CREATE FUNCTION public.test_refuse_profiles() RETURNS trigger
            LANGUAGE plpgsql SET search_path = '' AS $$
            BEGIN RAISE EXCEPTION 'no profiles today' USING ERRCODE = 'check_violation'; END $$;
            CREATE TRIGGER test_refuse_profiles BEFORE INSERT ON public.user_profiles
                FOR EACH ROW EXECUTE FUNCTION public.test_refuse_profiles();
            """
        )
        try:
            event = make_event(user.pk)
            output = call_hook(event)
        finally:
            admin.execute(
                "DROP TRIGGER test_refuse_profiles ON public.user_profiles; "
                "DROP FUNCTION public.test_refuse_profiles()"
            )
    assert output == {"claims": event["claims"]}
    assert claims_schema_errors(output) == []
    assert hook_failures(user.pk) == ["23514"]


def test_access_token_hook__unreadable_profile_table_issues_the_claims_unchanged_and_records_it():
    user = AuthUserFactory()
    with connect() as admin:
        admin.execute("ALTER TABLE public.user_profiles RENAME TO user_profiles_away")
        try:
            event = make_event(user.pk)
            output = call_hook(event)
        finally:
            admin.execute("ALTER TABLE public.user_profiles_away RENAME TO user_profiles")
    assert output == {"claims": event["claims"]}
    assert hook_failures(user.pk) == ["42P01"]


def test_access_token_hook__claim_names_and_message_are_settings():
    user = AuthUserFactory()
    with connect() as admin:
        admin.execute(
            "UPDATE usersync.access_token_hook_settings "
            "SET role_claim = 'app_role', active_claim = 'app_active', "
            "deactivated_message = 'Account closed.'"
        )
    event = make_event(user.pk)
    assert added_claims(event, call_hook(event)) == {"app_role": "user", "app_active": True}
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    assert call_hook(event)["error"]["message"] == "Account closed."


@pytest.mark.parametrize("claim", ["role", "sub", "aud", "session_id", "bad name", ""])
def test_access_token_hook_settings__refuse_a_claim_the_auth_service_owns(claim):
    with connect() as admin, pytest.raises(psycopg.errors.CheckViolation):
        admin.execute("UPDATE usersync.access_token_hook_settings SET role_claim = %s", [claim])


def test_access_token_hook__without_its_settings_row_issues_the_claims_unchanged():
    user = AuthUserFactory()
    with connect() as admin:
        admin.execute("DELETE FROM usersync.access_token_hook_settings")
        try:
            event = make_event(user.pk)
            output = call_hook(event)
        finally:
            admin.execute("INSERT INTO usersync.access_token_hook_settings DEFAULT VALUES")
    assert output == {"claims": event["claims"]}
    assert hook_failures(user.pk) == ["P0002"]


@pytest.mark.parametrize("role", ["anon", "authenticated", "service_role"])
def test_access_token_hook__the_api_roles_cannot_execute_it(role):
    user = AuthUserFactory()
    with connect() as conn:
        conn.execute(f"SET ROLE {role}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"SELECT {HOOK}(%s)", [psycopg.types.json.Jsonb(make_event(user.pk))])


def test_access_token_hook__is_a_pinned_definer_function_only_the_auth_service_may_call():
    with connect() as conn:
        row = conn.execute(
            """
            SELECT p.prosecdef, p.proconfig,
                   has_function_privilege('supabase_auth_admin', p.oid, 'EXECUTE'),
                   EXISTS (SELECT FROM aclexplode(p.proacl) a
                            WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
              FROM pg_proc p WHERE p.oid = 'usersync.access_token_hook(jsonb)'::regprocedure
            """
        ).fetchone()
    definer, config, auth_admin_may, everyone_may = row
    assert (definer, auth_admin_may, everyone_may) == (True, True, False)
    assert 'search_path=""' in config


def test_claims_schema__rejects_what_the_auth_service_rejects():
    claims = make_event(uuid.uuid4())["claims"]
    assert claims_schema_errors({"claims": claims}) == []
    broken = {**claims, "exp": str(claims["exp"]), "amr": [1]}
    del broken["session_id"]
    assert claims_schema_errors({"claims": broken}) == [
        "amr.0: 1 is not valid under any of the given schemas",
        "claims: 'session_id' is a required property",
        "exp: '" + str(claims["exp"]) + "' is not of type 'integer'",
    ]
