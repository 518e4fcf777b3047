"""Request rate limiting per client address: a token bucket each, refilled at `rate` requests per
second up to `burst`. Off unless ACCORD_RATE_LIMIT is set. Counted per process: with --workers N the
registry as a whole admits up to N times the rate."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Admits a request from an address while its bucket holds a token."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_tracked: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.max_tracked = max_tracked
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def retry_after(self, address: str) -> int | None:
        """Take a token for a request from `address`: None if admitted, else whole seconds to wait.

        Runs on the event loop only, so the buckets need no lock."""
        now = self.clock()
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = self._buckets[address] = _Bucket(float(self.burst), now)
            if len(self._buckets) > self.max_tracked:
                self._buckets.popitem(last=False)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets.move_to_end(address)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return max(math.ceil((1 - bucket.tokens) / self.rate), 1)
