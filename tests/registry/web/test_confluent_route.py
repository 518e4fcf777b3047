"""ConfluentRoute: a NegotiatedRoute whose responses leave out the fields that are None."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from registry.web.media import SCHEMA_REGISTRY_JSON, RegistryJSONResponse
from registry.web.payload import Payload
from registry.web.routing import ConfluentRoute


class Entity(Payload):
    schema_type: str | None = None
    text: str
    deleted: bool | None = None


def test_none_fields_are_left_out_and_names_are_confluent_s() -> None:
    app = FastAPI(default_response_class=RegistryJSONResponse)
    router = APIRouter(route_class=ConfluentRoute)

    @router.get("/entities", response_model=list[Entity])
    async def entities() -> list[Entity]:
        return [Entity(text="a"), Entity(schema_type="JSON", text="b", deleted=True)]

    app.include_router(router)
    response = TestClient(app).get("/entities", headers={"Accept": SCHEMA_REGISTRY_JSON})

    assert response.content == b'[{"text":"a"},{"schemaType":"JSON","text":"b","deleted":true}]'
    assert response.headers["content-type"] == SCHEMA_REGISTRY_JSON
