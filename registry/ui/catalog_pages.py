"""The catalog pages under /ui/catalog: every event type with a search, and a page per event type.

Included before the subject pages' router, whose catch-all page for unknown /ui paths would hide them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from registry.auth.access import AccessDep
from registry.catalog import CatalogReader, CatalogScope
from registry.catalog.views import event_type_detail, list_event_types
from registry.ui.catalog import SHOWN_ROWS, SchemaText
from registry.ui.pages import PageRoute, render
from registry.web.dependencies import OutputFormatsDep, SchemaLookupDep, SessionDep

router = APIRouter(prefix="/ui/catalog", route_class=PageRoute, include_in_schema=False)


@router.get("", name="catalog_page")
def catalog_page(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    lookup: SchemaLookupDep,
    output_formats: OutputFormatsDep,
    search: Annotated[str, Query(alias="q", max_length=1000)] = "",
) -> Response:
    reader = CatalogReader(lookup=lookup, output_formats=output_formats)
    content = reader.read(
        session=session, access=access, scope=CatalogScope(), title="Event catalog", registry_url=""
    )
    rows = list_event_types(content, search=search)
    return render(
        request,
        "catalog.html",
        title="Event catalog",
        section="catalog",
        rows=rows[:SHOWN_ROWS],
        total=len(rows),
        search=search.strip(),
    )


@router.get("/event-types/{event_type:path}", name="catalog_event_page")
def catalog_event_page(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    lookup: SchemaLookupDep,
    output_formats: OutputFormatsDep,
    event_type: str,
) -> Response:
    reader = CatalogReader(lookup=lookup, output_formats=output_formats)
    content = reader.read_event(session=session, access=access, subject=event_type)
    detail = event_type_detail(content, content.events[0])
    event = detail.event
    return render(
        request,
        "catalog_event.html",
        title=event_type,
        section="catalog",
        page=detail,
        schema=SchemaText.of_text(event.text, event.schema_type, schema_id=event.schema_id),
    )
