"""The states of a camp and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class CampStatus(StrEnum):
    """Where a camp stands: taking proposals and votes, planned (a grid), or its grid posted."""

    OPEN = "open"
    PLANNED = "planned"
    PUBLISHED = "published"


_C = CampStatus
CAMP = Lifecycle(
    "camp",
    CampStatus,
    # Planning again replaces the grid; once posted to the forum the grid stays as it is.
    table({_C.OPEN: (_C.PLANNED,), _C.PLANNED: (_C.PLANNED, _C.PUBLISHED), _C.PUBLISHED: ()}),
)
