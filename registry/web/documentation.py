"""How routes describe their error responses in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorMessage(BaseModel):
    """Every error response."""

    error_code: int
    message: str


_DESCRIPTIONS = {
    400: "Malformed JSON body, or a NUL character in the path, query or body (error code 400)",
    404: "Not found (error codes 40401-40410, or 404 for an unknown path)",
    406: "No acceptable media type (error code 406)",
    409: "Incompatible schema (error code 409), or it breaks a consumer's published expectation (40910)",
    413: "Request body too large (error code 413)",
    415: "Unsupported media type (error code 415)",
    429: "Over the rate limit, or too many failed logins: see Retry-After (error code 429)",
    422: "Invalid input (error codes 422, 42201-42208 and 42210)",
    500: "Server-side failure (error codes 500, 50001, 50002)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for these error statuses, plus the ones every route may answer."""
    every_route = (400, 406, 422, 429, 500)
    return {
        status: {"model": ErrorMessage, "description": _DESCRIPTIONS[status]}
        for status in sorted({*statuses, *every_route})
    }


BODY_ERRORS = (400, 413, 415)
