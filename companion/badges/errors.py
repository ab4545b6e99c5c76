"""Errors of the badge service, importable without the rule engine (the CLI registers them at start-up)."""

from __future__ import annotations

from typing import Mapping


class BadgeNotFound(LookupError):
    """No badge with that key in the catalogue."""


class BadgeInvalid(ValueError):
    """An admin's change to a badge cannot be saved; the message says what to fix."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class MemberNotFound(LookupError):
    """No member with that username."""
