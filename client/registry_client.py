"""Sync and async clients for the Confluent Schema Registry API (Accord's registry or Confluent's).

Both share one cache: schema id -> schema forever (ids are immutable), subject -> latest version for
`latest_ttl` seconds. An expired latest version is still answered at once while one refresh runs in
the background, so publishing never waits for the registry once a subject has been seen; when the
registry cannot be reached, the circuit breaker of client.availability keeps the refreshes (and every
other call) from retrying more often than its backoff allows. HTTP, credentials, retries and error
answers are client.transport's.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from typing import Any, TypeVar, cast

import httpx

from client.availability import RegistryAvailability, StateListener
from client.errors import RegistryError, RegistryResponseError, RegistryUnavailableError
from client.registry_operations import (
    Flow,
    Operations,
    SchemaCache,
    parse_registered,
    parse_schema,
    subject_path,
)
from client.schemas import CompatibilityResult, RegisteredSchema, Schema
from client.transport import AsyncRegistryTransport, RegistryTransport, RetryPolicy

T = TypeVar("T")

_NO_SUBJECT_CONFIG = 40408
_CONFIG_KEYS = ("compatibilityLevel", "compatibilityPolicy", "normalize")


class _Client:
    """The cache, operations and circuit breaker shared by RegistryClient and AsyncRegistryClient."""

    def __init__(self, *, base_url: str, latest_ttl: float, on_registry_state: StateListener | None) -> None:
        self.base_url = base_url
        self._cache = SchemaCache(latest_ttl=latest_ttl)
        self._operations = Operations(self._cache)
        self._availability = RegistryAvailability(url=base_url, on_change=on_registry_state)
        self._refreshing: set[str] = set()  # subjects whose latest version is being fetched in the background
        self._refreshing_lock = threading.Lock()

    @property
    def registry_available(self) -> bool:
        """Whether the registry answered the last call that reached it (the circuit is closed)."""
        return self._availability.available

    def _claim_refresh(self, subject: str) -> bool:
        """Whether a background refresh of `subject` should start now (none running, circuit allows)."""
        if not self._availability.allows_attempt():
            return False
        with self._refreshing_lock:
            if subject in self._refreshing:
                return False
            self._refreshing.add(subject)
            return True

    def _release_refresh(self, subject: str) -> None:
        with self._refreshing_lock:
            self._refreshing.discard(subject)


class RegistryClient(_Client):
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
        on_registry_state: StateListener | None = None,
    ) -> None:
        self._transport = RegistryTransport(
            url, auth=auth, token=token, timeout=timeout, retry=retry, http_transport=transport
        )
        super().__init__(
            base_url=self._transport.base_url, latest_ttl=latest_ttl, on_registry_state=on_registry_state
        )

    @classmethod
    def from_transport(
        cls,
        transport: RegistryTransport,
        *,
        latest_ttl: float = 60.0,
        on_registry_state: StateListener | None = None,
    ) -> RegistryClient:
        """A client over an existing transport (its connections, credentials and retries), for code that
        also speaks other registry APIs over it; closing the client closes the transport."""
        client = cls.__new__(cls)
        client._transport = transport
        _Client.__init__(
            client, base_url=transport.base_url, latest_ttl=latest_ttl, on_registry_state=on_registry_state
        )
        return client

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, flow: Flow[T]) -> T:
        try:
            call = next(flow)
            while True:
                try:
                    answer = self._call(*call)
                except RegistryError as error:
                    call = flow.throw(error)
                else:
                    call = flow.send(answer)
        except StopIteration as done:
            return cast(T, done.value)

    def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        availability = self._availability
        availability.check()
        try:
            answer = self._transport.request(method, path, body=payload)
        except RegistryUnavailableError as error:
            availability.record_failure(error)
            raise
        except RegistryError:
            availability.record_success()  # it answered, with an error
            raise
        availability.record_success()
        return answer

    def _refresh_latest(self, subject: str) -> None:
        try:
            self._run(self._operations.get_latest_version(subject))
        except (RegistryError, RuntimeError):  # unreachable (logged once by the circuit), or closed
            pass
        finally:
            self._release_refresh(subject)

    def get_schema(self, schema_id: int, *, format: str | None = None) -> Schema:
        """The schema with this global id (cached forever: ids never change meaning); `format="serialized"`
        asks for a Protobuf schema as a base64 FileDescriptorProto."""
        if format is not None:
            path = f"/schemas/ids/{schema_id}"
            return parse_schema(self._run(self._operations.get_formatted(path, format)))
        return self._cache.schemas.get(schema_id) or self._run(self._operations.get_schema(schema_id))

    def get_latest_version(self, subject: str) -> RegisteredSchema:
        """The subject's latest version: fetched the first time; after latest_ttl, answered from the
        cache at once while a background thread asks the registry again (if its circuit allows)."""
        entry = self._cache.latest.get(subject)  # publishing asks per message
        if entry is None:
            return self._run(self._operations.get_latest_version(subject))
        if entry[0] <= time.monotonic() and self._claim_refresh(subject):
            threading.Thread(
                target=self._refresh_latest, args=(subject,), name="accord-registry-refresh", daemon=True
            ).start()
        return entry[1]

    def get_version(self, subject: str, version: int, *, format: str | None = None) -> RegisteredSchema:
        """One version of a subject (cached forever); `format` as for get_schema."""
        if format is not None:
            path = f"/subjects/{subject_path(subject)}/versions/{version}"
            return parse_registered(self._run(self._operations.get_formatted(path, format)))
        return self._run(self._operations.get_version(subject, version))

    def register_schema(self, subject: str, schema: Schema) -> int:
        """Register the schema under the subject (idempotent) and return its global id."""
        return self._run(self._operations.register_schema(subject, schema))

    def lookup_schema(self, subject: str, schema: Schema) -> RegisteredSchema:
        """The version of the subject that has exactly this schema (SchemaNotFoundError if none)."""
        return self._run(self._operations.lookup_schema(subject, schema))

    def test_compatibility(
        self, subject: str, schema: Schema, version: int | str | None = "latest"
    ) -> CompatibilityResult:
        """Whether the schema is compatible with one version of the subject, or (version None) with
        every version its compatibility level asks for, as registering would check (never cached)."""
        return self._run(self._operations.test_compatibility(subject, schema, version))

    # Administration, for tools such as `accord schema register` and `accord export`/`import`.

    def list_subjects(self) -> list[str]:
        """Every live subject."""
        return [str(subject) for subject in self._call("GET", "/subjects", None)]

    def list_versions(self, subject: str) -> list[int]:
        """The live version numbers of a subject, oldest first."""
        versions = self._call("GET", f"/subjects/{subject_path(subject)}/versions", None)
        return [int(version) for version in versions]

    def get_config(self, subject: str | None = None) -> dict[str, Any] | None:
        """The compatibility settings configured globally, or for the subject alone (None when it has
        none): `compatibilityLevel`, and `compatibilityPolicy` and `normalize` where set."""
        path = "/config" if subject is None else f"/config/{subject_path(subject)}?defaultToGlobal=false"
        try:
            body = self._call("GET", path, None)
        except RegistryResponseError as error:
            if subject is not None and error.error_code == _NO_SUBJECT_CONFIG:
                return None
            raise
        return {key: body[key] for key in _CONFIG_KEYS if body.get(key) is not None}

    def update_config(self, config: Mapping[str, Any], subject: str | None = None) -> None:
        """Set the given settings (`compatibilityLevel`, `compatibilityPolicy`, `normalize`) globally or
        for the subject; the others stay as they are."""
        path = "/config" if subject is None else f"/config/{subject_path(subject)}"
        body = {key: config[key] for key in _CONFIG_KEYS if key in config}
        if "compatibilityLevel" in body:
            body["compatibility"] = body.pop("compatibilityLevel")  # the name PUT takes in Confluent's API
        self._call("PUT", path, body)

    def delete_config(self, subject: str) -> None:
        """Remove the subject's own settings: it follows the global ones again."""
        try:
            self._call("DELETE", f"/config/{subject_path(subject)}", None)
        except RegistryResponseError as error:
            if error.error_code != _NO_SUBJECT_CONFIG:
                raise

    def get_mode(self, subject: str | None = None) -> str:
        """The global mode, or the mode in force for the subject (READWRITE, READONLY, IMPORT...)."""
        path = "/mode" if subject is None else f"/mode/{subject_path(subject)}?defaultToGlobal=true"
        return str(self._call("GET", path, None)["mode"])

    def set_mode(self, mode: str, subject: str | None = None) -> None:
        """Set the global mode, or the subject's mode. IMPORT needs an empty registry (or subject)."""
        path = "/mode" if subject is None else f"/mode/{subject_path(subject)}"
        self._call("PUT", path, {"mode": mode})

    def register_version(
        self, subject: str, schema: Schema, *, normalize: bool = False, extra: Mapping[str, Any] | None = None
    ) -> int:
        """Register with `?normalize=true` and `extra` body parts (Confluent's `metadata`, `ruleSet`);
        not cached. Returns the id."""
        query = "?normalize=true" if normalize else ""
        payload = {**schema.to_request(), **(extra or {})}
        return int(self._call("POST", f"/subjects/{subject_path(subject)}/versions{query}", payload)["id"])

    def lookup_version(
        self, subject: str, schema: Schema, *, normalize: bool = False, extra: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The subject's version with this schema (and `extra`: metadata, ruleSet), as the registry
        describes it; SchemaNotFoundError if none. Not cached."""
        query = "?normalize=true" if normalize else ""
        payload = {**schema.to_request(), **(extra or {})}
        return dict(self._call("POST", f"/subjects/{subject_path(subject)}{query}", payload))

    def import_schema(self, subject: str, schema: Schema, *, schema_id: int, version: int) -> int:
        """Register the schema with the given global id and version (the registry must be in IMPORT
        mode); idempotent when that version already holds this schema. Returns the id."""
        payload = {**schema.to_request(), "id": schema_id, "version": version}
        body = self._call("POST", f"/subjects/{subject_path(subject)}/versions", payload)
        return int(body["id"])


class AsyncRegistryClient(_Client):
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
        on_registry_state: StateListener | None = None,
    ) -> None:
        self._transport = AsyncRegistryTransport(
            url, auth=auth, token=token, timeout=timeout, retry=retry, http_transport=transport
        )
        super().__init__(
            base_url=self._transport.base_url, latest_ttl=latest_ttl, on_registry_state=on_registry_state
        )
        self._refreshes: set[asyncio.Task[None]] = set()

    @classmethod
    def from_transport(
        cls,
        transport: AsyncRegistryTransport,
        *,
        latest_ttl: float = 60.0,
        on_registry_state: StateListener | None = None,
    ) -> AsyncRegistryClient:
        """A client over an existing transport; closing the client closes the transport."""
        client = cls.__new__(cls)
        client._transport = transport
        _Client.__init__(
            client, base_url=transport.base_url, latest_ttl=latest_ttl, on_registry_state=on_registry_state
        )
        client._refreshes = set()
        return client

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self) -> AsyncRegistryClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _run(self, flow: Flow[T]) -> T:
        try:
            call = next(flow)
            while True:
                try:
                    answer = await self._call(*call)
                except RegistryError as error:
                    call = flow.throw(error)
                else:
                    call = flow.send(answer)
        except StopIteration as done:
            return cast(T, done.value)

    async def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        availability = self._availability
        availability.check()
        try:
            answer = await self._transport.request(method, path, body=payload)
        except RegistryUnavailableError as error:
            availability.record_failure(error)
            raise
        except RegistryError:
            availability.record_success()  # it answered, with an error
            raise
        availability.record_success()
        return answer

    async def _refresh_latest(self, subject: str) -> None:
        try:
            await self._run(self._operations.get_latest_version(subject))
        except (RegistryError, RuntimeError):  # unreachable (logged once by the circuit), or closed
            pass
        finally:
            self._release_refresh(subject)

    async def get_schema(self, schema_id: int) -> Schema:
        """The schema with this global id (cached forever: ids never change meaning)."""
        cached = self._cache.schemas.get(schema_id)
        return cached if cached is not None else await self._run(self._operations.get_schema(schema_id))

    async def get_latest_version(self, subject: str) -> RegisteredSchema:
        """The subject's latest version: fetched the first time; after latest_ttl, answered from the
        cache at once while a background task asks the registry again (if its circuit allows)."""
        entry = self._cache.latest.get(subject)
        if entry is None:
            return await self._run(self._operations.get_latest_version(subject))
        if entry[0] <= time.monotonic() and self._claim_refresh(subject):
            task = asyncio.get_running_loop().create_task(self._refresh_latest(subject))
            self._refreshes.add(task)  # a reference, so the task is not collected while it runs
            task.add_done_callback(self._refreshes.discard)
        return entry[1]

    async def get_version(self, subject: str, version: int) -> RegisteredSchema:
        """One version of a subject (cached forever)."""
        return await self._run(self._operations.get_version(subject, version))

    async def register_schema(self, subject: str, schema: Schema) -> int:
        """Register the schema under the subject (idempotent) and return its global id."""
        return await self._run(self._operations.register_schema(subject, schema))

    async def lookup_schema(self, subject: str, schema: Schema) -> RegisteredSchema:
        """The version of the subject that has exactly this schema (SchemaNotFoundError if none)."""
        return await self._run(self._operations.lookup_schema(subject, schema))

    async def test_compatibility(
        self, subject: str, schema: Schema, version: int | str | None = "latest"
    ) -> CompatibilityResult:
        """Whether the schema could be registered as the subject's next version (never cached)."""
        return await self._run(self._operations.test_compatibility(subject, schema, version))
