"""Protobuf compatibility: a 100-message file checked against its previous version (FULL), and against
50 earlier versions (FULL_TRANSITIVE).

Every version is parsed once beforehand (the registry caches parsed schemas), so each round times the
check alone; parsing (protoc in process, descriptor pool, canonical text) is timed on its own, as is the
first check, which reads each parsed schema's messages and fields once (a cached part of a parsed
schema, like the parse itself). Each version adds one field to one message, so every check passes and
every version is compared.

Run: .venv/bin/python -m bench.compat_protobuf [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from registry.compatibility.protobuf import parse_protobuf

MESSAGES = 100
VERSIONS = 50

_FIELD_KINDS = (
    "string {name} = {number};",
    "int64 {name} = {number};",
    "optional string {name} = {number};",
    "double {name} = {number};",
    "google.protobuf.Timestamp {name} = {number};",
    "bool {name} = {number};",
    "repeated string {name} = {number};",
    "map<string, int64> {name} = {number};",
    "Kind {name} = {number};",
    "repeated Part {name} = {number};",
)


def message(index: int, extra_fields: int) -> str:
    """Message `index`: ten fields of the kinds event schemas use, a oneof, a nested message, and
    `extra_fields` more optional fields added by later versions."""
    fields = [
        "  " + _FIELD_KINDS[number % len(_FIELD_KINDS)].format(name=f"field{number}", number=number + 1)
        for number in range(10)
    ]
    fields.append("  oneof choice {\n    string code = 11;\n    int64 amount = 12;\n  }")
    fields.extend(f"  optional string added{number} = {20 + number};" for number in range(extra_fields))
    nested = "  message Part {\n    string sku = 1;\n    int32 quantity = 2;\n  }"
    return f"message Event{index} {{\n" + "\n".join(fields) + f"\n{nested}\n}}\n"


def version(number: int) -> str:
    """Version `number` (1-based): each version adds one field to one message of the version before."""
    added = number - 1
    messages = [
        message(index, added // MESSAGES + (1 if index < added % MESSAGES else 0))
        for index in range(MESSAGES)
    ]
    head = (
        'syntax = "proto3";\npackage acme.telemetry;\n\nimport "google/protobuf/timestamp.proto";\n\n'
        "enum Kind {\n  KIND_UNKNOWN = 0;\n  KIND_A = 1;\n  KIND_B = 2;\n}\n\n"
    )
    return head + "\n".join(messages)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    outcome = run()
    elapsed = (time.perf_counter() - start) * 1000
    assert outcome is not False, "every version must be compatible, so that all of them are checked"
    return elapsed


def summary(name: str, samples: list[float]) -> str:
    p50, p99, mean = percentile(samples, 0.5), percentile(samples, 0.99), statistics.fmean(samples)
    return f"{name:<44}{p50:>10.2f}{p99:>10.2f}{mean:>10.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    rounds = parser.parse_args().rounds

    texts = [version(number) for number in range(1, VERSIONS + 2)]
    parse_ms = [timed(lambda: parse_protobuf(texts[-1])) for _ in range(max(rounds // 5, 5))]
    schemas = [parse_protobuf(text) for text in texts]
    assert len(schemas[-1].messages) == 2 * MESSAGES  # each message and its nested Part
    history = [PreviousVersion(number, schema) for number, schema in enumerate(schemas[:-1], start=1)]

    def latest() -> bool:
        return check_compatibility(schemas[-1], history[-1:], level=CompatibilityLevel.FULL).is_compatible

    def transitive() -> bool:
        return check_compatibility(
            schemas[-1], history, level=CompatibilityLevel.FULL_TRANSITIVE
        ).is_compatible

    first_check_ms = timed(transitive)
    latest_ms: list[float] = []
    transitive_ms: list[float] = []
    for _ in range(rounds):
        latest_ms.append(timed(latest))
        transitive_ms.append(timed(transitive))

    lines = len(texts[-1].splitlines())
    print(f"{MESSAGES}-message file ({lines} lines of .proto), {rounds} rounds (ms)")
    print(f"{'':<44}{'p50':>10}{'p99':>10}{'mean':>10}")
    print(summary("FULL against the previous version", latest_ms))
    print(summary(f"FULL_TRANSITIVE against {VERSIONS} versions", transitive_ms))
    print(summary("parse (protoc, descriptor pool, canonical)", parse_ms))
    print(f"First check, reading the {VERSIONS + 1} parsed schemas' shapes: {first_check_ms:.2f} ms")


if __name__ == "__main__":
    main()
