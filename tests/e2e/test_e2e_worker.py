"""The worker, killed halfway through the nightly PMs and started again: every member gets exactly one."""

import signal
import subprocess
import sys
import time

import pytest

from sandbox import SandboxSettings, run_sandbox_server
from tests.support.env import companion_context, companion_subprocess_env
from tests.support.nightly import due_usernames, prepare, suggestion_pms

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def wait_until(condition, timeout, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process is not None and process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        time.sleep(0.1)
    return False


def test_worker_killed_mid_delivery_resumes_and_stops_cleanly_on_sigterm(store, settings):
    with run_sandbox_server(SandboxSettings(members=60, admin_requests_per_minute=0)) as forum:
        context = companion_context(settings, store, forum.url)
        prepare(context)
        env = companion_subprocess_env(store, settings, forum.url)
        command = [sys.executable, "-m", "companion", "worker", "--run-nightly-now"]
        first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert wait_until(lambda: sum(suggestion_pms(forum.state).values()) >= 8, 120, first)
        first.send_signal(signal.SIGKILL)
        first.wait()
        due = due_usernames(context)
        assert 0 < sum(suggestion_pms(forum.state).values()) < len(due)

        second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert wait_until(lambda: sum(suggestion_pms(forum.state).values()) >= len(due), 180, second)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
        assert b"worker stopped" in second.stdout.read()

        counts = suggestion_pms(forum.state)
        assert {name for name, n in counts.items() if n} == due
        assert {counts[name] for name in due} == {1}


def test_second_worker_idles_while_the_first_holds_the_nightly_lock(store, settings):
    from companion.jobs.locks import job_lock
    from companion.jobs.worker import Worker

    with run_sandbox_server(SandboxSettings(members=20, admin_requests_per_minute=0)) as forum:
        context = companion_context(settings, store, forum.url)
        prepare(context)
        with job_lock(store, "nightly", holder="other-host:1"):
            Worker(context).nightly()
        assert sum(suggestion_pms(forum.state).values()) == 0
        Worker(context).nightly()
        assert sum(suggestion_pms(forum.state).values()) == len(due_usernames(context)) > 0
