"""Query files live beside the package that runs them (usersync/<package>/sql/), and
usersync.db.sql finds each by its name."""

from __future__ import annotations

import re
from pathlib import Path

import usersync
from usersync.db.sql import query, query_files

PACKAGE = Path(usersync.__file__).resolve().parent
CALLED = re.compile(r"""\bquery\(\s*["'](\w+)["']""")


def test_query_files__each_named_query_the_code_runs_is_found():
    called = {name for path in PACKAGE.rglob("*.py") for name in CALLED.findall(path.read_text())}
    assert called, "no query() call found: the pattern no longer matches the code"
    missing = sorted(name for name in called if name not in query_files())
    assert missing == []
    assert all(query(name).strip() for name in called)


def test_query_files__live_in_the_sql_folder_of_a_package_of_usersync():
    folders = {path.parent.relative_to(PACKAGE).as_posix() for path in query_files().values()}
    assert "sql" not in folders  # no flat folder of every package's queries
    assert all(folder.endswith("/sql") for folder in folders)
    assert not (PACKAGE / "sql").exists()
