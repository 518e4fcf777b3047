"""Instances of a JSON Schema for property tests.

hypothesis-jsonschema does not work with the hypothesis version schemathesis needs, so this wraps
the generator schemathesis ships; `None` when that generator does not model the schema.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build


def instances_of(schema: Any, *, draft: int) -> st.SearchStrategy[Any] | None:
    try:
        return build(schema, draft=draft, formats={})
    except Exception:  # the builder raises its own UnsupportedSchema and assorted errors on exotic schemas
        return None
