"""The states of a meetup registration (a seat, an offer or a waiting place) and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class RegistrationStatus(StrEnum):
    """Where a member's registration for a meetup stands."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


_R = RegistrationStatus
REGISTRATION = Lifecycle(
    "meetup registration",
    RegistrationStatus,
    table(
        {
            _R.CONFIRMED: (_R.CANCELLED,),
            _R.WAITING: (_R.OFFERED, _R.CANCELLED),
            _R.OFFERED: (_R.CONFIRMED, _R.CANCELLED, _R.EXPIRED),
            # Registering again after giving up or missing an offer: a seat or the end of the waiting list.
            _R.CANCELLED: (_R.CONFIRMED, _R.WAITING),
            _R.EXPIRED: (_R.CONFIRMED, _R.WAITING),
        }
    ),
)
# Registrations that hold a seat.
HOLDING = (_R.CONFIRMED, _R.OFFERED)
# Registrations still active (a seat, an offer or a waiting place).
ACTIVE = (_R.CONFIRMED, _R.WAITING, _R.OFFERED)


class GuestStatus(StrEnum):
    """Where a guest's registration (without a forum account) stands."""

    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


_G = GuestStatus
GUEST = Lifecycle(
    "guest registration",
    GuestStatus,
    table(
        {
            _G.UNCONFIRMED: (_G.CONFIRMED, _G.WAITING, _G.CANCELLED),
            _G.WAITING: (_G.CONFIRMED, _G.CANCELLED),
            _G.CONFIRMED: (_G.CANCELLED,),
            # Registering again after cancelling starts a new double opt-in.
            _G.CANCELLED: (_G.UNCONFIRMED,),
        }
    ),
)


class TopicStatus(StrEnum):
    """Where a Lean Coffee topic stands on the board."""

    PROPOSED = "proposed"
    DISCUSSING = "discussing"
    DISCUSSED = "discussed"


_T = TopicStatus
TOPIC = Lifecycle(
    "Lean Coffee topic",
    TopicStatus,
    table({_T.PROPOSED: (_T.DISCUSSING,), _T.DISCUSSING: (_T.DISCUSSED,), _T.DISCUSSED: ()}),
)
