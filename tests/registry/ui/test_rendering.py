"""Highlighting and the side-by-side diff: nothing of a schema is lost or reordered on the way to a page."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.compatibility import SchemaType
from registry.ui.diff import Change, side_by_side
from registry.ui.highlight import highlight_lines, line_text, pretty_schema

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)
LINES = st.lists(st.sampled_from(["{", "}", '  "a": 1,', '  "b": "x"', "  [", "  ]"]), max_size=12)


def test_pretty_schema_indents_json_and_keeps_key_order() -> None:
    text = '{"type":"record","name":"A","fields":[]}'
    assert pretty_schema(text, SchemaType.AVRO) == '{\n  "type": "record",\n  "name": "A",\n  "fields": []\n}'


def test_pretty_schema_leaves_protobuf_and_unparsable_text_alone() -> None:
    proto = 'syntax = "proto3";\nmessage A { int64 id = 1; }'
    assert pretty_schema(proto, SchemaType.PROTOBUF) == proto
    assert pretty_schema("{not json", SchemaType.JSON) == "{not json"


def test_highlighting_classes_json_tokens() -> None:
    (line,) = highlight_lines('{"a": "b", "n": 1, "t": true}', SchemaType.JSON)
    assert ("tok-nt", '"a"') in line
    assert ("tok-s2", '"b"') in line
    assert ("tok-mi", "1") in line
    assert ("tok-kc", "true") in line


@settings(max_examples=60, deadline=None)
@given(JSON_VALUES)
def test_highlighted_lines_give_back_the_pretty_text(value: object) -> None:
    text = pretty_schema(json.dumps(value), SchemaType.JSON)
    lines = highlight_lines(text, SchemaType.JSON)
    assert "\n".join(line_text(line) for line in lines) == text


@settings(max_examples=80, deadline=None)
@given(LINES, LINES)
def test_side_by_side_keeps_both_sides_whole_and_in_order(old_texts: list[str], new_texts: list[str]) -> None:
    old = [(("", text),) for text in old_texts]
    new = [(("", text),) for text in new_texts]
    rows = side_by_side(old, new)
    assert [row.old.number for row in rows if row.old] == list(range(1, len(old) + 1))
    assert [row.new.number for row in rows if row.new] == list(range(1, len(new) + 1))
    for row in rows:
        if row.change is Change.SAME:
            assert row.old is not None
            assert row.new is not None
            assert row.old.tokens == row.new.tokens
        assert (row.change is Change.ADDED) == (row.old is None)
        assert (row.change is Change.REMOVED) == (row.new is None)


def test_side_by_side_pairs_a_changed_line_with_its_replacement() -> None:
    old = highlight_lines('{\n  "type": "long"\n}', SchemaType.AVRO)
    new = highlight_lines('{\n  "type": "string",\n  "doc": "x"\n}', SchemaType.AVRO)
    changes = [
        (row.change, row.old and row.old.number, row.new and row.new.number) for row in side_by_side(old, new)
    ]
    assert changes == [
        (Change.SAME, 1, 1),
        (Change.CHANGED, 2, 2),
        (Change.ADDED, None, 3),
        (Change.SAME, 3, 4),
    ]
