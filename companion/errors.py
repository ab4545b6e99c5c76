"""Errors the user should see as one clear line (CLI) rather than a traceback."""

from __future__ import annotations

from companion.settings import SettingsError
from companion.store.db import StoreError

_EXPECTED: list[type[BaseException]] = [SettingsError, StoreError]


def register_expected_error(error_type: type[BaseException]) -> None:
    """Let a capability add an error type that is reported as one line."""
    if error_type not in _EXPECTED:
        _EXPECTED.append(error_type)


def expected_errors() -> tuple[type[BaseException], ...]:
    """Every error type reported as one line."""
    return tuple(_EXPECTED)
