"""The worker schedules its jobs in the network's time zone and stops between sends."""

from datetime import time

from apscheduler.schedulers.background import BackgroundScheduler

from companion.context import Context
from companion.jobs.worker import Worker, next_runs


def test_jobs_are_scheduled_at_the_configured_local_time(store, settings):
    context = Context(settings=settings.replace(nightly_at=time(2, 30)), store=store)
    worker = Worker(context, scheduler=BackgroundScheduler(timezone=settings.timezone))
    worker.schedule()
    worker.scheduler.start(paused=True)
    try:
        runs = next_runs(worker)
        assert set(runs) == {"nightly", "deliver", "circles", "heartbeat"}
        nightly = runs["nightly"]
        assert (nightly.hour, nightly.minute) == (2, 30)
        assert str(nightly.tzinfo) == "Europe/Berlin"
    finally:
        worker.scheduler.shutdown(wait=False)


def test_stop_sets_the_flag_that_delivery_checks_between_sends(store, settings):
    worker = Worker(Context(settings=settings, store=store), scheduler=BackgroundScheduler())
    worker.scheduler.start()
    assert not worker.should_stop()
    worker.stop()
    assert worker.should_stop()


def test_circle_jobs_run_without_a_forum_when_nothing_is_due(store, settings):
    worker = Worker(Context(settings=settings, store=store), scheduler=BackgroundScheduler())
    worker.circle_jobs()


def test_worker_refuses_to_start_without_a_forum(tmp_path):
    from click.testing import CliRunner

    from companion.cli import main

    env = {"COMPANION_INSTANCE_PATH": str(tmp_path)}
    CliRunner().invoke(main, ["db", "upgrade"], env=env)
    result = CliRunner().invoke(main, ["worker"], env=env)
    assert result.exit_code == 2
    assert "COMPANION_FORUM_URL is not set" in result.output
