"""ECMA-262 regular expressions from schemas (`pattern`, `patternProperties`), matched in bounded time.

A schema's author chooses its patterns and a message's sender chooses the strings, so neither may be
able to stall a process with catastrophic backtracking (`^(a+)+$` against "aaaa…!"). jsonschema-rs's
engine runs plain expressions in linear time, and stops the backtracking ones (backreferences,
lookaround) after a fixed number of steps; a string it gave up on counts as not matching, so a
validation fails closed rather than hanging.

The registry reuses this for the patterns its compatibility checks evaluate.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema_rs

__all__ = ["InvalidPatternError", "check", "search"]


class InvalidPatternError(ValueError):
    """The text is not an ECMA-262 regular expression."""


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    try:
        return jsonschema_rs.Draft7Validator({"type": "string", "pattern": pattern})
    except ValueError:
        raise InvalidPatternError(
            f"{pattern!r} is not a regular expression (JSON Schema's patterns are ECMA-262)"
        ) from None


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches somewhere in `text` (JSON Schema's unanchored `pattern` semantics)."""
    return bool(_compiled(pattern).is_valid(text))


def check(pattern: str) -> None:
    """Raise InvalidPatternError unless `pattern` is an ECMA-262 regular expression."""
    _compiled(pattern)
