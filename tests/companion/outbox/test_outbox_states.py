"""The outbox item lifecycle: a sent item never changes again; an uncertain one is looked up before it is sent."""

import pytest

from companion.outbox.delivery import enqueue, retry_failed
from companion.outbox.states import OUTBOX, OutboxStatus
from companion.store.models import OutboxItem
from companion.store.states import InvalidTransition
from tests.support.lifecycles import transitions


def test_the_outbox_table_allows_exactly_these_changes():
    transitions(
        OUTBOX,
        {
            ("pending", "sending"),
            ("pending", "cancelled"),
            ("sending", "sent"),
            ("sending", "pending"),
            ("sending", "failed"),
            ("sending", "uncertain"),
            ("uncertain", "sending"),
            ("uncertain", "cancelled"),
            ("failed", "pending"),
            ("failed", "uncertain"),
            ("failed", "cancelled"),
        },
    )


def test_a_sent_item_cannot_be_queued_again(store):
    with store.transaction() as session:
        item = enqueue(session, key="pm:once", kind="pm", payload={})
        assert item.status == "pending"
        OUTBOX.move(item, OutboxStatus.SENDING)
        OUTBOX.move(item, OutboxStatus.SENT)
        item_id = item.id
    assert retry_failed(store, item_id) is False
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        with pytest.raises(InvalidTransition, match="outbox item cannot go from 'sent' to 'pending'"):
            OUTBOX.move(item, OutboxStatus.PENDING)
        assert item.status == "sent"
