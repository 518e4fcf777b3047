"""The one piece of ASGI middleware: request ids, security headers, metrics, access log, the rules
every request meets before routing (registry.web.edge), the request-body rules, and the routing path
that keeps encoded slashes (registry.web.paths).

It is plain ASGI (not Starlette's BaseHTTPMiddleware) because it runs on every request, the hot
GET /schemas/ids/{id} included, and must cost next to nothing. Bodies are checked before any route
sees them: at most `max_body_bytes`, and a JSON media type (or application/octet-stream, or none,
which Confluent reads as JSON too); routes then see them as application/json. Every response gets
the security headers a response has not set itself (the UI's pages set their own policy); the API's
documentation page gets a policy that lets Swagger UI run from the registry's own assets.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING

import orjson

from registry import errors
from registry.logs import RequestIds, current_request
from registry.metrics import UNMATCHED_ROUTE, Metrics
from registry.web.edge import check_body, check_path_and_query, check_same_site
from registry.web.media import CONSUMED, SCHEMA_REGISTRY_V1_JSON, media_type_of, negotiate
from registry.web.paths import keep_encoded_slashes
from registry.web.rate_limit import RateLimiter

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("registry.access")

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
UNLIMITED_PATHS = ("/health/", "/metrics")  # probes and scrapes share an address with nothing else
REQUEST_ID = b"x-request-id"
CORRELATION_ID = b"x-correlation-id"
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
)
# Swagger UI starts from an inline script of FastAPI's page (no user content in it) and uses inline
# styles; nothing may come from elsewhere.
DOCUMENTATION_PAGE = "/docs"
DOCUMENTATION_POLICY = (
    b"content-security-policy",
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; frame-ancestors 'none'",
)


class RequestGuard:
    """Give each request an id, enforce the body rules, and log the request when asked to."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        access_log: bool,
        metrics: Metrics,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.access_log = access_log
        self.metrics = metrics
        self.rate_limiter = rate_limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(REQUEST_ID, b"").decode("latin-1")[:128] or uuid.uuid4().hex
        correlation_id = headers.get(CORRELATION_ID, b"").decode("latin-1")[:128] or request_id
        token = current_request.set(RequestIds(request_id, correlation_id))
        started = time.perf_counter()
        status_holder = [0]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                present = {name.lower() for name, _ in message.get("headers", [])}
                if scope["path"] == DOCUMENTATION_PAGE:
                    present.add(DOCUMENTATION_POLICY[0])
                    message["headers"] = [*message.get("headers", []), DOCUMENTATION_POLICY]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID, request_id.encode("latin-1")),
                    *(header for header in SECURITY_HEADERS if header[0] not in present),
                ]
            await send(message)

        try:
            try:
                self._check_rate(scope)
                check_same_site(scope["method"], headers)
                check_path_and_query(scope["path"], scope["query_string"])
                keep_encoded_slashes(scope)
            except errors.ApiError as error:
                await _send_error(send_with_id, error, headers)
            else:
                if scope["method"] in BODY_METHODS:
                    await self._call_with_body(scope, receive, send_with_id, headers)
                else:
                    await self.app(scope, receive, send_with_id)
        except BaseException:
            # The ids stay set: the server-error handler outside this middleware logs the failure with them.
            raise
        else:
            current_request.reset(token)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
            self.metrics.observe_request(
                method=scope["method"],
                route=route,
                status=status_holder[0],
                seconds=time.perf_counter() - started,
            )
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status_holder[0],
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    },
                )

    def _check_rate(self, scope: Scope) -> None:
        if self.rate_limiter is None or scope["path"].startswith(UNLIMITED_PATHS):
            return
        client = scope.get("client")
        wait = self.rate_limiter.retry_after(client[0] if client else "")
        if wait is not None:
            raise errors.TooManyRequestsError(
                f"Too many requests from this address: try again in {wait} s (ACCORD_RATE_LIMIT)",
                retry_after=wait,
            )

    async def _call_with_body(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]
    ) -> None:
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if content_type and media_type_of(content_type) not in CONSUMED:
            error = errors.UnsupportedMediaTypeError("HTTP 415 Unsupported Media Type")
            await _send_error(send, error, headers)
            return
        declared_length = headers.get(b"content-length", b"0")
        if declared_length.isdigit() and int(declared_length) > self.max_body_bytes:
            await _send_error(send, errors.RequestTooLargeError(self.max_body_bytes), headers)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _send_error(send, errors.RequestTooLargeError(self.max_body_bytes), headers)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            check_body(body)
        except errors.ApiError as error:
            await _send_error(send, error, headers)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        if media_type_of(content_type or "application/json") != "application/json" or not content_type:
            # Routes parse JSON only when told it is JSON; Confluent's other accepted types are JSON too.
            # (The scope itself is changed, so that the route the router records in it stays visible.)
            scope["headers"] = [
                *((name, value) for name, value in scope["headers"] if name != b"content-type"),
                (b"content-type", b"application/json"),
            ]
        await self.app(scope, replay, send)


async def _send_error(send: Send, error: errors.ApiError, headers: dict[bytes, bytes]) -> None:
    accept = headers.get(b"accept", b"").decode("latin-1") or None
    media_type = negotiate(accept) or SCHEMA_REGISTRY_V1_JSON
    body = orjson.dumps({"error_code": error.error_code, "message": error.message})
    await send(
        {
            "type": "http.response.start",
            "status": error.http_status,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *((name.lower().encode(), value.encode()) for name, value in (error.headers or {}).items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
