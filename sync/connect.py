"""DiscourseConnect provider helpers: log in to the companion with the forum account.

The companion builds a signed request (``nonce``, ``return_sso_url``), the
forum authenticates the member and redirects back with a signed payload.
The signature is a hex HMAC-SHA256 over the exact base64 ``sso`` string.
Nonces are single-use and expire; where they are kept is the caller's
choice through the `NonceStore` protocol (the companion uses its database).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Collection
from typing import Protocol
from urllib.parse import parse_qs, urlencode

from sync.errors import (
    ConnectLoginFailed,
    ConnectNonceInvalid,
    ConnectOtherBrowser,
    ConnectPayloadInvalid,
    ConnectSignatureInvalid,
)
from sync.parse import as_bool, as_int, names
from sync.records import ConnectIdentity

DEFAULT_NONCE_TTL_SECONDS = 600.0


class NonceStore(Protocol):
    """Keeps issued nonces until they are used once or expire."""

    def put(self, nonce: str, expires_at: float) -> None:
        """Remember a nonce until the given time (seconds on the store's clock)."""

    def take(self, nonce: str) -> bool:
        """Forget the nonce and return True when it was known and not expired."""


class InMemoryNonceStore:
    """A thread-safe in-process NonceStore for tests and single-process use."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}

    def put(self, nonce: str, expires_at: float) -> None:
        """Remember a nonce until expires_at."""
        with self._lock:
            now = self._clock()
            # Drop expired nonces so the store cannot grow without bound.
            self._expiry = {n: t for n, t in self._expiry.items() if t > now}
            self._expiry[nonce] = expires_at

    def take(self, nonce: str) -> bool:
        """Use a nonce up: True once when it is known and unexpired."""
        with self._lock:
            expires_at = self._expiry.pop(nonce, None)
            return expires_at is not None and expires_at > self._clock()


def sign(secret: str, sso: str) -> str:
    """Return the hex HMAC-SHA256 of an sso string."""
    return hmac.new(secret.encode("utf-8"), sso.encode("utf-8"), hashlib.sha256).hexdigest()


def encode_payload(fields: dict[str, str]) -> str:
    """Encode payload fields the way DiscourseConnect does (query string, base64 with trailing newline)."""
    return base64.encodebytes(urlencode(fields).encode("utf-8")).decode("ascii")


class ConnectProvider:
    """Builds login redirects to the forum and verifies what it sends back."""

    def __init__(
        self,
        forum_url: str,
        secret: str,
        nonce_store: NonceStore,
        *,
        nonce_ttl_seconds: float = DEFAULT_NONCE_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 10:
            raise ValueError("the DiscourseConnect secret must have at least 10 characters")
        self.forum_url = forum_url.rstrip("/")
        self.secret = secret
        self.nonces = nonce_store
        self.nonce_ttl_seconds = nonce_ttl_seconds
        self.clock = clock

    def login_url(self, return_url: str, *, prompt_none: bool = False) -> str:
        """Return the forum URL to redirect the browser to, with a fresh single-use nonce."""
        return self.start_login(return_url, prompt_none=prompt_none)[0]

    def start_login(self, return_url: str, *, prompt_none: bool = False) -> tuple[str, str]:
        """Return the forum URL for the browser and its fresh nonce, which the caller binds to that browser."""
        nonce = secrets.token_urlsafe(24)
        self.nonces.put(nonce, self.clock() + self.nonce_ttl_seconds)
        fields = {"nonce": nonce, "return_sso_url": return_url}
        if prompt_none:
            fields["prompt"] = "none"
        sso = encode_payload(fields)
        url = f"{self.forum_url}/session/sso_provider?{urlencode({'sso': sso, 'sig': sign(self.secret, sso)})}"
        return url, nonce

    def verify(self, sso: str, sig: str, *, started_here: Collection[str] | None = None) -> ConnectIdentity:
        """Check the signature and the nonce (once), then return the identity the forum vouches for.

        ``started_here`` are the nonces of the logins this browser started: an answer to any other
        login (an attacker's own, planted in the victim's browser) is refused.
        """
        if (
            not sso
            or not sig
            or not hmac.compare_digest(
                sign(self.secret, sso).encode("ascii"), sig.strip().lower().encode("utf-8", "replace")
            )
        ):
            raise ConnectSignatureInvalid("DiscourseConnect signature does not match")
        try:
            decoded = base64.b64decode(sso.encode("ascii"), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError) as exc:
            raise ConnectPayloadInvalid("payload is not base64 text") from exc
        fields = {k: v[0] for k, v in parse_qs(decoded, keep_blank_values=True).items()}
        nonce = fields.get("nonce", "")
        if started_here is not None and not any(
            hmac.compare_digest(nonce.encode(), str(mine).encode()) for mine in started_here
        ):
            raise ConnectOtherBrowser("this login was started in another browser")
        if not nonce or not self.nonces.take(nonce):
            raise ConnectNonceInvalid("nonce unknown, already used or expired")
        if as_bool(fields.get("failed", "")):
            raise ConnectLoginFailed("the member is not logged in on the forum")
        external_id = as_int(fields.get("external_id"))
        username = fields.get("username", "").strip()
        if external_id is None or not username:
            raise ConnectPayloadInvalid("payload lacks external_id or username")
        return ConnectIdentity(
            external_id=external_id,
            username=username,
            email=fields.get("email") or None,
            name=fields.get("name") or None,
            admin=as_bool(fields.get("admin", "")),
            moderator=as_bool(fields.get("moderator", "")),
            groups=names(fields.get("groups", "")),
            avatar_url=fields.get("avatar_url") or None,
            locale=fields.get("locale") or None,
            return_sso_url=fields.get("return_sso_url") or None,
        )
