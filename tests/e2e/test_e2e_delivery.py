"""Exactly once: several OS processes sending the same outbox at once, and resumes after crashes at any point."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from companion.outbox.delivery import CLAIM_TTL, deliver_pending, enqueue
from companion.outbox.handlers import HANDLERS
from companion.store.models import OutboxItem
from companion.store.types import utcnow
from companion.suggestions.batch import queue_suggestions
from companion.suggestions.planning import network_today
from sandbox import SandboxSettings, run_sandbox_server
from sync.writers import idempotency_marker
from tests.support.env import companion_context, companion_subprocess_env
from tests.support.nightly import prepare

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# A sender that takes no job lock at all: it stands for a deliverer whose lease ran out (or any future sender).
BARE_SENDER = """
from companion.context import Context
from companion.outbox.delivery import deliver_pending
from companion.outbox.handlers import HANDLERS
context = Context.from_environment()
report = deliver_pending(context.store, context.forum, HANDLERS, max_wait_seconds=120)
print("bare sender sent", report.sent)
"""


def pm_counts(state, keys) -> Counter:
    """How many private messages in the sandbox carry each outbox key."""
    markers = {idempotency_marker(key): key for key in keys}
    counts: Counter = Counter(dict.fromkeys(keys, 0))
    with state.lock:
        for topic in state.topics.values():
            if topic.archetype != "private_message" or not topic.post_ids:
                continue
            raw = state.posts[topic.post_ids[0]].raw
            for marker, key in markers.items():
                if marker in raw:
                    counts[key] += 1
    return counts


def outbox_keys(store) -> list[str]:
    with store.transaction() as session:
        return list(session.scalars(select(OutboxItem.idempotency_key).where(OutboxItem.kind == "pm")))


def test_three_processes_sending_at_once_send_each_pm_exactly_once(store, settings):
    # Memoization off: repeats here stand for repeats that come later than Discourse's 120 s window.
    sandbox = SandboxSettings(members=60, organisations=6, admin_requests_per_minute=0, api_memo_seconds=0)
    with run_sandbox_server(sandbox) as forum:
        context = companion_context(settings, store, forum.url)
        prepare(context)
        queue_suggestions(context, network_today(context.settings))
        keys = outbox_keys(store)
        assert len(keys) >= 30
        forum.state.faults.set_post_latency(0.3, 0.5)
        env = companion_subprocess_env(store, settings, forum.url, requests_per_minute=6000)
        commands = [
            [sys.executable, "-m", "companion", "run-nightly", "--no-sync"],
            [sys.executable, "-m", "companion", "deliver"],
            [sys.executable, "-c", BARE_SENDER],
        ]
        processes = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
        outputs = [p.communicate(timeout=300) for p in processes]
        for process, (_out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err.decode()
        patterns = [rb"(\d+) delivered", rb"sent (\d+)", rb"bare sender sent (\d+)"]
        sent = [int(re.search(p, out).group(1)) for p, (out, _) in zip(patterns, outputs, strict=True)]
        with store.transaction() as session:
            items = session.scalar(select(func.count()).select_from(OutboxItem))  # PMs, and badges the run queued
        # Each item was sent by one sender, and they really overlapped: the work was shared.
        statuses = Counter(store_statuses(store))
        # A badge grant that met its badge still being created by another sender waits for the next pass.
        waiting = sum(n for status, n in statuses.items() if status.startswith("badge_grant:pending"))
        assert sum(sent) + waiting == items and sum(1 for n in sent if n) >= 2, (sent, statuses, outputs)
        counts = pm_counts(forum.state, keys)
        assert {key for key, n in counts.items() if n != 1} == set()
        with store.transaction() as session:
            assert set(session.scalars(select(OutboxItem.status).where(OutboxItem.kind == "pm"))) == {"sent"}
            assert set(session.scalars(select(OutboxItem.status))) <= {"sent", "pending"}


class Crash(BaseException):
    """The process dies here."""


def crashing_client(client, point):
    """Wrap the forum client's POST so the process 'dies' just before it, or just after it landed."""
    real_post = client.post

    def post(path, body=None, **kwargs):
        if point == "before_post":
            raise Crash()
        answer = real_post(path, body, **kwargs)
        if point == "after_post":
            raise Crash()
        return answer

    client.post = post
    return real_post


@pytest.mark.parametrize("point", ["after_claim", "before_post", "after_post", "before_marked_sent"])
def test_a_crash_at_any_point_then_200_newer_pms_then_a_resume_hours_later_sends_once(store, settings, point):
    sandbox = SandboxSettings(members=20, organisations=4, admin_requests_per_minute=0, api_memo_seconds=0)
    with run_sandbox_server(sandbox) as forum:
        context = companion_context(settings, store, forum.url)
        prepare(context)
        title = "Finde deine Mitrebell*innen: neue Vorschläge"
        member = next(u for u in forum.state.users.values() if u.id > 0 and not u.staff and not u.staged)
        keys = [f"crash:{point}:{i}" for i in range(3)]
        with store.transaction() as session:
            for key in keys:
                payload = {"recipients": [member.username], "title": title, "raw": f"Hallo ({key})"}
                enqueue(session, key=key, kind="pm", payload=payload)
        start = utcnow()

        handlers = dict(HANDLERS)
        if point == "after_claim":

            def die(*args):
                raise Crash()

            handlers["pm"] = die
        elif point == "before_marked_sent":

            def send_then_die(*args):
                HANDLERS["pm"](*args)
                raise Crash()

            handlers["pm"] = send_then_die
        else:
            real_post = crashing_client(context.forum.client, point)
        with pytest.raises(Crash):
            deliver_pending(store, context.forum, handlers, now=lambda: start)
        if point in ("before_post", "after_post"):
            context.forum.client.post = real_post

        # Meanwhile the forum's system account sends 200 newer PMs with the same title.
        for i in range(200):
            forum.state.create_post(
                "system",
                f"Andere Nachricht {i}",
                title=title,
                archetype="private_message",
                target_recipients=member.username,
            )
        later = start + CLAIM_TTL + timedelta(hours=3)
        report = deliver_pending(store, context.forum, HANDLERS, now=lambda: later)
        assert report.remaining == 0
        counts = pm_counts(forum.state, keys)
        assert counts == Counter(dict.fromkeys(keys, 1))


def store_statuses(store) -> list[str]:
    """kind:status:attempts of every outbox item, for the failure message."""
    with store.transaction() as session:
        return [
            f"{kind}:{status}:{attempts}"
            for kind, status, attempts in session.execute(
                select(OutboxItem.kind, OutboxItem.status, OutboxItem.attempts)
            )
        ]
