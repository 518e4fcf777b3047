"""JSON Schema compatibility: a 200-property schema checked BACKWARD_TRANSITIVE against 50 earlier versions.

Every schema is parsed once beforehand (the registry caches parsed schemas), so each round times the
check alone: Accord's `check_compatibility` over the 50 versions, and over a second history whose oldest
version the new schema breaks (so the check walks all 50 and then reports). In the same run, between
Accord's rounds so both see the same machine load, the peer: jsonsubschema (IBM's semantic subschema
checker, PyPI `jsonsubschema`) deciding the same 50 inclusions, old ⊆ new; it takes seconds per round,
so it runs fewer rounds. Also measured once: parsing all 51 versions without a cache.

Run: .venv/bin/python -m bench.compat_jsonschema [--rounds N] [--peer-rounds N]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from jsonsubschema import api as jsonsubschema

from registry.compatibility import CompatibilityLevel, PreviousVersion, check_compatibility, parse_json_schema

PROPERTIES = 200
VERSIONS = 50


def property_for(index: int, version: int) -> dict[str, Any]:
    """A property of one of the kinds event schemas use, chosen by position; some widen as versions pass."""
    kinds: list[dict[str, Any]] = [
        {"type": "string", "maxLength": 40 + version},
        {"type": "integer", "minimum": 0, "maximum": 1_000_000 + version},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "string", "enum": ["NEW", "PAID", *(f"STATE_{n}" for n in range(version // 10))]},
        {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": 100},
        {"$ref": "#/definitions/address"},
        {"type": ["string", "null"], "pattern": "^[A-Z]{3}$"},
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}},
                "required": ["sku", "quantity"],
                "additionalProperties": False,
            },
        },
        {"type": "object", "properties": {"code": {"type": "string"}, "detail": {"type": "string"}}},
    ]
    return kinds[index % len(kinds)]


ADDRESS = {
    "type": "object",
    "properties": {
        "street": {"type": "string", "maxLength": 200},
        "city": {"type": "string"},
        "postalCode": {"type": "string", "pattern": "^[0-9A-Z -]{3,10}$"},
        "country": {"type": "string", "enum": ["DE", "FR", "NL", "US"]},
    },
    "required": ["street", "city", "country"],
    "additionalProperties": False,
}


def version(number: int) -> dict[str, Any]:
    """Version `number` (1-based): a closed model that gains one optional property per version and widens
    some bounds and enums, so version 51 has 200 properties and reads every earlier version."""
    count = PROPERTIES - (VERSIONS + 1 - number)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Telemetry",
        "type": "object",
        "properties": {f"field{index}": property_for(index, number) for index in range(count)},
        "required": [f"field{index}" for index in range(0, 40, 4)],
        "additionalProperties": False,
        "definitions": {"address": ADDRESS},
    }


def breaking_history() -> list[dict[str, Any]]:
    """Versions 1-50 where only version 1 allows a status the new schema dropped."""
    history = [version(number) for number in range(1, VERSIONS + 1)]
    oldest = copy.deepcopy(history[0])
    oldest["properties"]["field4"]["enum"].append("LEGACY")
    return [oldest, *history[1:]]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--peer-rounds", type=int, default=3)
    arguments = parser.parse_args()
    rounds, peer_rounds = arguments.rounds, min(arguments.peer_rounds, arguments.rounds)

    documents = [version(number) for number in range(1, VERSIONS + 2)]
    texts = [json.dumps(document) for document in documents]
    parse_ms = timed(lambda: [parse_json_schema(text) for text in texts])
    parsed = [parse_json_schema(text) for text in texts]
    new, history = parsed[-1], [PreviousVersion(n, schema) for n, schema in enumerate(parsed[:-1], start=1)]
    broken = [
        PreviousVersion(n, parse_json_schema(json.dumps(d))) for n, d in enumerate(breaking_history(), 1)
    ]
    level = CompatibilityLevel.BACKWARD_TRANSITIVE

    first_check_ms = timed(lambda: check_compatibility(new, history, level=level))
    assert check_compatibility(new, history, level=level).is_compatible
    failure = check_compatibility(new, broken, level=level)
    assert [f.version for f in failure.failures] == [1], failure.messages()
    peer_documents = [{k: v for k, v in document.items() if k != "$schema"} for document in documents]
    assert all(jsonsubschema.isSubschema(old, peer_documents[-1]) for old in peer_documents[:-1])

    accord, accord_breaking, peer = [], [], []
    for round_number in range(rounds):
        accord.append(timed(lambda: check_compatibility(new, history, level=level)))
        accord_breaking.append(timed(lambda: check_compatibility(new, broken, level=level)))
        if round_number % (rounds // peer_rounds) == 0 and len(peer) < peer_rounds:
            peer.append(
                timed(
                    lambda: [
                        jsonsubschema.isSubschema(old, peer_documents[-1]) for old in peer_documents[:-1]
                    ]
                )
            )

    accord_p50 = statistics.median(accord)
    print(
        f"{PROPERTIES} properties, {VERSIONS} earlier versions, {rounds} rounds ({peer_rounds} for the "
        "peer); times in ms per check of the 50 versions"
    )
    print(f"{'case':<62} {'p50':>9} {'p99':>9} {'vs Accord':>10}")
    for name, samples in (
        ("Accord check_compatibility BACKWARD_TRANSITIVE (compatible)", accord),
        ("Accord, the oldest version broken (walks all 50, reports)", accord_breaking),
        ("jsonsubschema isSubschema(old, new) x 50", peer),
    ):
        p50 = statistics.median(samples)
        print(f"{name:<62} {p50:9.2f} {percentile(samples, 0.99):9.2f} {p50 / accord_p50:9.1f}x")
    print(f"parsing all {VERSIONS + 1} versions without a cache: {parse_ms:.1f} ms once")
    print(f"the first check after parsing (it fingerprints the subschemas it meets): {first_check_ms:.1f} ms")


if __name__ == "__main__":
    main()
