"""Django system checks of usersync's settings (usersync.conf), all in this package (health
checks are usersync.health's): ``manage.py check`` runs them,
and so does every management command before it starts. They read settings only, never
the database (except E024, tagged "database"); those of the token settings (E008-E010,
E024, E035, W001, W004, W005, W007, W013) live in usersync.checks.tokens. Silence one with e.g.
``SILENCED_SYSTEM_CHECKS = ["usersync.W004"]``.

====  ======================================================================================
Id    The problem
====  ======================================================================================
E001  USERSYNC_ALLOWED_ROLES is not a non-empty list of non-empty strings of at most 50
      characters (the role column is varchar(50)).
E002  USERSYNC_ALLOWED_ROLES names a role more than once.
E003  USERSYNC_DEFAULT_ROLE is not one of USERSYNC_ALLOWED_ROLES.
E004  USERSYNC_ADMIN_ROLE is not one of USERSYNC_ALLOWED_ROLES.
E005  USERSYNC_DEFAULT_ROLE equals USERSYNC_ADMIN_ROLE: every profile made by default (on
      sign-in, by the API, the admin or create_profile) would be an admin.
E006  USERSYNC_DATABASE is not an alias in DATABASES.
E007  The ENGINE of USERSYNC_DATABASE is not a PostgreSQL backend (subclasses of Django's
      postgresql backend are fine) or cannot be loaded.
E008  USERSYNC_JWKS_URL is not an https URL (http://localhost, 127.0.0.1 or [::1] is
      allowed while DEBUG is on).
E009  USERSYNC_JWKS is not JSON with a "keys" list holding at least one usable key.
E010  USERSYNC_JWT_AUDIENCE is empty or not a string.
E011  USERSYNC_SYNC_BATCH_SIZE is not a whole number of at least 1.
E012  USERSYNC_STATEMENT_TIMEOUT is not a whole number of at least 1.
E013  USERSYNC_LEASE_SECONDS is not a whole number of at least 1.
E014  USERSYNC_HEALTH_TIME_LIMIT_SECONDS is not a finite number above 0.
E015  USERSYNC_STATUS_CACHE_SECONDS is not a whole number of at least 0.
E016  USERSYNC_LAST_LOGIN_INTERVAL_SECONDS is not a whole number of at least 0.
E017  USERSYNC_CHAT_ERROR_MAX_BYTES is not a whole number of at least 1.
E018  A flag (USERSYNC_ALLOW_DATA_LOSS, USERSYNC_DISABLE_BOOTSTRAP, USERSYNC_CHECK_SESSIONS,
      USERSYNC_REQUIRE_SESSION_ID, USERSYNC_ALLOW_OAUTH_CLIENTS) is not True or False,
      or a text setting (USERSYNC_JWT_SECRET, _JWKS_URL, _JWKS, _JWT_ISSUER,
      _MONITORING_TOKEN) is not a string. A string "false" would count as set.
E019  usersync's models would not reach USERSYNC_DATABASE: a database other than "default"
      needs usersync.routers.UsersyncRouter in DATABASE_ROUTERS.
E020  USERSYNC_JWKS_CACHE_SECONDS is not a whole number of at least 1.
E021  USERSYNC_CHAT_ERROR_PER_MINUTE is not a whole number of at least 1.
E022  USERSYNC_CHAT_ERROR_PER_DAY is not a whole number of at least 1.
E023  USERSYNC_HEALTH_CACHE_SECONDS is not a whole number of at least 0.
E024  (``check --database``, and ``migrate``) The database has auth.users but no
      auth.sessions, which the account query of every token-authenticated request reads
      (usersync.checks.tokens.check_sessions_table).
E028  USERSYNC_FULL_SYNC_AFTER_SECONDS is not a whole number of at least 0.
E025  USERSYNC_DISPLAY_FIELDS is not a dict of column: source, or a source is not "email",
      "phone", "user_metadata.<key>" or "app_metadata.<key>" (key: 1-64 of A-Z a-z 0-9 _)
      (usersync.checks.display_fields).
E026  USERSYNC_DISPLAY_FIELDS maps a column usersync writes itself (role, last_login, ...).
E027  (``check --database``, and ``migrate``) A column USERSYNC_DISPLAY_FIELDS maps is not
      of a text type (text, varchar, char) in public.user_profiles.
E035  USERSYNC_SUPABASE_URL is not the project's https address (scheme and host only, no
      path; http://localhost while DEBUG is on).
W001  (``check --deploy`` only) None of USERSYNC_SUPABASE_URL, USERSYNC_JWT_SECRET,
      USERSYNC_JWKS and USERSYNC_JWKS_URL is set: the application refuses every token.
W002  USERSYNC_LEASE_SECONDS is not greater than USERSYNC_STATEMENT_TIMEOUT: one slow batch
      can outlive the sync's lease; another sync may then take over and the batch is
      rolled back (nothing is lost or doubled, but the work is wasted).
W003  A USERSYNC_* setting that usersync does not know (a misspelt name does nothing).
W004  USERSYNC_MONITORING_TOKEN is shorter than 32 characters.
W005  Both USERSYNC_JWKS and USERSYNC_JWKS_URL are set: the inline JWKS wins and the URL is
      never fetched.
W006  A PostgreSQL database on port 6543 (Supabase's transaction pooler) with server-side
      cursors on (usersync.checks.database).
W007  USERSYNC_REQUIRE_SESSION_ID is on and USERSYNC_CHECK_SESSIONS off: a session is
      required but never looked up, so a signed-out token works until it expires.
W008  USERSYNC_BAN_IN_SUPABASE_AUTH is off: a deactivation no longer bans the user in
      Supabase Auth, so lock-out depends on the access token hook being switched on.
W009  (``check --database``, and ``migrate``) A column USERSYNC_DISPLAY_FIELDS maps does
      not exist in public.user_profiles (yet: the migrate that adds it must be able to run).
W013  (``check --deploy`` only) Only the legacy HS256 secret USERSYNC_JWT_SECRET is set:
      tokens signed with the project's asymmetric keys are refused; set
      USERSYNC_SUPABASE_URL.
====  ======================================================================================
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import load_backend

from usersync.checks import tokens as token_checks
from usersync.checks.tokens import shown
from usersync.conf import DEFAULTS, PREFIX, conf

TAG = "usersync"
ROLE_MAX_LENGTH = 50  # UserProfile.role is varchar(50)
# Whole-number settings: the least value, and the id of the error.
WHOLE_NUMBERS = {
    "SYNC_BATCH_SIZE": (1, "usersync.E011"),
    "STATEMENT_TIMEOUT": (1, "usersync.E012"),
    "LEASE_SECONDS": (1, "usersync.E013"),
    "STATUS_CACHE_SECONDS": (0, "usersync.E015"),
    "LAST_LOGIN_INTERVAL_SECONDS": (0, "usersync.E016"),
    "CHAT_ERROR_MAX_BYTES": (1, "usersync.E017"),
    "JWKS_CACHE_SECONDS": (1, "usersync.E020"),
    "CHAT_ERROR_PER_MINUTE": (1, "usersync.E021"),
    "CHAT_ERROR_PER_DAY": (1, "usersync.E022"),
    "HEALTH_CACHE_SECONDS": (0, "usersync.E023"),
    "FULL_SYNC_AFTER_SECONDS": (0, "usersync.E028"),
}
# Strings whose own checks say more than "not a string".
CHECKED_STRINGS = {"DATABASE", "DEFAULT_ROLE", "ADMIN_ROLE", "JWT_AUDIENCE"}


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_roles(**kwargs: Any) -> list[CheckMessage]:
    roles, default, admin = conf.ALLOWED_ROLES, conf.DEFAULT_ROLE, conf.ADMIN_ROLE
    messages: list[CheckMessage] = []
    if not (
        isinstance(roles, (list, tuple))
        and roles
        and all(isinstance(r, str) and r.strip() and len(r) <= ROLE_MAX_LENGTH for r in roles)
    ):
        messages.append(
            Error(
                f"USERSYNC_ALLOWED_ROLES must be a non-empty list of non-empty strings of at "
                f"most {ROLE_MAX_LENGTH} characters, not {shown(roles)}.",
                hint='Set USERSYNC_ALLOWED_ROLES to a list such as ["user", "admin"].',
                id="usersync.E001",
            )
        )
    else:
        repeated = sorted({r for r in roles if roles.count(r) > 1})
        if repeated:
            messages.append(
                Error(
                    f"USERSYNC_ALLOWED_ROLES names {', '.join(map(repr, repeated))} more than "
                    "once.",
                    hint="Set USERSYNC_ALLOWED_ROLES to a list naming each role once.",
                    id="usersync.E002",
                )
            )
        for name, value, id_ in (("DEFAULT", default, "E003"), ("ADMIN", admin, "E004")):
            if value not in roles:
                messages.append(
                    Error(
                        f"USERSYNC_{name}_ROLE {shown(value)} is not one of "
                        f"USERSYNC_ALLOWED_ROLES ({', '.join(roles)}).",
                        hint=f"Set USERSYNC_{name}_ROLE to one of USERSYNC_ALLOWED_ROLES, "
                        f"or add it to that list.",
                        id=f"usersync.{id_}",
                    )
                )
    if default == admin:
        messages.append(
            Error(
                f"USERSYNC_DEFAULT_ROLE and USERSYNC_ADMIN_ROLE are both {shown(admin)}: "
                f"every profile made by default would be an admin.",
                hint="Set USERSYNC_DEFAULT_ROLE to a role without admin rights (default: user).",
                id="usersync.E005",
            )
        )
    return messages


def _engine_problem(engine: Any) -> str | None:
    if not engine or not isinstance(engine, str):
        return "has no ENGINE"
    try:
        vendor = load_backend(engine).DatabaseWrapper.vendor
    except (ImportError, ImproperlyConfigured, AttributeError) as error:
        text = str(error).strip() or type(error).__name__
        first_sentence = text.splitlines()[0].split(". ")[0].rstrip(".")
        return f"has the ENGINE {engine!r}, which cannot be loaded ({first_sentence[:120]})"
    if vendor != "postgresql":
        return f"has the ENGINE {engine!r} ({vendor}), not PostgreSQL"
    return None


def check_database(**kwargs: Any) -> list[CheckMessage]:
    alias, databases = conf.DATABASE, settings.DATABASES
    if not isinstance(alias, str) or alias not in databases:
        return [
            Error(
                f"USERSYNC_DATABASE {shown(alias)} is not an alias in DATABASES "
                f"({', '.join(map(repr, databases)) or 'none'}).",
                hint="Set USERSYNC_DATABASE to the DATABASES alias of the Supabase database.",
                id="usersync.E006",
            )
        ]
    problem = _engine_problem(databases[alias].get("ENGINE"))
    if problem is None:
        return _routing(alias)
    return [
        Error(
            f"The database {alias!r} named by USERSYNC_DATABASE {problem}.",
            hint=f"Set DATABASES[{alias!r}]['ENGINE'] to 'django.db.backends.postgresql' "
            f"(or a backend built on it), or USERSYNC_DATABASE to the Supabase database.",
            id="usersync.E007",
        )
    ]


def _routing(alias: str) -> list[CheckMessage]:
    from usersync.routers import routing_problem

    problem = routing_problem()
    if problem is None:
        return []
    return [
        Error(
            problem + ".",
            hint=f"DATABASE_ROUTERS = ['usersync.routers.UsersyncRouter'] sends usersync's "
            f"models and migrations to {alias!r}.",
            id="usersync.E019",
        )
    ]


def check_numbers(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name, (least, id_) in WHOLE_NUMBERS.items():
        value = getattr(conf, name)
        if not _is_whole(value) or value < least:
            messages.append(
                Error(
                    f"USERSYNC_{name} must be a whole number of at least {least}, "
                    f"not {shown(value)}.",
                    hint=f"Set USERSYNC_{name} to a whole number of at least {least}, or leave "
                    f"it unset for the default ({DEFAULTS[name]}).",
                    id=id_,
                )
            )
    limit = conf.HEALTH_TIME_LIMIT_SECONDS
    if not (
        isinstance(limit, (int, float))
        and not isinstance(limit, bool)
        and math.isfinite(limit)
        and limit > 0
    ):
        messages.append(
            Error(
                f"USERSYNC_HEALTH_TIME_LIMIT_SECONDS must be a number above 0, not {shown(limit)}.",
                hint="Set USERSYNC_HEALTH_TIME_LIMIT_SECONDS to the seconds a health check may "
                f"take (default {DEFAULTS['HEALTH_TIME_LIMIT_SECONDS']}).",
                id="usersync.E014",
            )
        )
    lease, timeout = conf.LEASE_SECONDS, conf.STATEMENT_TIMEOUT
    if _is_whole(lease) and _is_whole(timeout) and 1 <= lease <= timeout:
        messages.append(
            Warning(
                f"USERSYNC_LEASE_SECONDS ({lease}) is not greater than USERSYNC_STATEMENT_TIMEOUT "
                f"({timeout}): one slow sync batch can outlive the lease and be rolled back.",
                hint="Set USERSYNC_LEASE_SECONDS above USERSYNC_STATEMENT_TIMEOUT (the defaults "
                f"are {DEFAULTS['LEASE_SECONDS']} and {DEFAULTS['STATEMENT_TIMEOUT']}).",
                id="usersync.W002",
            )
        )
    return messages


def check_types(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name, default in DEFAULTS.items():
        value = getattr(conf, name)
        if isinstance(default, bool) and not isinstance(value, bool):
            wanted = "True or False"
        elif isinstance(default, str) and name not in CHECKED_STRINGS:
            if isinstance(value, str):
                continue
            wanted = "a string"
        else:
            continue
        messages.append(
            Error(
                f"USERSYNC_{name} must be {wanted}, not {shown(value)}.",
                hint=f"Set USERSYNC_{name} to {wanted}, or leave it unset for the default "
                f"({DEFAULTS[name]!r}).",
                id="usersync.E018",
            )
        )
    return messages


def check_unknown_settings(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name in sorted(dir(settings)):
        if not name.startswith(PREFIX) or name[len(PREFIX) :] in DEFAULTS:
            continue
        # Without the shared prefix, which would make every name look alike.
        close = difflib.get_close_matches(name[len(PREFIX) :], DEFAULTS, n=1)
        messages.append(
            Warning(
                f"{name} is not a usersync setting: it changes nothing.",
                hint=f"Did you mean {PREFIX}{close[0]}?"
                if close
                else "Remove it; usersync's settings are listed in usersync.conf.",
                id="usersync.W003",
            )
        )
    return messages


def check_supabase_auth_ban(**kwargs: Any) -> list[CheckMessage]:
    if conf.BAN_IN_SUPABASE_AUTH is not False:
        return []
    return [
        Warning(
            "USERSYNC_BAN_IN_SUPABASE_AUTH is off: deactivating a profile no longer bans the "
            "user in Supabase Auth. They stay locked out only while the access token hook is "
            "switched on in the Supabase dashboard (a step the database cannot see); without "
            "it they sign in, refresh and reach Supabase with their own tokens as before.",
            hint="Set USERSYNC_BAN_IN_SUPABASE_AUTH to True (or leave it unset), or make sure "
            "the access token hook is enabled (python manage.py verify_migration says how).",
            id="usersync.W008",
        )
    ]


# Registered by UsersyncConfig.ready(), with token_checks.check_keys_configured as a
# deploy check.
CHECKS = (
    check_roles,
    check_database,
    token_checks.check_tokens,
    check_numbers,
    check_types,
    check_unknown_settings,
    check_supabase_auth_ban,
)
