"""Display fields (USERSYNC_DISPLAY_FIELDS): profile columns the host adds, kept equal
to auth data at sign-up, at every change of it and by the sync, with the metadata in
the shapes the auth service writes (supabase/auth: internal/api/signup.go,
internal/api/provider/github.go and google.go, the Claims struct of provider.go, and
models.User.UpdateUserMetaData, which merges the identity's data into the user's)."""

from __future__ import annotations

import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.db import connect
from usersync import sync
from usersync.checks.display_fields import check_display_columns, check_display_fields
from usersync.errors import Misconfigured
from usersync.models import TriggerFailure
from usersync.schema import verify as schema
from usersync.sync import display_fields

pytestmark = pytest.mark.django_db(transaction=True)

MAPPING = {
    "full_name": "user_metadata.full_name",
    "avatar_url": "user_metadata.avatar_url",
    "email": "email",
}
# The host's own columns (its migration adds them; docs/display-fields.md).
COLUMNS = {"full_name": "text", "avatar_url": "varchar(300)", "email": "text"}


@pytest.fixture
def display(settings):
    with connect() as admin:
        for name, type_ in COLUMNS.items():
            admin.execute(f"ALTER TABLE public.user_profiles ADD COLUMN {name} {type_}")
    settings.USERSYNC_DISPLAY_FIELDS = MAPPING
    display_fields.install()
    yield settings
    settings.USERSYNC_DISPLAY_FIELDS = {}
    display_fields.install()
    with connect() as admin:
        for name in COLUMNS:
            admin.execute(f"ALTER TABLE public.user_profiles DROP COLUMN IF EXISTS {name}")


def shown(user_id: uuid.UUID) -> dict:
    with connect() as conn, conn.cursor(row_factory=dict_row) as cursor:
        cursor.execute(
            "SELECT full_name, avatar_url, email FROM public.user_profiles WHERE user_id = %s",
            [user_id],
        )
        return cursor.fetchone()


def insert_user(
    conn: psycopg.Connection,
    *,
    email: str | None,
    user_meta: dict,
    provider: str,
    is_anonymous: bool = False,
) -> uuid.UUID:
    """models.NewUser's INSERT, as supabase_auth_admin."""
    user_id = uuid.uuid4()
    conn.execute(
        "INSERT INTO users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data,"
        " is_anonymous, created_at) VALUES (%s, 'authenticated', 'authenticated', %s, %s,"
        " %s, %s, now())",
        [
            user_id,
            email,
            Jsonb({"provider": provider, "providers": [provider]}),
            Jsonb(user_meta),
            is_anonymous,
        ],
    )
    return user_id


def link_identity(conn, user_id: uuid.UUID, provider: str, provider_id: str, data: dict) -> None:
    """createNewIdentity: the identity, then its data merged into the user's metadata."""
    conn.execute(
        "INSERT INTO identities (provider_id, user_id, identity_data, provider)"
        " VALUES (%s, %s, %s, %s)",
        [provider_id, user_id, Jsonb(data), provider],
    )
    conn.execute(
        "UPDATE users SET raw_user_meta_data = raw_user_meta_data || %s WHERE id = %s",
        [Jsonb(data), user_id],
    )


def test_the_generated_function__is_plain_sql_with_quoted_names_and_the_mappings_hash(display):
    with connect() as conn:
        body, comment = conn.execute(
            "SELECT prosrc, obj_description(oid, 'pg_proc') FROM pg_proc"
            " WHERE oid = 'usersync.fill_display_fields(uuid[])'::regprocedure"
        ).fetchone()
    assert """"full_name" = (u."raw_user_meta_data" ->> 'full_name')::text""" in body
    assert (
        """"avatar_url" = (u."raw_user_meta_data" ->> 'avatar_url')::character varying(300)"""
        in body
    )
    assert """"email" = (u."email")::text""" in body
    assert comment == display_fields.comment(MAPPING) != display_fields.comment({})


def test_the_empty_function__is_the_one_migrate_makes():
    """display_fields.v1.sql's body and comment are what the empty mapping generates."""
    from usersync.schema.manifest import manifest

    expected = manifest().functions[display_fields.FUNCTION]
    assert expected.body_md5 == display_fields._md5(display_fields.EMPTY_BODY)
    assert display_fields.problems() == []


def test_email_sign_up__signup_data_then_the_identitys(display):
    with connect(user="supabase_auth_admin") as conn, conn.transaction():
        user_id = insert_user(
            conn, email="ada@example.com", user_meta={"full_name": "Ada L"}, provider="email"
        )
        # signup.go: the identity's data is Claims{sub, email} (email_verified and
        # phone_verified always present), plus the sign-up data it lacks.
        link_identity(
            conn,
            user_id,
            "email",
            str(user_id),
            {
                "sub": str(user_id),
                "email": "ada@example.com",
                "email_verified": False,
                "phone_verified": False,
                "full_name": "Ada L",
            },
        )
    assert shown(user_id) == {"full_name": "Ada L", "avatar_url": None, "email": "ada@example.com"}
    assert not TriggerFailure.objects.exists()


def test_github_sign_up__full_name_and_avatar_url(display):
    github = {
        "iss": "https://api.github.com",
        "sub": "583231",
        "name": "The Octocat",
        "preferred_username": "octocat",
        "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
        "full_name": "The Octocat",
        "provider_id": "583231",
        "user_name": "octocat",
        "email": "octocat@github.com",
        "email_verified": True,
        "phone_verified": False,
    }
    with connect(user="supabase_auth_admin") as conn, conn.transaction():
        user_id = insert_user(conn, email="octocat@github.com", user_meta=github, provider="github")
        link_identity(conn, user_id, "github", "583231", github)
    assert shown(user_id) == {
        "full_name": "The Octocat",
        "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
        "email": "octocat@github.com",
    }


def test_google_sign_up__with_a_mapping_to_name_and_picture(display):
    display.USERSYNC_DISPLAY_FIELDS = {
        "full_name": "user_metadata.name",
        "avatar_url": "user_metadata.picture",
        "email": "email",
    }
    display_fields.install()
    google = {
        "iss": "https://accounts.google.com",
        "sub": "110169484474386276334",
        "name": "Grace Hopper",
        "picture": "https://lh3.googleusercontent.com/a/grace",
        "avatar_url": "https://lh3.googleusercontent.com/a/grace",
        "full_name": "Grace Hopper",
        "provider_id": "110169484474386276334",
        "email": "grace@gmail.com",
        "email_verified": True,
        "phone_verified": False,
    }
    with connect(user="supabase_auth_admin") as conn, conn.transaction():
        user_id = insert_user(conn, email="grace@gmail.com", user_meta=google, provider="google")
    assert shown(user_id) == {
        "full_name": "Grace Hopper",
        "avatar_url": "https://lh3.googleusercontent.com/a/grace",
        "email": "grace@gmail.com",
    }


def test_anonymous_then_converted__the_email_and_name_arrive(display):
    with connect(user="supabase_auth_admin") as conn:
        user_id = insert_user(
            conn, email=None, user_meta={}, provider="anonymous", is_anonymous=True
        )
        assert shown(user_id) == {"full_name": None, "avatar_url": None, "email": None}
        # updateUser({email, data}), then the e-mail confirmed: no longer anonymous, and
        # the e-mail identity's data merged in.
        with conn.transaction():
            conn.execute(
                "UPDATE users SET email = 'ann@example.com',"
                ' raw_user_meta_data = raw_user_meta_data || \'{"full_name": "Ann"}\''
                " WHERE id = %s",
                [user_id],
            )
            conn.execute(
                "UPDATE users SET is_anonymous = false, email_confirmed_at = now(),"
                ' raw_app_meta_data = \'{"provider": "email", "providers": ["email"]}\''
                " WHERE id = %s",
                [user_id],
            )
            link_identity(
                conn,
                user_id,
                "email",
                str(user_id),
                {
                    "sub": str(user_id),
                    "email": "ann@example.com",
                    "email_verified": True,
                    "phone_verified": False,
                },
            )
    assert shown(user_id) == {"full_name": "Ann", "avatar_url": None, "email": "ann@example.com"}


def test_a_metadata_update__arrives_in_the_mapped_column_and_a_removed_key_empties_it(display):
    with connect(user="supabase_auth_admin") as conn:
        user_id = insert_user(
            conn,
            email="bo@example.com",
            user_meta={"full_name": "Bo", "avatar_url": "https://x.test/a.png"},
            provider="email",
        )
        conn.execute(
            'UPDATE users SET raw_user_meta_data = raw_user_meta_data || \'{"full_name": "Bo B"}\''
            " WHERE id = %s",
            [user_id],
        )
        assert shown(user_id)["full_name"] == "Bo B"
        conn.execute(
            "UPDATE users SET raw_user_meta_data = raw_user_meta_data - 'avatar_url',"
            " email = 'bob@example.com' WHERE id = %s",
            [user_id],
        )
    assert shown(user_id) == {"full_name": "Bo B", "avatar_url": None, "email": "bob@example.com"}


def test_a_metadata_update_while_profiles_are_locked__goes_through_and_is_recorded(display):
    with connect(user="supabase_auth_admin") as auth:
        user_id = insert_user(conn := auth, email="cy@example.com", user_meta={}, provider="email")
        with connect(autocommit=False) as locker:
            locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
            conn.execute(
                'UPDATE users SET raw_user_meta_data = \'{"full_name": "Cy"}\' WHERE id = %s',
                [user_id],
            )
            locker.rollback()
        meta = auth.execute(
            "SELECT raw_user_meta_data FROM users WHERE id = %s", [user_id]
        ).fetchone()[0]
    assert meta == {"full_name": "Cy"}
    assert shown(user_id)["full_name"] is None
    failure = TriggerFailure.objects.get(user_id=user_id)
    assert (failure.source, failure.sqlstate) == ("on_auth_user_display_changed", "55P03")
    # The next sync writes it, and the failure is resolved.
    result = sync.sync(triggered_by="test")
    assert result.displayed == 1
    assert shown(user_id)["full_name"] == "Cy"
    assert TriggerFailure.objects.get(user_id=user_id).resolved_at is not None


def test_sync__repairs_drift_and_fills_the_profiles_it_makes(display, auth_user_factory):
    drifted = auth_user_factory(email="dee@example.com", user_meta={"full_name": "Dee"})
    missing = auth_user_factory(
        email="eve@example.com", user_meta={"full_name": "Eve"}, with_profile=False
    )
    with connect() as admin:
        admin.execute(
            "UPDATE public.user_profiles SET full_name = 'stale', email = NULL WHERE user_id = %s",
            [drifted.pk],
        )
    out = StringIO()
    call_command("sync_users", stdout=out)
    assert "Display fields (USERSYNC_DISPLAY_FIELDS) written on 2 profiles." in out.getvalue()
    assert shown(drifted.pk) == {"full_name": "Dee", "avatar_url": None, "email": "dee@example.com"}
    assert shown(missing.pk) == {"full_name": "Eve", "avatar_url": None, "email": "eve@example.com"}
    assert sync.sync(triggered_by="test").displayed == 0


def test_the_mapping_changed__verify_says_so_until_migrate_installs_it(display, auth_user_factory):
    user = auth_user_factory(user_meta={"full_name": "Fay F", "name": "fay"})
    assert shown(user.pk)["full_name"] == "Fay F"
    display.USERSYNC_DISPLAY_FIELDS = MAPPING | {"full_name": "user_metadata.name"}
    check = next(c for c in schema.verify().checks if c.name.startswith("display fields"))
    assert not check.ok
    assert "run migrate" in check.detail
    call_command("migrate", verbosity=0)
    check = next(c for c in schema.verify().checks if c.name.startswith("display fields"))
    assert check.ok, check.detail
    sync.sync(triggered_by="test")
    assert shown(user.pk)["full_name"] == "fay"


def test_a_refused_mapping__one_line_and_nothing_installed(display):
    before = display_fields.comment(MAPPING)
    display.USERSYNC_DISPLAY_FIELDS = {"full_name": "user_metadata.full name"}
    with pytest.raises(Misconfigured) as error:
        display_fields.install()
    assert "\n" not in str(error.value)
    assert "'user_metadata.full name' is not one of email, phone" in str(error.value)
    display.USERSYNC_DISPLAY_FIELDS = {"nickname": "user_metadata.nickname"}
    with pytest.raises(Misconfigured, match=r"public\.user_profiles does not have"):
        display_fields.install()
    with connect() as conn:
        comment = conn.execute(
            "SELECT obj_description('usersync.fill_display_fields(uuid[])'::regprocedure,"
            " 'pg_proc')"
        ).fetchone()[0]
    assert comment == before


def test_a_quoted_column_name__is_written(display):
    with connect() as admin:
        admin.execute('ALTER TABLE public.user_profiles ADD COLUMN "Shown Name" text')
    try:
        display.USERSYNC_DISPLAY_FIELDS = {"Shown Name": "app_metadata.provider"}
        display_fields.install()
        with connect(user="supabase_auth_admin") as conn:
            user_id = insert_user(conn, email=None, user_meta={}, provider="github")
        with connect() as conn:
            value = conn.execute(
                'SELECT "Shown Name" FROM public.user_profiles WHERE user_id = %s', [user_id]
            ).fetchone()[0]
        assert value == "github"
    finally:
        display.USERSYNC_DISPLAY_FIELDS = MAPPING
        display_fields.install()
        with connect() as admin:
            admin.execute('ALTER TABLE public.user_profiles DROP COLUMN "Shown Name"')


@pytest.mark.parametrize(
    "source",
    ["password", "raw_user_meta_data.full_name", "user_metadata.", "user_metadata.a-b", "x" * 3],
)
def test_check_e025__a_source_not_allowed(settings, source):
    settings.USERSYNC_DISPLAY_FIELDS = {"full_name": source}
    assert [m.id for m in check_display_fields()] == ["usersync.E025"]


def test_check_e025__not_a_dict(settings):
    settings.USERSYNC_DISPLAY_FIELDS = [("full_name", "email")]
    assert [m.id for m in check_display_fields()] == ["usersync.E025"]


def test_check_e026__a_column_usersync_writes(settings):
    settings.USERSYNC_DISPLAY_FIELDS = {"sso_provider": "app_metadata.provider"}
    assert [m.id for m in check_display_fields()] == ["usersync.E026"]


def test_checks_pass__an_allowed_mapping_of_existing_text_columns(display):
    assert check_display_fields() == []
    assert check_display_columns(databases=["default"]) == []


def test_check_w009_and_e027__a_missing_column_and_a_non_text_one(settings):
    with connect() as admin:
        admin.execute("ALTER TABLE public.user_profiles ADD COLUMN login_count integer")
    try:
        settings.USERSYNC_DISPLAY_FIELDS = {
            "login_count": "user_metadata.logins",
            "nickname": "user_metadata.nickname",
        }
        messages = check_display_columns(databases=["default"])
        assert [(m.id, m.msg.split(",")[0]) for m in messages] == [
            (
                "usersync.W009",
                "USERSYNC_DISPLAY_FIELDS maps 'nickname'",
            ),
            ("usersync.E027", "USERSYNC_DISPLAY_FIELDS maps 'login_count'"),
        ]
        assert check_display_columns(databases=None) == []
    finally:
        with connect() as admin:
            admin.execute("ALTER TABLE public.user_profiles DROP COLUMN login_count")
