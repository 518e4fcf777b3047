"""NegotiatedRoute: media type negotiated once, before the endpoint runs; response models enforced."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from registry import errors
from registry.web import routing
from registry.web.error_handlers import install_error_handlers
from registry.web.media import (
    JSON,
    SCHEMA_REGISTRY_JSON,
    SCHEMA_REGISTRY_V1_JSON,
    RegistryJSONResponse,
    negotiate,
)
from registry.web.routing import NegotiatedRoute


class Answer(BaseModel):
    id: int


def make_app(calls: list[str], order: list[str]) -> FastAPI:
    async def first(request_name: str = "caller") -> None:
        order.append("app dependency")

    app = FastAPI(default_response_class=RegistryJSONResponse, dependencies=[Depends(first)])
    install_error_handlers(app)
    router = APIRouter(route_class=NegotiatedRoute)

    async def own_dependency() -> None:
        order.append("route dependency")

    @router.post("/answers", response_model=Answer)
    def create(_: None = Depends(own_dependency)) -> dict[str, object]:
        calls.append("create")
        return {"id": 7, "secret": "not in the model"}

    @router.get("/broken", response_model=Answer)
    def broken() -> dict[str, object]:
        return {"id": "not a number"}

    @router.get("/texts", response_model=None)
    def text() -> RegistryJSONResponse:
        return RegistryJSONResponse(b'"as is"', media_type=SCHEMA_REGISTRY_V1_JSON)

    app.include_router(router)
    return app


def test_the_body_is_labelled_with_the_negotiated_media_type():
    client = TestClient(make_app([], []))

    for accept, expected in [
        (None, SCHEMA_REGISTRY_V1_JSON),
        ("application/json", JSON),
        ("application/vnd.schemaregistry+json", SCHEMA_REGISTRY_JSON),
        ("application/json; q=0.9, application/vnd.schemaregistry.v1+json", SCHEMA_REGISTRY_V1_JSON),
    ]:
        headers = {} if accept is None else {"Accept": accept}
        response = client.post("/answers", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == expected


def test_an_unacceptable_accept_is_refused_before_the_endpoint_runs():
    calls: list[str] = []
    client = TestClient(make_app(calls, []))

    response = client.post("/answers", headers={"Accept": "text/html"})

    assert response.status_code == 406
    assert response.json() == {"error_code": 406, "message": "HTTP 406 Not Acceptable"}
    assert calls == []


def test_negotiation_runs_once_before_any_dependency(monkeypatch):
    order: list[str] = []
    client = TestClient(make_app([], order))

    def counted(accept: str | None) -> str | None:
        order.append("negotiation")
        return negotiate(accept)

    monkeypatch.setattr(routing, "negotiate", counted)
    client.post("/answers")
    refused = client.post("/answers", headers={"Accept": "text/html"})

    assert order == ["negotiation", "app dependency", "route dependency", "negotiation"]
    assert refused.status_code == 406


def test_what_a_route_returns_is_checked_and_shaped_by_its_response_model():
    client = TestClient(make_app([], []), raise_server_exceptions=False)

    assert client.post("/answers").json() == {"id": 7}
    broken = client.get("/broken")
    assert broken.status_code == 500
    assert broken.json() == {"error_code": 500, "message": "Internal Server Error"}


def test_a_json_response_the_route_built_itself_keeps_its_body_and_gets_the_negotiated_type():
    client = TestClient(make_app([], []))

    response = client.get("/texts", headers={"Accept": "application/json"})

    assert response.content == b'"as is"'
    assert response.headers["content-type"] == JSON


def test_registry_json_response_renders_data_and_passes_bytes_through():
    assert RegistryJSONResponse({"a": 1}).body == b'{"a":1}'
    assert RegistryJSONResponse(b"[1]").body == b"[1]"
    assert isinstance(errors.NotAcceptableError("x"), errors.ApiError)
