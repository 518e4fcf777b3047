"""One HTTP transport to a schema registry, sync and async: base URL, credentials, retries with
exponential backoff and jitter, and error answers mapped onto the client's error tree.

RegistryClient and AsyncRegistryClient speak Confluent's API over it; the contract harness speaks
Accord's /contracts API over it. Bodies are JSON both ways. A request is retried on a connection
error, a timeout or a 5xx answer; when every attempt failed it raises RegistryUnavailableError.
Any other error answer raises at once: SchemaNotFoundError for Confluent's 40401/40402/40403,
RegistryResponseError for the rest (with the HTTP status, Confluent error_code and message).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from client.errors import RegistryResponseError, RegistryUnavailableError, SchemaNotFoundError

AUTH_VARIABLE = "ACCORD_REGISTRY_AUTH"  # where Accord's command-line tools read credentials from

_ACCEPT = (
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, "
    "application/json; qs=0.5"
)
_CONTENT_TYPE = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
_NOT_FOUND_CODES = frozenset({40401, 40402, 40403})

Params = Sequence[tuple[str, str]]  # query parameters, in order; a name may repeat


def credentials_from_text(text: str) -> tuple[tuple[str, str] | None, str | None]:
    """Basic-auth credentials or a bearer token, from "user:password" or "Bearer TOKEN" (the form of
    ACCORD_REGISTRY_AUTH), ready for the clients' `auth=` and `token=`; neither for an empty text."""
    if not text:
        return None, None
    if text[:7].lower() == "bearer ":
        return None, text[7:].strip()
    user, separator, password = text.partition(":")
    if not separator:
        raise ValueError("registry credentials must be user:password or 'Bearer TOKEN'")
    return (user, password), None


def credentials_from_environment(variable: str = AUTH_VARIABLE) -> tuple[tuple[str, str] | None, str | None]:
    """The credentials in the environment variable `variable` (see credentials_from_text); a
    ValueError that names the variable when they are malformed."""
    try:
        return credentials_from_text(os.environ.get(variable, ""))
    except ValueError as error:
        raise ValueError(f"{variable}: {error}") from None


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


def _client_options(
    url: str, *, auth: tuple[str, str] | None, token: str | None, timeout: float
) -> dict[str, Any]:
    if auth is not None and token is not None:
        raise ValueError("give either basic auth or a bearer token, not both")
    headers = {"Accept": _ACCEPT}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return {
        "base_url": url.rstrip("/"),
        "auth": httpx.BasicAuth(*auth) if auth is not None else None,
        "headers": headers,
        "timeout": httpx.Timeout(timeout),
    }


def _request_options(body: Any, params: Params | None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if body is not None:
        options["content"] = orjson.dumps(body)
        options["headers"] = _CONTENT_TYPE
    if params:
        options["params"] = params
    return options


def _answer(response: httpx.Response) -> Any:
    """The decoded JSON body of a successful answer, or the error it carries (or its lack of a JSON
    body: every answer of both APIs has one) as a typed exception. Not for 5xx answers: those are
    retried."""
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    if response.is_success and body is not None:
        return body
    url = str(response.request.url)
    if isinstance(body, dict) and isinstance(body.get("error_code"), int):
        error_code, message = body["error_code"], str(body.get("message", ""))
    else:
        error_code, message = response.status_code, response.text[:200] or response.reason_phrase
    error_class = SchemaNotFoundError if error_code in _NOT_FOUND_CODES else RegistryResponseError
    raise error_class(url=url, status=response.status_code, error_code=error_code, message=message)


def _unavailable(url: str, failure: Exception | httpx.Response) -> RegistryUnavailableError:
    if isinstance(failure, httpx.Response):
        try:
            body = orjson.loads(failure.content)
        except orjson.JSONDecodeError:
            body = None
        said = body.get("message") if isinstance(body, dict) else None
        reason = str(said) if said else failure.text[:200] or failure.reason_phrase
        return RegistryUnavailableError(
            f"schema registry at {url} unavailable (HTTP {failure.status_code}: {reason})",
            url=url,
            reason=reason,
            status=failure.status_code,
        )
    reason = f"{type(failure).__name__}: {failure}"
    return RegistryUnavailableError(
        f"schema registry at {url} unavailable ({reason})", url=url, reason=reason
    )


class RegistryTransport:
    """Blocking HTTP to one registry: `request(method, path, body=..., params=...)` returns the decoded
    JSON answer, retrying what is worth retrying, and raises the client's typed errors."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        options = _client_options(url, auth=auth, token=token, timeout=timeout)
        self.base_url: str = options["base_url"]
        self.retry = retry or RetryPolicy()
        self._http = httpx.Client(transport=http_transport, **options)

    @classmethod
    def from_environment(
        cls,
        url: str,
        *,
        variable: str = AUTH_VARIABLE,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> RegistryTransport:
        """A transport to `url` with the credentials of the environment variable `variable`
        (ACCORD_REGISTRY_AUTH: "user:password" or "Bearer TOKEN"); ValueError naming it if malformed."""
        auth, token = credentials_from_environment(variable)
        return cls(url, auth=auth, token=token, timeout=timeout, retry=retry, http_transport=http_transport)

    def request(self, method: str, path: str, *, body: Any = None, params: Params | None = None) -> Any:
        """Send `body` (JSON) to `path`; the decoded answer, or a RegistryError."""
        options = _request_options(body, params)
        retry = self.retry
        for attempt in range(retry.retries + 1):
            try:
                response = self._http.request(method, path, **options)
            except httpx.TransportError as error:
                failure: Exception | httpx.Response = error
            else:
                if response.status_code < 500:
                    return _answer(response)
                failure = response
            if attempt < retry.retries:
                time.sleep(retry.delay(attempt))
        raise _unavailable(self.base_url + path, failure)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncRegistryTransport:
    """The same transport for asyncio code, on httpx.AsyncClient."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        options = _client_options(url, auth=auth, token=token, timeout=timeout)
        self.base_url: str = options["base_url"]
        self.retry = retry or RetryPolicy()
        self._http = httpx.AsyncClient(transport=http_transport, **options)

    @classmethod
    def from_environment(
        cls,
        url: str,
        *,
        variable: str = AUTH_VARIABLE,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> AsyncRegistryTransport:
        """A transport to `url` with the credentials of the environment variable `variable`."""
        auth, token = credentials_from_environment(variable)
        return cls(url, auth=auth, token=token, timeout=timeout, retry=retry, http_transport=http_transport)

    async def request(self, method: str, path: str, *, body: Any = None, params: Params | None = None) -> Any:
        """Send `body` (JSON) to `path`; the decoded answer, or a RegistryError."""
        options = _request_options(body, params)
        retry = self.retry
        for attempt in range(retry.retries + 1):
            try:
                response = await self._http.request(method, path, **options)
            except httpx.TransportError as error:
                failure: Exception | httpx.Response = error
            else:
                if response.status_code < 500:
                    return _answer(response)
                failure = response
            if attempt < retry.retries:
                await asyncio.sleep(retry.delay(attempt))
        raise _unavailable(self.base_url + path, failure)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncRegistryTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
