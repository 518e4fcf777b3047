"""A small HTTP/1.1 load generator for loopback benchmarks, run in its own process.

Each of `connections` keep-alive connections (TCP_NODELAY set, so Nagle's algorithm and delayed ACKs
add no 40 ms stalls) sends one request at a time for `duration` seconds, or until its workload runs
out. Usage: `python -m bench.load '<json spec>'`; prints a JSON result (req/s, p50, p99, errors).
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        count = len(ordered)

        def percentile(fraction: float) -> float:
            return round(ordered[min(count - 1, int(fraction * count))] * 1000, 3) if count else 0.0

        return {
            "requests": count,
            "seconds": round(self.elapsed, 3),
            "requests_per_second": round(count / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
            "errors": self.errors,
        }


def request_bytes(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/vnd.schemaregistry.v1+json\r\n"
    )
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    if body or method in ("POST", "PUT"):
        head += f"Content-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


class Workload:
    """What connection `connection` sends as its `count`-th request; None when it is done.

    `random_ids` and `sweep_ids` ask for `template` (default /schemas/ids/{id}) with ids from `first` to
    `last`, at random or each once; `headers` are added to every request."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.kind = spec["workload"]
        self.random = random.Random(spec.get("seed", 7))
        self.headers: dict[str, str] = spec.get("headers") or {}
        self.template: str = spec.get("template", "/schemas/ids/{id}")
        if self.kind == "get":
            self.fixed = request_bytes("GET", spec["path"], headers=self.headers)
        elif self.kind == "post":
            self.fixed = request_bytes("POST", spec["path"], spec["body"].encode(), headers=self.headers)

    def next_request(self, connection: int, count: int) -> bytes | None:
        spec = self.spec
        if self.kind in ("get", "post"):
            return self.fixed
        if self.kind == "random_ids":
            path = self.template.format(id=self.random.randint(spec["first"], spec["last"]))
            return request_bytes("GET", path, headers=self.headers)
        if self.kind == "sweep_ids":
            schema_id = spec["first"] + connection + count * spec["connections"]
            path = self.template.format(id=schema_id)
            return request_bytes("GET", path, headers=self.headers) if schema_id <= spec["last"] else None
        if self.kind == "new_versions":
            return request_bytes(
                "POST", f"/subjects/{spec['subject']}-{connection}/versions", registration_body(count)
            )
        raise ValueError(f"unknown workload {self.kind}")


def registration_body(revision: int) -> bytes:
    """A 20-field record whose `revision` default changes: BACKWARD compatible with the last one."""
    fields: list[dict[str, Any]] = [
        {"name": f"field{index}", "type": ["null", "string"], "default": None} for index in range(19)
    ]
    fields.append({"name": "revision", "type": "long", "default": revision})
    schema = {"type": "record", "name": "Measured", "namespace": "bench", "fields": fields}
    return json.dumps({"schema": json.dumps(schema)}).encode()


async def _connection(
    spec: dict[str, Any], workload: Workload, index: int, deadline: float, result: Result
) -> None:
    reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    count = 0
    try:
        while time.perf_counter() < deadline:
            request = workload.next_request(index, count)
            if request is None:
                return
            count += 1
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            result.latencies.append(time.perf_counter() - started)
            if status >= 300:
                result.errors[status] = result.errors.get(status, 0) + 1
    finally:
        writer.close()


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    workload = Workload(spec)
    result = Result()
    started = time.perf_counter()
    deadline = started + spec["duration"]
    await asyncio.gather(
        *(_connection(spec, workload, index, deadline, result) for index in range(spec["connections"]))
    )
    result.elapsed = time.perf_counter() - started
    return result.summary()


def main() -> None:
    spec = json.loads(sys.argv[1])
    try:
        import uvloop
    except ImportError:
        print(json.dumps(asyncio.run(run(spec))))
    else:
        print(json.dumps(uvloop.run(run(spec))))


if __name__ == "__main__":
    main()
