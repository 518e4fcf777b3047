"""The harness's JSON (contracts.wire) against the server's wire models (registry.contract_store.wire): each
body the harness sends validates as the server's request model and dumps back unchanged, so no field
is lost or misnamed on the way in; and the server's answers, from create_app, parse with the
harness's readers into what was published."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from contracts import ContractError, each_like, expect, expect_avro, integer, optional, string, uuid
from contracts.expectations import ConsumerContract
from contracts.findings import Check, ContractFinding, PairResult
from contracts.remote import ContractRegistry
from contracts.samples import ProducerSamples, Sample, envelope_for
from contracts.wire import (
    can_i_deploy_answer,
    deployment_body,
    expectations_body,
    result_body,
    samples_body,
)
from registry.app import create_app
from registry.config import Settings
from registry.contract_store.wire import DeploymentPayload, ExpectationsPayload, ResultPayload, SamplesPayload
from tests.contracts.orders import ORDER, ORDER_CREATED_AVRO, ORDER_CREATED_JSON
from tests.registry.ui.order_flow import InProcess
from tests.support.databases import migrated_sqlite

CONTRACT = ConsumerContract(
    "inventory-service",
    "inv-7",
    (
        expect(
            "OrderCreated",
            {
                "orderId": uuid(),
                "items": each_like({"sku": string(pattern="^SKU-", example="SKU-1")}),
                "note": optional(string()),
            },
            envelope={"correlationId": string()},
            versions=">=2,<=4",
            subject="orders-value",
            description="reserves stock",
        ),
        expect_avro("OrderCreated", ORDER_CREATED_AVRO, versions="3"),
        expect("OrderPaid", {"total": integer(minimum=0)}),
    ),
)
SAMPLES = ProducerSamples(
    "order-service",
    "p-7",
    (
        Sample(
            "checkout",
            envelope_for("OrderCreated", ORDER, source="order-service", event_version=2),
            "JSON",
            orjson.dumps(ORDER_CREATED_JSON).decode(),
        ),
        Sample(
            "no schema", envelope_for("OrderPaid", {"total": 3}, source="order-service", event_version=None)
        ),
        Sample(
            "generated",
            envelope_for("OrderCreated", ORDER, source="order-service", event_version=1, index=2),
            "AVRO",
            orjson.dumps(ORDER_CREATED_AVRO).decode(),
            generated=True,
        ),
    ),
)
RESULT = PairResult(
    "order-service",
    "p-7",
    "inventory-service",
    "inv-7",
    (
        ContractFinding(
            Check.SAMPLE_EXPECTATION,
            "error",
            "OrderCreated",
            "$.data.items[0].sku",
            "does not match '^SKU-'",
            expected="a string matching ^SKU-",
            found="'X-1'",
            sample="checkout",
            consumer="inventory-service@inv-7",
        ),
        ContractFinding(
            Check.SCHEMA_EXPECTATION, "warning", "OrderPaid", "#", "unguaranteed", schema="OrderPaid v1"
        ),
    ),
)


@pytest.mark.parametrize(
    ("body", "model"),
    [
        pytest.param(expectations_body(CONTRACT), ExpectationsPayload, id="expectations"),
        pytest.param(samples_body(SAMPLES), SamplesPayload, id="samples"),
        pytest.param(result_body(RESULT), ResultPayload, id="result"),
        pytest.param(
            result_body(PairResult("a", "1", "b", "2")), ResultPayload, id="result-without-findings"
        ),
        pytest.param(
            deployment_body(
                application="order-service", version="p-7", environment="production", kind="release"
            ),
            DeploymentPayload,
            id="deployment",
        ),
    ],
)
def test_each_body_is_the_servers_request_model_unchanged(
    body: dict[str, Any], model: type[BaseModel]
) -> None:
    parsed = model.model_validate(body)

    assert parsed.model_dump(mode="json", by_alias=True) == body


def test_a_body_the_server_would_read_differently_is_caught() -> None:
    body = expectations_body(CONTRACT)
    body["expectations"][0]["eventVersion"] = body["expectations"][0].pop("eventVersions")  # a typo

    parsed = ExpectationsPayload.model_validate(body)

    assert parsed.model_dump(mode="json", by_alias=True) != body


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[ContractRegistry]:
    settings = Settings(database_url=migrated_sqlite(tmp_path))
    with (
        TestClient(create_app(settings)) as client,
        ContractRegistry("http://testserver", transport=InProcess(client)) as harness,
    ):
        yield harness


def test_the_servers_answers_read_back_what_was_published(remote: ContractRegistry) -> None:
    assert remote.publish_expectations(CONTRACT) == 3
    assert remote.publish_samples(SAMPLES) == 3
    remote.record_result(RESULT)
    remote.record_deployment("inventory-service", "inv-7", "production", kind="deployment")

    assert remote.relevant_expectations() == [CONTRACT]
    assert remote.relevant_expectations(["OrderPaid"]) == [
        ConsumerContract(CONTRACT.consumer, CONTRACT.version, CONTRACT.expectations[2:])
    ]
    assert remote.relevant_samples() == [SAMPLES]


def test_can_i_deploy_answers_parse_with_every_field_the_cli_shows(remote: ContractRegistry) -> None:
    remote.publish_expectations(CONTRACT)
    remote.publish_samples(SAMPLES)
    remote.record_result(RESULT)
    remote.record_deployment("inventory-service", "inv-7", "production", kind="deployment")

    answer = remote.can_i_deploy("order-service", "p-7", "production")

    assert answer["deployable"] is False
    assert (answer["application"], answer["version"], answer["environment"]) == (
        "order-service",
        "p-7",
        "production",
    )
    [row] = answer["matrix"]
    assert (row["producer"], row["consumer"], row["result"], row["errors"]) == (
        "order-service",
        "inventory-service",
        "failure",
        1,
    )


def test_an_answer_without_the_fields_the_cli_shows_is_refused() -> None:
    with pytest.raises(ContractError, match="matrix"):
        can_i_deploy_answer(
            {"application": "a", "version": "1", "environment": "e", "reason": "", "deployable": None}
        )
