"""DiscourseConnect provider helpers: signed redirect, verification, single-use expiring nonces."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest

from sync.connect import ConnectProvider, InMemoryNonceStore, encode_payload, sign
from sync.errors import (
    ConnectLoginFailed,
    ConnectNonceInvalid,
    ConnectPayloadInvalid,
    ConnectSignatureInvalid,
)
from tests.support.synckit import FakeClock

SECRET = "sandbox-connect-secret"


def provider(clock: FakeClock) -> ConnectProvider:
    return ConnectProvider(
        "https://forum.example.org/", SECRET, InMemoryNonceStore(clock), clock=clock, nonce_ttl_seconds=600
    )


def start_login(p: ConnectProvider, **kwargs) -> dict[str, str]:
    url = urlparse(p.login_url("https://companion.example.org/auth/callback", **kwargs))
    assert url.path == "/session/sso_provider"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert sign(SECRET, query["sso"]) == query["sig"]
    return {k: v[0] for k, v in parse_qs(base64.b64decode(query["sso"]).decode()).items()}


def forum_answer(fields: dict[str, str], secret: str = SECRET) -> tuple[str, str]:
    sso = encode_payload(fields)
    return sso, sign(secret, sso)


def test_login_url_is_signed_and_carries_nonce_and_return_url():
    p = provider(FakeClock())
    request = start_login(p, prompt_none=True)
    assert request["return_sso_url"] == "https://companion.example.org/auth/callback"
    assert len(request["nonce"]) >= 20
    assert request["prompt"] == "none"


def test_valid_answer_gives_the_identity_once():
    clock = FakeClock()
    p = provider(clock)
    nonce = start_login(p)["nonce"]
    sso, sig = forum_answer(
        {
            "nonce": nonce,
            "return_sso_url": "https://companion.example.org/auth/callback",
            "external_id": "42",
            "username": "anna",
            "name": "Anna M",
            "email": "anna@essen.de",
            "admin": "false",
            "moderator": "true",
            "groups": "essen,zirkel-1",
        }
    )
    identity = p.verify(sso, sig)
    assert identity.external_id == 42
    assert identity.username == "anna"
    assert identity.moderator and not identity.admin
    assert identity.groups == ("essen", "zirkel-1")
    with pytest.raises(ConnectNonceInvalid):
        p.verify(sso, sig)


def test_expired_nonce_is_refused():
    clock = FakeClock()
    p = provider(clock)
    nonce = start_login(p)["nonce"]
    clock.now += 601
    sso, sig = forum_answer({"nonce": nonce, "external_id": "1", "username": "a"})
    with pytest.raises(ConnectNonceInvalid):
        p.verify(sso, sig)


def test_unknown_nonce_is_refused():
    p = provider(FakeClock())
    sso, sig = forum_answer({"nonce": "made-up", "external_id": "1", "username": "a"})
    with pytest.raises(ConnectNonceInvalid):
        p.verify(sso, sig)


def test_forged_or_tampered_answer_is_refused_without_using_the_nonce():
    p = provider(FakeClock())
    nonce = start_login(p)["nonce"]
    fields = {"nonce": nonce, "external_id": "1", "username": "a", "admin": "false"}
    sso, _ = forum_answer(fields, secret="another-secret-value")
    with pytest.raises(ConnectSignatureInvalid):
        p.verify(sso, sign("another-secret-value", sso))
    good_sso, good_sig = forum_answer(fields)
    tampered = encode_payload({**fields, "admin": "true"})
    with pytest.raises(ConnectSignatureInvalid):
        p.verify(tampered, good_sig)
    assert p.verify(good_sso, good_sig).username == "a"


def test_failed_login_and_incomplete_payloads():
    p = provider(FakeClock())
    nonce = start_login(p, prompt_none=True)["nonce"]
    with pytest.raises(ConnectLoginFailed):
        p.verify(*forum_answer({"nonce": nonce, "failed": "true"}))
    nonce = start_login(p)["nonce"]
    with pytest.raises(ConnectPayloadInvalid):
        p.verify(*forum_answer({"nonce": nonce, "username": "a"}))


def test_short_secret_is_refused():
    with pytest.raises(ValueError):
        ConnectProvider("https://f", "short", InMemoryNonceStore())
