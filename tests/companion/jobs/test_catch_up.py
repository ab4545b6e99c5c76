"""A nightly run missed while the worker was down runs once when it comes back; the heartbeat is written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from apscheduler.schedulers.background import BackgroundScheduler

from companion.context import Context
from companion.jobs.catchup import last_scheduled_date, missed_nightly
from companion.jobs.worker import Worker, next_runs
from companion.ops.heartbeat import worker_health
from companion.store.models import JobRun

# 03:00 in Berlin on 1 December is 02:00 UTC.
AFTER_RUN_TIME = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BEFORE_RUN_TIME = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def add_nightly(store, day: date, status: str = "ok") -> None:
    with store.transaction() as session:
        session.add(JobRun(job="nightly", run_date=day, status=status, counts={}))


def test_the_last_scheduled_date_depends_on_the_local_run_time(settings):
    assert last_scheduled_date(settings, AFTER_RUN_TIME) == date(2026, 12, 1)
    assert last_scheduled_date(settings, BEFORE_RUN_TIME) == date(2026, 11, 30)
    late = settings.replace(nightly_at=time(23, 30))
    assert last_scheduled_date(late, datetime(2026, 12, 1, 22, 45, tzinfo=UTC)) == date(2026, 12, 1)


def test_a_missed_night_is_found_once(store, settings):
    add_nightly(store, date(2026, 11, 28))
    assert missed_nightly(store, settings, AFTER_RUN_TIME) == date(2026, 12, 1)
    add_nightly(store, date(2026, 12, 1), status="failed")
    # A run that happened (even one that failed) is not repeated by the catch-up.
    assert missed_nightly(store, settings, AFTER_RUN_TIME) is None


def test_nothing_is_missed_before_tonights_time_or_on_a_fresh_installation(store, settings):
    assert missed_nightly(store, settings, AFTER_RUN_TIME) is None
    add_nightly(store, date(2026, 11, 30))
    assert missed_nightly(store, settings, BEFORE_RUN_TIME) is None


def test_the_worker_schedules_the_catch_up_at_start(store, settings, monkeypatch):
    add_nightly(store, date(2020, 1, 1))
    worker = Worker(Context(settings=settings, store=store), scheduler=BackgroundScheduler(timezone=settings.timezone))
    ran: list = []
    monkeypatch.setattr(worker, "nightly", lambda run_date=None: ran.append(run_date))
    worker.schedule()
    jobs = {job.id: job for job in worker.scheduler.get_jobs()}
    assert "nightly-catch-up" in jobs
    assert jobs["nightly-catch-up"].args[0] == last_scheduled_date(settings, datetime.now(UTC))
    assert "nightly-catch-up" in next_runs(worker)


def test_no_catch_up_when_the_last_night_ran(store, settings):
    add_nightly(store, last_scheduled_date(settings, datetime.now(UTC)))
    worker = Worker(Context(settings=settings, store=store), scheduler=BackgroundScheduler(timezone=settings.timezone))
    worker.schedule()
    assert "nightly-catch-up" not in {job.id for job in worker.scheduler.get_jobs()}


def test_the_worker_writes_its_heartbeat(store, settings):
    worker = Worker(Context(settings=settings, store=store), scheduler=BackgroundScheduler())
    assert worker_health(store, silent_after=60, required=True).status == "never seen"
    worker.heartbeat()
    health = worker_health(store, silent_after=60, required=True)
    assert health.status == "ok" and health.worker_id == worker.worker_id
