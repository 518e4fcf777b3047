"""`line_of`: the line of printed `.proto` text that declares what a compatibility path names, which the
UI's diff links to."""

from __future__ import annotations

import pytest

from registry.compatibility.protobuf import line_of, parse_protobuf

TEXT = parse_protobuf(
    'syntax = "proto2";\npackage acme;\n'
    "message Order { enum Status { A = 0; B = 1; } message LineItem { optional string sku = 1; }"
    " optional string id = 1; repeated LineItem items = 2; oneof pay { string card = 3; int32 cash = 4; }"
    " optional group G = 5 { optional int32 x = 1; } map<string, int32> m = 6; }\n"
    "enum Top { T0 = 0; T1 = 1; }\n"
).canonical


@pytest.mark.parametrize(
    ("pointer", "declaration"),
    [
        ("#/Order", "message Order {"),
        ("#/Order/1", "optional string id = 1;"),
        ("#/Order/3", "string card = 3;"),  # a oneof member
        ("#/Order/pay", "oneof pay {"),
        ("#/Order/5", "optional group G = 5 {"),
        ("#/Order/G/1", "optional int32 x = 1;"),
        ("#/Order/6", "map<string, int32> m = 6;"),
        ("#/Order/LineItem/1", "optional string sku = 1;"),
        ("#/Order/Status/1", "B = 1;"),
        ("#/Top/1", "T1 = 1;"),
        ("#/Order/9", "message Order {"),  # removed: the deepest part that is there
    ],
)
def test_a_path_names_the_line_that_declares_it(pointer, declaration):
    line = line_of(TEXT, pointer)

    assert line is not None
    assert TEXT.splitlines()[line - 1].strip() == declaration


def test_a_path_outside_the_file_has_no_line():
    assert line_of(TEXT, "#/Missing") is None
    assert line_of(TEXT, "#/") is None
