"""Errors of the circle service: each carries a message meant for the admin or member who caused it."""

from __future__ import annotations

from companion.errors import CompanionError


class CirclesError(CompanionError, ValueError):
    """A circle action cannot be done; the message says why in plain words (English, with a German version)."""

    def __init__(self, message: str, de: str | None = None) -> None:
        super().__init__(message)
        self.de = de or message

    def text(self, locale: str) -> str:
        """The message in the reader's language."""
        return self.de if locale == "de" else str(self)


class SeasonInvalid(CirclesError):
    """Season settings do not describe a workable season."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class SeasonOverlap(CirclesError):
    """A season's sign-up window or meeting period overlaps another season's."""


class SeasonStatusRefused(CirclesError):
    """A season cannot change to the asked status (its transition table forbids it, or it is no manual change)."""


class SeasonNotFound(CirclesError):
    """No season has that name or id."""


class SignUpRefused(CirclesError):
    """A sign-up is not accepted (no consent, window closed, bad availability)."""


class FormationRefused(CirclesError):
    """Circles cannot be formed for the season (already published, too few sign-ups)."""


class PublishRefused(CirclesError):
    """The season cannot be published (no preview, wrong status)."""


class RsvpRefused(CirclesError):
    """An RSVP cannot be recorded (meeting cancelled or over, not a member, bad link)."""


class MeetupRefused(CirclesError):
    """A meetup registration action cannot be done."""
