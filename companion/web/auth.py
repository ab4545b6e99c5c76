"""Login with the forum account (DiscourseConnect), logout, and the member/admin guards of every page."""

from __future__ import annotations

import functools
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from companion.errors import CompanionError
from companion.store.db import Store
from companion.store.models import ConnectNonce, ForumGroup, GroupMembership, Member, MemberPreferences
from companion.web.security import rate_limited, safe_next
from sync.connect import ConnectProvider
from sync.errors import (
    ConnectLoginFailed,
    ConnectNonceInvalid,
    ConnectOtherBrowser,
    ConnectPayloadInvalid,
    ConnectSignatureInvalid,
    ForumError,
)
from sync.records import ConnectIdentity

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

SESSION_MEMBER = "member_id"
SESSION_ADMIN = "admin"
SESSION_NEXT = "login_next"
# The server-side half of a session: the member's generation when it began, and the forum user it was for.
SESSION_GENERATION = "generation"
SESSION_FORUM_USER = "forum_user_id"
SESSION_ADMIN_CHECKED = "admin_checked_at"
# The nonces of the logins this browser started (a few, for several tabs): only their answers log it in.
SESSION_NONCES = "login_nonces"
MAX_PENDING_LOGINS = 3
SESSION_LIFETIME = timedelta(hours=8)


class DatabaseNonceStore:
    """Keeps DiscourseConnect nonces in the connect_nonces table, so any web worker can check them once."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, nonce: str, expires_at: float) -> None:
        """Remember a nonce until expires_at (seconds since the epoch) and drop expired ones."""
        moment = datetime.fromtimestamp(expires_at, UTC)
        now = datetime.now(UTC)
        with self.store.transaction() as db:
            db.execute(delete(ConnectNonce).where(ConnectNonce.expires_at <= now))
            db.add(ConnectNonce(nonce=nonce, expires_at=moment))

    def take(self, nonce: str) -> bool:
        """Use the nonce up: True exactly once while it is unexpired (one atomic delete decides)."""
        now = datetime.now(UTC)
        with self.store.transaction() as db:
            # A DELETE returns a CursorResult (with rowcount), which Session.execute is typed as a plain Result.
            result = cast(
                CursorResult[Any],
                db.execute(delete(ConnectNonce).where(ConnectNonce.nonce == nonce, ConnectNonce.expires_at > now)),
            )
            return result.rowcount == 1


def connect_provider() -> ConnectProvider | None:
    """The DiscourseConnect provider for this app, or None when the forum login is not configured."""
    context = current_app.extensions["companion"]
    settings = context.settings
    if not settings.forum_url or not settings.connect_secret:
        return None
    return ConnectProvider(settings.forum_url, settings.connect_secret, DatabaseNonceStore(context.store))


def is_admin_identity(identity: ConnectIdentity, admin_group: str | None) -> bool:
    """Admins are the forum's admins and the members of the configured admin group."""
    if identity.admin:
        return True
    if not admin_group:
        return False
    return admin_group.lower() in {name.lower() for name in identity.groups}


def upsert_member(db: Session, identity: ConnectIdentity) -> Member:
    """Create or update the member the forum vouched for, including their forum groups."""
    member = db.scalar(select(Member).where(Member.forum_user_id == identity.external_id))
    clash = db.scalar(
        select(Member).where(Member.username == identity.username, Member.forum_user_id != identity.external_id)
    )
    if clash is not None:
        # The forum renamed someone and gave the old name to this member; the next sync fixes the other row.
        clash.username = f"{clash.username[:40]}~{clash.forum_user_id}"
        db.flush()
    if member is None:
        member = Member(forum_user_id=identity.external_id, username=identity.username)
        db.add(member)
    member.username = identity.username
    member.name = identity.name or member.name
    member.email = identity.email or member.email
    member.admin = identity.admin
    member.moderator = identity.moderator
    if identity.locale:
        member.locale = identity.locale
    db.flush()
    _replace_groups(db, member, identity.groups)
    return member


def _replace_groups(db: Session, member: Member, group_names: tuple[str, ...]) -> None:
    wanted = {name for name in group_names if name}
    groups = {group.name: group for group in db.scalars(select(ForumGroup).where(ForumGroup.name.in_(wanted)))}
    for name in wanted - set(groups):
        groups[name] = ForumGroup(name=name)
        db.add(groups[name])
    db.flush()
    current = {
        row.group_id: row for row in db.scalars(select(GroupMembership).where(GroupMembership.member_id == member.id))
    }
    wanted_ids = {group.id for group in groups.values()}
    for group_id, row in current.items():
        if group_id not in wanted_ids:
            db.delete(row)
    for group_id in wanted_ids - set(current):
        db.add(GroupMembership(member_id=member.id, group_id=group_id))


def end_sessions(db: Session, member_id: int) -> int:
    """End every session of the member, in every browser (logout, consent withdrawal, demotion); the new generation."""
    member = db.get(Member, member_id)
    if member is None:
        return 0
    member.session_generation = (member.session_generation or 0) + 1
    return member.session_generation


def begin_session(member: Member, *, admin: bool) -> None:
    """Make this browser's session the member's, bound to their current session generation."""
    session.clear()
    session.permanent = True
    session[SESSION_MEMBER] = member.id
    session[SESSION_FORUM_USER] = member.forum_user_id
    session[SESSION_GENERATION] = member.session_generation or 0
    session[SESSION_ADMIN] = admin
    session[SESSION_ADMIN_CHECKED] = time.time()


def keep_this_session(member_id: int, generation: int) -> None:
    """After ending a member's other sessions, carry this browser over to the new generation."""
    if session.get(SESSION_MEMBER) == member_id:
        session[SESSION_GENERATION] = generation


def _drop_session() -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def load_member() -> None:
    """Put the logged-in member (or None) and whether they are an admin on flask.g for this request."""
    g.member = None
    g.is_admin = False
    g.member_locale = None
    member_id = session.get(SESSION_MEMBER)
    if member_id is None:
        return
    store: Store = current_app.extensions["companion"].store
    with store.session() as db:
        member = db.get(Member, member_id)
        preferences = db.get(MemberPreferences, member_id) if member is not None else None
        current = (
            member is not None
            and member.active
            and not member.suspended
            # A cookie from before a logout (or for a deleted member whose id was reused) opens nothing.
            and session.get(SESSION_FORUM_USER) == member.forum_user_id
            and session.get(SESSION_GENERATION) == (member.session_generation or 0)
        )
        if not current or member is None:
            _drop_session()
            return
        g.member_locale = preferences.locale if preferences is not None else None
        admin = bool(session.get(SESSION_ADMIN)) and _still_admin(db, member)
        db.expunge(member)
    g.member = member
    g.is_admin = admin


def _still_admin(db: Session, member: Member) -> bool:
    """Confirm an admin session's rights with the forum once per interval; a demotion ends the session."""
    context = current_app.extensions["companion"]
    settings = context.settings
    # The store only ever takes rights away here: a sync or webhook that saw the demotion ends the session.
    still = member.admin or _in_admin_group(db, member, settings.admin_group)
    checked = float(session.get(SESSION_ADMIN_CHECKED) or 0)
    if still and time.time() - checked >= settings.admin_recheck_seconds:
        try:
            forum_user = context.forum.reader.read_member(member.username)
        except (ForumError, CompanionError) as error:
            # Without the forum's word no admin rights, but the member stays logged in; asked again next request.
            log.warning("cannot confirm %s's admin rights with the forum: %s", member.username, error)
            return False
        admin_group = (settings.admin_group or "").lower()
        still = forum_user.admin or bool(admin_group and admin_group in {name.lower() for name in forum_user.groups})
    if not still:
        log.info("%s is no admin in the forum any more; ending their sessions", member.username)
        with context.store.transaction() as write:
            end_sessions(write, member.id)
            found = write.get(Member, member.id)
            if found is not None:
                found.admin = False
        _drop_session()
        return False
    session[SESSION_ADMIN_CHECKED] = time.time()
    return True


def _in_admin_group(db: Session, member: Member, admin_group: str | None) -> bool:
    if not admin_group:
        return False
    names = db.scalars(
        select(ForumGroup.name)
        .join(GroupMembership, GroupMembership.group_id == ForumGroup.id)
        .where(GroupMembership.member_id == member.id)
    )
    return admin_group.lower() in {name.lower() for name in names}


def current_member() -> Member | None:
    """The logged-in member's row (detached: read its columns, not its relationships), or None."""
    return getattr(g, "member", None)


def signed_in_member() -> Member:
    """The logged-in member's row in a view behind login_required or admin_required (401 for anyone else)."""
    member = current_member()
    if member is None:
        abort(401)
    return member


def login_required(view):
    """Send visitors who are not logged in to the forum login, returning to this page afterwards."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_member() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    """Let only admins in; others get 403 (visitors are sent to the login first)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_member() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if not g.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/login")
@rate_limited("login")
def login():
    """Send the browser to the forum to log in, remembering where to return."""
    provider = connect_provider()
    if provider is None:
        return render_template("auth/unavailable.html"), 503
    session[SESSION_NEXT] = safe_next(request.args.get("next"))
    return_url = current_app.extensions["companion"].settings.base_url + url_for("auth.callback")
    url, nonce = provider.start_login(return_url)
    session[SESSION_NONCES] = [*list(session.get(SESSION_NONCES) or [])[-(MAX_PENDING_LOGINS - 1) :], nonce]
    return redirect(url)


@bp.get("/auth/callback")
@rate_limited("login")
def callback():
    """Check what the forum sent back, log the member in and return to their page."""
    provider = connect_provider()
    if provider is None:
        return render_template("auth/unavailable.html"), 503
    started_here = [str(nonce) for nonce in session.get(SESSION_NONCES) or []]
    try:
        identity = provider.verify(request.args.get("sso", ""), request.args.get("sig", ""), started_here=started_here)
    except ConnectOtherBrowser:
        reason = _("This login was started in another browser. Please log in again here.")
        return render_template("auth/failed.html", reason=reason), 403
    except ConnectLoginFailed:
        return render_template("auth/failed.html", reason=_("You are not logged in on the forum.")), 403
    except ConnectNonceInvalid:
        return render_template("auth/failed.html", reason=_("This login link was already used or has expired.")), 403
    except (ConnectSignatureInvalid, ConnectPayloadInvalid):
        return render_template("auth/failed.html", reason=_("The forum's answer could not be verified.")), 403
    settings = current_app.extensions["companion"].settings
    with current_app.extensions["companion"].store.transaction() as db:
        member = upsert_member(db, identity)
        usable = member.active and not member.suspended
    if not usable:
        return render_template("auth/failed.html", reason=_("Your account is not active.")), 403
    target = safe_next(session.get(SESSION_NEXT))
    begin_session(member, admin=is_admin_identity(identity, settings.admin_group))
    return redirect(target)


@bp.post("/logout")
def logout():
    """End the companion session on the server too: every cookie of this member stops working."""
    member_id = session.get(SESSION_MEMBER)
    if member_id is not None and getattr(g, "member", None) is not None:
        with current_app.extensions["companion"].store.transaction() as db:
            end_sessions(db, member_id)
    _drop_session()
    return redirect(url_for("auth.logged_out"))


@bp.get("/logged-out")
def logged_out():
    """Confirm the logout."""
    return render_template("auth/logged_out.html")
