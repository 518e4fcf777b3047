"""GET /catalog/asyncapi: the registry's events as an AsyncAPI 3.0 document, in JSON or YAML.

JSON or YAML by `format`, else by the Accept header (JSON when it allows both equally, or says nothing).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import orjson
import yaml
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from registry import errors
from registry.auth.access import AccessDep
from registry.catalog.asyncapi import build_document
from registry.catalog.service import CatalogReader, CatalogScope
from registry.web.dependencies import OutputFormatsDep, SchemaLookupDep, SessionDep
from registry.web.documentation import error_responses

# Not a NegotiatedRoute, which negotiates Confluent's JSON types only: the document is JSON or YAML,
# negotiated here (document_format), and the route answers its own Response.
router = APIRouter(tags=["Catalog"])

JSON_TYPE = "application/json"
YAML_TYPE = "application/yaml"
YAML_TYPES = frozenset({YAML_TYPE, "application/x-yaml", "text/yaml", "text/x-yaml"})
TITLE = "Accord event catalog"


class DocumentFormat(StrEnum):
    JSON = "json"
    YAML = "yaml"


class SchemaPlacement(StrEnum):
    INLINE = "inline"
    REFERENCE = "reference"


Name = Annotated[str | None, Query(min_length=1, max_length=1000)]


@router.get(
    "/catalog/asyncapi",
    responses={
        **error_responses(404),
        200: {
            "description": "An AsyncAPI 3.0 document",
            "content": {JSON_TYPE: {}, YAML_TYPE: {}},
        },
    },
    summary="The event types the caller may read, their producers and consumers, as AsyncAPI 3.0",
)
def get_asyncapi(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    lookup: SchemaLookupDep,
    output_formats: OutputFormatsDep,
    application: Annotated[
        Name, Query(description="one application's document: what it sends and receives")
    ] = None,
    env: Annotated[
        Name, Query(description="only the application versions deployed or released there")
    ] = None,
    format: Annotated[DocumentFormat | None, Query(description="json or yaml (default: by Accept)")] = None,
    schemas: Annotated[
        SchemaPlacement, Query(description="inline, or reference: Avro and JSON Schema payloads by URL")
    ] = SchemaPlacement.INLINE,
) -> Response:
    chosen = format or document_format(request.headers.get("accept"))
    reader = CatalogReader(lookup=lookup, output_formats=output_formats)
    content = reader.read(
        session=session,
        access=access,
        scope=CatalogScope(application=application, environment=env),
        title=f"{TITLE}: {application}" if application else TITLE,
        registry_url=str(request.base_url).rstrip("/"),
    )
    document = build_document(content, by_reference=schemas is SchemaPlacement.REFERENCE)
    if chosen is DocumentFormat.YAML:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        return Response(text, media_type=YAML_TYPE)
    return Response(orjson.dumps(document), media_type=JSON_TYPE)


def document_format(accept: str | None) -> DocumentFormat:
    """YAML when the Accept header prefers a YAML type to JSON; JSON otherwise (406 if neither)."""
    if not accept:
        return DocumentFormat.JSON
    json_weight = yaml_weight = 0.0
    for part in accept.split(","):
        media_type, _, parameters = part.strip().partition(";")
        media_type = media_type.strip().lower()
        weight = _quality(parameters)
        if media_type in ("*/*", "application/*", JSON_TYPE):
            json_weight = max(json_weight, weight)
        if media_type in YAML_TYPES or media_type in ("*/*", "application/*", "text/*"):
            yaml_weight = max(yaml_weight, weight if media_type in YAML_TYPES else weight / 2)
    if json_weight == 0 and yaml_weight == 0:
        raise errors.NotAcceptableError(
            f"HTTP 406 Not Acceptable: the document is {JSON_TYPE} or {YAML_TYPE}"
        )
    return DocumentFormat.YAML if yaml_weight > json_weight else DocumentFormat.JSON


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
