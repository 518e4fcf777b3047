"""The compatibility engine: a pure library (no web framework, no database).

It parses schemas, normalizes them, and decides whether a new version may follow earlier ones at
a compatibility level. The registry, the CLI and the contract harness all reuse it.
"""

from registry.compatibility.formats import (
    SUPPORTED_SCHEMA_TYPES,
    UnsupportedSchemaTypeError,
    parse_schema,
)
from registry.compatibility.jsonschema import Difference, DifferenceType, JsonSchema, parse_json_schema
from registry.compatibility.levels import (
    CompatibilityLevel,
    CompatibilityPolicy,
    PreviousVersion,
    check_compatibility,
)
from registry.compatibility.result import Change, CompatibilityResult, Incompatibility, VersionFailure
from registry.compatibility.schema import (
    InvalidSchemaError,
    ParsedSchema,
    ResolvedReference,
    Roles,
    SchemaType,
)

__all__ = [
    "SUPPORTED_SCHEMA_TYPES",
    "Change",
    "CompatibilityLevel",
    "CompatibilityPolicy",
    "CompatibilityResult",
    "Difference",
    "DifferenceType",
    "Incompatibility",
    "InvalidSchemaError",
    "JsonSchema",
    "ParsedSchema",
    "PreviousVersion",
    "ResolvedReference",
    "Roles",
    "SchemaType",
    "UnsupportedSchemaTypeError",
    "VersionFailure",
    "check_compatibility",
    "parse_json_schema",
    "parse_schema",
]
