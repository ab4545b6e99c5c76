"""The states of an outbox item and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class OutboxStatus(StrEnum):
    """Where one forum write stands."""

    PENDING = "pending"  # never sent, or refused in a way that proves it did not land
    SENDING = "sending"  # claimed by one sender right now (claimed_by/claimed_until)
    UNCERTAIN = "uncertain"  # an attempt may have landed: the next sender must look it up first
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


_S = OutboxStatus
OUTBOX = Lifecycle(
    "outbox item",
    OutboxStatus,
    table(
        {
            _S.PENDING: (_S.SENDING, _S.CANCELLED),
            _S.SENDING: (_S.SENT, _S.PENDING, _S.UNCERTAIN, _S.FAILED),
            _S.UNCERTAIN: (_S.SENDING, _S.CANCELLED),
            _S.SENT: (),
            _S.FAILED: (_S.PENDING, _S.UNCERTAIN, _S.CANCELLED),
            _S.CANCELLED: (),
        }
    ),
)
# Items a sender may still have to send.
OPEN = frozenset({_S.PENDING, _S.SENDING, _S.UNCERTAIN})
