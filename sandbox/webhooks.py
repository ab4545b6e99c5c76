"""Outgoing webhooks: signed POSTs of state changes, delivered in the background with retries."""

from __future__ import annotations

import hashlib
import hmac
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import requests

from .models import WebhookDelivery

if TYPE_CHECKING:
    from .state import ForumState

# Discourse only signs when the secret has at least this many characters.
MIN_SECRET_LENGTH = 12


def sign(secret: str, body: bytes) -> str:
    """The X-Discourse-Event-Signature value: sha256=<hex HMAC-SHA256(secret, body)>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass
class WebhookEvent:
    """An event waiting to be delivered."""

    event_id: int
    event_type: str
    event: str
    body: bytes
    duplicate: bool = False


class WebhookDispatcher:
    """Queues events and delivers them from one background thread in order, retrying failures."""

    def __init__(
        self,
        state: ForumState,
        url: str,
        secret: str | None,
        instance: str,
        retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0),
        timeout: float = 5.0,
    ) -> None:
        self.state = state
        self.url = url
        self.secret = secret
        self.instance = instance
        self.retry_delays = retry_delays
        self.timeout = timeout
        self._queue: queue.Queue[WebhookEvent | None] = queue.Queue()
        self._next_id = 0
        self._id_lock = threading.Lock()
        self._session = requests.Session()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def enqueue(self, event_type: str, event: str, body: bytes) -> int:
        """Queue one event (twice when a duplicate delivery fault is planned); returns its event id."""
        with self._id_lock:
            self._next_id += 1
            event_id = self._next_id
        self._queue.put(WebhookEvent(event_id, event_type, event, body))
        if self.state.faults.take_duplicate():
            self._queue.put(WebhookEvent(event_id, event_type, event, body, duplicate=True))
        return event_id

    def ping(self) -> int:
        """Send Discourse's ping event with body {"ping":"OK"}."""
        return self.enqueue("ping", "ping", b'{"ping":"OK"}')

    def headers(self, event: WebhookEvent) -> dict[str, str]:
        """The headers Discourse sends with a webhook delivery."""
        headers = {
            "Content-Type": "application/json",
            "Accept": "*/*",
            "User-Agent": "Discourse Forum Sandbox Webhooks",
            "X-Discourse-Instance": self.instance,
            "X-Discourse-Event-Id": str(event.event_id),
            "X-Discourse-Event-Type": event.event_type,
            "X-Discourse-Event": event.event,
        }
        if self.secret and len(self.secret) >= MIN_SECRET_LENGTH:
            headers["X-Discourse-Event-Signature"] = sign(self.secret, event.body)
        return headers

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued event was delivered or given up; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        """Stop the delivery thread after the events already queued."""
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            try:
                if event is None:
                    return
                self._deliver(event)
            finally:
                self._queue.task_done()

    def _deliver(self, event: WebhookEvent) -> None:
        # app/jobs/regular/emit_web_hook_event.rb: a failed delivery is retried only when the site setting
        # retry_web_hook_events is on, and each retry is a new WebHookEvent row, so a new X-Discourse-Event-Id.
        delays = self.retry_delays if self.state.settings.retry_web_hook_events else ()
        for attempt, delay in enumerate((0.0, *delays), start=1):
            if delay:
                time.sleep(delay)
            if attempt > 1:
                with self._id_lock:
                    self._next_id += 1
                    event = WebhookEvent(self._next_id, event.event_type, event.event, event.body, event.duplicate)
            headers = self.headers(event)
            record = WebhookDelivery(
                event_id=event.event_id,
                event_type=event.event_type,
                event=event.event,
                body=event.body,
                headers=headers,
                attempt=attempt,
            )
            try:
                response = self._session.post(self.url, data=event.body, headers=headers, timeout=self.timeout)
                record.status = response.status_code
            except requests.RequestException as exc:
                record.error = f"{type(exc).__name__}: {exc}"
            record.delivered_at = datetime.now(UTC)
            with self.state.lock:
                self.state.webhook_deliveries.append(record)
            if record.status is not None and 200 <= record.status < 300:
                return
