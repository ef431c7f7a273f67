"""Verification of the Custom Access Token hook (migrations_sql/access_token_hook.v2.sql).

Whether Supabase Auth actually calls the hook is the auth service's own configuration,
which the database cannot see: ENABLE_NOTE says where to look."""

from __future__ import annotations

import hashlib
import re

from usersync.db.connection import connection
from usersync.db.rows import fetch_one
from usersync.db.sql import migration_sql, query

SQL_FILE = "access_token_hook.v2"
FUNCTION = "usersync.access_token_hook(jsonb)"
URI = "pg-functions://postgres/usersync/access_token_hook"
ENABLE_NOTE = (
    "Whether Supabase Auth calls the access token hook is set in the auth service, not in "
    "the database, so it is not checked here: Dashboard → Authentication → Hooks → "
    f"Customize Access Token → Postgres function usersync.access_token_hook, or in "
    f'supabase/config.toml [auth.hook.custom_access_token] enabled = true, uri = "{URI}".'
)
CONFIG = ('search_path=""', "lock_timeout=400ms")


def expected_body_md5() -> str:
    text = migration_sql(SQL_FILE)
    body = re.search(r"AS \$function\$(.*?)\$function\$", text, re.S).group(1)
    return hashlib.md5(body.encode()).hexdigest()


def hook_state() -> dict:
    """The row of usersync/schema/sql/verify_hook.sql, by column name."""
    with connection().cursor() as cursor:
        cursor.execute(query("verify_hook"))
        return fetch_one(cursor)


def hook_problems() -> list[str]:
    """What differs from the installed-as-written hook; empty when it is in place."""
    state = hook_state()
    if not state["present"]:
        return ["missing"]
    problems = []
    if not state["definer"]:
        problems.append("not SECURITY DEFINER (fails as supabase_auth_admin)")
    missing_config = [c for c in CONFIG if c not in state["config"]]
    if missing_config:
        problems.append(f"configuration lacks {', '.join(missing_config)}")
    if state["body_md5"] != expected_body_md5():
        problems.append(f"body differs from migrations_sql/{SQL_FILE}.sql")
    if not state["auth_admin_may_execute"]:
        problems.append("supabase_auth_admin may not execute it")
    if not state["auth_admin_schema_usage"]:
        problems.append("supabase_auth_admin has no USAGE on schema usersync")
    if state["other_callers"]:
        problems.append(f"EXECUTE granted to {', '.join(state['other_callers'])}")
    if state["settings_rows"] is None:
        problems.append("usersync.access_token_hook_settings is missing")
    elif state["settings_rows"] != 1:
        problems.append("usersync.access_token_hook_settings has no row (claims go out unchanged)")
    return problems
