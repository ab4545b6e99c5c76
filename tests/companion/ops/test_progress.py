"""Progress of long commands: counts, rate and ETA; log lines every so often; log lines with the run id."""

from __future__ import annotations

import io
import json
import logging

from companion.jobs.runs import recorded_run
from companion.ops.logs import configure_logging, current_run_id, run_id_scope
from companion.ops.progress import Progress, StageProgress


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_eta_follow_the_counts():
    clock = Clock()
    stage = StageProgress("members", 100, interactive=False, clock=clock)
    clock.now += 10
    stage.update(25)
    assert stage.rate() == 2.5
    assert stage.eta_seconds() == 30
    assert stage.describe() == "members: 25/100 (25 %), 2.5/s, ETA 30 s"


def test_without_a_terminal_a_line_is_logged_every_n_seconds(caplog):
    clock = Clock()
    caplog.set_level(logging.INFO, logger="companion.progress")
    with Progress(interactive=False, every_seconds=30, clock=clock) as progress:
        progress("reading members", 0, 300)
        for done in range(1, 301):
            clock.now += 0.5
            progress("reading members", done, 300)
    lines = [r.getMessage() for r in caplog.records]
    # 150 s of work: a line at 30, 60, 90, 120 and 150 s, then the closing line.
    assert len(lines) == 6
    assert lines[0] == "reading members: 60/300 (20 %), 2.0/s, ETA 2 min 00 s"
    assert lines[-1] == "reading members: 300 done in 2 min 30 s"
    assert caplog.records[0].eta_seconds == 120


def test_every_n_items_and_a_new_stage_closes_the_previous(caplog):
    clock = Clock()
    caplog.set_level(logging.INFO, logger="companion.progress")
    with Progress(interactive=False, every_seconds=3600, every_items=100, clock=clock) as progress:
        for done in range(1, 251):
            progress("delivering", done, None)
        progress("queueing badges", 1, 1)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[:2] == ["delivering: 100, 0.0/s", "delivering: 200, 0.0/s"]
    assert lines[2] == "delivering: 250 done in 0 s"
    assert lines[3] == "queueing badges: 1 done in 0 s"


def test_on_a_terminal_a_bar_is_drawn_instead_of_log_lines(caplog, capsys):
    caplog.set_level(logging.INFO, logger="companion.progress")
    with Progress(interactive=True) as progress:
        for done in range(1, 11):
            progress("storing members", done, 10)
    assert caplog.records == []
    assert "storing members" in capsys.readouterr().err


def test_json_log_lines_carry_the_run_id():
    stream = io.StringIO()
    handler = configure_logging("info", "json", stream=stream)
    try:
        with run_id_scope(42):
            logging.getLogger("companion.test").info("hello %s", "world")
        entry = json.loads(stream.getvalue().strip())
        assert entry["run_id"] == "42" and entry["message"] == "hello world"
        assert entry["level"] == "info" and entry["logger"] == "companion.test"
    finally:
        logging.getLogger().removeHandler(handler)


def test_text_log_lines_carry_the_run_id_too():
    stream = io.StringIO()
    handler = configure_logging("info", "text", stream=stream)
    try:
        logging.getLogger("companion.test").info("outside any job")
        assert f"[run {current_run_id()}] companion.test: outside any job" in stream.getvalue()
    finally:
        logging.getLogger().removeHandler(handler)


def test_a_recorded_run_sets_the_run_id_of_its_log_lines(sqlite_store):
    before = current_run_id()
    with recorded_run(sqlite_store, "nightly") as recorder:
        assert current_run_id() == str(recorder.run_id)
    assert current_run_id() == before


def test_delivery_reports_progress_with_a_total(store):
    from companion.outbox.delivery import DeliveryResult, deliver_pending, enqueue

    with store.transaction() as session:
        for i in range(3):
            enqueue(session, key=f"pm:{i}", kind="pm", payload={})
    calls = []
    from datetime import UTC, datetime, timedelta

    deliver_pending(
        store,
        None,
        {"pm": lambda forum, payload, key, uncertain: DeliveryResult(post_id=1)},
        now=lambda: datetime.now(UTC) + timedelta(minutes=1),
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert calls == [("delivering", 1, 3), ("delivering", 2, 3), ("delivering", 3, 3)]
