"""usersync's export map names, for each public name, the module that defines it."""

from __future__ import annotations

from importlib import import_module

import pytest

import usersync


@pytest.mark.parametrize("name", usersync.__all__)
def test_export__points_at_the_module_that_defines_it(name):
    module = usersync._EXPORTS[name]
    value = getattr(import_module(module), name)
    assert value.__module__ == module
    assert getattr(usersync, name) is value


def test_exports__all_and_the_map_name_the_same_things():
    assert sorted(usersync.__all__) == sorted(usersync._EXPORTS)
