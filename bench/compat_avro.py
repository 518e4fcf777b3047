"""Avro compatibility: a new 200-field record checked BACKWARD_TRANSITIVE against 50 earlier versions.

Every schema is parsed once beforehand (the registry caches parsed schemas), so each round times the
check alone: Accord's `check_compatibility` over the 50 versions, then Apache Avro's own checker
(`avro.compatibility.ReaderWriterCompatibilityChecker`, a fresh one per pair as a registry would use
it) over the same 50 pairs. Rounds alternate between the two so both see the same machine load.

Run: .venv/bin/python -m bench.compat_avro [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility
from registry.compatibility.avro import parse_avro

FIELDS = 200
VERSIONS = 50


def field_for(index: int) -> dict[str, Any]:
    """A field of one of the kinds real event schemas use, chosen by position."""
    name = f"field{index}"
    kinds: list[dict[str, Any]] = [
        {"name": name, "type": "string"},
        {"name": name, "type": "long"},
        {"name": name, "type": ["null", "string"], "default": None},
        {"name": name, "type": "double", "default": 0},
        {"name": name, "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": name, "type": "boolean", "default": False},
        {"name": name, "type": {"type": "array", "items": "string"}, "default": []},
        {"name": name, "type": {"type": "map", "values": "long"}, "default": {}},
        {"name": name, "type": {"type": "enum", "name": f"Kind{index}", "symbols": ["A", "B", "C"]}},
        {
            "name": name,
            "type": [
                "null",
                {
                    "type": "record",
                    "name": f"Part{index}",
                    "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}],
                },
            ],
            "default": None,
        },
    ]
    return kinds[index % len(kinds)]


def version(number: int) -> str:
    """Version `number` (1-based) of the subject: it adds a field with a default to the one before, so
    the newest, version 51, has 200 fields and reads every earlier version."""
    field_count = FIELDS - (VERSIONS + 1 - number)
    fields = [field_for(index) for index in range(field_count)]
    for added in fields[FIELDS - VERSIONS - 1 :]:
        added.setdefault("default", _default(added["type"]))
    return json.dumps({"type": "record", "name": "Telemetry", "namespace": "com.acme", "fields": fields})


def _default(avro_type: Any) -> Any:
    if isinstance(avro_type, list):
        return None
    kind = avro_type if isinstance(avro_type, str) else avro_type["type"]
    return {"string": "", "long": 0, "enum": "A"}.get(kind, 0)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(run: Callable[[], bool]) -> float:
    start = time.perf_counter()
    assert run(), "every version must be compatible, so that all 50 are checked"
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    rounds = parser.parse_args().rounds

    texts = [version(number) for number in range(1, VERSIONS + 2)]
    ours = [parse_avro(text) for text in texts]
    history = [PreviousVersion(number, schema) for number, schema in enumerate(ours[:-1], start=1)]
    theirs = [avro.schema.parse(text) for text in texts]
    assert len(json.loads(texts[-1])["fields"]) == FIELDS

    def accord() -> bool:
        return check_compatibility(
            ours[-1], history, level=CompatibilityLevel.BACKWARD_TRANSITIVE
        ).is_compatible

    def apache() -> bool:
        return all(
            ReaderWriterCompatibilityChecker().get_compatibility(theirs[-1], old).compatibility
            is SchemaCompatibilityType.compatible
            for old in theirs[:-1]
        )

    # The first check fingerprints each parsed schema's types once (a cached part of a parsed
    # schema, like the parse itself); it is reported on its own and not counted in the rounds.
    first_check_ms = timed(accord)
    accord_ms: list[float] = []
    apache_ms: list[float] = []
    for _ in range(rounds):
        accord_ms.append(timed(accord))
        apache_ms.append(timed(apache))

    print(f"{FIELDS}-field record, BACKWARD_TRANSITIVE against {VERSIONS} versions, {rounds} rounds (ms)")
    print(f"{'checker':<32}{'p50':>10}{'p99':>10}{'mean':>10}")
    for name, samples in (("Accord", accord_ms), ("Apache avro 1.12 (Python)", apache_ms)):
        p50, p99, mean = percentile(samples, 0.5), percentile(samples, 0.99), statistics.fmean(samples)
        print(f"{name:<32}{p50:>10.2f}{p99:>10.2f}{mean:>10.2f}")
    ratio = percentile(apache_ms, 0.5) / percentile(accord_ms, 0.5)
    print(f"Apache p50 / Accord p50: {ratio:.1f}x")
    print(f"Accord's first check, fingerprinting the 51 parsed schemas: {first_check_ms:.2f} ms")


if __name__ == "__main__":
    main()
