"""Errors of the circle service: each carries a catalogue message, worded in the language of whoever reads it."""

from __future__ import annotations

from typing import Any

from companion.errors import CompanionError
from companion.messages.gettext import Wording


class CirclesError(CompanionError, ValueError):
    """A circle action cannot be done; a catalogue msgid and its parameters say why (str() is the English text).

    Every subclass name is a keyword in babel.cfg, so the msgids passed to it are extracted for the catalogue.
    """

    def __init__(self, msgid: str | Wording, /, **params: Any) -> None:
        # A check that returns its finding as a Wording (seasons.overlapping_season) passes it on whole.
        self.wording = msgid if isinstance(msgid, Wording) else Wording(msgid, params)
        super().__init__(self.text("en"))

    def text(self, locale: str | None) -> str:
        """The message in the reader's language (the page's or the member's)."""
        return self.wording.text(locale)

    def problems_in(self, locale: str | None) -> list[str]:
        """The message as a list of problems, for forms that show each one."""
        return [self.text(locale)]


class InputInvalid(CirclesError):
    """Form input with several problems, each worded by the check that found it (with the page's gettext)."""

    def __init__(self, problems: list[str]) -> None:
        # The checks run in the request that shows the form, so their words are already in the reader's language.
        self.problems = list(problems)
        super().__init__("%(problems)s", problems="; ".join(self.problems))

    def problems_in(self, locale: str | None) -> list[str]:
        """The problems as the checks worded them."""
        return list(self.problems)


class SeasonInvalid(InputInvalid):
    """Season settings do not describe a workable season."""


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


class MeetupInvalid(InputInvalid, MeetupRefused):
    """What an admin entered for a meetup does not describe a workable meetup."""
