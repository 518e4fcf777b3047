"""Generated schema evolutions, checked against the two references that matter.

- Apache Avro's own checker (`avro.compatibility.ReaderWriterCompatibilityChecker`) must reach the
  same verdict, with the same incompatibility types, in both directions. One difference is allowed:
  Apache memoizes a pair it judged while assuming a recursive pair compatible, and when that pair
  turns out incompatible, a later union that reuses the memo passes; the engine then also reports
  that union's MISSING_UNION_BRANCH, which data really hits (see test_avro_rules for a case where
  this even changes Apache's verdict).
- fastavro must read back, with the reader schema, data written with the writer schema whenever the
  engine says the reader can read the writer.

Apache's Python checker compares reader aliases literally, while the specification and Java (which
Confluent's registry runs) resolve a short alias against the type's namespace; it is therefore given
the schemas with every alias written out in full, which means the same thing.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from hypothesis import HealthCheck, event, given, note, settings

from registry.compatibility.avro.model import Enum
from registry.compatibility.avro.resolution import (
    MISSING_UNION_BRANCH,
    READER_FIELD_MISSING_DEFAULT_VALUE,
    TYPE_MISMATCH,
    ResolutionFailure,
    find_incompatibilities,
)
from tests.registry.compatibility.avro_evolution import evolutions, schemas
from tests.registry.compatibility.avro_support import parse, write_and_read

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(evolutions())
def test_the_engine_decides_as_apache_avro_does(evolution):
    old, new = evolution
    note(f"old: {json.dumps(old)}\nnew: {json.dumps(new)}")
    for reader, writer in ((new, old), (old, new)):
        ours = find_incompatibilities(parse(reader).root, parse(writer).root)
        theirs = ReaderWriterCompatibilityChecker().get_compatibility(_apache(reader), _apache(writer))

        assert (not ours) is (theirs.compatibility is SchemaCompatibilityType.compatible)
        our_types = {_as_apache_reports(finding) for finding in ours}
        their_types = {kind.name.upper() for kind in theirs.incompatibilities}
        assert their_types <= our_types
        assert our_types - their_types <= {MISSING_UNION_BRANCH}


@SETTINGS
@given(evolutions())
def test_what_the_engine_calls_compatible_fastavro_reads(evolution):
    old, new = evolution
    note(f"old: {json.dumps(old)}\nnew: {json.dumps(new)}")
    for direction, reader, writer in (("backward", new, old), ("forward", old, new)):
        findings = find_incompatibilities(parse(reader).root, parse(writer).root)
        event(f"{direction}: {'incompatible' if findings else 'compatible, read back'}")
        if not findings:
            write_and_read(writer=writer, reader=reader, count=5)


def _as_apache_reports(finding: ResolutionFailure) -> str:
    """Apache's checker reports a missing field whose enum type has a default as a TYPE_MISMATCH of the
    enum against the whole writer record; the engine says what it is, a field without a default."""
    field_type = finding.detail.type if finding.type == READER_FIELD_MISSING_DEFAULT_VALUE else None
    if isinstance(field_type, Enum) and field_type.default is not None:
        return TYPE_MISMATCH
    return finding.type


def _apache(schema: dict[str, Any]) -> avro.schema.Schema:
    return avro.schema.parse(json.dumps(_with_full_aliases(copy.deepcopy(schema), None)))


def _with_full_aliases(node: Any, namespace: str | None) -> Any:
    if isinstance(node, list):
        for branch in node:
            _with_full_aliases(branch, namespace)
    elif isinstance(node, dict):
        if node.get("type") in ("record", "enum", "fixed"):
            name = node["name"]
            namespace = name.rpartition(".")[0] if "." in name else node.get("namespace", namespace)
            node["aliases"] = [
                alias if "." in alias or not namespace else f"{namespace}.{alias}"
                for alias in node.get("aliases", [])
            ]
        for each in node.get("fields", []):
            _with_full_aliases(each["type"], namespace)
        for key in ("items", "values"):
            if key in node:
                _with_full_aliases(node[key], namespace)
    return node


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas())
def test_the_normalized_form_is_a_fixed_point_and_means_the_same(schema):
    parsed = parse(schema)
    again = parse(json.loads(parsed.normalized))

    assert again.normalized == parsed.normalized
    assert find_incompatibilities(again.root, parsed.root) == []
    assert find_incompatibilities(parsed.root, again.root) == []
