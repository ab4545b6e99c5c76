"""Errors the sandbox raises, each carrying Discourse's status code and error body."""

from __future__ import annotations

from typing import Any


class ForumError(Exception):
    """An error answered with Discourse's `{"errors": [...], "error_type": ...}` body."""

    status = 422
    error_type: str | None = None

    def __init__(self, message: str, *, extras: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extras = extras

    def body(self) -> dict[str, Any]:
        """The JSON body Discourse answers with."""
        body: dict[str, Any] = {"errors": [self.message]}
        if self.error_type:
            body["error_type"] = self.error_type
        if self.extras:
            body["extras"] = self.extras
        return body


class NotFound(ForumError):
    """404 not_found, as for unknown users, topics, groups and disabled plugins."""

    status = 404
    error_type = "not_found"

    def __init__(self, message: str = "The requested URL or resource could not be found.") -> None:
        super().__init__(message)


class InvalidAccess(ForumError):
    """403 invalid_access, as for missing or wrong API credentials and non-staff callers."""

    status = 403
    error_type = "invalid_access"

    def __init__(self, message: str = "You are not permitted to view the requested resource.") -> None:
        super().__init__(message)


class InvalidParameters(ForumError):
    """400 invalid_parameters, as Discourse answers a missing or out-of-range parameter."""

    status = 400
    error_type = "invalid_parameters"

    def __init__(self, parameter: str) -> None:
        super().__init__(f"You supplied invalid parameters to the request: {parameter}")


class Unprocessable(ForumError):
    """422 with a validation message, as for duplicates, unknown recipients or existing members."""

    status = 422


class RateLimitedError(ForumError):
    """429 rate_limit with the wait in extras, as Discourse's application-level limiter answers."""

    status = 429
    error_type = "rate_limit"

    def __init__(self, wait_seconds: int, error_code: str) -> None:
        unit = "second" if wait_seconds == 1 else "seconds"
        super().__init__(
            f"You’ve performed this action too many times. Please wait {wait_seconds} {unit} before trying again.",
            extras={"wait_seconds": wait_seconds, "time_left": f"{wait_seconds} {unit}"},
        )
        self.wait_seconds = wait_seconds
        self.error_code = error_code


class BadRequest(ForumError):
    """400 with Discourse's failed_json and a message (e.g. an invalid badge reason link)."""

    status = 400
