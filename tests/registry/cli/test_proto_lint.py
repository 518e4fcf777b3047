"""`accord schema lint` on `.proto` files: the event conventions carried to Protobuf messages (the
event is the file's first message), and ACC006, Protobuf's naming style."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS
from tests.registry.cli.conftest import commit_all

CONFIG = """\
proto_path = "proto"

[[schemas]]
path = "proto/*.proto"
subject = "{stem}-value"
"""

GOOD = """\
syntax = "proto3";
package acme.orders;

// An order was placed.
message OrderCreated {
  // The order's id.
  string order_id = 1;
  int64 total_cents = 2;  // The total, in cents.
  // Where it goes.
  Status status = 3;
}

// How far the order is.
enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_PLACED = 1;
}
"""


@pytest.fixture
def protos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "proto").mkdir(parents=True)
    (root / "accord.toml").write_text(CONFIG)
    monkeypatch.chdir(root)
    return root


def test_a_conventional_proto_file_is_clean(run, protos):
    (protos / "proto" / "orders.proto").write_text(GOOD)

    result = run("schema", "lint")

    assert result.exit_code == EXIT_CLEAN, result.output


def test_naming_style_event_name_and_comments_are_checked_on_their_lines(run, protos):
    (protos / "proto" / "orders.proto").write_text(
        GOOD.replace("message OrderCreated", "message create_order")
        .replace("string order_id = 1;", "string orderId = 1;")
        .replace("  // Where it goes.\n", "")
        .replace("STATUS_PLACED", "placed")
    )

    result = run("schema", "lint", "--format", "github")

    assert result.exit_code == EXIT_VIOLATIONS
    lines = [line for line in result.stdout.splitlines() if line.startswith(("::error", "::warning"))]
    assert sorted(lines) == sorted(
        [
            "::error file=proto/orders.proto,line=5,col=1,title=ACC001::event name 'create_order' is not "
            "PascalCase (write it like OrderCreated)",
            "::warning file=proto/orders.proto,line=9,col=3,title=ACC002::field 'status' has no comment: say "
            "what it means",
            "::error file=proto/orders.proto,line=5,col=1,title=ACC006::message name 'create_order' is not "
            "PascalCase (like OrderCreated)",
            "::error file=proto/orders.proto,line=7,col=3,title=ACC006::field name 'orderId' is not "
            "lower_snake_case (like order_id)",
            "::error file=proto/orders.proto,line=15,col=3,title=ACC006::enum value 'placed' is not "
            "UPPER_SNAKE_CASE (like ORDER_STATUS_PLACED)",
        ]
    )


def test_the_style_rule_can_be_disabled(run, protos):
    (protos / "accord.toml").write_text(CONFIG + '\n[lint]\ndisable = ["protobuf-style"]\n')
    (protos / "proto" / "orders.proto").write_text(GOOD.replace("string order_id", "string orderId"))

    result = run("schema", "lint")

    assert result.exit_code == EXIT_CLEAN, result.output


def test_a_removed_field_and_a_new_required_field_are_found_against_git(run, protos):
    proto2 = GOOD.replace('syntax = "proto3";', 'syntax = "proto2";').replace("  string", "  optional string")
    proto2 = proto2.replace("  int64", "  optional int64").replace("  Status", "  optional Status")
    (protos / "proto" / "orders.proto").write_text(proto2)
    commit_all(protos, "first")
    (protos / "proto" / "orders.proto").write_text(
        proto2.replace("  optional int64 total_cents = 2;  // The total, in cents.\n", "").replace(
            "  optional Status status = 3;",
            "  optional Status status = 3;\n  // Who.\n  required string buyer = 4;",
        )
    )

    result = run("schema", "lint", "--against", "git:HEAD")

    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert "ACC004 proto/orders.proto:5:1: field 'total_cents' was removed" in result.stdout
    assert (
        "ACC003 proto/orders.proto:11:3: new required field 'buyer' has no default, so data written before "
        "it cannot be read: make it optional (a proto2 required field has no default)" in result.stdout
    )


def test_an_envelope_message_names_its_fields_in_the_json_mapping(run, protos):
    (protos / "proto" / "envelope.proto").write_text(
        'syntax = "proto3";\npackage acme;\n// An event happened.\nmessage EventRecorded {\n'
        "  string event_id = 1;  // Id.\n  string event_type = 2;  // Type.\n  bytes data = 3;  // Data.\n}\n"
    )

    result = run("schema", "lint")

    assert result.exit_code == EXIT_VIOLATIONS
    assert "ACC005 proto/envelope.proto:4:1: the envelope has no 'source' field" in result.stdout
    assert "no 'eventId' field" not in result.stdout


def test_a_file_protoc_refuses_is_reported(run, protos):
    (protos / "proto" / "orders.proto").write_text(
        GOOD.replace("string order_id = 1;", "string order_id = ;")
    )

    result = run("schema", "lint")

    assert result.exit_code == EXIT_VIOLATIONS
    assert "INVALID_SCHEMA proto/orders.proto:7:21: protoc: Expected field number." in result.stdout


def test_a_proto_comment_ignores_rules_for_its_line_or_the_block_below(run, protos):
    (protos / "proto" / "orders.proto").write_text(
        GOOD.replace("  string order_id = 1;", "  string orderId = 1;  // accord:ignore ACC006")
        .replace("// How far the order is.\n", "// How far the order is.\n// accord:ignore protobuf-style\n")
        .replace("STATUS_PLACED", "placed")
        .replace("  // Where it goes.\n", "")
    )

    result = run("schema", "lint", "--format", "github")

    assert result.exit_code == EXIT_CLEAN, result.output  # ACC002 on `status` is a warning
    assert "title=ACC006" not in result.stdout
    assert "::warning file=proto/orders.proto,line=9,col=3,title=ACC002::" in result.stdout
