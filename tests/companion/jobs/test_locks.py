"""Job leases let one worker run while a second one idles."""

from datetime import UTC, datetime, timedelta

import pytest

from companion.jobs.locks import LockHeld, acquire, job_lock, release
from companion.jobs.runs import recorded_run
from companion.store.models import JobRun

T0 = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_second_holder_is_refused_until_the_lease_expires(store):
    assert acquire(store, "nightly", "a", timedelta(minutes=10), now=lambda: T0)
    assert not acquire(store, "nightly", "b", timedelta(minutes=10), now=lambda: T0 + timedelta(minutes=5))
    assert acquire(store, "nightly", "a", timedelta(minutes=10), now=lambda: T0 + timedelta(minutes=5))
    assert acquire(store, "nightly", "b", timedelta(minutes=10), now=lambda: T0 + timedelta(minutes=30))


def test_release_lets_the_next_holder_in(store):
    with job_lock(store, "deliver", holder="a"):
        with pytest.raises(LockHeld):
            with job_lock(store, "deliver", holder="b"):
                pass
    with job_lock(store, "deliver", holder="b"):
        pass
    release(store, "deliver", "nobody")


def test_recorded_run_keeps_steps_counts_and_errors(store):
    with pytest.raises(RuntimeError):
        with recorded_run(store, "nightly") as run:
            with run.step("sync") as counts:
                counts["members"] = 5
            with run.step("match"):
                raise RuntimeError("boom")
    with store.transaction() as session:
        job = session.query(JobRun).one()
        assert job.status == "failed" and "boom" in job.error
        assert [(s.name, s.status) for s in job.steps] == [("sync", "ok"), ("match", "failed")]
        assert job.counts == {"sync.members": 5}
        assert job.finished_at is not None


def test_a_killed_holder_on_this_host_does_not_block_the_restart(store):
    import socket
    import subprocess

    process = subprocess.Popen(["sleep", "0"])
    process.wait()
    dead_holder = f"{socket.gethostname()}:{process.pid}"
    assert acquire(store, "nightly", dead_holder, timedelta(hours=1))
    assert acquire(store, "nightly", "restarted-worker", timedelta(minutes=10))


def test_a_live_holder_on_this_host_keeps_its_lease(store):
    import os
    import socket

    live_holder = f"{socket.gethostname()}:{os.getpid()}"
    assert acquire(store, "nightly", live_holder, timedelta(hours=1))
    assert not acquire(store, "nightly", "other", timedelta(minutes=10))
