"""One database read for many concurrent requests of the same thing: a cold process asked for one schema
id by many clients at once (a consumer group restarting) reads it once, and every request shares it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request

Result = TypeVar("Result")


class Coalescer:
    """Concurrent calls with one key share the first call's answer (or its error). The call runs as its
    own task, so a first caller that goes away does not cancel it for the others."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[Any]] = {}

    async def run(self, key: Hashable, call: Callable[[], Awaitable[Result]]) -> Result:
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(call())
            self._running[key] = running
            running.add_done_callback(lambda _done: self._running.pop(key, None))
        result: Result = await asyncio.shield(running)
        return result


def coalescer_of(request: Request) -> Coalescer:
    # Created on first use: its futures belong to the running event loop.
    state = request.app.state
    if getattr(state, "coalescer", None) is None:
        state.coalescer = Coalescer()
    coalescer: Coalescer = state.coalescer
    return coalescer
