"""The entry points `accord` reads without importlib.metadata agree with importlib.metadata's."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from registry.cli import plugins


@pytest.mark.parametrize("group", ["accord.commands", "console_scripts", "pytest11"])
def test_the_entry_points_are_the_ones_importlib_metadata_finds(group):
    expected = {}
    for entry_point in entry_points(group=group):
        expected.setdefault(entry_point.name, entry_point.value)

    found = plugins.entry_points(group)

    assert found == expected
    assert found  # each group has entry points in this environment, so the comparison means something


def test_an_entry_point_loads_the_object_it_names():
    from contracts.cli import app

    assert plugins.load("contracts.cli:app") is app
    assert plugins.load(" registry.cli.plugins : load ") is plugins.load
