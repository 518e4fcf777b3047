"""Failed logins, throttled per client address and per user name (or API key id).

Checking a secret costs one scrypt on purpose, so wrong passwords are the cheapest way to load the
registry. After `allowed_failures` failures within `window_seconds`, further attempts from that
address, or for that name, are refused with 429 and Retry-After until the window ends, without a
secret being checked. A credential verified before is answered from the credential cache and never
meets the throttle, so clients that already logged in keep their speed.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Failures:
    count: int
    window_ends: float


class LoginThrottle:
    """Counts failed logins per key ("address:..." or "name:...") in fixed windows; bounded in memory."""

    def __init__(
        self,
        *,
        allowed_failures: int,
        window_seconds: float,
        max_tracked: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allowed_failures = allowed_failures
        self.window_seconds = window_seconds
        self.max_tracked = max_tracked
        self.clock = clock
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, *, address: str | None, name: str | None) -> int | None:
        """Whole seconds until an attempt from `address` for `name` is allowed again; None: now."""
        now = self.clock()
        waits = [
            entry.window_ends - now
            for key in _keys(address, name)
            if (entry := self._failures.get(key)) is not None
            and entry.count >= self.allowed_failures
            and entry.window_ends > now
        ]
        return math.ceil(max(waits)) if waits else None

    def record_failure(self, *, address: str | None, name: str | None) -> None:
        now = self.clock()
        with self._lock:
            for key in _keys(address, name):
                entry = self._failures.get(key)
                if entry is None or entry.window_ends <= now:
                    entry = _Failures(0, now + self.window_seconds)
                entry.count += 1
                self._failures[key] = entry
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_tracked:
                self._failures.popitem(last=False)


def _keys(address: str | None, name: str | None) -> list[str]:
    return [key for key in (address and f"address:{address}", name and f"name:{name}") if key]
