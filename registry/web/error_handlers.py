"""The one place errors become responses: `{"error_code": N, "message": "..."}` in a JSON media type.

Framework errors (unknown path, wrong method, a body or parameter of the wrong shape) and database
failures are first translated into the registry's own errors, then rendered like them.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from registry import errors
from registry.web.media import SCHEMA_REGISTRY_V1_JSON, json_response, negotiate

log = logging.getLogger("registry.errors")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.ApiError, _render_registry_error)
    app.add_exception_handler(RequestValidationError, _render_validation_error)
    app.add_exception_handler(HTTPException, _render_http_error)
    app.add_exception_handler(SQLAlchemyError, _render_database_error)
    app.add_exception_handler(Exception, _render_unexpected_error)


def render_error(request: Request, error: errors.ApiError) -> Response:
    media_type = negotiate(request.headers.get("accept")) or SCHEMA_REGISTRY_V1_JSON
    content = {"error_code": error.error_code, "message": error.message}
    response = json_response(content, media_type=media_type, status_code=error.http_status)
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _render_registry_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, errors.ApiError)
    return render_error(request, error)


async def _render_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = list(error.errors())
    malformed = next((problem for problem in problems if problem.get("type") == "json_invalid"), None)
    if malformed is not None:
        reason = malformed.get("ctx", {}).get("error", "invalid JSON")
        position = malformed["loc"][-1] if malformed.get("loc") else "?"
        return render_error(
            request,
            errors.MalformedRequestError(
                f"The request body is not valid JSON: {reason} at position {position}"
            ),
        )
    if problems and all(problem.get("loc", ("",))[0] == "path" for problem in problems):
        return render_error(request, errors.RouteNotFoundError())
    return render_error(
        request, errors.UnprocessableError("; ".join(_describe(problem) for problem in problems))
    )


async def _render_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    translated: errors.ApiError
    if error.status_code == 404:
        translated = errors.RouteNotFoundError()
    elif error.status_code == 405:
        translated = errors.MethodNotAllowedError()
    else:
        translated = errors.HttpError(error.status_code, str(error.detail))
    return render_error(request, translated)


async def _render_database_error(request: Request, error: Exception) -> Response:
    if isinstance(error, PoolTimeoutError) or (isinstance(error, DBAPIError) and _is_timeout(error)):
        log.warning("database timeout", exc_info=error)
        return render_error(request, errors.OperationTimeoutError("The database did not answer in time"))
    log.error("database failure", exc_info=error)
    return render_error(request, errors.StoreError("Error in the backend data store"))


async def _render_unexpected_error(request: Request, error: Exception) -> Response:
    log.error("unexpected failure", exc_info=error)
    return render_error(request, errors.ServerError("Internal Server Error"))


def _is_timeout(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    return "database is locked" in text or "lock timeout" in text or "canceling statement" in text


def _describe(problem: dict[str, Any]) -> str:
    location = problem.get("loc", ())
    where = {"body": "body field", "query": "query parameter", "header": "header"}.get(
        str(location[0]) if location else "", "field"
    )
    name = ".".join(str(part) for part in location[1:]) or "(whole body)"
    return f"{where} '{name}': {problem.get('msg', 'is invalid')}"
