"""The worker heartbeat, /health, /metrics and `companion status` tell the same story."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from companion.cli import main
from companion.context import Context
from companion.ops.heartbeat import beat
from companion.store.models import JobRun, OutboxItem, SyncCursor
from companion.store.types import utcnow
from companion.web import create_app


def make_client(settings, store):
    return create_app(Context(settings=settings, store=store)).test_client()


def add_outbox(store, **states: int) -> None:
    now = utcnow()
    with store.transaction() as session:
        for state, number in states.items():
            for n in range(number):
                session.add(
                    OutboxItem(
                        idempotency_key=f"{state}-{n}",
                        kind="pm",
                        payload={},
                        status=state,
                        created_at=now - timedelta(minutes=10 * (n + 1)),
                        sent_at=now - timedelta(seconds=20) if state == "sent" else None,
                    )
                )


def metrics_of(client) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    values = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            key = sample.name + "".join(f"[{v}]" for v in sample.labels.values())
            values[key] = sample.value
    return values


def test_health_answers_503_when_the_worker_is_silent(store, settings):
    client = make_client(settings.replace(worker_silent_after=60), store)
    beat(store, "host:1", now=utcnow() - timedelta(seconds=30))
    fresh = client.get("/health")
    assert fresh.status_code == 200 and fresh.get_json()["worker"]["status"] == "ok"
    beat(store, "host:1", now=utcnow() - timedelta(seconds=90))
    silent = client.get("/health")
    assert silent.status_code == 503
    body = silent.get_json()
    assert body["worker"]["status"] == "silent" and "silent" in body["error"]


def test_health_reports_the_outbox(store, settings):
    add_outbox(store, pending=2, sent=1, failed=1)
    body = make_client(settings, store).get("/health").get_json()
    assert body["outbox"] == {"pending": 2, "sending": 0, "sent": 1, "failed": 1, "cancelled": 0}
    assert body["oldest_pending_seconds"] >= 19 * 60


def test_a_worker_that_never_reported_is_silent_only_where_one_is_required(store, settings):
    assert make_client(settings, store).get("/health").status_code == 200
    response = make_client(settings.replace(worker_required=True), store).get("/health")
    assert response.status_code == 503 and response.get_json()["worker"]["status"] == "never seen"


def test_metrics_in_prometheus_format(store, settings):
    add_outbox(store, pending=3, sent=2)
    finished = utcnow() - timedelta(hours=5)
    with store.transaction() as session:
        session.add(JobRun(job="nightly", status="ok", counts={}, finished_at=finished))
        session.add(JobRun(job="nightly", status="failed", counts={}, finished_at=utcnow()))
        session.add(SyncCursor(name="members.synced_at", value="x", updated_at=utcnow() - timedelta(minutes=7)))
    beat(store, "host:1", forum_requests=120, forum_rate_limited=4)
    beat(store, "host:2", forum_requests=30, forum_rate_limited=1)
    values = metrics_of(make_client(settings, store))
    assert values["companion_outbox_items[pending]"] == 3
    assert values["companion_outbox_items[sent]"] == 2
    assert values["companion_outbox_sent_total"] == 2
    assert values["companion_deliveries_last_minute"] == 2
    assert values["companion_outbox_oldest_pending_age_seconds"] >= 29 * 60
    assert abs(values["companion_nightly_last_success_timestamp_seconds"] - finished.timestamp()) < 1
    assert 7 * 60 - 5 < values["companion_sync_lag_seconds"] < 7 * 60 + 60
    assert values["companion_forum_requests_total"] == 150
    assert values["companion_forum_rate_limited_total"] == 5
    assert values["companion_worker_up"] == 1


def test_status_command_prints_the_same_and_fails_when_silent(store, settings, monkeypatch):
    monkeypatch.setenv("COMPANION_DATABASE_URL", store.url)
    monkeypatch.setenv("COMPANION_WORKER_SILENT_AFTER", "60")
    add_outbox(store, pending=1)
    beat(store, "host:7")
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 0, result.output
    assert "worker: ok (host:7" in result.output
    assert "outbox: pending 1, sending 0, sent 0, failed 0, cancelled 0" in result.output
    beat(store, "host:7", now=utcnow() - timedelta(minutes=5))
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 1
    assert '"status": "silent"' in result.output


def test_status_for_this_host_ignores_workers_elsewhere(store, settings, monkeypatch):
    import socket

    monkeypatch.setenv("COMPANION_DATABASE_URL", store.url)
    beat(store, "another-host:12")
    result = CliRunner().invoke(main, ["status", "--this-host"])
    assert result.exit_code == 0 and "worker: never seen" in result.output
    monkeypatch.setenv("COMPANION_WORKER_REQUIRED", "true")
    assert CliRunner().invoke(main, ["status", "--this-host"]).exit_code == 1
    beat(store, f"{socket.gethostname()}:34")
    assert CliRunner().invoke(main, ["status", "--this-host"]).exit_code == 0
