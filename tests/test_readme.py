"""The README's settings table is the one users read: it must list exactly usersync's
settings, each with its real default."""

from __future__ import annotations

import re
from pathlib import Path

from usersync.conf import DEFAULTS, PREFIX

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| `(USERSYNC_\w+)` \| `([^`]*)` \|", re.M)


def _documented() -> dict[str, str]:
    return dict(ROW.findall(README.read_text()))


def test_readme_settings__lists_every_setting_and_no_other():
    assert set(_documented()) == {PREFIX + name for name in DEFAULTS}


def test_readme_settings__shows_each_real_default():
    for setting, shown in _documented().items():
        default = DEFAULTS[setting.removeprefix(PREFIX)]
        expected = repr(default).replace("'", '"').replace("_", "")
        if isinstance(default, int) and not isinstance(default, bool):
            expected = str(default)
        assert shown == expected, setting


def test_docs__name_only_documents_the_repository_has():
    root = README.parent
    for page in [README, *sorted((root / "docs").glob("*.md"))]:
        for name in re.findall(r"[\w./-]+\.md\b", page.read_text()):
            candidates = [page.parent / name, root / name, root / "docs" / name]
            assert any(c.is_file() for c in candidates), f"{page.name} names {name}"
