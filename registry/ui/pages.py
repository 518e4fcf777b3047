"""The web UI's pages under /ui: server-rendered HTML over the `Catalog`.

Handlers parse the query, ask the catalog, and render a template. Errors are pages too: a missing
subject or a bad parameter answers with an HTML page carrying the registry's message and status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode

from anyio import CapacityLimiter
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from registry import errors
from registry.auth.access import AccessDep
from registry.compatibility import CompatibilityLevel, SchemaType
from registry.schemas import SubjectFilter, SubjectQuery
from registry.settings import parse_compatibility_level
from registry.ui.catalog import Catalog
from registry.web.dependencies import SchemaLookupDep, SchemaViewsDep, SessionDep, SettingsServiceDep
from registry.web.paths import RawSegmentRoute

log = logging.getLogger(__name__)
PAGE_SIZE = 50
STATES = {
    "live": SubjectFilter.LIVE,
    "deleted": SubjectFilter.DELETED_ONLY,
    "all": SubjectFilter.WITH_DELETED,
}
SECURITY_HEADERS = {
    # Pages load only their own stylesheet and script: no inline code, no other origin.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    templates: Jinja2Templates = request.app.state.ui_templates
    base = request.scope.get("root_path", "") + "/ui"
    return templates.TemplateResponse(
        request, template, {"base": base, **context}, status_code=status_code, headers=SECURITY_HEADERS
    )


def render_error(request: Request, *, status_code: int, message: str) -> Response:
    return render(
        request, "error.html", status_code=status_code, message=message, title=f"Error {status_code}"
    )


class PageRoute(RawSegmentRoute):
    """A route whose refusals are rendered as an HTML error page instead of Confluent's JSON body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                async with _page_slots(request):
                    return await handler(request)
            except errors.ApiError as error:
                if error.http_status >= 500:
                    log.error("page failed", exc_info=error)
                page = render_error(request, status_code=error.http_status, message=error.message)
                page.headers.update(error.headers or {})  # a browser asks for a password on 401
                return page
            except SQLAlchemyError as error:
                log.warning("page not shown: the database does not answer (%s)", type(error).__name__)
                return render_error(
                    request,
                    status_code=503,
                    message="The database does not answer; try again soon",
                )
            except RequestValidationError as error:
                problems = "; ".join(
                    f"{problem['loc'][-1]}: {problem['msg']}"
                    for problem in error.errors()
                    if problem.get("loc")
                )
                return render_error(request, status_code=422, message=f"Invalid request ({problems})")

        return handle


def _page_slots(request: Request) -> CapacityLimiter:
    """Pages render a few at a time (ACCORD_UI_PAGES_AT_ONCE), so that however many are asked for at
    once, the API's requests keep the threads and the CPU they need."""
    state = request.app.state
    if getattr(state, "ui_page_slots", None) is None:  # created on first use: it belongs to the loop
        state.ui_page_slots = CapacityLimiter(state.settings.ui_pages_at_once)
    slots: CapacityLimiter = state.ui_page_slots
    return slots


def get_catalog(
    session: SessionDep,
    views: SchemaViewsDep,
    lookup: SchemaLookupDep,
    settings: SettingsServiceDep,
    access: AccessDep,
) -> Catalog:
    return Catalog(views=views, lookup=lookup, settings=settings, session=session, access=access)


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
router = APIRouter(prefix="/ui", route_class=PageRoute, include_in_schema=False)


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse(str(request.url_for("subjects_page")), status_code=303)


@router.get("/subjects", name="subjects_page")
def subjects_page(
    request: Request,
    catalog: CatalogDep,
    prefix: Annotated[str, Query(max_length=1000)] = "",
    schema_type: Annotated[str, Query(alias="type")] = "",
    compatibility: str = "",
    state: str = "live",
    after: str | None = None,
    before: str | None = None,
) -> Response:
    query = SubjectQuery(
        prefix=prefix,
        schema_type=_schema_type(schema_type),
        level=parse_compatibility_level(compatibility) if compatibility else None,
        subject_filter=_state(state),
        after=after,
        before=before,
        limit=PAGE_SIZE,
    )
    page = catalog.list_subjects(query)
    filters = {"prefix": prefix, "type": schema_type, "compatibility": compatibility.upper(), "state": state}
    active = {name: value for name, value in filters.items() if value and (name, value) != ("state", "live")}
    return render(
        request,
        "subjects.html",
        title="Subjects",
        page=page,
        filters=filters,
        schema_types=[schema_type.value for schema_type in SchemaType],
        levels=[level.value for level in CompatibilityLevel],
        states=list(STATES),
        previous_query=urlencode({**active, "before": page.subjects[0].subject}) if page.subjects else "",
        next_query=urlencode({**active, "after": page.subjects[-1].subject}) if page.subjects else "",
    )


@router.get("/subjects/{subject:path}/versions/{version}", name="version_page")
def version_page(request: Request, catalog: CatalogDep, subject: str, version: str) -> Response:
    page = catalog.get_version_page(subject, version)
    return render(request, "version.html", title=f"{subject} v{page.selected.version}", page=page)


@router.get("/subjects/{subject:path}/diff", name="diff_page")
def diff_page(
    request: Request, catalog: CatalogDep, subject: str, old: str | None = None, new: str | None = None
) -> Response:
    page = catalog.get_diff_page(subject, old or None, new or None)
    comparison = page.comparison
    title = f"{subject}: v{comparison.old.version} → v{comparison.new.version}"
    return render(request, "diff.html", title=title, page=page)


@router.get("/subjects/{subject:path}", name="subject_page")
def subject_page(request: Request, catalog: CatalogDep, subject: str) -> Response:
    page = catalog.get_version_page(subject, None)
    return render(request, "version.html", title=subject, page=page)


@router.get("/schemas", name="schema_jump")
def schema_jump(request: Request, schema_id: Annotated[int, Query(alias="id", ge=0)]) -> Response:
    """The header's "schema id" form: on to the schema's own address."""
    return RedirectResponse(str(request.url_for("schema_page", schema_id=schema_id)), status_code=303)


@router.get("/schemas/{schema_id}", name="schema_page")
def schema_page(
    request: Request, catalog: CatalogDep, schema_id: Annotated[int, Path(ge=0, le=2**31 - 1)]
) -> Response:
    page = catalog.get_schema_page(schema_id)
    return render(request, "schema.html", title=f"Schema {schema_id}", page=page)


@router.get("/{unknown:path}")
def unknown_page(request: Request, unknown: str) -> Response:
    return render_error(request, status_code=404, message=f"There is no page at /ui/{unknown}.")


def _schema_type(value: str) -> SchemaType | None:
    if not value:
        return None
    try:
        return SchemaType(value.upper())
    except ValueError:
        known = ", ".join(schema_type.value for schema_type in SchemaType)
        raise errors.UnprocessableError(f"Unknown schema type '{value}'; choose one of {known}") from None


def _state(value: str) -> SubjectFilter:
    try:
        return STATES[value]
    except KeyError:
        raise errors.UnprocessableError(
            f"Unknown state '{value}'; choose one of {', '.join(STATES)}"
        ) from None
