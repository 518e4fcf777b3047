"""Content negotiation: the three JSON media types Confluent's API speaks, in its order of preference."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from starlette.responses import JSONResponse

SCHEMA_REGISTRY_V1_JSON = "application/vnd.schemaregistry.v1+json"
SCHEMA_REGISTRY_JSON = "application/vnd.schemaregistry+json"
JSON = "application/json"
OCTET_STREAM = "application/octet-stream"

# Confluent's server-side weights: the versioned type first, plain JSON last.
PRODUCED = ((SCHEMA_REGISTRY_V1_JSON, 1.0), (SCHEMA_REGISTRY_JSON, 0.9), (JSON, 0.5))
CONSUMED = frozenset({SCHEMA_REGISTRY_V1_JSON, SCHEMA_REGISTRY_JSON, JSON, OCTET_STREAM})


class RegistryJSONResponse(JSONResponse):
    """JSON in Confluent's default media type; content that is already JSON bytes is sent as it is.

    It is a JSONResponse so that the OpenAPI document shows each route's response model.
    """

    media_type = SCHEMA_REGISTRY_V1_JSON

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else orjson.dumps(content)


@lru_cache(maxsize=512)
def negotiate(accept: str | None) -> str | None:
    """The media type to answer in for this Accept header, or None when none is acceptable."""
    if not accept:
        return SCHEMA_REGISTRY_V1_JSON
    ranges = [_media_range(part) for part in accept.split(",") if part.strip()]
    best: tuple[float, float, str] | None = None
    for media_type, server_weight in PRODUCED:
        client_weight = max((q for pattern, q in ranges if _matches(pattern, media_type)), default=0.0)
        if client_weight > 0 and (best is None or (client_weight, server_weight) > best[:2]):
            best = (client_weight, server_weight, media_type)
    return None if best is None else best[2]


def media_type_of(content_type: str) -> str:
    """The bare media type of a Content-Type header value (no parameters, lower case)."""
    return content_type.split(";", 1)[0].strip().lower()


def json_response(content: object, *, media_type: str, status_code: int = 200) -> RegistryJSONResponse:
    return RegistryJSONResponse(orjson.dumps(content), status_code=status_code, media_type=media_type)


def _media_range(part: str) -> tuple[str, float]:
    pattern, *parameters = (piece.strip() for piece in part.split(";"))
    quality = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return pattern.lower(), quality


def _matches(pattern: str, media_type: str) -> bool:
    if pattern in ("*/*", media_type):
        return True
    return pattern.endswith("/*") and media_type.startswith(pattern[:-1])
