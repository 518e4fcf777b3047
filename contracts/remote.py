"""The registry's contract API (/contracts/...) and the producer schemas it holds, over HTTP.

Every failure becomes a ContractRegistryError with the URL, the status and the registry's message;
no HTTP error escapes as a traceback.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from client import credentials_from_text
from client.registry_client import AUTH_VARIABLE
from contracts.checks import ProducerSchema
from contracts.errors import ContractRegistryError
from contracts.expectations import ConsumerContract, Expectation
from contracts.findings import PairResult
from contracts.samples import ProducerSamples
from contracts.versions import VersionRange
from registry.compatibility import ResolvedReference, SchemaType


class ContractRegistry:
    """A registry's contract store and schemas, for publishing, verifying and asking can-i-deploy."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        self._http = httpx.Client(
            base_url=self.url,
            auth=httpx.BasicAuth(*auth) if auth is not None else None,
            headers=headers,
            timeout=timeout,
            transport=transport,
        )

    @classmethod
    def from_environment(cls, url: str) -> ContractRegistry:
        """A connection to `url` with the credentials of ACCORD_REGISTRY_AUTH, as the CLI uses it."""
        try:
            auth, token = credentials_from_text(os.environ.get(AUTH_VARIABLE, ""))
        except ValueError as error:
            raise ContractRegistryError(None, f"{AUTH_VARIABLE}: {error}") from error
        return cls(url, auth=auth, token=token)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ContractRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- publishing -------------------------------------------------------------------------------

    def publish_expectations(self, contract: ConsumerContract) -> int:
        body = {"expectations": [_expectation_body(expectation) for expectation in contract.expectations]}
        version = _segment(_version(contract.version))
        path = f"/contracts/consumers/{_segment(contract.consumer)}/versions/{version}/expectations"
        return int(self._call("PUT", path, body)["count"])

    def publish_samples(self, samples: ProducerSamples) -> int:
        body = {"samples": [sample.to_dict() for sample in samples.samples]}
        version = _segment(_version(samples.version))
        path = f"/contracts/producers/{_segment(samples.producer)}/versions/{version}/samples"
        return int(self._call("PUT", path, body)["count"])

    def record_result(self, result: PairResult) -> None:
        self._call("POST", "/contracts/results", result.to_dict())

    def record_deployment(
        self, application: str, version: str, environment: str, *, kind: str
    ) -> dict[str, Any]:
        body = {"application": application, "version": version, "environment": environment, "kind": kind}
        answer: dict[str, Any] = self._call("POST", "/contracts/deployments", body)
        return answer

    # -- reading ----------------------------------------------------------------------------------

    def relevant_samples(self, event_types: list[str] | None = None) -> list[ProducerSamples]:
        """The samples of every producer version that counts (latest, deployed or released)."""
        params = [("eventType", event_type) for event_type in event_types or []]
        return [
            ProducerSamples.from_dict(item) for item in self._call("GET", "/contracts/samples", params=params)
        ]

    def relevant_expectations(self, event_types: list[str] | None = None) -> list[ConsumerContract]:
        """The contracts of every consumer version that counts (latest, deployed or released)."""
        params = [("eventType", event_type) for event_type in event_types or []]
        found = self._call("GET", "/contracts/expectations", params=params)
        return [
            ConsumerContract(
                item["consumer"],
                item["version"],
                tuple(_expectation_of(expectation) for expectation in item["expectations"]),
            )
            for item in found
        ]

    def samples(self, producer: str, version: str) -> ProducerSamples:
        path = f"/contracts/producers/{_segment(producer)}/versions/{_segment(version)}/samples"
        return ProducerSamples.from_dict(
            {"producer": producer, "version": version, **self._call("GET", path)}
        )

    def deployments(self, environment: str | None = None) -> list[dict[str, Any]]:
        params = [] if environment is None else [("environment", environment)]
        answer: list[dict[str, Any]] = self._call("GET", "/contracts/deployments", params=params)
        return answer

    def can_i_deploy(self, application: str, version: str, environment: str) -> dict[str, Any]:
        params = [("application", application), ("version", version), ("environment", environment)]
        answer: dict[str, Any] = self._call("GET", "/contracts/can-i-deploy", params=params)
        return answer

    def producer_schemas(self, event_type: str, subject: str) -> list[ProducerSchema]:
        """Every live version of the subject, as schemas the producer may publish `event_type` with."""
        try:
            versions = self._call("GET", f"/subjects/{_segment(subject)}/versions")
        except ContractRegistryError as error:
            if error.error_code == 40401:
                return []
            raise
        schemas = []
        for version in versions:
            body = self._call("GET", f"/subjects/{_segment(subject)}/versions/{version}")
            schemas.append(
                ProducerSchema(
                    event_type=event_type,
                    schema_type=body.get("schemaType", "AVRO"),
                    text=body["schema"],
                    version=int(body["version"]),
                    references=self._resolve(body.get("references") or []),
                )
            )
        return schemas

    def _resolve(self, references: list[dict[str, Any]]) -> tuple[ResolvedReference, ...]:
        """The referenced schemas, dependencies first, as the compatibility engine wants them."""
        resolved: list[ResolvedReference] = []
        for reference in references:
            body = self._call(
                "GET", f"/subjects/{_segment(reference['subject'])}/versions/{reference['version']}"
            )
            resolved.extend(self._resolve(body.get("references") or []))
            resolved.append(
                ResolvedReference(
                    reference["name"],
                    body["subject"],
                    int(body["version"]),
                    SchemaType(body.get("schemaType", "AVRO")),
                    body["schema"],
                )
            )
        return tuple(dict.fromkeys(resolved))

    def _call(
        self, method: str, path: str, body: Any = None, *, params: list[tuple[str, Any]] | None = None
    ) -> Any:
        content = None if body is None else orjson.dumps(body)
        headers = {"Content-Type": "application/json"} if content is not None else {}
        try:
            response = self._http.request(method, path, content=content, headers=headers, params=params)
        except httpx.HTTPError as error:
            raise ContractRegistryError(self.url + path, str(error) or type(error).__name__) from error
        try:
            answer = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            answer = None
        if response.is_success:
            return answer
        message = answer.get("message") if isinstance(answer, dict) else response.text[:200]
        code = answer.get("error_code") if isinstance(answer, dict) else None
        raise ContractRegistryError(
            self.url + path,
            str(message),
            status=response.status_code,
            error_code=code if isinstance(code, int) else None,
        )


def _segment(value: str) -> str:
    return quote(value, safe="")


def _version(version: str | None) -> str:
    if not version:
        raise ContractRegistryError(None, "an application version is needed to publish (e.g. the git sha)")
    return version


def _expectation_body(expectation: Expectation) -> dict[str, Any]:
    versions = expectation.event_versions
    return {
        "eventType": expectation.event_type,
        "subject": expectation.subject,
        "eventVersions": {"minimum": versions.minimum, "maximum": versions.maximum},
        "schemaType": expectation.schema_type,
        "schema": expectation.schema,
        "envelope": expectation.envelope,
        "description": expectation.description,
    }


def _expectation_of(body: dict[str, Any]) -> Expectation:
    bounds = body.get("eventVersions") or {}
    return Expectation(
        event_type=body["eventType"],
        schema=body["schema"],
        schema_type=body.get("schemaType", "JSON"),
        envelope=body.get("envelope"),
        event_versions=VersionRange(bounds.get("minimum", 1), bounds.get("maximum")),
        subject=body.get("subject"),
        description=body.get("description") or "",
    )
