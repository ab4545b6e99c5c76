"""The running demo behaves like an installation: the worker's jobs deliver after the first cycle, quietly."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

import requests
from werkzeug.serving import make_server

from companion.context import Context
from companion.demo.cycle import DemoSummary, QuietRequestHandler, start_worker, stop_worker, summary_text
from companion.outbox.delivery import enqueue
from companion.store import migrate
from companion.store.db import Store
from companion.store.models import OutboxItem


def test_the_demo_worker_delivers_what_is_queued_after_the_first_cycle(sandbox_forum, settings, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    migrate.upgrade(store)
    context = Context(
        settings=settings.replace(
            forum_url=sandbox_forum.url, forum_api_key="sandbox-api-key", forum_api_username="system"
        ),
        store=store,
    )
    member = next(u for u in sandbox_forum.state.users.values() if u.id > 0 and not u.staged and not u.staff)
    worker = start_worker(context)
    try:
        assert {job.id for job in worker.scheduler.get_jobs()} >= {"deliver", "circles", "nightly"}
        # A member clicks "Kontakt aufnehmen" while the demo serves: the introduction is queued ...
        with store.transaction() as session:
            item_id = enqueue(
                session,
                key="intro:demo",
                kind="pm",
                payload={
                    "recipients": [member.username],
                    "title": "Hallo Demo",
                    "raw": "Eine Vorstellung im Demo-Betrieb.",
                },
            ).id
        # ... and the worker's minute-by-minute delivery sends it (brought forward here instead of waiting).
        worker.scheduler.get_job("deliver").modify(next_run_time=datetime.now(UTC))
        deadline = time.monotonic() + 20
        status = "pending"
        while time.monotonic() < deadline and status != "sent":
            time.sleep(0.2)
            with store.session() as session:
                status = session.get(OutboxItem, item_id).status
        assert status == "sent"
        assert any(m.title == "Hallo Demo" for m in sandbox_forum.state.inbox(member.username))
    finally:
        stop_worker(worker)
        store.dispose()


def test_webhook_calls_stay_out_of_the_demo_output(caplog):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server("127.0.0.1", 0, app, request_handler=QuietRequestHandler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        for path in ("/webhooks/discourse", "/suggestions"):
            thread = threading.Thread(target=server.handle_request, daemon=True)
            thread.start()
            requests.post(url + path, timeout=5) if "webhooks" in path else requests.get(url + path, timeout=5)
            thread.join(timeout=5)
    server.server_close()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/suggestions" in logged
    assert "/webhooks/" not in logged


def test_the_demo_summary_names_the_login_button_as_the_page_shows_it():
    text = summary_text(DemoSummary(companion_url="http://c", forum_url="http://f"))
    assert '"Mit dem Forum anmelden"' in text
