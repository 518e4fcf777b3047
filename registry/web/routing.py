"""NegotiatedRoute: every API route answers in the media type its request negotiated.

A route negotiates once, before its dependencies run (authentication and the body included), so an
Accept header that allows none of Confluent's JSON types is refused with 406 before anything happens.
The route returns data (a model, a dict, a list); FastAPI validates it against the route's
`response_model` and serializes it, so the documented shape is the enforced one; this route then labels
every JSON body with the negotiated media type (a body in another media type, such as Prometheus text,
keeps its own).

A route written as a plain function runs in a worker thread, but everything after it (validating and
serializing what it returned, then committing its transaction) runs on the event loop. FastAPI would
validate a plain function's answer in another worker thread: a writer that holds a subject's lock would
then wait for a free thread while every thread waits for that lock, until the lock times out.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from registry import errors
from registry.web.media import PRODUCED, negotiate
from registry.web.paths import RawSegmentRoute

_MEDIA_TYPE = "accord.media_type"  # where the negotiated media type waits in the request scope
_ENCODED = {media_type: media_type.encode("latin-1") for media_type, _ in PRODUCED}
_JSON_TYPES = frozenset(_ENCODED.values())


def negotiated_media_type(request: Request) -> str:
    """The media type negotiated for this request (routes that build their own Response use it)."""
    media_type: str = request.scope[_MEDIA_TYPE]
    return media_type


class NegotiatedRoute(RawSegmentRoute):
    """An API route whose responses carry the media type negotiated from the request's Accept header.

    Negotiation happens in the route's handler, before any dependency runs: it costs one cached
    lookup, where a FastAPI dependency would cost its resolution on every request.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, _awaitable(endpoint), **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_negotiated(request: Request) -> Response:
            media_type = negotiate(request.headers.get("accept"))
            if media_type is None:
                raise errors.NotAcceptableError("HTTP 406 Not Acceptable")
            request.scope[_MEDIA_TYPE] = media_type
            response = await handle(request)
            _label(response, _ENCODED[media_type])
            return response

        return handle_negotiated


class ConfluentRoute(NegotiatedRoute):
    """A route of Confluent's API: like Confluent's entities, its responses leave out the fields that
    are None (`schemaType` of an Avro schema, `messages` of a check that was not verbose, ...)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, endpoint, **{**options, "response_model_exclude_none": True})


def _label(response: Response, media_type: bytes) -> None:
    """Give a JSON response the negotiated media type. The raw headers are edited in place: a
    `response.headers` view would be built for each access, and its assignment scans every header."""
    raw_headers = response.raw_headers
    for index, (name, value) in enumerate(raw_headers):
        if name == b"content-type":
            if value in _JSON_TYPES and value != media_type:
                raw_headers[index] = (name, media_type)
            return


def _awaitable(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint` as a coroutine function: a plain function runs in a worker thread and nothing else
    does (FastAPI reads the parameters of the function it wraps)."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def in_worker_thread(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return in_worker_thread
