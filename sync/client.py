"""The one HTTP client for the forum: pydiscourse underneath, with our pacing, retries and errors.

Every request goes through `ForumClient.request`: it waits for the pacer,
sends with a timeout on a shared `requests.Session`, and turns the answer
into decoded JSON or one of the exceptions in `sync.errors`. pydiscourse's
own `_request` (which sleeps on 429 by itself, has no timeout by default and
treats every content type but one as an error) is replaced by ours, so its
convenience methods and the calls it lacks share one policy and one session.

Retry policy:
- 429 (both the JSON ``extras.wait_seconds`` shape and the plain-text shape
  with ``Retry-After``): always safe to repeat, because the forum did not run
  the request. The pacer holds every caller back for the time asked.
- 5xx, connection errors, timeouts: repeated with exponential backoff for
  GET/PUT/DELETE (the companion's PUT/DELETE calls are idempotent). A POST
  is repeated only when the connection was never established; otherwise the
  error says ``ambiguous=True`` and the writer decides (it looks up whether
  the first attempt landed before sending again).
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from pydiscourse import DiscourseClient

from sync.errors import (
    ForumAccessDenied,
    ForumNotFound,
    ForumRejected,
    ForumTimeout,
    ForumUnavailable,
    RateLimited,
    UnexpectedResponse,
)
from sync.pacer import Clock, Pacer, Sleep

log = logging.getLogger(__name__)

SAFE_TO_REPEAT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
DEFAULT_TIMEOUT = (5.0, 30.0)
DEFAULT_RATE_LIMIT_WAIT = 10.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: bounded attempts, exponential backoff, bounded 429 waits."""

    max_attempts: int = 4
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 30.0
    max_rate_limit_retries: int = 6
    max_rate_limit_wait_seconds: float = 300.0

    def backoff(self, attempt: int) -> float:
        """Return the pause before retry number ``attempt`` (1-based)."""
        return min(self.backoff_max_seconds, self.backoff_seconds * (2 ** (attempt - 1)))


@dataclass(frozen=True)
class Redirect:
    """A 3xx answer the caller asked to see instead of treating it as an error."""

    status: int
    location: str


class _RoutedDiscourseClient(DiscourseClient):
    """pydiscourse's client with its transport replaced by the ForumClient's."""

    def __init__(self, forum: ForumClient) -> None:
        super().__init__(forum.base_url, forum.api_username, forum.api_key, timeout=forum.timeout)
        self._forum = forum

    def _request(self, verb, path, params=None, files=None, data=None, json=None, override_request_kwargs=None):
        if files:
            raise NotImplementedError("uploads are not part of the companion's forum API subset")
        return self._forum.request(verb, path, params=params, data=data, json=json)


class ForumClient:
    """Paced, retrying, typed-error access to one Discourse forum over its admin API."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_username: str = "system",
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        requests_per_minute: int = 60,
        headroom: float = 0.8,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if not timeout:
            raise ValueError("a timeout is required for every forum request")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.api_username = api_username
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.pacer = pacer or Pacer(requests_per_minute, headroom=headroom, clock=clock, sleep=sleep)
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "Api-Key": api_key,
                "Api-Username": api_username,
                "Accept": "application/json",
                "User-Agent": "discourse-companion/0.1",
            }
        )
        self.api = _RoutedDiscourseClient(self)

    @property
    def requests_made(self) -> int:
        """Requests sent so far (retries included)."""
        return self.pacer.requests_made

    @property
    def rate_limited_count(self) -> int:
        """429 answers received so far."""
        return self.pacer.rate_limited_count

    def close(self) -> None:
        """Release the HTTP connections."""
        self.session.close()

    def get(self, path: str, **params: Any) -> Any:
        """GET a JSON document."""
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST a JSON body and return the decoded answer."""
        return self.request("POST", path, json=dict(body))

    def put(self, path: str, body: Mapping[str, Any]) -> Any:
        """PUT a JSON body and return the decoded answer."""
        return self.request("PUT", path, json=dict(body))

    def delete(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """DELETE with an optional JSON body and return the decoded answer."""
        return self.request("DELETE", path, json=dict(body) if body is not None else None)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        accept_redirect: bool = False,
        repeatable: bool | None = None,
        retry_timeouts: bool = True,
    ) -> Any:
        """Send one logical request (retrying as the policy allows) and return decoded JSON, None or a Redirect."""
        method = method.upper()
        # A read-only POST (e.g. running a saved query) may be repeated like a GET.
        repeatable = method in SAFE_TO_REPEAT if repeatable is None else repeatable
        url = self.base_url + path
        params = _drop_none(params)
        data = _drop_none(data)
        attempt = 0
        rate_limit_retries = 0
        while True:
            attempt += 1
            self.pacer.acquire()
            try:
                response = self.session.request(
                    method, url, params=params, data=data, json=json, timeout=self.timeout, allow_redirects=False
                )
            except requests.exceptions.ConnectTimeout as exc:
                error: ForumUnavailable = ForumTimeout(f"{method} {path}: connect timeout", ambiguous=False)
                cause: Exception = exc
            except requests.exceptions.Timeout as exc:
                error = ForumTimeout(f"{method} {path}: no answer within {self.timeout}s", ambiguous=not repeatable)
                cause = exc
            except requests.exceptions.ConnectionError as exc:
                error = ForumUnavailable(
                    f"{method} {path}: connection failed: {exc}", ambiguous=not repeatable and _maybe_sent(exc)
                )
                cause = exc
            else:
                if response.status_code == 429:
                    wait = rate_limit_wait_seconds(response)
                    self.pacer.note_rate_limited(wait)
                    rate_limit_retries += 1
                    log.info("rate limited on %s %s, waiting %.1fs", method, path, wait)
                    if (
                        rate_limit_retries > self.retry.max_rate_limit_retries
                        or wait > self.retry.max_rate_limit_wait_seconds
                    ):
                        raise RateLimited(f"{method} {path}: still rate limited, wait {wait}s", wait_seconds=wait)
                    attempt -= 1  # a 429 is not a failed attempt: the forum did nothing
                    continue
                if response.status_code >= 500:
                    error = ForumUnavailable(
                        f"{method} {path}: server error {response.status_code}",
                        status=response.status_code,
                        ambiguous=not repeatable,
                    )
                    cause = None  # type: ignore[assignment]
                else:
                    return self._decode(method, path, response, accept_redirect)
            if error.ambiguous or attempt >= self.retry.max_attempts:
                raise error from cause
            if (
                not retry_timeouts
                and isinstance(error, ForumTimeout)
                and not isinstance(cause, requests.exceptions.ConnectTimeout)
            ):
                raise error from cause
            pause = self.retry.backoff(attempt)
            log.info("%s; retry %d in %.1fs", error, attempt, pause)
            self.sleep(pause)

    def _decode(self, method: str, path: str, response: requests.Response, accept_redirect: bool) -> Any:
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            if accept_redirect:
                return Redirect(status=status, location=location)
            raise UnexpectedResponse(
                f"{method} {path}: unexpected redirect {status} to {location!r} (wrong host or API key?)",
                status=status,
                location=location,
            )
        if 400 <= status < 500:
            raise _rejection(method, path, response)
        if not response.content.strip():
            return None
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type.lower():
            raise UnexpectedResponse(
                f"{method} {path}: expected JSON, got {content_type or 'no content type'}", status=status
            )
        try:
            return response.json()
        except ValueError as exc:
            raise UnexpectedResponse(f"{method} {path}: body is not valid JSON", status=status) from exc


def rate_limit_wait_seconds(response: requests.Response, default: float = DEFAULT_RATE_LIMIT_WAIT) -> float:
    """Return how long a 429 asks us to wait: JSON extras.wait_seconds, else Retry-After, else a default."""
    try:
        body = response.json()
        wait = body["extras"]["wait_seconds"]
        if isinstance(wait, (int, float)) and wait >= 0:
            return float(wait)
    except (ValueError, TypeError, KeyError):
        pass
    header = response.headers.get("Retry-After")
    if header:
        header = header.strip()
        try:
            return max(0.0, float(header))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(header)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return default


def _rejection(method: str, path: str, response: requests.Response) -> ForumRejected:
    errors: tuple[str, ...] = ()
    error_type = None
    try:
        body = response.json()
        if isinstance(body, dict):
            raw_errors = body.get("errors") or ([body["error"]] if body.get("error") else [])
            errors = tuple(str(e) for e in raw_errors)
            error_type = body.get("error_type")
    except ValueError:
        text = response.text.strip()
        errors = (text[:200],) if text else ()
    message = f"{method} {path}: {response.status_code} {'; '.join(errors) or response.reason or ''}".strip()
    kind = {403: ForumAccessDenied, 401: ForumAccessDenied, 404: ForumNotFound}.get(response.status_code, ForumRejected)
    return kind(message, status=response.status_code, errors=errors, error_type=error_type)


def _maybe_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """Tell whether a connection error may have happened after the request reached the forum."""
    text = repr(exc)
    never_sent = ("NewConnectionError", "Connection refused", "Name or service not known", "NameResolutionError")
    return not any(marker in text for marker in never_sent)


def _drop_none(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: value for key, value in values.items() if value is not None}


def dumps(value: Any) -> str:
    """Serialise a value as compact JSON (used for Data Explorer params)."""
    return jsonlib.dumps(value, separators=(",", ":"), ensure_ascii=False)
