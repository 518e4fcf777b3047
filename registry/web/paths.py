"""Path segments that hold an encoded `/`: subject names such as `acme/common/address.proto`, which
Confluent's Protobuf serializers register for imports, arrive as `acme%2Fcommon%2Faddress.proto`.

The server decodes the path before routing, so such a name would look like several segments and match
no route. `keep_encoded_slashes` gives the router the path with `/` and `%` inside a segment escaped again
(`%2F`, `%25`), taken from the raw path, so the name stays one segment; `RawSegmentRoute` decodes the
path parameters it matched, so routes and their authorization see the subject's real name.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from fastapi.routing import APIRoute

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import Scope

_ESCAPED = "accord.escaped_path"  # set in the scope when the routed path has escapes to undo


def routing_path(raw_path: bytes) -> str:
    """The path with each segment decoded and its `%` and `/` escaped again: the router's segments are
    the request's."""
    return "/".join(
        unquote(segment.decode("latin-1")).replace("%", "%25").replace("/", "%2F")
        for segment in raw_path.split(b"/")
    )


def unescape(value: str) -> str:
    """A path parameter matched in a path that `routing_path` escaped, as the client meant it."""
    return value.replace("%2F", "/").replace("%25", "%")


def keep_encoded_slashes(scope: Scope) -> None:
    """Route `scope` on its path with its encoded slashes kept (see the module docstring); called by
    the request guard once it has checked the decoded path."""
    raw_path = scope.get("raw_path")
    if raw_path and b"%" in raw_path:
        path = routing_path(raw_path)
        if path != scope["path"]:
            scope["path"] = path
            scope[_ESCAPED] = True


class RawSegmentRoute(APIRoute):
    """A route whose path parameters are the client's values when `keep_encoded_slashes` escaped the path.

    They are decoded in the handler of the route that matched, before its dependencies run: the
    router tries a request against most routes, and those that do not match pay nothing for it.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_unescaped(request: Request) -> Response:
            scope = request.scope
            if _ESCAPED in scope:
                scope["path_params"] = {
                    name: unescape(value) if isinstance(value, str) else value
                    for name, value in scope["path_params"].items()
                }
            return await handle(request)

        return handle_unescaped
