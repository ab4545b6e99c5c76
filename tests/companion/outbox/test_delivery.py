"""The outbox delivers each write once, resumes after crashes and waits out rate limits."""

from datetime import UTC, datetime, timedelta

import pytest

from companion.outbox.delivery import (
    CLAIM_TTL,
    DeliveryResult,
    claim_next,
    count_open,
    deliver_pending,
    enqueue,
    retry_failed,
)
from companion.store.models import OutboxItem
from sync.errors import ForumRejected, ForumUnavailable, RateLimited


class FakeForum:
    """Records writes by idempotency key, like a forum that can be asked what it already has."""

    def __init__(self):
        self.delivered: dict[str, dict] = {}
        self.calls: list[tuple[str, bool]] = []
        self.script: list[BaseException] = []

    def handle(self, forum, payload, key, uncertain):
        self.calls.append((key, uncertain))
        if uncertain and key in self.delivered:
            return DeliveryResult(post_id=self.delivered[key]["post_id"])
        if self.script:
            error = self.script.pop(0)
            if getattr(error, "deliver_first", False):
                self.delivered[key] = {"post_id": len(self.delivered) + 100}
            raise error
        self.delivered[key] = {"post_id": len(self.delivered) + 100}
        return DeliveryResult(post_id=self.delivered[key]["post_id"], topic_id=7)


NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _clock_a_minute_ahead():
    """Items are due from their creation time, so each test's clock starts a minute after the real now."""
    global NOW
    NOW = datetime.now(UTC) + timedelta(minutes=1)


def queue(store, n):
    with store.transaction() as session:
        for i in range(n):
            enqueue(session, key=f"pm:{i}", kind="pm", payload={"i": i})


def test_enqueue_is_idempotent_by_key(store):
    with store.transaction() as session:
        first = enqueue(session, key="pm:a", kind="pm", payload={"x": 1})
        second = enqueue(session, key="pm:a", kind="pm", payload={"x": 2})
        assert first.id == second.id
    assert count_open(store) == 1


def test_delivery_marks_items_sent_with_forum_ids(store):
    queue(store, 3)
    forum = FakeForum()
    report = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW)
    assert report.sent == 3 and report.remaining == 0
    with store.transaction() as session:
        items = session.query(OutboxItem).order_by(OutboxItem.id).all()
        assert [i.status for i in items] == ["sent"] * 3
        assert [i.forum_post_id for i in items] == [100, 101, 102]
    assert deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW).sent == 0


def test_crash_mid_send_resumes_with_a_lookup_and_sends_nothing_twice(store):
    queue(store, 2)
    forum = FakeForum()

    class Crash(BaseException):
        deliver_first = True  # the forum got the message, then the process died

    forum.script = [Crash()]
    with pytest.raises(Crash):
        deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW)
    # Right after the crash the dead sender's claim still holds (it may be another host's process) ...
    assert deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW).sent == 1
    # ... until it runs out; then the item is uncertain and is looked up before anything is sent.
    report = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW + CLAIM_TTL + timedelta(seconds=1))
    assert report.sent == 1
    assert forum.calls == [("pm:0", False), ("pm:1", False), ("pm:0", True)]
    assert len(forum.delivered) == 2


def test_forum_outage_retries_later_and_loses_nothing(store):
    queue(store, 1)
    forum = FakeForum()
    forum.script = [ForumUnavailable("503", status=503)]
    first = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW)
    assert first.retried == 1 and first.remaining == 1
    assert deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW).sent == 0
    later = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW + timedelta(hours=1))
    assert later.sent == 1 and later.remaining == 0


def test_ambiguous_timeout_is_looked_up_before_retry(store):
    queue(store, 1)
    forum = FakeForum()
    error = ForumUnavailable("timeout", ambiguous=True)
    error.deliver_first = True
    forum.script = [error]
    deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW)
    deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW + timedelta(hours=1))
    assert forum.calls == [("pm:0", False), ("pm:0", True)]
    assert len(forum.delivered) == 1


def test_rate_limit_waits_when_allowed_and_stops_otherwise(store):
    queue(store, 2)
    forum = FakeForum()
    forum.script = [RateLimited("slow down", wait_seconds=5)]
    slept = []
    clock = [NOW]

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    report = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: clock[0], sleep=sleep, max_wait_seconds=10)
    assert report.sent == 2 and slept == [5.0]
    queue(store, 4)
    forum.script = [RateLimited("slow down", wait_seconds=600)]
    report = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: clock[0], sleep=sleep, max_wait_seconds=10)
    assert report.stopped_early and report.remaining >= 1


def test_rejected_write_fails_visibly_and_can_be_retried_by_an_admin(store):
    queue(store, 1)
    forum = FakeForum()
    forum.script = [ForumRejected("no such user", status=422)]
    assert deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW).failed == 1
    with store.transaction() as session:
        item = session.query(OutboxItem).one()
        assert item.status == "failed" and "HTTP 422" in item.last_error
        item_id = item.id
    assert retry_failed(store, item_id, now=lambda: NOW)
    assert deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW).sent == 1
    assert not retry_failed(store, item_id)


def test_should_stop_ends_between_two_sends(store):
    queue(store, 3)
    forum = FakeForum()
    report = deliver_pending(
        store, None, {"pm": forum.handle}, now=lambda: NOW, should_stop=lambda: len(forum.calls) >= 1
    )
    assert report.sent == 1 and report.remaining == 2 and report.stopped_early


def test_an_item_another_sender_is_sending_is_not_handed_to_a_second_sender(store):
    queue(store, 3)
    taken, uncertain = claim_next(store, NOW, None, "other-host:1/a")
    assert taken is not None and not uncertain
    forum = FakeForum()
    report = deliver_pending(store, None, {"pm": forum.handle}, now=lambda: NOW)
    assert report.sent == 2
    assert "pm:0" not in {key for key, _ in forum.calls}
    # Two senders racing for the same rows: each row goes to exactly one of them.
    queue_more = [f"race:{i}" for i in range(6)]
    with store.transaction() as session:
        for key in queue_more:
            enqueue(session, key=key, kind="pm", payload={})
    claimed = [claim_next(store, NOW, None, f"host:{n}/x")[0] for n in range(8)]
    got = [c for c in claimed if c is not None]
    assert len(got) == len(set(got)) == 6


def test_a_failed_look_up_keeps_the_item_uncertain(store):
    queue(store, 1)
    calls = []

    def handler(forum, payload, key, uncertain):
        calls.append(uncertain)
        if len(calls) == 1:
            raise ForumUnavailable("timeout after the POST went out", ambiguous=True)
        if len(calls) == 2:
            raise ForumUnavailable("503 while looking it up", status=503)
        if len(calls) == 3:
            raise RateLimited("429 while looking it up", wait_seconds=1)
        return DeliveryResult(post_id=1, topic_id=1)

    for hours in range(4):
        deliver_pending(store, None, {"pm": handler}, now=lambda h=hours: NOW + timedelta(hours=h))
        with store.transaction() as session:
            status = session.query(OutboxItem).one().status
        assert status == ("sent" if hours == 3 else "uncertain")
    assert calls == [False, True, True, True]


def test_an_admin_retry_of_an_attempted_item_looks_it_up_first(store):
    queue(store, 1)
    seen = []

    def handler(forum, payload, key, uncertain):
        seen.append(uncertain)
        if len(seen) == 1:
            raise ForumRejected("refused", status=422)
        return DeliveryResult(post_id=1)

    deliver_pending(store, None, {"pm": handler}, now=lambda: NOW)
    with store.transaction() as session:
        item_id = session.query(OutboxItem).one().id
    assert retry_failed(store, item_id, now=lambda: NOW)
    deliver_pending(store, None, {"pm": handler}, now=lambda: NOW)
    assert seen == [False, True]


def test_a_grant_whose_badge_is_not_created_yet_waits_instead_of_failing():
    from companion.outbox.handlers import grant_badge

    class Writer:
        def list_badges(self):
            return []

    class Forum:
        writer = Writer()

    with pytest.raises(ForumUnavailable) as raised:
        grant_badge(Forum(), {"username": "anna", "badge_name": "Brücke"}, "badge:1", False)
    assert not raised.value.ambiguous
