"""Contract check speed against the floor, in one run: how much the harness adds to plain validation.

    .venv/bin/python -m bench.contract_checks [--seconds 1.0]

Cases on the ~1 KB benchmark OrderCreated (bench/order_created.py):
- check 1 (sample against the producer's JSON Schema) vs the floor: python-jsonschema collecting every
  error of the same data with a validator built once;
- check 2 (sample against a consumer's DSL expectation, envelope and data, formats asserted) vs the
  floor: the same two validations done directly.
Cases are interleaved batch by batch so both get the same share of a noisy, shared machine; per-call
times are batch means.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import jsonschema
import orjson

from bench.order_created import ORDER_CREATED_DATA, ORDER_CREATED_JSON
from contracts import each_like, enum_of, expect, integer, string
from contracts.checks import ProducerSchema, check_sample_expectation, check_sample_schema
from contracts.samples import Sample, envelope_for
from contracts.string_formats import format_checker

BATCH = 200

EXPECTATION = expect(
    "OrderCreated",
    {
        "orderId": string(),
        "customerEmail": string(),
        "status": enum_of("NEW", "PAID", "SHIPPED"),
        "totalCents": integer(minimum=0),
        "items": each_like({"sku": string(), "quantity": integer(minimum=1)}, min=1),
    },
    envelope={"correlationId": string()},
)
SAMPLE = Sample("bench", envelope_for("OrderCreated", ORDER_CREATED_DATA, source="bench", event_version=1))
SCHEMA = ProducerSchema("OrderCreated", "JSON", orjson.dumps(ORDER_CREATED_JSON).decode(), 1)
PRODUCER_FLOOR = jsonschema.Draft7Validator(ORDER_CREATED_JSON)
DATA_FLOOR = jsonschema.Draft7Validator(EXPECTATION.schema, format_checker=format_checker())
ENVELOPE_FLOOR = jsonschema.Draft7Validator(EXPECTATION.envelope or {}, format_checker=format_checker())


def check_1() -> None:
    assert not check_sample_schema(SAMPLE, SCHEMA)


def check_1_floor() -> None:
    assert not list(PRODUCER_FLOOR.iter_errors(SAMPLE.data))


def check_2() -> None:
    assert not check_sample_expectation(SAMPLE, EXPECTATION, consumer="bench@1")


def check_2_floor() -> None:
    assert not list(ENVELOPE_FLOOR.iter_errors(SAMPLE.envelope))
    assert not list(DATA_FLOOR.iter_errors(SAMPLE.data))


def batch_mean(call: Callable[[], None]) -> float:
    start = time.perf_counter()
    for _ in range(BATCH):
        call()
    return (time.perf_counter() - start) / BATCH


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per case")
    seconds = parser.parse_args().seconds
    cases = {"check 1": (check_1, check_1_floor), "check 2": (check_2, check_2_floor)}
    print(
        f"{'case':10} {'accord p50':>12} {'accord p99':>12} {'floor p50':>12} {'floor p99':>12} {'ratio':>7}"
    )
    for name, (accord, floor) in cases.items():
        accord(), floor()  # warm caches
        times: dict[str, list[float]] = {"accord": [], "floor": []}
        deadline = time.perf_counter() + 2 * seconds
        while time.perf_counter() < deadline or len(times["floor"]) < 5:
            times["accord"].append(batch_mean(accord))
            times["floor"].append(batch_mean(floor))
        stats = {key: (statistics.median(values), percentile_99(values)) for key, values in times.items()}
        ratio = stats["accord"][0] / stats["floor"][0]
        print(
            f"{name:10} {stats['accord'][0] * 1e6:10.1f}us {stats['accord'][1] * 1e6:10.1f}us "
            f"{stats['floor'][0] * 1e6:10.1f}us {stats['floor'][1] * 1e6:10.1f}us {ratio:6.2f}x"
        )


def percentile_99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


if __name__ == "__main__":
    main()
