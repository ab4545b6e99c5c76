"""Exceptions raised by the forum boundary; callers never see requests or pydiscourse errors."""

from __future__ import annotations


class ForumError(Exception):
    """Base class of every error raised when talking to the forum."""


class ForumUnavailable(ForumError):
    """The forum did not answer usably (5xx, connection error, timeout) after the allowed retries.

    ``ambiguous`` is True when a write may have reached the forum anyway
    (the request was sent but no answer came back), so the caller must look
    the result up before trying again.
    """

    def __init__(self, message: str, *, status: int | None = None, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.ambiguous = ambiguous


class ForumTimeout(ForumUnavailable):
    """The forum did not answer within the request timeout."""


class UnexpectedResponse(ForumError):
    """The forum answered with something that is not the expected JSON (a redirect, HTML, garbage)."""

    def __init__(self, message: str, *, status: int | None = None, location: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.location = location


class RateLimited(ForumError):
    """The forum kept answering 429 longer than the client is willing to wait."""

    def __init__(self, message: str, *, wait_seconds: float) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class ForumRejected(ForumError):
    """The forum refused the request (4xx other than 429): it will not succeed if repeated as is."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        errors: tuple[str, ...] = (),
        error_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors
        self.error_type = error_type


class ForumAccessDenied(ForumRejected):
    """The API key is missing, wrong or lacks the rights for this call (403)."""


class ForumNotFound(ForumRejected):
    """The requested resource does not exist (404), or a plugin behind it is disabled."""


class RepeatedGrant(ForumError):
    """The forum answered a grant of a multiple_grant badge with a grant that already existed (same evidence)."""

    def __init__(self, message: str, *, user_badge_id: int) -> None:
        super().__init__(message)
        self.user_badge_id = user_badge_id


class DataExplorerUnavailable(ForumError):
    """The Data Explorer plugin is disabled or unusable, so the bulk path cannot be taken."""


class WebhookError(ForumError):
    """A webhook delivery that must be refused; ``http_status`` is the answer to give the forum."""

    http_status = 400


class WebhookMalformed(WebhookError):
    """The body or headers are not a well-formed Discourse webhook (400)."""

    http_status = 400


class WebhookUnauthorized(WebhookError):
    """The delivery is unsigned or its signature does not match (401)."""

    http_status = 401


class WebhookTooLarge(WebhookError):
    """The body is larger than the configured maximum (413)."""

    http_status = 413


class WebhookUnsupported(WebhookError):
    """The delivery is well-formed and signed but its event or payload cannot be used (422)."""

    http_status = 422


class ConnectError(ForumError):
    """A DiscourseConnect answer that must not log anybody in."""


class ConnectSignatureInvalid(ConnectError):
    """The DiscourseConnect payload's signature does not match."""


class ConnectNonceInvalid(ConnectError):
    """The DiscourseConnect nonce is unknown, already used or expired."""


class ConnectOtherBrowser(ConnectNonceInvalid):
    """The DiscourseConnect answer belongs to a login that another browser started (login CSRF)."""


class ConnectPayloadInvalid(ConnectError):
    """The DiscourseConnect payload cannot be decoded or lacks required fields."""


class ConnectLoginFailed(ConnectError):
    """The forum reported failed=true: the member is not logged in there (prompt=none)."""
