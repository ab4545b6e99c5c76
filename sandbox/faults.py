"""Fault injection: make the next requests fail, get rate limited or respond slowly."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass
class PlannedFault:
    """One fault applied to one upcoming API request."""

    kind: str  # "fail", "rate_limit" or "slow"
    status: int = 503
    shape: str = "json"
    wait_seconds: int = 1
    seconds: float = 0.0


class FaultInjector:
    """Queues of faults consumed by the next API requests, in the order they were planned."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[PlannedFault] = []
        self._slowdowns: list[PlannedFault] = []
        self.duplicate_webhooks = 0
        self.statement_timeouts = 0
        # Members who visit the forum on each admin-list page served (see ForumState.visit).
        self.visitors_per_page = 0
        self._late_posts: list[float] = []
        self.post_latency: tuple[float, float] = (0.0, 0.0)

    def set_post_latency(self, low: float, high: float) -> None:
        """Answer every POST /posts.json after a random delay between low and high seconds (a forum under load)."""
        if not 0 <= low <= high:
            raise ValueError("post latency needs 0 <= low <= high")
        with self._lock:
            self.post_latency = (low, high)

    def land_late_next(self, n: int, seconds: float) -> None:
        """Let the next n POST /posts.json be created only after `seconds`: a client that timed out meanwhile
        sees a failure although the post lands later (Discourse finishes a request whose client went away)."""
        with self._lock:
            self._late_posts.extend(float(seconds) for _ in range(n))

    def take_post_delay(self) -> float:
        """The delay before the next POST /posts.json is created: a planned late landing, else the latency."""
        with self._lock:
            if self._late_posts:
                return self._late_posts.pop(0)
            low, high = self.post_latency
        return random.uniform(low, high) if high > 0 else 0.0

    def fail_next(self, n: int, status: int = 503) -> None:
        """Make the next n API requests answer with the given server error status."""
        with self._lock:
            self._failures.extend(PlannedFault("fail", status=status) for _ in range(n))

    def rate_limit_next(self, n: int, shape: str = "json", wait_seconds: int = 1) -> None:
        """Make the next n API requests answer 429 in the JSON (application) or text (per-IP) shape."""
        if shape not in ("json", "text"):
            raise ValueError(f"unknown 429 shape {shape!r}; use 'json' or 'text'")
        with self._lock:
            self._failures.extend(PlannedFault("rate_limit", shape=shape, wait_seconds=wait_seconds) for _ in range(n))

    def slow_next(self, n: int, seconds: float) -> None:
        """Delay the next n API requests by the given number of seconds before they are handled."""
        with self._lock:
            self._slowdowns.extend(PlannedFault("slow", seconds=seconds) for _ in range(n))

    def duplicate_next_webhooks(self, n: int) -> None:
        """Deliver each of the next n webhook events twice with the same event id, as Discourse may."""
        with self._lock:
            self.duplicate_webhooks += n

    def statement_timeout_next(self, n: int) -> None:
        """Make the next n Data Explorer runs hit the 10-second statement timeout."""
        with self._lock:
            self.statement_timeouts += n

    def take_statement_timeout(self) -> bool:
        """Consume one planned statement timeout, if any."""
        with self._lock:
            if self.statement_timeouts > 0:
                self.statement_timeouts -= 1
                return True
            return False

    def visit_while_listing(self, visitors_per_page: int) -> None:
        """Let this many members visit the forum (last_seen_at = now) each time an admin-list page is served."""
        with self._lock:
            self.visitors_per_page = visitors_per_page

    def take_duplicate(self) -> bool:
        """Consume one planned webhook duplication, if any."""
        with self._lock:
            if self.duplicate_webhooks > 0:
                self.duplicate_webhooks -= 1
                return True
            return False

    def take_slowdown(self) -> float:
        """Consume the next planned slowdown and return its delay in seconds (0 if none)."""
        with self._lock:
            return self._slowdowns.pop(0).seconds if self._slowdowns else 0.0

    def take_failure(self) -> PlannedFault | None:
        """Consume the next planned failure or 429, if any."""
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def reset(self) -> None:
        """Drop every planned fault."""
        with self._lock:
            self._failures.clear()
            self._slowdowns.clear()
            self._late_posts.clear()
            self.post_latency = (0.0, 0.0)
            self.duplicate_webhooks = 0
            self.statement_timeouts = 0
            self.visitors_per_page = 0

    def pending(self) -> dict[str, int]:
        """Count the faults still planned, by kind."""
        with self._lock:
            return {
                "fail": sum(1 for f in self._failures if f.kind == "fail"),
                "rate_limit": sum(1 for f in self._failures if f.kind == "rate_limit"),
                "slow": len(self._slowdowns),
                "late_posts": len(self._late_posts),
                "duplicate_webhooks": self.duplicate_webhooks,
            }
