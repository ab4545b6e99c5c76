"""End to end over real HTTP: the nightly run delivers one PM per due member, whatever happens."""

import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import select

from companion.jobs.nightly import run_nightly
from companion.store.models import OutboxItem
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.env import companion_context, companion_subprocess_env
from tests.support.nightly import TITLES, due_usernames, prepare, suggestion_pms

pytestmark = pytest.mark.e2e


@pytest.fixture
def forum():
    with run_sandbox_server(SandboxSettings(members=60, admin_requests_per_minute=0)) as server:
        yield server


def test_nightly_sends_one_pm_per_due_member_with_valid_links(forum, store, settings):
    context = companion_context(settings, store, forum.url)
    prepare(context)
    report = run_nightly(context, sync=False)
    due = due_usernames(context)
    assert report.messages_queued == len(due) > 0
    counts = suggestion_pms(forum.state)
    assert {name for name, n in counts.items() if n} == due
    assert {counts[name] for name in due} == {1}
    message = next(m for m in forum.state.inbox(sorted(due)[0]) if m.title in TITLES)
    assert f"{forum.url}/u/" in message.raw
    assert f"{settings.base_url}/suggestions" in message.raw
    linked = [part.split(")")[0] for part in message.raw.split(f"{forum.url}/u/")[1:]]
    assert all(forum.state.find_user(name) is not None for name in linked)
    again = run_nightly(context, sync=False)
    assert again.messages_queued == 0
    assert suggestion_pms(forum.state) == counts


def test_rate_limits_and_outages_delay_but_lose_nothing(forum, store, settings):
    context = companion_context(settings, store, forum.url)
    prepare(context)
    forum.state.faults.fail_next(3, status=503)
    forum.state.faults.rate_limit_next(2, shape="json", wait_seconds=1)
    forum.state.faults.rate_limit_next(2, shape="text", wait_seconds=1)
    report = run_nightly(context, sync=False, max_wait_seconds=10)
    for _ in range(5):
        if report.remaining == 0:
            break
        report = run_nightly(context, sync=False, max_wait_seconds=10)
    due = due_usernames(context)
    counts = suggestion_pms(forum.state)
    assert {name for name, n in counts.items() if n} == due
    assert {counts[name] for name in due} == {1}


@pytest.mark.slow
def test_killed_mid_delivery_and_restarted_every_member_gets_exactly_one_pm(forum, store, settings):
    context = companion_context(settings, store, forum.url)
    prepare(context)
    env = companion_subprocess_env(store, settings, forum.url)
    command = [sys.executable, "-m", "companion", "run-nightly", "--no-sync"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while sum(suggestion_pms(forum.state).values()) < 8 and time.monotonic() < deadline:
        assert first.poll() is None, first.stderr.read().decode()
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait()
    delivered_before_kill = sum(suggestion_pms(forum.state).values())
    due = due_usernames(context)
    assert 0 < delivered_before_kill < len(due)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    counts = suggestion_pms(forum.state)
    assert {name for name, n in counts.items() if n} == due
    assert {counts[name] for name in due} == {1}
    with context.store.transaction() as session:
        statuses = Counter(
            item.status
            for item in session.scalars(select(OutboxItem).where(OutboxItem.idempotency_key.startswith("suggestions:")))
        )
    assert statuses == {"sent": len(due)}
