"""The one HTTP transport to a registry (client.transport): JSON both ways, query parameters,
credentials from ACCORD_REGISTRY_AUTH, retries of what is worth retrying, and error answers as the
client's typed errors; the same for asyncio."""

from __future__ import annotations

import asyncio
import base64

import httpx
import orjson
import pytest

from client import (
    AsyncRegistryTransport,
    RegistryResponseError,
    RegistryTransport,
    RegistryUnavailableError,
    RetryPolicy,
    SchemaNotFoundError,
)

NO_WAIT = RetryPolicy(retries=2, backoff=0)


class Script:
    """Answers requests in turn (an exception is raised, a status answers with a Confluent error body,
    a dict answers 200 with it), and records each request."""

    def __init__(self, *answers: Exception | int | dict | None) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(
                answer, content=orjson.dumps({"error_code": answer * 100 + 1, "message": f"said {answer}"})
            )
        return httpx.Response(200, content=b"" if answer is None else orjson.dumps(answer))


def transport_for(script: Script, **options) -> RegistryTransport:
    options.setdefault("retry", NO_WAIT)
    return RegistryTransport(
        "http://registry.test/", http_transport=httpx.MockTransport(script.handle), **options
    )


def test_json_goes_out_and_comes_back_with_query_parameters():
    script = Script({"count": 2})
    with transport_for(script) as transport:
        answer = transport.request(
            "PUT", "/contracts/samples", body={"samples": []}, params=[("eventType", "A"), ("eventType", "B")]
        )

    assert answer == {"count": 2}
    [request] = script.requests
    assert orjson.loads(request.content) == {"samples": []}
    assert request.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
    assert request.url.params.get_list("eventType") == ["A", "B"]
    assert "application/vnd.schemaregistry.v1+json" in request.headers["accept"]


def test_a_successful_answer_without_a_json_body_is_an_error():
    with pytest.raises(RegistryResponseError, match="HTTP 200") as raised:
        transport_for(Script(None)).request("POST", "/contracts/results", body={})
    assert raised.value.status == 200


def test_connection_errors_timeouts_and_5xx_are_retried_then_answered():
    script = Script(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), {"ok": True})
    assert transport_for(script).request("GET", "/x") == {"ok": True}
    assert len(script.requests) == 3


def test_exhausted_retries_carry_the_last_reason_and_status():
    with pytest.raises(RegistryUnavailableError, match="HTTP 503: said 503") as raised:
        transport_for(Script(httpx.ConnectError("refused"), 500, 503)).request("GET", "/contracts/matrix")
    assert (raised.value.url, raised.value.status, raised.value.reason) == (
        "http://registry.test/contracts/matrix",
        503,
        "said 503",
    )
    with pytest.raises(RegistryUnavailableError) as unreachable:
        transport_for(Script(*[httpx.ConnectError("refused")] * 3)).request("GET", "/x")
    assert (unreachable.value.status, unreachable.value.reason) == (None, "ConnectError: refused")


def test_error_answers_are_typed_and_not_retried():
    script = Script(404, 422)
    transport = transport_for(script)
    with pytest.raises(SchemaNotFoundError):
        transport.request("GET", "/subjects/x/versions")
    with pytest.raises(RegistryResponseError) as invalid:
        transport.request("POST", "/contracts/results", body={})
    assert (invalid.value.status, invalid.value.error_code, invalid.value.message) == (422, 42201, "said 422")
    assert len(script.requests) == 2


def test_from_environment_reads_basic_credentials_or_a_token(monkeypatch):
    script = Script({}, {})
    mock = httpx.MockTransport(script.handle)
    monkeypatch.setenv("ACCORD_REGISTRY_AUTH", "ci:s3cret")
    RegistryTransport.from_environment("http://registry.test", http_transport=mock).request("GET", "/")
    monkeypatch.setenv("ACCORD_REGISTRY_AUTH", "Bearer tok-1")
    RegistryTransport.from_environment("http://registry.test", http_transport=mock).request("GET", "/")

    basic, bearer = (request.headers["authorization"] for request in script.requests)
    assert basic == "Basic " + base64.b64encode(b"ci:s3cret").decode()
    assert bearer == "Bearer tok-1"


def test_malformed_credentials_name_their_variable(monkeypatch):
    monkeypatch.setenv("SOURCE_AUTH", "no-colon")
    with pytest.raises(ValueError, match=r"^SOURCE_AUTH: registry credentials must be user:password"):
        RegistryTransport.from_environment("http://registry.test", variable="SOURCE_AUTH")


def test_the_async_transport_shares_the_behaviour():
    script = Script(httpx.ConnectError("refused"), 502, {"id": 7}, 404)

    async def scenario() -> None:
        mock = httpx.MockTransport(script.handle)
        async with AsyncRegistryTransport(
            "http://registry.test", http_transport=mock, retry=NO_WAIT
        ) as transport:
            assert await transport.request("POST", "/subjects/a/versions", body={"schema": "{}"}) == {"id": 7}
            with pytest.raises(SchemaNotFoundError):
                await transport.request("GET", "/schemas/ids/8")

    asyncio.run(scenario())
    assert len(script.requests) == 4
