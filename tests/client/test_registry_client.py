from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable

import httpx
import orjson
import pytest

from bench.order_created import ORDER_CREATED_DATA, ORDER_CREATED_JSON
from client import (
    AsyncRegistryClient,
    Envelope,
    EventDeserializer,
    EventSerializer,
    RegistryClient,
    RegistryResponseError,
    RegistryUnavailableError,
    RetryPolicy,
    Schema,
    SchemaNotFoundError,
    credentials_from_text,
)

NO_WAIT = RetryPolicy(retries=2, backoff=0)
SCHEMA = orjson.dumps(ORDER_CREATED_JSON).decode()


class FakeRegistry:
    """A scripted Confluent API: records every request, answers from `routes`, fails on demand."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.failures: list[Exception | int] = []
        self.latest_version = 1
        self.routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {
            ("GET", "/schemas/ids/7"): lambda _: self.json({"schema": SCHEMA, "schemaType": "JSON"}),
            ("GET", "/subjects/OrderPlaced/versions/latest"): lambda _: self.json(self.version_body()),
            ("GET", "/subjects/OrderPlaced/versions/1"): lambda _: self.json(self.version_body()),
        }

    def version_body(self) -> dict:
        return {
            "subject": "OrderPlaced",
            "version": self.latest_version,
            "id": 7,
            "schema": SCHEMA,
            "schemaType": "JSON",
        }

    @staticmethod
    def json(body: object, status: int = 200) -> httpx.Response:
        return httpx.Response(status, content=orjson.dumps(body))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return httpx.Response(failure, text="upstream trouble")
        route = self.routes.get((request.method, request.url.path))
        if route is None:
            return self.json({"error_code": 40401, "message": "Subject 'x' not found."}, 404)
        return route(request)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]


@pytest.fixture
def fake() -> FakeRegistry:
    return FakeRegistry()


def client_for(fake: FakeRegistry, **options) -> RegistryClient:
    options.setdefault("retry", NO_WAIT)
    return RegistryClient("http://registry.test/", transport=httpx.MockTransport(fake.handle), **options)


def test_schema_by_id_is_fetched_once_and_cached_forever(fake):
    with client_for(fake) as client:
        first = client.get_schema(7)
        fake.routes.clear()
        assert client.get_schema(7) is first
    assert first == Schema(SCHEMA, "JSON")
    assert fake.paths() == ["/schemas/ids/7"]
    assert "application/vnd.schemaregistry.v1+json" in fake.requests[0].headers["accept"]


def test_latest_version_is_cached_for_the_ttl_then_refreshed_in_the_background(fake, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("client.registry_client.time.monotonic", lambda: now[0])
    client = client_for(fake, latest_ttl=60)
    assert client.get_latest_version("OrderPlaced").version == 1
    fake.latest_version = 2
    now[0] += 59
    assert client.get_latest_version("OrderPlaced").version == 1
    now[0] += 2
    assert client.get_latest_version("OrderPlaced").version == 1  # answered at once from the cache
    deadline = time.perf_counter() + 5  # time.monotonic is the test's clock here
    while client.get_latest_version("OrderPlaced").version != 2:  # while one refresh runs
        assert time.perf_counter() < deadline
    assert len(fake.requests) == 2


def test_cached_schemas_keep_working_while_the_registry_is_down(fake, monkeypatch):
    now = [0.0]
    monkeypatch.setattr("client.registry_client.time.monotonic", lambda: now[0])
    client = client_for(fake)
    client.get_latest_version("OrderPlaced")
    client.get_schema(7)
    fake.routes.clear()
    fake.failures = [httpx.ConnectError("refused")] * 100
    now[0] += 3600
    assert client.get_latest_version("OrderPlaced").schema_id == 7
    assert client.get_schema(7).schema_type == "JSON"
    with pytest.raises(RegistryUnavailableError, match="ConnectError"):
        client.get_schema(8)
    with pytest.raises(RegistryUnavailableError):
        client.get_latest_version("OrderCreated")


def test_connection_errors_timeouts_and_5xx_are_retried(fake):
    fake.failures = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")]
    assert client_for(fake).get_schema(7).schema_type == "JSON"
    assert len(fake.requests) == 3
    fake.requests.clear()
    fake.failures = [503, 500]
    assert client_for(fake).get_version("OrderPlaced", 1).version == 1
    assert len(fake.requests) == 3


def test_retries_give_up_with_registry_unavailable(fake):
    fake.failures = [502] * 10
    with pytest.raises(RegistryUnavailableError, match="HTTP 502") as raised:
        client_for(fake, retry=RetryPolicy(retries=3, backoff=0)).get_schema(7)
    assert len(fake.requests) == 4
    assert raised.value.url == "http://registry.test/schemas/ids/7"


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(retries=5, backoff=0.1, max_backoff=0.5)
    delays = [policy.delay(attempt) for attempt in range(5)]
    assert 0.05 <= delays[0] <= 0.1
    assert 0.1 <= delays[1] <= 0.2
    assert all(0.25 <= delay <= 0.5 for delay in delays[3:])


def test_client_errors_are_not_retried_and_carry_confluent_codes(fake):
    fake.routes[("POST", "/subjects/OrderPlaced/versions")] = lambda _: fake.json(
        {"error_code": 42201, "message": "Invalid schema"}, 422
    )
    client = client_for(fake)
    with pytest.raises(SchemaNotFoundError) as not_found:
        client.get_schema(8)
    assert (not_found.value.status, not_found.value.error_code) == (404, 40401)
    with pytest.raises(RegistryResponseError) as invalid:
        client.register_schema("OrderPlaced", Schema("{", "JSON"))
    assert not isinstance(invalid.value, SchemaNotFoundError)
    assert (invalid.value.error_code, invalid.value.message) == (42201, "Invalid schema")
    assert len(fake.requests) == 2


def test_register_lookup_and_compatibility_speak_confluents_api(fake):
    bodies: list[dict] = []

    def capture(answer: dict) -> Callable[[httpx.Request], httpx.Response]:
        def respond(request: httpx.Request) -> httpx.Response:
            assert request.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
            bodies.append(orjson.loads(request.content))
            return fake.json(answer)

        return respond

    fake.routes[("POST", "/subjects/team/orders-value/versions")] = capture({"id": 7})
    fake.routes[("POST", "/subjects/team/orders-value")] = capture(fake.version_body())
    fake.routes[("POST", "/compatibility/subjects/team/orders-value/versions/latest")] = capture(
        {"is_compatible": False, "messages": ["TYPE_CHANGED #/properties/a"]}
    )
    schema = Schema(SCHEMA, "JSON")
    client = client_for(fake)
    assert client.register_schema("team/orders-value", schema) == 7
    assert client.register_schema("team/orders-value", schema) == 7
    assert client.lookup_schema("team/orders-value", schema).version == 1
    verdict = client.test_compatibility("team/orders-value", schema)
    assert (verdict.is_compatible, verdict.messages) == (False, ("TYPE_CHANGED #/properties/a",))
    assert bodies == [{"schema": SCHEMA, "schemaType": "JSON"}] * 3
    assert fake.requests[0].url.raw_path == b"/subjects/team%2Forders-value/versions"
    assert fake.requests[-1].url.params["verbose"] == "true"
    assert len(fake.requests) == 3


def test_basic_auth_and_bearer_token(fake):
    client_for(fake, auth=("svc", "s3cret")).get_schema(7)
    client_for(fake, token="tok-1").get_schema(7)
    basic, bearer = (request.headers["authorization"] for request in fake.requests)
    assert basic == "Basic " + base64.b64encode(b"svc:s3cret").decode()
    assert bearer == "Bearer tok-1"
    with pytest.raises(ValueError, match="not both"):
        RegistryClient("http://registry.test", auth=("a", "b"), token="t")


def test_non_json_error_bodies_still_raise_typed_errors(fake):
    fake.routes[("GET", "/schemas/ids/9")] = lambda _: httpx.Response(403, text="forbidden by proxy")
    with pytest.raises(RegistryResponseError, match="forbidden by proxy") as raised:
        client_for(fake).get_schema(9)
    assert raised.value.status == 403


def test_publishing_and_consuming_make_no_registry_call_per_message(fake):
    client = client_for(fake)
    serializer, deserializer = EventSerializer(client), EventDeserializer(client)
    for _ in range(200):
        message = serializer.serialize(Envelope.new("OrderPlaced", ORDER_CREATED_DATA, source="orders"))
        deserializer.deserialize(message.value, message.headers)
    assert fake.paths() == ["/subjects/OrderPlaced/versions/latest"]


def test_async_client_shares_the_behaviour(fake, monkeypatch):
    now = [0.0]
    monkeypatch.setattr("client.registry_client.time.monotonic", lambda: now[0])
    fake.failures = [httpx.ConnectError("refused"), 503]
    fake.routes[("POST", "/subjects/OrderPlaced/versions")] = lambda _: fake.json({"id": 7})
    fake.routes[("POST", "/subjects/OrderPlaced")] = lambda _: fake.json(fake.version_body())
    fake.routes[("POST", "/compatibility/subjects/OrderPlaced/versions/1")] = lambda _: fake.json(
        {"is_compatible": True}
    )

    async def scenario() -> None:
        transport = httpx.MockTransport(fake.handle)
        async with AsyncRegistryClient("http://registry.test", transport=transport, retry=NO_WAIT) as client:
            assert (await client.get_schema(7)).schema_type == "JSON"
            assert (await client.get_latest_version("OrderPlaced")).version == 1
            assert (await client.get_version("OrderPlaced", 1)).schema_id == 7
            schema = Schema(SCHEMA, "JSON")
            assert await client.register_schema("OrderPlaced", schema) == 7
            assert (await client.lookup_schema("OrderPlaced", schema)).version == 1
            assert (await client.test_compatibility("OrderPlaced", schema, 1)).is_compatible
            fake.failures = [httpx.ConnectError("down")] * 100
            now[0] += 3600
            assert (await client.get_latest_version("OrderPlaced")).version == 1
            with pytest.raises(RegistryUnavailableError):
                await client.get_schema(8)
            assert not client.registry_available
            fake.failures = []
            asked = len(fake.requests)
            with pytest.raises(RegistryUnavailableError, match="next attempt in"):
                await client.get_version("OrderPlaced", 5)  # the circuit is open: nothing is sent
            assert len(fake.requests) == asked
            now[0] += 1  # the first backoff has passed: one call tries again
            with pytest.raises(SchemaNotFoundError):
                await client.get_version("OrderPlaced", 5)
            assert client.registry_available

    asyncio.run(scenario())
    assert fake.paths()[:3] == ["/schemas/ids/7"] * 3


@pytest.mark.parametrize(
    ("text", "credentials"),
    [
        ("", (None, None)),
        ("ci:secret:with:colons", (("ci", "secret:with:colons"), None)),
        ("Bearer abc.def", (None, "abc.def")),
        ("bearer   abc ", (None, "abc")),
    ],
)
def test_credentials_from_text(text: str, credentials: tuple[object, object]):
    assert credentials_from_text(text) == credentials


def test_credentials_without_a_colon_are_refused():
    with pytest.raises(ValueError, match="user:password or 'Bearer TOKEN'"):
        credentials_from_text("just-a-name")
