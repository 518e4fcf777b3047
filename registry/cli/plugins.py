"""The command groups other packages add to `accord`, from the entry-point group "accord.commands".

Read from the installed distributions' `entry_points.txt` files directly, the way importlib.metadata
finds them (the first distribution of a name on sys.path wins), because importing importlib.metadata
loads the email package: a fifth of the CPU time `accord schema check` took before any work.
"""

from __future__ import annotations

import configparser
import importlib
import os
import re
import sys
from typing import Any

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


def entry_points(group: str) -> dict[str, str]:
    """The entry points of `group` of every installed distribution: name to `module:attribute`."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    for location in sys.path:
        try:
            names = sorted(os.listdir(location or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith(_METADATA_SUFFIXES):
                continue
            distribution = re.sub(r"[-_.]+", "_", name.partition("-")[0].removesuffix(".egg")).lower()
            if distribution in seen:
                continue
            seen.add(distribution)
            parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
            parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep names' case
            try:
                parser.read(os.path.join(location or ".", name, "entry_points.txt"), encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError):
                continue
            if parser.has_section(group):
                for key, value in parser.items(group):
                    found.setdefault(key, value.strip())
    return found


def load(value: str) -> Any:
    """The object an entry point's `module:attribute.path` names."""
    module, _, attribute = value.partition(":")
    loaded: Any = importlib.import_module(module.strip())
    for part in filter(None, attribute.strip().split(".")):
        loaded = getattr(loaded, part)
    return loaded
