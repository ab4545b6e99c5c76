"""The states of a season, a circle and a meeting, and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class SeasonStatus(StrEnum):
    """Where a season stands: drafted, open for sign-ups, formed as a preview, published, closed."""

    DRAFT = "draft"
    OPEN = "open"
    FORMED = "formed"
    PUBLISHED = "published"
    CLOSED = "closed"


class CircleStatus(StrEnum):
    """A circle is a preview until its season is published."""

    PREVIEW = "preview"
    PUBLISHED = "published"
    CLOSED = "closed"


class MeetingStatus(StrEnum):
    """A meeting is scheduled or cancelled (cancelled meetings stay in calendars as CANCELLED)."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


_S = SeasonStatus
SEASON = Lifecycle(
    "season",
    SeasonStatus,
    table(
        {
            # A draft can be formed too: sign-ups taken while it was open stay when it goes back to draft.
            _S.DRAFT: (_S.OPEN, _S.FORMED),
            _S.OPEN: (_S.DRAFT, _S.FORMED, _S.CLOSED),
            # Re-opening a formed season lets late sign-ups in before forming again.
            _S.FORMED: (_S.OPEN, _S.PUBLISHED, _S.CLOSED),
            _S.PUBLISHED: (_S.CLOSED,),
            _S.CLOSED: (),
        }
    ),
)
# The changes an admin makes by hand; forming and publishing have their own actions.
SEASON_MANUAL = (_S.DRAFT, _S.OPEN, _S.CLOSED)
# Seasons that take sign-ups (within their window).
SIGNUP_OPEN = (_S.OPEN, _S.FORMED)
# Seasons whose circles can no longer be formed again.
FORMATION_FINAL = (_S.PUBLISHED, _S.CLOSED)

_C = CircleStatus
CIRCLE = Lifecycle(
    "circle",
    CircleStatus,
    table({_C.PREVIEW: (_C.PUBLISHED,), _C.PUBLISHED: (_C.CLOSED,), _C.CLOSED: ()}),
)
# Circles whose members see them (and whose meetings are in calendars).
VISIBLE = (_C.PUBLISHED, _C.CLOSED)

_M = MeetingStatus
MEETING = Lifecycle(
    "meeting",
    MeetingStatus,
    table({_M.SCHEDULED: (_M.CANCELLED,), _M.CANCELLED: ()}),
)
