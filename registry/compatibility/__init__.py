"""The compatibility kernel: a pure library (no web framework, no database).

It parses schemas, normalizes them, and decides whether a new version may follow earlier ones at
a compatibility level; it checks a consumer's expectation (a reader schema) against a producer's
schema; and it renders the findings of a CI check (reports). The registry, its CLI and the contract
harness all reuse it. The names below are its public API: the contract harness imports nothing
else of the registry package, and the registry's own modules may also reach into the subpackages.

Each name is imported on first use, so a program that needs one part (the `accord` command needs only
the report formats to declare its options) does not load every schema format's parser.
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from registry.compatibility.decoded import decoded_json_schema
    from registry.compatibility.expectations import expectation_gaps
    from registry.compatibility.jsonschema import Difference, DifferenceType, JsonSchema, parse_json_schema
    from registry.compatibility.jsonschema.drafts import draft_of
    from registry.compatibility.jsonschema.references import build_registry
    from registry.compatibility.levels import (
        CompatibilityLevel,
        CompatibilityPolicy,
        PreviousVersion,
        check_compatibility,
    )
    from registry.compatibility.parsers import (
        SUPPORTED_SCHEMA_TYPES,
        parse_schema,
    )
    from registry.compatibility.protobuf.json_mapping import json_mapping_schema
    from registry.compatibility.protobuf.reading import select_message
    from registry.compatibility.reports import (
        Case,
        OutputFormat,
        Report,
        ReportFinding,
        Severity,
        render,
    )
    from registry.compatibility.result import Change, CompatibilityResult, Incompatibility, VersionFailure
    from registry.compatibility.schema import (
        ParsedSchema,
        ResolvedReference,
        Roles,
        SchemaParseError,
        SchemaType,
    )

_MODULE_OF = {
    "decoded_json_schema": "registry.compatibility.decoded",
    "expectation_gaps": "registry.compatibility.expectations",
    "Difference": "registry.compatibility.jsonschema",
    "DifferenceType": "registry.compatibility.jsonschema",
    "JsonSchema": "registry.compatibility.jsonschema",
    "parse_json_schema": "registry.compatibility.jsonschema",
    "draft_of": "registry.compatibility.jsonschema.drafts",
    "build_registry": "registry.compatibility.jsonschema.references",
    "CompatibilityLevel": "registry.compatibility.levels",
    "CompatibilityPolicy": "registry.compatibility.levels",
    "PreviousVersion": "registry.compatibility.levels",
    "check_compatibility": "registry.compatibility.levels",
    "json_mapping_schema": "registry.compatibility.protobuf.json_mapping",
    "select_message": "registry.compatibility.protobuf.reading",
    "SUPPORTED_SCHEMA_TYPES": "registry.compatibility.parsers",
    "parse_schema": "registry.compatibility.parsers",
    "Case": "registry.compatibility.reports",
    "OutputFormat": "registry.compatibility.reports",
    "Report": "registry.compatibility.reports",
    "ReportFinding": "registry.compatibility.reports",
    "Severity": "registry.compatibility.reports",
    "render": "registry.compatibility.reports",
    "Change": "registry.compatibility.result",
    "CompatibilityResult": "registry.compatibility.result",
    "Incompatibility": "registry.compatibility.result",
    "VersionFailure": "registry.compatibility.result",
    "SchemaParseError": "registry.compatibility.schema",
    "ParsedSchema": "registry.compatibility.schema",
    "ResolvedReference": "registry.compatibility.schema",
    "Roles": "registry.compatibility.schema",
    "SchemaType": "registry.compatibility.schema",
}

__all__ = [
    "SUPPORTED_SCHEMA_TYPES",
    "Case",
    "Change",
    "CompatibilityLevel",
    "CompatibilityPolicy",
    "CompatibilityResult",
    "Difference",
    "DifferenceType",
    "Incompatibility",
    "JsonSchema",
    "OutputFormat",
    "ParsedSchema",
    "PreviousVersion",
    "Report",
    "ReportFinding",
    "ResolvedReference",
    "Roles",
    "SchemaParseError",
    "SchemaType",
    "Severity",
    "VersionFailure",
    "build_registry",
    "check_compatibility",
    "decoded_json_schema",
    "draft_of",
    "expectation_gaps",
    "json_mapping_schema",
    "parse_json_schema",
    "parse_schema",
    "render",
    "select_message",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'registry.compatibility' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
