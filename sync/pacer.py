"""Client-side pacing that keeps the companion under the forum's shared admin API budget.

Discourse lets all admin API keys together make ``max_admin_api_reqs_per_minute``
requests (60 by default) in any minute. The pacer is a token bucket refilled at
``headroom`` x budget per minute whose burst is small enough that burst plus one
minute of refill never exceeds the budget, so even a fixed or sliding one-minute
window on the forum never sees more than the budget. The rest is left for
other admin tools sharing the key bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class Pacer:
    """A thread-safe token bucket with an injectable clock that also counts requests and 429s."""

    def __init__(
        self,
        requests_per_minute: int = 60,
        *,
        headroom: float = 0.8,
        burst: int | None = None,
        period_seconds: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if requests_per_minute < 0:
            raise ValueError("requests_per_minute must be >= 0 (0 means unlimited)")
        if not 0 < headroom <= 1:
            raise ValueError("headroom must be in (0, 1]")
        self.budget = requests_per_minute
        self.headroom = headroom
        self.period_seconds = period_seconds
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        paced = requests_per_minute * headroom
        self.paced_per_period = paced
        self._rate = paced / period_seconds if requests_per_minute else 0.0
        # Burst + one period of refill must stay within the budget.
        spare = int(requests_per_minute - paced)
        self.burst = max(1, min(burst if burst is not None else 5, spare)) if requests_per_minute else 0
        self._tokens = float(self.burst)
        self._updated = clock()
        self._blocked_until = 0.0
        self.requests_made = 0
        self.rate_limited_count = 0
        self.waited_seconds = 0.0

    @property
    def unlimited(self) -> bool:
        """True when no budget is configured (0 requests per minute)."""
        return self.budget == 0

    def acquire(self) -> float:
        """Wait until one request may be sent, count it, and return how long it waited."""
        with self._lock:
            self.requests_made += 1
            if self.unlimited:
                return 0.0
            now = self.clock()
            self._refill(now)
            self._tokens -= 1.0
            # Reserve the token now (it may go negative) so concurrent callers queue fairly.
            wait = max(0.0, -self._tokens / self._rate, self._blocked_until - now)
            self.waited_seconds += wait
        if wait > 0:
            self.sleep(wait)
        return wait

    def note_rate_limited(self, wait_seconds: float) -> None:
        """Record a 429 and hold every caller back for the time the forum asked for."""
        with self._lock:
            self.rate_limited_count += 1
            now = self.clock()
            self._blocked_until = max(self._blocked_until, now + max(0.0, wait_seconds))
            # The forum's window is full: start the bucket empty after the pause.
            self._refill(now)
            self._tokens = min(self._tokens, 0.0)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self._rate)
        self._updated = now
