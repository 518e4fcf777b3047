"""Limits on connections that uvicorn does not set itself: how large a request's headers may be, how
long a client may take to send them, and how many connections one process keeps open.

Without them a 64 MB Authorization header is read whole, a client that sends half a request line
keeps its connection (and a file descriptor) forever, and a few thousand idle connections exhaust the
process's file descriptors. `accord serve` runs uvicorn with GuardedHttpProtocol, uvicorn's httptools
protocol with these limits added.
"""

from __future__ import annotations

import asyncio
import resource
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

END_OF_HEADERS = b"\r\n\r\n"
FILE_DESCRIPTORS_KEPT = 64  # for database connections, log files and the listening socket
DEFAULT_CONNECTION_CAP = 4096


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_header_bytes: int
    header_timeout_seconds: float
    max_connections: int


def default_max_connections() -> int:
    """What the process's file-descriptor limit leaves room for, at most DEFAULT_CONNECTION_CAP."""
    soft_limit, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft_limit == resource.RLIM_INFINITY:
        return DEFAULT_CONNECTION_CAP
    return max(min(soft_limit - FILE_DESCRIPTORS_KEPT, DEFAULT_CONNECTION_CAP), 1)


class HeaderMeter:
    """Counts the bytes of one request's line and headers as its chunks arrive."""

    def __init__(self) -> None:
        self.count = 0
        self.tail = b""  # the end of the last chunk, where an END_OF_HEADERS may begin
        self.complete = False

    def feed(self, data: bytes) -> int:
        """Count the header bytes in `data` (none after the headers' end); the total so far."""
        if self.complete:
            return self.count
        end = (self.tail + data).find(END_OF_HEADERS)
        if end < 0:
            self.count += len(data)
            self.tail = (self.tail + data)[-(len(END_OF_HEADERS) - 1) :]
        else:
            self.count += max(end + len(END_OF_HEADERS) - len(self.tail), 0)
            self.complete = True
        return self.count


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, refusing oversized headers (431), closing connections whose
    request headers do not arrive in time (408), and refusing connections over the cap (503)."""

    def __init__(self, *args: Any, limits: ConnectionLimits, **options: Any) -> None:
        super().__init__(*args, **options)
        self.limits = limits
        self.reading_headers = True
        self.header_meter = HeaderMeter()
        self.header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self.refuse(503, "Service Unavailable", "the server has too many open connections")
            return
        self.arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm_header_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.reading_headers and self.header_meter.feed(data) > self.limits.max_header_bytes:
            self.refuse(
                431,
                "Request Header Fields Too Large",
                f"request headers over {self.limits.max_header_bytes} bytes (ACCORD_MAX_HEADER_BYTES)",
            )
            return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.header_deadline is None:  # a later request on a kept-alive connection
            self.arm_header_deadline()

    def on_headers_complete(self) -> None:
        self.reading_headers = False
        self.disarm_header_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self.reading_headers, self.header_meter = True, HeaderMeter()
        super().on_response_complete()

    def arm_header_deadline(self) -> None:
        self.header_deadline = self.loop.call_later(self.limits.header_timeout_seconds, self.headers_too_slow)

    def disarm_header_deadline(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def headers_too_slow(self) -> None:
        self.header_deadline = None
        if self.reading_headers and not self.transport.is_closing():
            seconds = self.limits.header_timeout_seconds
            self.refuse(408, "Request Timeout", f"request headers not received within {seconds} s")

    def refuse(self, status: int, reason: str, message: str) -> None:
        """Answer with `status` and close the connection, whatever the request has sent so far."""
        body = (message + "\n").encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        ).encode()
        self.disarm_header_deadline()
        self.transport.write(head + body)
        self.transport.close()
