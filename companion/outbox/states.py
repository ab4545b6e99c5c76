"""The states of an outbox item and the changes between them (a sent item never changes again)."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class OutboxStatus(StrEnum):
    """Where one queued forum write stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


_O = OutboxStatus
OUTBOX = Lifecycle(
    "outbox item",
    OutboxStatus,
    table(
        {
            # Only a pending item is cancelled (a member left): one being sent may already be in the forum.
            _O.PENDING: (_O.SENDING, _O.CANCELLED),
            # Back to pending after a clear failure; staying "sending" marks an uncertain attempt.
            _O.SENDING: (_O.SENT, _O.PENDING, _O.FAILED),
            # An admin puts a failed item back in the queue.
            _O.FAILED: (_O.PENDING,),
            _O.SENT: (),
            _O.CANCELLED: (),
        }
    ),
)
# Items the delivery loop still has to send.
OPEN = (_O.PENDING, _O.SENDING)
