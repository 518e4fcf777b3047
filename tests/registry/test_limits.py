"""The depth of a schema is checked before parsing, past the JSON parser's own depth limit too."""

from __future__ import annotations

import pytest

from registry import errors
from registry.limits import check_schema_depth


def test_depth_is_checked_before_parsing_even_past_the_json_parsers_limit() -> None:
    check_schema_depth("[" * 64 + "]" * 64, max_depth=64)
    check_schema_depth("not json at all", max_depth=1)  # left to the schema's own parser
    for text in ("[" * 65 + "]" * 65, "[" * 5000 + "]" * 5000):
        with pytest.raises(errors.InvalidSchemaError, match="nests more than 64 levels"):
            check_schema_depth(text, max_depth=64)
