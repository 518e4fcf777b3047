"""Sync and async clients for the Confluent Schema Registry API (Accord's registry or Confluent's).

Both share one cache: schema id -> schema forever (ids are immutable), subject -> latest version for
`latest_ttl` seconds. When the registry cannot be reached, an expired latest entry keeps being served,
so publishing and consuming go on with every schema already seen.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from client.errors import (
    RegistryResponseError,
    RegistryUnavailableError,
    SchemaNotFoundError,
)
from client.schemas import CompatibilityResult, RegisteredSchema, Schema, SchemaReference

logger = logging.getLogger("accord.client")

_ACCEPT = (
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, "
    "application/json; qs=0.5"
)
_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
_NOT_FOUND_CODES = frozenset({40401, 40402, 40403})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry connection errors, timeouts and 5xx answers."""

    retries: int = 3
    backoff: float = 0.1
    max_backoff: float = 2.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many clients do not retry in lockstep."""
        ceiling = min(self.backoff * 2**attempt, self.max_backoff)
        return float(ceiling * random.uniform(0.5, 1.0))


@dataclass(slots=True)
class SchemaCache:
    """What the registry has told us: immutable facts forever, latest versions for a while."""

    latest_ttl: float = 60.0
    schemas: dict[int, Schema] = field(default_factory=dict)
    versions: dict[tuple[str, int], RegisteredSchema] = field(default_factory=dict)
    lookups: dict[tuple[str, Schema], RegisteredSchema] = field(default_factory=dict)
    registered: dict[tuple[str, Schema], int] = field(default_factory=dict)
    latest: dict[str, tuple[float, RegisteredSchema]] = field(default_factory=dict)

    def stale_latest(self, subject: str, error: RegistryUnavailableError) -> RegisteredSchema:
        """The expired latest version, when the registry is down; re-raises when there is none."""
        entry = self.latest.get(subject)
        if entry is None:
            raise error
        logger.warning("registry unavailable, using cached latest version of %r: %s", subject, error)
        return entry[1]

    def store_latest(self, registered: RegisteredSchema) -> RegisteredSchema:
        self.latest[registered.subject] = (time.monotonic() + self.latest_ttl, registered)
        self.remember(registered)
        return registered

    def remember(self, registered: RegisteredSchema) -> RegisteredSchema:
        self.schemas[registered.schema_id] = registered.schema
        self.versions[(registered.subject, registered.version)] = registered
        return registered


def _subject_path(subject: str) -> str:
    return quote(subject, safe="")


def _parse_schema(body: dict[str, Any]) -> Schema:
    return Schema(
        schema_str=body["schema"],
        schema_type=body.get("schemaType", "AVRO"),
        references=tuple(
            SchemaReference(name=ref["name"], subject=ref["subject"], version=ref["version"])
            for ref in body.get("references") or ()
        ),
    )


def _parse_registered(body: dict[str, Any]) -> RegisteredSchema:
    return RegisteredSchema(
        subject=body["subject"], version=body["version"], schema_id=body["id"], schema=_parse_schema(body)
    )


def _parse_compatibility(body: dict[str, Any]) -> CompatibilityResult:
    return CompatibilityResult(
        is_compatible=bool(body["is_compatible"]), messages=tuple(body.get("messages") or ())
    )


def _is_retryable(response: httpx.Response) -> bool:
    return response.status_code >= 500


def _unavailable(url: str, cause: Exception | httpx.Response) -> RegistryUnavailableError:
    if isinstance(cause, httpx.Response):
        reason = f"HTTP {cause.status_code}"
    else:
        reason = f"{type(cause).__name__}: {cause}"
    return RegistryUnavailableError(f"schema registry at {url} unavailable ({reason})", url=url)


def _json_or_error(response: httpx.Response) -> Any:
    """The decoded body of a successful answer, or the Confluent error it carries, as a typed exception."""
    url = str(response.request.url)
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    if response.is_success and body is not None:
        return body
    if isinstance(body, dict) and "error_code" in body:
        error_code, message = int(body["error_code"]), str(body.get("message", ""))
    else:
        error_code, message = response.status_code, response.text[:200] or response.reason_phrase
    error_class = SchemaNotFoundError if error_code in _NOT_FOUND_CODES else RegistryResponseError
    raise error_class(url=url, status=response.status_code, error_code=error_code, message=message)


class _Settings:
    """Connection settings shared by the sync and async clients."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None,
        token: str | None,
        timeout: float,
        retry: RetryPolicy,
        latest_ttl: float,
    ) -> None:
        if auth is not None and token is not None:
            raise ValueError("give either basic auth or a bearer token, not both")
        self.base_url = url.rstrip("/")
        self.retry = retry
        self.cache = SchemaCache(latest_ttl=latest_ttl)
        self.headers = {"Accept": _ACCEPT}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        self.auth = httpx.BasicAuth(*auth) if auth is not None else None
        self.timeout = httpx.Timeout(timeout)

    def client_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "auth": self.auth,
            "headers": self.headers,
            "timeout": self.timeout,
        }


def _body(payload: dict[str, Any] | None) -> dict[str, Any]:
    if payload is None:
        return {}
    return {"content": orjson.dumps(payload), "headers": {"Content-Type": _CONTENT_TYPE}}


class RegistryClient:
    """Blocking client: get schema by id, latest or pinned version, register, lookup, check compatibility."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        latest_ttl: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings = _Settings(
            url, auth=auth, token=token, timeout=timeout, retry=retry or RetryPolicy(), latest_ttl=latest_ttl
        )
        self._cache = self._settings.cache
        self._http = httpx.Client(transport=transport, **self._settings.client_options())

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        retry = self._settings.retry
        for attempt in range(retry.retries + 1):
            try:
                response = self._http.request(method, path, **_body(payload))
            except httpx.TransportError as error:
                failure: Exception | httpx.Response = error
            else:
                if not _is_retryable(response):
                    return _json_or_error(response)
                failure = response
            if attempt < retry.retries:
                time.sleep(retry.delay(attempt))
        raise _unavailable(self.base_url + path, failure)

    def get_schema(self, schema_id: int) -> Schema:
        """The schema with this global id (cached forever: ids never change meaning)."""
        schema = self._cache.schemas.get(schema_id)
        if schema is None:
            schema = _parse_schema(self._call("GET", f"/schemas/ids/{schema_id}"))
            self._cache.schemas[schema_id] = schema
        return schema

    def get_latest_version(self, subject: str) -> RegisteredSchema:
        """The subject's latest version (cached for latest_ttl; served stale while the registry is down)."""
        entry = self._cache.latest.get(subject)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        try:
            body = self._call("GET", f"/subjects/{_subject_path(subject)}/versions/latest")
        except RegistryUnavailableError as error:
            return self._cache.stale_latest(subject, error)
        return self._cache.store_latest(_parse_registered(body))

    def get_version(self, subject: str, version: int) -> RegisteredSchema:
        """One version of a subject (cached forever)."""
        registered = self._cache.versions.get((subject, version))
        if registered is None:
            body = self._call("GET", f"/subjects/{_subject_path(subject)}/versions/{version}")
            registered = self._cache.remember(_parse_registered(body))
        return registered

    def register_schema(self, subject: str, schema: Schema) -> int:
        """Register the schema under the subject (idempotent) and return its global id."""
        schema_id = self._cache.registered.get((subject, schema))
        if schema_id is None:
            body = self._call("POST", f"/subjects/{_subject_path(subject)}/versions", schema.to_request())
            schema_id = self._cache.registered[(subject, schema)] = int(body["id"])
            self._cache.schemas[schema_id] = schema
        return schema_id

    def lookup_schema(self, subject: str, schema: Schema) -> RegisteredSchema:
        """The version of the subject that has exactly this schema (SchemaNotFoundError if none)."""
        registered = self._cache.lookups.get((subject, schema))
        if registered is None:
            body = self._call("POST", f"/subjects/{_subject_path(subject)}", schema.to_request())
            registered = self._cache.remember(_parse_registered(body))
            self._cache.lookups[(subject, schema)] = registered
        return registered

    def test_compatibility(
        self, subject: str, schema: Schema, version: int | str = "latest"
    ) -> CompatibilityResult:
        """Whether the schema could be registered as the subject's next version (never cached)."""
        path = f"/compatibility/subjects/{_subject_path(subject)}/versions/{version}?verbose=true"
        return _parse_compatibility(self._call("POST", path, schema.to_request()))


class AsyncRegistryClient:
    """The same client for asyncio code, on httpx.AsyncClient."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        latest_ttl: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = _Settings(
            url, auth=auth, token=token, timeout=timeout, retry=retry or RetryPolicy(), latest_ttl=latest_ttl
        )
        self._cache = self._settings.cache
        self._http = httpx.AsyncClient(transport=transport, **self._settings.client_options())

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncRegistryClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        retry = self._settings.retry
        for attempt in range(retry.retries + 1):
            try:
                response = await self._http.request(method, path, **_body(payload))
            except httpx.TransportError as error:
                failure: Exception | httpx.Response = error
            else:
                if not _is_retryable(response):
                    return _json_or_error(response)
                failure = response
            if attempt < retry.retries:
                await asyncio.sleep(retry.delay(attempt))
        raise _unavailable(self.base_url + path, failure)

    async def get_schema(self, schema_id: int) -> Schema:
        """The schema with this global id (cached forever: ids never change meaning)."""
        schema = self._cache.schemas.get(schema_id)
        if schema is None:
            schema = _parse_schema(await self._call("GET", f"/schemas/ids/{schema_id}"))
            self._cache.schemas[schema_id] = schema
        return schema

    async def get_latest_version(self, subject: str) -> RegisteredSchema:
        """The subject's latest version (cached for latest_ttl; served stale while the registry is down)."""
        entry = self._cache.latest.get(subject)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        try:
            body = await self._call("GET", f"/subjects/{_subject_path(subject)}/versions/latest")
        except RegistryUnavailableError as error:
            return self._cache.stale_latest(subject, error)
        return self._cache.store_latest(_parse_registered(body))

    async def get_version(self, subject: str, version: int) -> RegisteredSchema:
        """One version of a subject (cached forever)."""
        registered = self._cache.versions.get((subject, version))
        if registered is None:
            body = await self._call("GET", f"/subjects/{_subject_path(subject)}/versions/{version}")
            registered = self._cache.remember(_parse_registered(body))
        return registered

    async def register_schema(self, subject: str, schema: Schema) -> int:
        """Register the schema under the subject (idempotent) and return its global id."""
        schema_id = self._cache.registered.get((subject, schema))
        if schema_id is None:
            body = await self._call(
                "POST", f"/subjects/{_subject_path(subject)}/versions", schema.to_request()
            )
            schema_id = self._cache.registered[(subject, schema)] = int(body["id"])
            self._cache.schemas[schema_id] = schema
        return schema_id

    async def lookup_schema(self, subject: str, schema: Schema) -> RegisteredSchema:
        """The version of the subject that has exactly this schema (SchemaNotFoundError if none)."""
        registered = self._cache.lookups.get((subject, schema))
        if registered is None:
            body = await self._call("POST", f"/subjects/{_subject_path(subject)}", schema.to_request())
            registered = self._cache.remember(_parse_registered(body))
            self._cache.lookups[(subject, schema)] = registered
        return registered

    async def test_compatibility(
        self, subject: str, schema: Schema, version: int | str = "latest"
    ) -> CompatibilityResult:
        """Whether the schema could be registered as the subject's next version (never cached)."""
        path = f"/compatibility/subjects/{_subject_path(subject)}/versions/{version}?verbose=true"
        return _parse_compatibility(await self._call("POST", path, schema.to_request()))
