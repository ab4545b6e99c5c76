"""The states of a suggestion and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class SuggestionStatus(StrEnum):
    """Where one suggestion stands."""

    NEW = "new"
    CONTACTED = "contacted"
    REJECTED = "rejected"
    TALKED = "talked"
    IGNORED = "ignored"


S = SuggestionStatus
SUGGESTION = Lifecycle(
    "suggestion",
    SuggestionStatus,
    table(
        {
            S.NEW: (S.CONTACTED, S.REJECTED, S.TALKED, S.IGNORED),
            S.IGNORED: (S.CONTACTED, S.REJECTED, S.TALKED),
            S.CONTACTED: (S.TALKED, S.REJECTED),
            S.REJECTED: (S.NEW,),
            S.TALKED: (),
        }
    ),
)
# Suggestions that count as an accepted contact (badges, dashboard, pair history).
ACCEPTED = frozenset({S.CONTACTED, S.TALKED})
# Suggestions still open for feedback or for conversation detection.
OPEN = frozenset({S.NEW, S.CONTACTED, S.IGNORED})
