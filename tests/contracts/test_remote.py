"""The harness's registry connection (contracts.remote) on the client's transport: it retries what is
worth retrying, and every failure is a ContractRegistryError with the URL, the status and the
registry's message."""

from __future__ import annotations

import httpx
import orjson
import pytest

from client import RetryPolicy
from contracts import ContractRegistryError
from contracts.remote import ContractRegistry
from contracts.samples import ProducerSamples


def harness(*answers: httpx.Response | Exception, seen: list[httpx.Request]) -> ContractRegistry:
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return ContractRegistry(
        "http://registry.test", retry=RetryPolicy(retries=2, backoff=0), transport=httpx.MockTransport(handle)
    )


def json(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, content=orjson.dumps(body))


def test_connection_errors_and_5xx_answers_are_retried():
    seen: list[httpx.Request] = []
    remote = harness(httpx.ConnectError("refused"), json(503, {}), json(200, {"count": 4}), seen=seen)

    assert remote.publish_samples(ProducerSamples("order-service", "p1", ())) == 4
    assert len(seen) == 3
    assert {request.url.path for request in seen} == {
        "/contracts/producers/order-service/versions/p1/samples"
    }


def test_a_refusal_carries_url_status_code_and_message():
    seen: list[httpx.Request] = []
    remote = harness(json(403, {"error_code": 40301, "message": "writers only"}), seen=seen)

    with pytest.raises(ContractRegistryError) as raised:
        remote.record_deployment("billing", "b1", "staging", kind="deployment")

    error = raised.value
    assert (error.url, error.status, error.error_code, error.message) == (
        "http://registry.test/contracts/deployments",
        403,
        40301,
        "writers only",
    )
    assert str(error) == "http://registry.test/contracts/deployments answered 403: writers only"
    assert len(seen) == 1


def test_an_unreachable_registry_after_every_retry():
    seen: list[httpx.Request] = []
    remote = harness(*[httpx.ConnectError("refused")] * 3, seen=seen)

    with pytest.raises(ContractRegistryError, match="is unreachable: ConnectError: refused") as raised:
        remote.can_i_deploy("billing", "b1", "staging")
    assert raised.value.status is None
    assert len(seen) == 3


def test_a_5xx_after_every_retry_keeps_the_registrys_message():
    seen: list[httpx.Request] = []
    down = json(500, {"error_code": 50001, "message": "Error in the backend datastore"})
    remote = harness(down, down, down, seen=seen)

    with pytest.raises(ContractRegistryError) as raised:
        remote.relevant_expectations()
    assert str(raised.value) == (
        "http://registry.test/contracts/expectations answered 500: Error in the backend datastore"
    )


def test_an_answer_of_the_wrong_shape_is_a_contract_registry_error():
    seen: list[httpx.Request] = []
    remote = harness(json(200, {"application": "billing"}), seen=seen)

    with pytest.raises(ContractRegistryError, match=r"can-i-deploy gave an unexpected answer: .*version"):
        remote.can_i_deploy("billing", "b1", "staging")


def test_a_subject_the_registry_does_not_know_has_no_producer_schemas():
    seen: list[httpx.Request] = []
    remote = harness(
        json(404, {"error_code": 40401, "message": "Subject 'OrderCreated' not found."}), seen=seen
    )

    assert remote.producer_schemas("OrderCreated", "OrderCreated") == []
