"""Files every Protobuf schema may import without registering them: Google's well-known types and
Confluent's two files.

The well-known types are the `.proto` sources grpcio-tools ships (under `grpc_tools/_proto`). Confluent's
files are written here to match what Confluent's serializers put on the wire, as the descriptors that
confluent-kafka embeds declare them: the package, message, field and extension names and numbers.
"""

from __future__ import annotations

from importlib import resources

WELL_KNOWN_PREFIX = "google/protobuf/"

# Custom options that carry Confluent's metadata (doc, params, tags, data-quality rules) on files,
# messages, fields, enums and enum values; extension number 1088 on each options message.
CONFLUENT_META = """\
syntax = "proto3";
package confluent;

import "google/protobuf/descriptor.proto";

option go_package = "../confluent";

message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
  repeated Rule rules = 4;
}

message Rule {
  string name = 1;
  string doc = 2;
  string expr = 3;
  string sql = 4;
}

extend google.protobuf.FileOptions {
  Meta file_meta = 1088;
}
extend google.protobuf.MessageOptions {
  Meta message_meta = 1088;
}
extend google.protobuf.FieldOptions {
  Meta field_meta = 1088;
}
extend google.protobuf.EnumOptions {
  Meta enum_meta = 1088;
}
extend google.protobuf.EnumValueOptions {
  Meta enum_value_meta = 1088;
}
"""

# Confluent's decimal: the unscaled value as big-endian two's-complement bytes, with its precision
# and scale.
CONFLUENT_DECIMAL = """\
syntax = "proto3";
package confluent.type;

message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
"""

CONFLUENT_FILES = {
    "confluent/meta.proto": CONFLUENT_META,
    "confluent/type/decimal.proto": CONFLUENT_DECIMAL,
}


def well_known_directory() -> str:
    """The directory that holds `google/protobuf/*.proto`, as grpcio-tools installed it."""
    return str(resources.files("grpc_tools") / "_proto")


def is_bundled(name: str) -> bool:
    """Whether an import of `name` resolves without a schema reference."""
    return name in CONFLUENT_FILES or (
        name.startswith(WELL_KNOWN_PREFIX) and (resources.files("grpc_tools") / "_proto" / name).is_file()
    )
