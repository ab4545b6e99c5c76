"""Errors of the badge service."""

from __future__ import annotations

from collections.abc import Mapping

from companion.errors import CompanionError


class BadgeNotFound(CompanionError, LookupError):
    """No badge with that key in the catalogue."""


class BadgeInvalid(CompanionError, ValueError):
    """An admin's change to a badge cannot be saved; the message says what to fix."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class MemberNotFound(CompanionError, LookupError):
    """No member with that username."""
