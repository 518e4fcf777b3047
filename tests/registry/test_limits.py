"""Measuring how deep a schema nests, without recursion, past the JSON parser's own depth limit too."""

from __future__ import annotations

import pytest

from registry import errors
from registry.limits import check_schema_depth, nesting_depth


@pytest.mark.parametrize(
    ("document", "depth"),
    [("x", 0), ([], 1), ({"a": [1, {"b": []}]}, 4), ([[], [[[]]], []], 4), ({"a": 1, "b": {"c": {}}}, 3)],
)
def test_nesting_depth(document: object, depth: int) -> None:
    assert nesting_depth(document) == depth


def test_depth_is_checked_before_parsing_even_past_the_json_parsers_limit() -> None:
    check_schema_depth("[" * 64 + "]" * 64, max_depth=64)
    check_schema_depth("not json at all", max_depth=1)  # left to the schema's own parser
    for text in ("[" * 65 + "]" * 65, "[" * 5000 + "]" * 5000):
        with pytest.raises(errors.InvalidSchemaError, match="nests more than 64 levels"):
            check_schema_depth(text, max_depth=64)
