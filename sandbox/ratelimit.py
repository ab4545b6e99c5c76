"""Sliding-window rate limiters like Discourse's RateLimiter (N actions per period)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """Allows at most `limit` actions in any `period` seconds; limit 0 means unlimited."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def try_acquire(self) -> int | None:
        """Record one action and return None, or return whole seconds to wait when over the limit."""
        if self.limit <= 0:
            return None
        with self._lock:
            now = self.clock()
            while self._stamps and self._stamps[0] <= now - self.period:
                self._stamps.popleft()
            if len(self._stamps) >= self.limit:
                # Discourse reports the wait as whole seconds, at least 1.
                return max(1, math.ceil(self._stamps[0] + self.period - now))
            self._stamps.append(now)
            return None

    def reset(self) -> None:
        """Forget every recorded action."""
        with self._lock:
            self._stamps.clear()
