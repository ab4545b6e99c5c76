"""DiscourseConnect provider: verify the companion's signed request, let a tester pick a member, sign the answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, Response, redirect, render_template, request, session
from werkzeug.wrappers import Response as BaseResponse

from .http import state
from .models import User
from .serializers import avatar_template

connect = Blueprint("sandbox_connect", __name__)

SESSION_KEY = "sandbox_username"
LOGIN_PAGE_SIZE = 50


def sign(secret: str, sso: str) -> str:
    """Hex HMAC-SHA256 of the exact base64 payload string, as DiscourseConnect signs it."""
    return hmac.new(secret.encode("utf-8"), sso.encode("utf-8"), hashlib.sha256).hexdigest()


def encode_payload(fields: dict[str, Any]) -> str:
    """URL-encode and base64 the fields; base64 with line breaks and a trailing newline, like Ruby's encode64."""
    return base64.encodebytes(urlencode(fields).encode("utf-8")).decode("ascii")


def decode_payload(sso: str) -> dict[str, str]:
    """The fields of a base64 payload."""
    return dict(parse_qsl(base64.b64decode(sso).decode("utf-8"), keep_blank_values=True))


def signed_query(secret: str, fields: dict[str, Any]) -> str:
    """The `sso=...&sig=...` query string for a payload."""
    sso = encode_payload(fields)
    return urlencode({"sso": sso, "sig": sign(secret, sso)})


def user_fields_for(user: User, nonce: str, return_sso_url: str) -> dict[str, Any]:
    """The fields the forum returns for a logged-in member."""
    forum = state()
    base = forum.settings.base_url or request.host_url.rstrip("/")
    fields: dict[str, Any] = {
        "nonce": nonce,
        "return_sso_url": return_sso_url,
        "external_id": user.id,
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "admin": str(user.admin).lower(),
        "moderator": str(user.moderator).lower(),
        "groups": ",".join(g.name for g in forum.groups_of(user)),
        "avatar_url": base + avatar_template(user).replace("{size}", "240"),
    }
    if user.locale:
        fields["locale"] = user.locale
    return fields


def _redirect_to(return_sso_url: str, fields: dict[str, Any]) -> BaseResponse:
    separator = "&" if "?" in return_sso_url else "?"
    return redirect(return_sso_url + separator + signed_query(state().settings.connect_secret, fields), code=302)


def _bad_request(message: str) -> Response:
    return Response(message, status=422, content_type="text/plain; charset=utf-8")


@connect.get("/session/sso_provider")
def sso_provider() -> BaseResponse | str:
    """Verify the request, then log in via ?as=, the sandbox session, prompt=none or the log-in-as page."""
    forum = state()
    # A browser that sends the payload back through the log-in-as form turns its line breaks into CR LF;
    # the signature covers the payload with plain LF, as the companion built it.
    sso, sig = request.args.get("sso", "").replace("\r\n", "\n"), request.args.get("sig", "")
    if not sso or not sig or not hmac.compare_digest(sign(forum.settings.connect_secret, sso), sig):
        return _bad_request("DiscourseConnect: bad signature / ungültige Signatur")
    try:
        payload = decode_payload(sso)
    except (ValueError, UnicodeDecodeError):
        return _bad_request("DiscourseConnect: payload is not valid base64")
    nonce, return_sso_url = payload.get("nonce", ""), payload.get("return_sso_url", "")
    if not nonce or not return_sso_url:
        return _bad_request("DiscourseConnect: nonce and return_sso_url are required")
    chosen = request.args.get("as") or session.get(SESSION_KEY)
    with forum.lock:
        user = forum.find_user(chosen) if chosen else None
        if user is not None and (user.staged or user.suspended_till is not None):
            return _bad_request(f"{user.username} kann sich nicht anmelden (gesperrt) / cannot log in (suspended)")
        if user is not None:
            session[SESSION_KEY] = user.username
            return _redirect_to(return_sso_url, user_fields_for(user, nonce, return_sso_url))
        if payload.get("prompt") == "none":
            return _redirect_to(return_sso_url, {"nonce": nonce, "return_sso_url": return_sso_url, "failed": "true"})
        needle = request.args.get("q", "").strip().lower()
        candidates = [u for u in forum.users.values() if not u.staged and u.suspended_till is None]
        if needle:
            candidates = [
                u
                for u in candidates
                if needle in u.username.lower()
                or needle in u.name.lower()
                or needle in (u.user_fields.get("1") or "").lower()
            ]
        candidates.sort(key=lambda u: (not u.admin, not u.moderator, u.username))
        return render_template(
            "sandbox/login.html",
            sso=sso,
            sig=sig,
            q=request.args.get("q", ""),
            users=candidates[:LOGIN_PAGE_SIZE],
            total=len(candidates),
            return_sso_url=return_sso_url,
        )


@connect.get("/sandbox/logout")
def logout() -> BaseResponse:
    """Forget the sandbox session so the next DiscourseConnect request asks again."""
    session.pop(SESSION_KEY, None)
    return redirect("/sandbox/", code=302)
