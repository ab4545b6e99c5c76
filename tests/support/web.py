"""Helpers for the web tests: members, logged-in sessions, CSRF tokens and forged or genuine forum answers."""

from __future__ import annotations

import base64
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from companion.store.models import Member
from sync.connect import encode_payload, sign


def make_member(store, *, forum_user_id: int, username: str, name: str | None = None, **columns) -> int:
    """Add a member row and return its id."""
    with store.transaction() as db:
        member = Member(forum_user_id=forum_user_id, username=username, name=name or username.title(), **columns)
        db.add(member)
        db.flush()
        return member.id


def log_in(client, member_id: int, *, admin: bool = False, locale: str | None = None) -> None:
    """Mark the client's session as logged in (as the login callback does, admin rights just confirmed)."""
    store = client.application.extensions["companion"].store
    with store.transaction() as db:
        member = db.get(Member, member_id)
        member.admin = admin  # the login stores what the forum said about the member
        forum_user_id, generation = member.forum_user_id, member.session_generation or 0
    with client.session_transaction() as session:
        session["member_id"] = member_id
        session["forum_user_id"] = forum_user_id
        session["generation"] = generation
        session["admin"] = admin
        session["admin_checked_at"] = time.time()
        if locale:
            session["locale"] = locale


def csrf_token(client, path: str = "/") -> str:
    """A valid CSRF token for the client's session, read from a rendered page's logout or other form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def forum_answer(login_location: str, secret: str, **fields) -> dict[str, str]:
    """What the forum would send back for the login redirect: the nonce from the request plus identity fields."""
    query = parse_qs(urlsplit(login_location).query)
    request_fields = parse_qs(base64.b64decode(query["sso"][0]).decode())
    answer = {"nonce": request_fields["nonce"][0], "return_sso_url": request_fields["return_sso_url"][0]}
    answer.update({key: str(value) for key, value in fields.items()})
    sso = encode_payload(answer)
    return {"sso": sso, "sig": sign(secret, sso)}


def callback_path(answer: dict[str, str]) -> str:
    """The companion's callback URL path with the forum's answer."""
    return "/auth/callback?" + urlencode(answer)
