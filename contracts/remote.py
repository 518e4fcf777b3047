"""The registry's contract API (/contracts/...) and the producer schemas it holds, over HTTP.

It runs on the client's RegistryTransport (credentials, retries with backoff on connection errors,
timeouts and 5xx answers); the producer schemas are read with the client's RegistryClient over the
same transport. Bodies and answers are contracts.wire's. Every failure becomes a ContractRegistryError
with the URL, the status and the registry's message; no HTTP error escapes as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from client import (
    RegistryClient,
    RegistryResponseError,
    RegistryTransport,
    RegistryUnavailableError,
    RetryPolicy,
    SchemaNotFoundError,
    SchemaReference,
    credentials_from_environment,
)
from contracts import wire
from contracts.checks import ProducerSchema
from contracts.errors import ContractError, ContractRegistryError
from contracts.expectations import ConsumerContract
from contracts.findings import PairResult
from contracts.samples import ProducerSamples
from registry.compatibility import ResolvedReference, SchemaType

T = TypeVar("T")


class ContractRegistry:
    """A registry's contract store and schemas, for publishing, verifying and asking can-i-deploy."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._transport = RegistryTransport(
            url, auth=auth, token=token, timeout=timeout, retry=retry, http_transport=transport
        )
        self._schemas = RegistryClient.from_transport(self._transport)
        self.url = self._transport.base_url

    @classmethod
    def from_environment(cls, url: str) -> ContractRegistry:
        """A connection to `url` with the credentials of ACCORD_REGISTRY_AUTH, as the CLI uses it."""
        try:
            auth, token = credentials_from_environment()
        except ValueError as error:
            raise ContractRegistryError(None, str(error)) from error
        return cls(url, auth=auth, token=token)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ContractRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- publishing -------------------------------------------------------------------------------

    def publish_expectations(self, contract: ConsumerContract) -> int:
        version = _segment(_version(contract.version))
        path = f"/contracts/consumers/{_segment(contract.consumer)}/versions/{version}/expectations"
        return self._call("PUT", path, wire.published_count, body=wire.expectations_body(contract))

    def publish_samples(self, samples: ProducerSamples) -> int:
        version = _segment(_version(samples.version))
        path = f"/contracts/producers/{_segment(samples.producer)}/versions/{version}/samples"
        return self._call("PUT", path, wire.published_count, body=wire.samples_body(samples))

    def record_result(self, result: PairResult) -> None:
        self._call("POST", "/contracts/results", _ignored, body=wire.result_body(result))

    def record_deployment(self, application: str, version: str, environment: str, *, kind: str) -> None:
        body = wire.deployment_body(
            application=application, version=version, environment=environment, kind=kind
        )
        self._call("POST", "/contracts/deployments", _ignored, body=body)

    # -- reading ----------------------------------------------------------------------------------

    def relevant_samples(self, event_types: list[str] | None = None) -> list[ProducerSamples]:
        """The samples of every producer version that counts (latest, deployed or released)."""
        params = [("eventType", event_type) for event_type in event_types or []]
        return self._call("GET", "/contracts/samples", wire.producer_samples, params=params)

    def relevant_expectations(self, event_types: list[str] | None = None) -> list[ConsumerContract]:
        """The contracts of every consumer version that counts (latest, deployed or released)."""
        params = [("eventType", event_type) for event_type in event_types or []]
        return self._call("GET", "/contracts/expectations", wire.consumer_contracts, params=params)

    def consumer_expectations(self, consumer: str, version: str) -> ConsumerContract:
        """The expectations one consumer version published (40410 when it published none)."""
        path = f"/contracts/consumers/{_segment(consumer)}/versions/{_segment(version)}/expectations"
        answer = self._call("GET", path, wire.published_expectations)
        return ConsumerContract(consumer, version, answer)

    def matrix(self, application: str | None, limit: int) -> list[wire.VerifiedPair]:
        """Every verified producer/consumer version pair (of one application), newest first."""
        params = [("limit", str(limit))] + ([("application", application)] if application else [])
        return self._call("GET", "/contracts/matrix", wire.verified_pairs, params=params)

    def can_i_deploy(self, application: str, version: str, environment: str) -> wire.CanIDeployAnswer:
        params = [("application", application), ("version", version), ("environment", environment)]
        return self._call("GET", "/contracts/can-i-deploy", wire.can_i_deploy_answer, params=params)

    def producer_schemas(self, event_type: str, subject: str) -> list[ProducerSchema]:
        """Every live version of the subject, as schemas the producer may publish `event_type` with."""
        with _answered():
            try:
                versions = self._schemas.list_versions(subject)
            except SchemaNotFoundError:
                return []
            schemas = []
            for number in versions:
                registered = self._schemas.get_version(subject, number)
                schemas.append(
                    ProducerSchema(
                        event_type=event_type,
                        schema_type=registered.schema.schema_type,
                        text=registered.schema.schema_str,
                        version=registered.version,
                        references=self._resolve(registered.schema.references),
                    )
                )
        return schemas

    def _resolve(self, references: Sequence[SchemaReference]) -> tuple[ResolvedReference, ...]:
        """The referenced schemas, dependencies first, as the compatibility engine wants them."""
        resolved: list[ResolvedReference] = []
        for reference in references:
            registered = self._schemas.get_version(reference.subject, reference.version)
            resolved.extend(self._resolve(registered.schema.references))
            resolved.append(
                ResolvedReference(
                    reference.name,
                    registered.subject,
                    registered.version,
                    SchemaType(registered.schema.schema_type),
                    registered.schema.schema_str,
                )
            )
        return tuple(dict.fromkeys(resolved))

    def _call(
        self,
        method: str,
        path: str,
        read: Callable[[Any], T],
        *,
        body: Any = None,
        params: list[tuple[str, str]] | None = None,
    ) -> T:
        """The answer to one request, parsed by `read` (a ContractRegistryError when it cannot be)."""
        with _answered():
            answer = self._transport.request(method, path, body=body, params=params)
        try:
            return read(answer)
        except ContractError as error:
            raise ContractRegistryError(
                None, f"{self.url}{path} gave an unexpected answer: {error}"
            ) from error


@contextmanager
def _answered() -> Iterator[None]:
    """The client's errors, as the harness's: the URL, the status (None: no answer) and the message."""
    try:
        yield
    except RegistryUnavailableError as error:
        raise ContractRegistryError(error.url, error.reason, status=error.status) from error
    except RegistryResponseError as error:
        raise ContractRegistryError(
            error.url, error.message, status=error.status, error_code=error.error_code
        ) from error


def _ignored(answer: Any) -> None:
    """For requests whose answer only echoes what was sent."""


def _segment(value: str) -> str:
    return quote(value, safe="")


def _version(version: str | None) -> str:
    if not version:
        raise ContractRegistryError(None, "an application version is needed to publish (e.g. the git sha)")
    return version
