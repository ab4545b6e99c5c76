"""Checks that a Lifecycle's transition table is what the entity allows, and nothing more."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from companion.store.states import InvalidTransition, Lifecycle


def transitions(lifecycle: Lifecycle, allowed: set[tuple[str, str]]) -> None:
    """Every listed change moves a row; every other change between two different states raises InvalidTransition."""
    for current in lifecycle.states:
        for wanted in lifecycle.states:
            row = SimpleNamespace(status=current.value)
            if current == wanted or (current.value, wanted.value) in allowed:
                assert lifecycle.move(row, wanted) == wanted
                assert row.status == wanted.value
            else:
                with pytest.raises(InvalidTransition) as raised:
                    lifecycle.move(row, wanted)
                assert row.status == current.value, "a refused change must leave the row as it was"
                assert (raised.value.current, raised.value.wanted) == (current.value, wanted.value)
                assert lifecycle.entity in str(raised.value)
