"""The service's one exception base, and which errors the CLI reports as one clear line rather than a traceback."""

from __future__ import annotations


class CompanionError(Exception):
    """Base of every error the service raises on purpose; its message is meant for the person who caused it."""


# Errors of the boundary packages (sync cannot import this module) that are reported as one line too.
_FOREIGN: list[type[BaseException]] = []


def register_expected_error(error_type: type[BaseException]) -> None:
    """Report an error type from outside the service (e.g. sync's ForumError) as one line."""
    if error_type not in _FOREIGN:
        _FOREIGN.append(error_type)


def expected_errors() -> tuple[type[BaseException], ...]:
    """Every error type reported as one line."""
    return (CompanionError, *_FOREIGN)
