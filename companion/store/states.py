"""Lifecycles of stored entities: one enum and one transition table each, and the one way to change a state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from companion.errors import CompanionError

S = TypeVar("S", bound=StrEnum)


class InvalidTransition(CompanionError):
    """A state change the entity's transition table does not allow."""

    def __init__(self, entity: str, current: str, wanted: str) -> None:
        self.entity, self.current, self.wanted = entity, current, wanted
        super().__init__(f"{entity} cannot go from {current!r} to {wanted!r}")


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The states of one entity and which change leads where."""

    entity: str
    states: type[S]
    allowed: Mapping[S, frozenset[S]]

    def can(self, current: str, wanted: str) -> bool:
        """Whether the table allows going from current to wanted (staying put is always allowed)."""
        now, then = self.states(current), self.states(wanted)
        return now == then or then in self.allowed.get(now, frozenset())

    def check(self, current: str, wanted: str) -> S:
        """The wanted state, or InvalidTransition when the table forbids the change."""
        if not self.can(current, wanted):
            raise InvalidTransition(self.entity, str(current), str(wanted))
        return self.states(wanted)

    def move(self, row: Any, wanted: str, attribute: str = "status") -> S:
        """Change the row's state after checking the table; returns the new state."""
        state = self.check(getattr(row, attribute), wanted)
        setattr(row, attribute, state.value)
        return state


def table(pairs: Mapping[S, tuple[S, ...]]) -> dict[S, frozenset[S]]:
    """A transition table written as state -> the states it may go to."""
    return {state: frozenset(targets) for state, targets in pairs.items()}
