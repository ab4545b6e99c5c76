"""GET /metrics: the companion's state in Prometheus' text format, read from the database at each scrape."""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from companion.ops.status import Status, collect_status
from companion.web import get_context

bp = Blueprint("metrics", __name__)


class StatusCollector:
    """Turns one Status snapshot into metric families (the database is the truth, shared by all processes)."""

    def __init__(self, status: Status) -> None:
        self.status = status

    def collect(self):
        status = self.status
        outbox = GaugeMetricFamily("companion_outbox_items", "Outbox items by state.", labels=["state"])
        for state, number in sorted(status.outbox.items()):
            outbox.add_metric([state], number)
        yield outbox
        yield CounterMetricFamily(
            "companion_outbox_sent",
            "Outbox items sent so far (use rate() for deliveries per minute).",
            value=status.outbox.get("sent", 0),
        )
        yield GaugeMetricFamily(
            "companion_deliveries_last_minute", "Outbox items sent in the last minute.", value=status.sent_last_minute
        )
        yield GaugeMetricFamily(
            "companion_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending outbox item (0 when none is pending).",
            value=status.oldest_pending_seconds or 0,
        )
        if status.last_nightly_ok is not None:
            yield GaugeMetricFamily(
                "companion_nightly_last_success_timestamp_seconds",
                "When the last successful nightly run finished (Unix time).",
                value=status.last_nightly_ok.timestamp(),
            )
        if status.sync_lag_seconds is not None:
            yield GaugeMetricFamily(
                "companion_sync_lag_seconds",
                "Seconds since the last sync stored anything.",
                value=status.sync_lag_seconds,
            )
        yield CounterMetricFamily(
            "companion_forum_requests", "Forum API requests of the running workers.", value=status.forum_requests
        )
        yield CounterMetricFamily(
            "companion_forum_rate_limited",
            "Forum answers 429 (rate limited) seen by the running workers.",
            value=status.forum_rate_limited,
        )
        yield GaugeMetricFamily(
            "companion_worker_up", "1 while the worker's heartbeat is fresh.", value=int(status.healthy)
        )
        if status.worker.age_seconds is not None:
            yield GaugeMetricFamily(
                "companion_worker_heartbeat_age_seconds",
                "Seconds since the newest worker heartbeat.",
                value=status.worker.age_seconds,
            )


@bp.get("/metrics")
def metrics():
    """Every metric of the companion in Prometheus' exposition format."""
    context = get_context()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatusCollector(collect_status(context.store, context.settings)))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
