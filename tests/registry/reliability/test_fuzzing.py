"""Fuzzing every endpoint: schemathesis (each operation, then stateful sequences over the links it infers)
and hypothesis-made malformed paths, bodies and headers, with authentication off and on. Whatever
arrives, the answer is never a 5xx."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.types import Receive, Scope, Send

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import ORDER
from tests.support.credentials import CredentialsBuilder, basic, secured_client
from tests.support.databases import copy_sqlite

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
CREDENTIALS = CredentialsBuilder().user("root", "root-password", ("admin", ["*"]))


class SwitchableApp:
    """The registry under test, replaceable by a fresh one: each stateful sequence starts from the same
    state, so that hypothesis, which replays sequences, sees the same answers to the same steps."""

    def __init__(self, new_app: Callable[[], FastAPI]) -> None:
        self._new_app = new_app
        self.current = new_app()

    def renew(self) -> None:
        self.current = self._new_app()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.current(scope, receive, send)


@pytest.fixture(scope="module")
def app(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> SwitchableApp:
    def new_app() -> FastAPI:
        application = create_app(
            Settings(database_url=copy_sqlite(sqlite_template, tmp_path_factory.mktemp("fuzz")))
        )
        with TestClient(application) as client:  # something to find: subjects, versions, a schema id
            for subject in ("orders", "payments"):
                assert client.post(f"/subjects/{subject}/versions", json={"schema": ORDER}).status_code == 200
        return application

    return SwitchableApp(new_app)


@pytest.fixture(scope="module")
def api_schema(app: SwitchableApp) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_operation_answers_a_server_error(api_schema: schemathesis.schemas.BaseSchema) -> None:
    operations = list(api_schema.get_all_operations())
    assert len(operations) > 40

    @settings(FUZZ, max_examples=8 * len(operations))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(api_schema.as_strategy())
        response = case.call()
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    run()


def test_no_sequence_of_operations_answers_a_server_error(
    api_schema: schemathesis.schemas.BaseSchema, app: SwitchableApp
) -> None:
    class Sequences(api_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            app.renew()

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    Sequences.run(settings=settings(FUZZ, max_examples=15, stateful_step_count=6))


@pytest.fixture(scope="module")
def secured(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = copy_sqlite(sqlite_template, tmp_path_factory.mktemp("fuzz-secured"))
    with secured_client(database, CREDENTIALS) as client:
        assert (
            client.post("/subjects/orders/versions", json={"schema": ORDER}, headers=ROOT).status_code == 200
        )
        yield client


ROOT = basic("root", "root-password")
SEGMENTS = st.one_of(
    st.sampled_from(
        [
            "subjects",
            "orders",
            "versions",
            "latest",
            "-1",
            "0",
            "2147483648",
            "schemas",
            "ids",
            "1",
            "config",
            "mode",
            "compatibility",
            "contracts",
            "audit",
            "ui",
            "..",
            "%2F",
            "%00",
            "%ZZ",
        ]
    ),
    st.text(alphabet=string.printable + "é€\u202e", max_size=40),
)
# A path must not start with "//", which a client would read as a network-path reference.
PATHS = (
    st.lists(SEGMENTS.map(lambda part: quote(part, safe="%")), min_size=1, max_size=6)
    .map(lambda parts: "/" + "/".join(parts))
    .filter(lambda path: not path.startswith("//"))
)
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
BODIES = st.one_of(
    st.binary(max_size=300),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"schema": st.one_of(st.text(max_size=60), JSON_VALUES.map(str))},
        optional={
            "schemaType": st.text(max_size=10),
            "references": JSON_VALUES,
            "id": JSON_VALUES,
            "version": JSON_VALUES,
            "compatibility": JSON_VALUES,
            "mode": JSON_VALUES,
        },
    ).map(lambda value: json.dumps(value).encode()),
)
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.one_of(
            HEADER_TEXT,
            st.sampled_from(
                ["application/json", "application/octet-stream", "application/vnd.schemaregistry.v1+json"]
            ),
        ),
        "Accept": HEADER_TEXT,
        "Authorization": st.one_of(
            HEADER_TEXT,
            st.just(ROOT["Authorization"]),
            HEADER_TEXT.map(lambda text: f"Basic {text}"),
            HEADER_TEXT.map(lambda text: f"Bearer accord.{text}"),
        ),
        "X-Request-Id": HEADER_TEXT,
    },
)


@settings(FUZZ, max_examples=100)
@given(method=METHODS, path=PATHS, body=BODIES, headers=HEADERS)
def test_malformed_requests_never_get_a_server_error(
    secured: TestClient, method: str, path: str, body: bytes, headers: dict[str, str]
) -> None:
    response = secured.request(
        method, path, content=body if method in ("POST", "PUT", "PATCH") else None, headers=headers
    )
    assert response.status_code < 500, f"{method} {path} {headers}: {response.text}"
    assert "Traceback" not in response.text


@FUZZ
@given(subject=st.text(max_size=50), body=BODIES, headers=HEADERS)
def test_malformed_bodies_on_every_body_route_never_get_a_server_error(
    secured: TestClient, subject: str, body: bytes, headers: dict[str, str]
) -> None:
    name = quote(subject, safe="") or "x"
    for method, path in (
        ("POST", f"/subjects/{name}/versions"),
        ("POST", f"/subjects/{name}"),
        ("POST", f"/compatibility/subjects/{name}/versions/latest"),
        ("PUT", f"/config/{name}"),
        ("PUT", f"/mode/{name}"),
        ("PUT", f"/contracts/consumers/{name}/versions/1/expectations"),
        ("POST", "/contracts/deployments"),
    ):
        response = secured.request(method, path, content=body, headers={**ROOT, **headers})
        assert response.status_code < 500, f"{method} {path}: {response.text}"
