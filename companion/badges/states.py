"""The states of a badge grant, read from its columns, and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.models import BadgeGrant
from companion.store.states import Lifecycle, table


class GrantStatus(StrEnum):
    """Where one grant stands; the store keeps it as forum id, revocation time and the admin's release."""

    QUEUED = "queued"
    GRANTED = "granted"
    REVOKED = "revoked"
    RELEASED = "released"


_G = GrantStatus
GRANT = Lifecycle(
    "badge grant",
    GrantStatus,
    table(
        {
            _G.QUEUED: (_G.GRANTED, _G.REVOKED),
            _G.GRANTED: (_G.REVOKED,),
            # Only an admin releases a revoked grant, so the awarding may grant the badge again (a new row).
            _G.REVOKED: (_G.RELEASED,),
            _G.RELEASED: (),
        }
    ),
)


def grant_status(grant: BadgeGrant) -> GrantStatus:
    """The grant's state from its columns (it has no status column: the forum ids and times say it all)."""
    if grant.revoked_at is not None:
        return GrantStatus.RELEASED if grant.regrant_allowed else GrantStatus.REVOKED
    return GrantStatus.GRANTED if grant.forum_user_badge_id is not None else GrantStatus.QUEUED
