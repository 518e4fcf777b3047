"""Whether the registry answers, as the client last saw it: a circuit breaker.

After a call finds the registry unreachable, the circuit opens: calls that need the registry fail at
once (cached answers are still served) until a backoff has passed, then one call may try again; a
success closes the circuit, a failure doubles the backoff (up to `max_delay`). Each change is logged
once and reported to `on_change`, so an outage of any length costs a publisher one slow call, not one
per message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from client.errors import RegistryUnavailableError

logger = logging.getLogger("accord.client")

StateListener = Callable[[bool, RegistryUnavailableError | None], None]


class RegistryAvailability:
    """The circuit of one client: closed while the registry answers, open after it did not."""

    def __init__(
        self,
        *,
        url: str,
        on_change: StateListener | None = None,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.url = url
        self.on_change = on_change
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._clock = clock
        self.available = True
        self.last_error: RegistryUnavailableError | None = None
        self._delay = first_delay
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def allows_attempt(self) -> bool:
        """Whether a call may go to the registry now (always while it answers; after the backoff
        while it does not)."""
        return self.available or self._now() >= self._retry_at

    def check(self) -> None:
        """Raise at once while the circuit is open and the backoff has not passed."""
        if not self.allows_attempt():
            assert self.last_error is not None
            seconds = max(self._retry_at - self._now(), 0.0)
            raise RegistryUnavailableError(
                f"schema registry at {self.url} unavailable; next attempt in {seconds:.1f} s "
                f"(last: {self.last_error.reason})",
                url=self.url,
                reason=self.last_error.reason,
                status=self.last_error.status,
            )

    def record_success(self) -> None:
        with self._lock:
            if self.available:
                return
            self.available, self.last_error, self._delay = True, None, self.first_delay
        logger.info("schema registry at %s answers again", self.url)
        self._tell(True, None)

    def record_failure(self, error: RegistryUnavailableError) -> None:
        with self._lock:
            became_unavailable = self.available
            self.available, self.last_error = False, error
            self._retry_at = self._now() + self._delay
            self._delay = min(self._delay * 2, self.max_delay)
        if became_unavailable:
            logger.warning(
                "schema registry at %s unavailable (%s): serving cached schemas, retrying with backoff",
                self.url,
                error.reason,
            )
            self._tell(False, error)

    def _now(self) -> float:
        return self._clock() if self._clock is not None else time.monotonic()

    def _tell(self, available: bool, error: RegistryUnavailableError | None) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change(available, error)
        except Exception:  # a listener's failure must not break publishing
            logger.exception("registry state listener failed")
