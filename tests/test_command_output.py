"""What the commands say about themselves: help texts that speak of this app only,
defaults shown as numbers, a JSON document on failure under --json, and quiet ends
when the reader of a pipe goes away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from tests.helpers import ROOT, TEST_ONLY, database_url_for_tests
from usersync.management.base import EXIT_BROKEN_PIPE, UsersyncCommand

USERSYNC_COMMANDS = sorted(
    name
    for name, app in get_commands().items()
    if app.startswith("usersync") and isinstance(load_command_class(app, name), UsersyncCommand)
)
# Names a user of the package does not have: the original scripts and our own notes.
FOREIGN = ("user_sync_cli", "user_management_migration_cli", "the spec", "design.md", "§")


def help_text(name: str) -> str:
    command = load_command_class(get_commands()[name], name)
    return command.create_parser("manage.py", name).format_help()


def test_usersync_commands__are_found():
    assert {"sync_users", "sync_status", "create_profile", "verify_migration"} <= set(
        USERSYNC_COMMANDS
    )


@pytest.mark.parametrize("name", USERSYNC_COMMANDS)
def test_help__names_nothing_outside_the_app(name):
    text = help_text(name)
    assert not [word for word in FOREIGN if word in text]


def test_sync_users_help__shows_the_batch_size_default_as_a_number(settings):
    settings.USERSYNC_SYNC_BATCH_SIZE = 12_345
    assert "(default: 12,345)" in help_text("sync_users")


def test_create_profile_help__shows_the_default_role(settings):
    settings.USERSYNC_ALLOWED_ROLES = ["member", "admin"]
    settings.USERSYNC_DEFAULT_ROLE = "member"
    assert "(default: member)" in " ".join(help_text("create_profile").split())


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (("create_profile", "not-a-uuid"), 2),
        (("create_profile", "123e4567-e89b-12d3-a456-426614174000"), 2),
        (("preservation_report", "not-a-uuid"), 2),
    ],
)
@pytest.mark.django_db
def test_json_failure__is_one_json_document_with_the_exit_code(args, exit_code):
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(*args, "--json", stdout=out, stderr=StringIO())
    document = json.loads(out.getvalue())
    assert error.value.returncode == exit_code
    assert document["error"]["exit_code"] == exit_code
    assert document["error"]["message"] == str(error.value)


@pytest.mark.django_db
def test_json_failure__after_a_document_adds_no_second_one(auth_user_factory):
    auth_user_factory(with_profile=False)
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("sync_status", "--json", "--fail-on-missing", stdout=out, stderr=StringIO())
    assert error.value.returncode == 1
    assert json.loads(out.getvalue())["missing_profiles"] == 1


@pytest.mark.django_db(transaction=True)
def test_sync_status__into_a_closed_pipe_ends_quietly():
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    environment.update(ENABLE_DEVELOPMENT_MODE="true", DATABASE_URL=database_url_for_tests())
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "sync_status", "--verbose"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        # The reader is gone before the command writes anything, as `| head -0` would be.
        process.stdout.close()
        process.wait(timeout=120)
        stderr.seek(0)
        errors = stderr.read()
    assert "Traceback" not in errors
    assert "BrokenPipeError" not in errors
    assert process.returncode == EXIT_BROKEN_PIPE
