"""The seed guide's order flow (examples/order-flow), published into a registry by the contract
harness's own code: consumers publish expectations and are deployed, order-service is verified as it
is (p1, deployed to production) and with a breaking OrderCreated (p3, which notification-service's
expectation catches).

Works on an in-process app (a TestClient, through `InProcess`) as on a running server (an httpx URL).
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from contracts.checks import ProducerSchema
from contracts.expectations import read_contract
from contracts.findings import Verification
from contracts.remote import ContractRegistry
from contracts.samples import read_samples
from contracts.verification import producer_side, verify

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "order-flow"
ORDER_SERVICE = EXAMPLE / "order-service"
EVENT_TYPES = ("OrderCreated", "OrderPaid", "OrderShipped")
CONSUMERS = (("inventory-service", "inv-1"), ("notification-service", "notif-1"))
BREAKING_ORDER_CREATED = EXAMPLE / "changes" / "breaking" / "OrderCreated.avsc"


class InProcess(httpx.BaseTransport):
    """Carries the harness's HTTP requests into an app under test (a TestClient), so the harness's own
    client code talks to create_app without a server."""

    def __init__(self, client: TestClient) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._client.request(
            request.method, str(request.url), content=request.read(), headers=dict(request.headers)
        )
        return httpx.Response(response.status_code, headers=dict(response.headers), content=response.content)


def harness_for(client: TestClient) -> ContractRegistry:
    return ContractRegistry("http://testserver", transport=InProcess(client))


def register_schemas(api: httpx.Client) -> None:
    for event_type in EVENT_TYPES:
        schema = (ORDER_SERVICE / "schemas" / f"{event_type}.avsc").read_text()
        api.post(f"/subjects/{event_type}/versions", json={"schema": schema}).raise_for_status()


def publish_consumers(remote: ContractRegistry, environment: str = "production") -> None:
    for consumer, version in CONSUMERS:
        contract = read_contract(EXAMPLE / consumer / "contracts" / f"{consumer}.expectations.json")
        remote.publish_expectations(contract.with_version(version))
        remote.record_deployment(consumer, version, environment, kind="deployment")


def verify_order_service(
    remote: ContractRegistry, version: str, candidate: Path | None = None
) -> Verification:
    """What `accord contracts verify --producer order-service --publish` does: the samples and the
    registered schemas (plus a candidate) against every consumer version that counts; publishes the
    samples and each pair's result."""
    samples = read_samples(ORDER_SERVICE / "contracts" / "order-service.samples.json").with_version(version)
    schemas = [
        schema for event_type in EVENT_TYPES for schema in remote.producer_schemas(event_type, event_type)
    ]
    if candidate is not None:
        schemas.append(
            ProducerSchema(
                "OrderCreated", "AVRO", candidate.read_text(), label=f"OrderCreated ({candidate.name})"
            )
        )
    side = producer_side("order-service", version, samples.samples, schemas)
    verification = verify([side], remote.relevant_expectations(sorted(side.event_types())))
    remote.publish_samples(samples)
    for pair in verification.pairs:
        remote.record_result(pair)
    return verification


def publish_order_flow(api: httpx.Client, remote: ContractRegistry) -> None:
    """p1 passes and runs in production; p3 (the latest) breaks notification-service's OrderCreated."""
    register_schemas(api)
    publish_consumers(remote)
    assert verify_order_service(remote, "p1").success
    remote.record_deployment("order-service", "p1", "production", kind="deployment")
    assert not verify_order_service(remote, "p3", BREAKING_ORDER_CREATED).success
