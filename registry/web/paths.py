"""Path segments that hold an encoded `/`: subject names such as `acme/common/address.proto`, which
Confluent's Protobuf serializers register for imports, arrive as `acme%2Fcommon%2Faddress.proto`.

The server decodes the path before routing, so such a name would look like several segments and match
no route. `EncodedSlashes` gives the router the path with `/` and `%` inside a segment escaped again
(`%2F`, `%25`), taken from the raw path, so the name stays one segment; `RawSegmentRoute` decodes the
path parameters it matched, so routes and their authorization see the subject's real name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from fastapi.routing import APIRoute
from starlette.routing import Match

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

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


class EncodedSlashes:
    """ASGI middleware: routes on the path with its encoded slashes kept (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_path = scope.get("raw_path")
        if scope["type"] == "http" and raw_path and b"%" in raw_path:
            path = routing_path(raw_path)
            if path != scope["path"]:
                scope["path"] = path
                scope[_ESCAPED] = True
        await self.app(scope, receive, send)


class RawSegmentRoute(APIRoute):
    """A route whose path parameters are the client's values when `EncodedSlashes` escaped the path."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE and scope.get(_ESCAPED):
            parameters: dict[str, Any] = child_scope["path_params"]
            child_scope["path_params"] = {
                name: unescape(value) if isinstance(value, str) else value
                for name, value in parameters.items()
            }
        return match, child_scope
