"""Login with DiscourseConnect: signed payloads, single-use nonces, safe return paths, admins and logout."""

from __future__ import annotations

import base64
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from companion.store.models import ConnectNonce, ForumGroup, GroupMembership, Member
from companion.web.auth import DatabaseNonceStore
from sync.connect import encode_payload, sign
from tests.support.web import (
    callback_path,
    csrf_token,
    forum_answer,
    log_in,
    make_member,
)

SECRET = "test-connect-secret"


def start_login(client, next_path: str | None = "/") -> str:
    response = client.get("/login", query_string={"next": next_path} if next_path is not None else {})
    assert response.status_code == 302
    return response.headers["Location"]


def test_login_redirects_to_the_forum_with_a_signed_request(client):
    location = start_login(client)
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://forum.test/session/sso_provider"
    query = parse_qs(parts.query)
    assert sign(SECRET, query["sso"][0]) == query["sig"][0]
    fields = parse_qs(base64.b64decode(query["sso"][0]).decode())
    assert fields["return_sso_url"] == ["http://companion.test/auth/callback"]
    assert len(fields["nonce"][0]) >= 20


def test_callback_creates_the_member_and_returns_to_the_page(client, store):
    location = start_login(client, "/profile?tab=consent")
    answer = forum_answer(
        location,
        SECRET,
        external_id=41,
        username="anna",
        name="Anna Schmidt",
        email="anna@kreis.example",
        admin="false",
        moderator="true",
        groups="kreis-wesel,lean-coffee",
        locale="en",
    )
    response = client.get(callback_path(answer))
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile?tab=consent"
    with store.session() as db:
        member = db.scalar(select(Member).where(Member.forum_user_id == 41))
        assert (member.username, member.name, member.email) == ("anna", "Anna Schmidt", "anna@kreis.example")
        assert (member.admin, member.moderator, member.locale) == (False, True, "en")
        groups = set(
            db.scalars(select(ForumGroup.name).join(GroupMembership).where(GroupMembership.member_id == member.id))
        )
        assert groups == {"kreis-wesel", "lean-coffee"}
    with client.session_transaction() as session:
        assert session["member_id"] == member.id
        assert session["admin"] is False


def test_callback_updates_a_known_member_and_their_groups(client, store):
    member_id = make_member(store, forum_user_id=7, username="old-name", name="Old")
    answer = forum_answer(start_login(client), SECRET, external_id=7, username="new-name", groups="essen")
    assert client.get(callback_path(answer)).status_code == 302
    with store.session() as db:
        member = db.get(Member, member_id)
        assert member.username == "new-name"
        assert (
            db.scalar(select(ForumGroup.name).join(GroupMembership).where(GroupMembership.member_id == member_id))
            == "essen"
        )


def test_a_replayed_payload_is_refused(client):
    answer = forum_answer(start_login(client), SECRET, external_id=5, username="bert")
    assert client.get(callback_path(answer)).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    replay = client.get(callback_path(answer))
    assert replay.status_code == 403
    with client.session_transaction() as session:
        assert "member_id" not in session


def test_a_forged_signature_is_refused(client, store):
    location = start_login(client)
    answer = forum_answer(location, "some-other-secret-value", external_id=6, username="mallory", admin="true")
    response = client.get(callback_path(answer))
    assert response.status_code == 403
    with store.session() as db:
        assert db.scalar(select(Member).where(Member.username == "mallory")) is None


def test_a_payload_with_an_invented_nonce_is_refused(client):
    sso = encode_payload({"nonce": "made-up-nonce", "external_id": "6", "username": "mallory", "admin": "true"})
    response = client.get(callback_path({"sso": sso, "sig": sign(SECRET, sso)}))
    assert response.status_code == 403
    with client.session_transaction() as session:
        assert "member_id" not in session


def test_a_tampered_payload_is_refused(client):
    answer = forum_answer(start_login(client), SECRET, external_id=8, username="carla", admin="false")
    tampered = base64.b64decode(answer["sso"]).decode().replace("admin=false", "admin=true")
    answer["sso"] = base64.encodebytes(tampered.encode()).decode()
    assert client.get(callback_path(answer)).status_code == 403


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "\t//evil.example",
    ],
)
def test_the_return_path_never_leaves_the_site(client, target):
    answer = forum_answer(start_login(client, target), SECRET, external_id=9, username="dora")
    response = client.get(callback_path(answer))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_forum_admins_and_the_admin_group_are_admins(client):
    answer = forum_answer(start_login(client), SECRET, external_id=10, username="erik", groups="Companion-Admins")
    client.get(callback_path(answer))
    with client.session_transaction() as session:
        assert session["admin"] is True
    answer = forum_answer(start_login(client), SECRET, external_id=11, username="fiona", admin="true")
    client.get(callback_path(answer))
    with client.session_transaction() as session:
        assert session["admin"] is True


def test_a_member_logged_out_on_the_forum_is_told_so(client):
    answer = forum_answer(start_login(client), SECRET, failed="true")
    response = client.get(callback_path(answer))
    assert response.status_code == 403
    assert "Forum nicht angemeldet" in response.get_data(as_text=True)


def test_logout_ends_the_session(client, store):
    log_in(client, make_member(store, forum_user_id=12, username="gina"))
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "member_id" not in session


def test_the_session_cookie_is_httponly_and_samesite(client, app):
    answer = forum_answer(start_login(client), SECRET, external_id=13, username="hans")
    response = client.get(callback_path(answer))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.config["SESSION_COOKIE_SECURE"] = True
    answer = forum_answer(start_login(client), SECRET, external_id=13, username="hans")
    assert "Secure" in client.get(callback_path(answer)).headers["Set-Cookie"]


def test_login_without_forum_configuration_explains_itself(app, client):
    context = app.extensions["companion"]
    context.settings = context.settings.replace(connect_secret=None)
    response = client.get("/login")
    assert response.status_code == 503
    assert "nicht eingerichtet" in response.get_data(as_text=True)


def test_database_nonces_are_single_use_and_expire(store):
    nonces = DatabaseNonceStore(store)
    nonces.put("fresh", time.time() + 60)
    nonces.put("stale", time.time() - 1)
    assert nonces.take("fresh") is True
    assert nonces.take("fresh") is False
    assert nonces.take("stale") is False
    assert nonces.take("never-issued") is False
    nonces.put("other", time.time() + 60)
    with store.session() as db:
        # Expired nonces are cleared when new ones are issued.
        assert set(db.scalars(select(ConnectNonce.nonce))) == {"other"}


# --- login CSRF, server-side logout, bounded admin rights (#18 points 2, 3, 9) -------------------------


def test_a_login_answer_opened_in_another_browser_is_refused(app, client):
    attacker = app.test_client()
    planted = forum_answer(start_login(attacker), SECRET, external_id=66, username="mallory")
    # The victim's browser never started this login: it must not end up logged in as the attacker.
    start_login(client)
    response = client.get(callback_path(planted))
    assert response.status_code == 403
    assert "anderen Browser" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "member_id" not in session
    # The browser that asked still logs in with it.
    assert attacker.get(callback_path(planted)).status_code == 302


def test_a_victim_who_never_started_a_login_is_not_logged_in_either(app, client):
    attacker = app.test_client()
    planted = forum_answer(start_login(attacker), SECRET, external_id=67, username="mallory")
    assert client.get(callback_path(planted)).status_code == 403


def _logged_in_via_the_forum(client, external_id=21, username="ina", **fields):
    answer = forum_answer(start_login(client), SECRET, external_id=external_id, username=username, **fields)
    assert client.get(callback_path(answer)).status_code == 302


def _cookie(client) -> str:
    return client.get_cookie("companion_session").value


def test_a_cookie_captured_before_logout_no_longer_opens_the_profile(app, client):
    _logged_in_via_the_forum(client)
    captured = _cookie(client)
    assert client.get("/profile").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("companion_session", captured)
    response = thief.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_withdrawing_consent_ends_other_sessions_but_not_this_one(app, client):
    _logged_in_via_the_forum(client)
    other = app.test_client()
    other.set_cookie("companion_session", _cookie(client))
    assert other.get("/profile").status_code == 200
    token = csrf_token(client, "/profile")
    client.post("/profile/consent", data={"csrf_token": token, "matching": "yes", "circles": "yes"})
    assert other.get("/profile").status_code == 200  # giving consent ends nothing
    client.post("/profile/consent", data={"csrf_token": csrf_token(client, "/profile"), "matching": "no"})
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302


def test_a_deleted_members_cookie_does_not_open_the_row_that_replaces_it(app, client, store):
    _logged_in_via_the_forum(client, external_id=31, username="jan")
    captured = _cookie(client)
    client.post("/profile/delete", data={"csrf_token": csrf_token(client, "/profile"), "confirm": "yes"})
    _logged_in_via_the_forum(app.test_client(), external_id=31, username="jan")  # the same forum user comes back
    thief = app.test_client()
    thief.set_cookie("companion_session", captured)
    assert thief.get("/profile").status_code == 302


class FakeReader:
    def __init__(self, admin: bool, groups=(), fail: bool = False):
        self.admin, self.groups, self.fail, self.asked = admin, tuple(groups), fail, 0

    def read_member(self, username):
        from sync.errors import ForumUnavailable
        from sync.records import ForumUser

        self.asked += 1
        if self.fail:
            raise ForumUnavailable("forum down")
        return ForumUser(id=1, username=username, admin=self.admin, groups=self.groups)


class FakeForum:
    def __init__(self, reader):
        self.reader = reader


def _admin_session(app, client, store, reader, checked_ago: float):
    member_id = make_member(store, forum_user_id=77, username="root", admin=True)
    log_in(client, member_id, admin=True)
    with client.session_transaction() as session:
        session["admin_checked_at"] = time.time() - checked_ago
    app.extensions["companion"].forum = FakeForum(reader)
    return member_id


def test_admin_rights_are_confirmed_with_the_forum_at_the_interval(app, client, store):
    reader = FakeReader(admin=True)
    _admin_session(app, client, store, reader, checked_ago=10)
    assert client.get("/admin/").status_code == 200
    assert reader.asked == 0  # within the interval the session's rights stand
    with client.session_transaction() as session:
        session["admin_checked_at"] = time.time() - app.extensions["companion"].settings.admin_recheck_seconds - 1
    assert client.get("/admin/").status_code == 200
    assert reader.asked == 1


def test_a_demotion_in_the_forum_ends_the_admin_session_at_the_next_check(app, client, store):
    reader = FakeReader(admin=False)
    member_id = _admin_session(app, client, store, reader, checked_ago=10_000)
    assert client.get("/admin/").status_code in (302, 403)
    with store.session() as db:
        assert db.get(Member, member_id).admin is False
    assert client.get("/profile").status_code == 302  # logged out: log in again as what the forum says


def test_without_the_forums_word_there_are_no_admin_rights(app, client, store):
    _admin_session(app, client, store, FakeReader(admin=True, fail=True), checked_ago=10_000)
    assert client.get("/admin/").status_code == 403
    assert client.get("/profile").status_code == 200  # still logged in as a member


def test_a_demotion_the_store_learned_of_ends_the_admin_session_at_once(app, client, store):
    member_id = _admin_session(app, client, store, FakeReader(admin=True), checked_ago=0)
    with store.transaction() as db:
        db.get(Member, member_id).admin = False
    assert client.get("/admin/").status_code in (302, 403)
