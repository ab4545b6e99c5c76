"""Full syncs and catch-up reads from the forum into the store.

Incremental is the normal case: webhooks keep the store fresh between runs, and
every run starts with a catch-up read of what changed since the last successful
read, which repairs events lost while the companion was down (Discourse does not
retry webhooks unless `retry_web_hook_events` is on). A catch-up reads:
- new posts (back to the newest stored post id) and topics created since;
- members: with the Data Explorer, all of them in one bulk query; without it,
  the members who visited since (the admin list sorts by last seen, and a member
  editing their profile is visiting) and those created since, one request each;
- memberships of the custom groups (their member lists, 1000 per request).
A full per-member read happens only on demand (`--full`) or for the first run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from companion.context import Context
from companion.forum.events import USER_FIELDS_KEY
from companion.forum.ingest import Ingestor
from companion.members.privacy import delete_member_data
from companion.store.models import ConfigEntry, Member, Post, SyncCursor
from companion.store.types import utcnow
from sync.errors import DataExplorerUnavailable, ForumNotFound
from sync.records import ForumUser

# Reads since the last run start this much earlier, for clocks that disagree and reads that overlapped.
CATCH_UP_MARGIN = timedelta(minutes=10)

log = logging.getLogger(__name__)

POSTS_CURSOR = "posts.newest_id"
MEMBERS_CURSOR = "members.synced_at"

Progress = Callable[[str, int, int | None], None]


@dataclass
class SyncSummary:
    """What one sync did and what it cost."""

    full: bool
    members: int = 0
    groups: int = 0
    topics: int = 0
    posts: int = 0
    likes: int = 0
    deactivated: int = 0
    deleted: int = 0
    requests: int = 0
    rate_limited: int = 0
    used_bulk_path: bool = False
    seconds: float = 0.0
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "details"}


def _cursor(session, name: str) -> str | None:
    row = session.get(SyncCursor, name)
    return row.value if row else None


def _set_cursor(session, name: str, value: str) -> None:
    row = session.get(SyncCursor, name)
    if row is None:
        session.add(SyncCursor(name=name, value=value))
    else:
        row.value = value


def _remember_user_fields(session, names: dict[str, str]) -> None:
    # Webhooks carry user fields by id; keep the names so they can be stored by name.
    entry = session.get(ConfigEntry, USER_FIELDS_KEY)
    if entry is None:
        session.add(ConfigEntry(key=USER_FIELDS_KEY, value=names))
    else:
        entry.value = names


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


def run_sync(context: Context, *, full: bool | None = None, progress: Progress = _no_progress) -> SyncSummary:
    """Sync members and activity: full when asked or when nothing was synced yet, else incremental."""
    started = time.monotonic()
    forum = context.forum
    requests_before = forum.client.requests_made
    limited_before = forum.client.rate_limited_count
    with context.store.transaction() as session:
        newest = _cursor(session, POSTS_CURSOR)
        since = _cursor(session, MEMBERS_CURSOR)
    if full is None:
        full = newest is None
    summary = _full_sync(context, progress) if full else _incremental_sync(context, newest, since, progress)
    summary.requests = forum.client.requests_made - requests_before
    summary.rate_limited = forum.client.rate_limited_count - limited_before
    summary.seconds = time.monotonic() - started
    return summary


def _prefer_bulk(context: Context) -> bool:
    return context.settings.forum_bulk != "off"


def _full_sync(context: Context, progress: Progress) -> SyncSummary:
    reader = context.forum.reader
    summary = SyncSummary(full=True)
    if context.settings.forum_bulk == "on" and not reader.data_explorer.available():
        # "on" is the operator saying the bulk path must be used; one request per member would take hours.
        raise DataExplorerUnavailable(
            "COMPANION_FORUM_BULK=on, but the forum's Data Explorer does not answer: enable the plugin "
            "(data_explorer_enabled) or set COMPANION_FORUM_BULK=auto"
        )
    snapshot = reader.read_all(prefer_bulk=_prefer_bulk(context), include_likes=False, progress=progress)
    summary.used_bulk_path = snapshot.used_bulk_path
    likes = list(snapshot.likes)
    if snapshot.used_bulk_path:
        # Likes cost one request per member without the Data Explorer, so the per-member path leaves
        # them to the post_liked webhook; with the bulk path one query reads them all.
        likes, _ = reader.read_likes([m.username for m in snapshot.members], prefer_bulk=True)
    moment = utcnow()
    missing: list[str] = []
    with context.store.transaction() as session, session.no_autoflush:
        _remember_user_fields(session, {str(d.id): d.name for d in snapshot.user_fields})
        ingest = Ingestor(session)
        for group in snapshot.groups:
            ingest.group(group)
        total = len(snapshot.members)
        seen: set[int] = set()
        for index, user in enumerate(snapshot.members, 1):
            ingest.member(user)
            seen.add(user.id)
            if index % 50 == 0 or index == total:
                progress("storing members", index, total)
        for user in snapshot.members:
            ingest.relations(user)
        for membership in snapshot.group_members:
            ingest.add_to_group(membership.username, membership.group_name)
        # Members missing from the active list are no longer matched; deletion normally comes by webhook.
        if seen:
            # An UPDATE returns a CursorResult (with rowcount), which Session.execute is typed as a plain Result.
            deactivated = cast(
                CursorResult[Any],
                session.execute(
                    update(Member)
                    .where(Member.forum_user_id.not_in(seen), Member.active.is_(True))
                    .values(active=False)
                ),
            )
            summary.deactivated = deactivated.rowcount
            missing = list(session.scalars(select(Member.username).where(Member.forum_user_id.not_in(seen))))
        summary.members = total
        ingest.preload_activity()
        for topic in snapshot.topics:
            ingest.topic(topic)
        summary.topics = len(snapshot.topics)
        for index, post in enumerate(sorted(snapshot.posts, key=lambda p: p.id), 1):
            ingest.post(post)
            if index % 500 == 0:
                progress("storing posts", index, len(snapshot.posts))
        summary.posts = len(snapshot.posts)
        session.flush()
        for like in likes:
            ingest.like(like)
        summary.likes = len(likes)
        newest = max((p.id for p in snapshot.posts), default=None)
        stored_newest = session.scalar(select(Post.id).order_by(Post.id.desc()).limit(1))
        _set_cursor(session, POSTS_CURSOR, str(newest or stored_newest or 0))
        _set_cursor(session, MEMBERS_CURSOR, moment.isoformat())
    summary.deleted = _forget_deleted(context, missing)
    return summary


def _forget_deleted(context: Context, usernames: list[str]) -> int:
    """Delete what we hold about members the forum no longer knows (in case the user_destroyed webhook was lost)."""
    deleted = 0
    for username in usernames:
        try:
            context.forum.reader.read_member(username)
        except ForumNotFound:
            with context.store.transaction() as session:
                member_id = session.scalar(select(Member.id).where(Member.username == username))
                if member_id is not None and delete_member_data(session, member_id):
                    deleted += 1
    return deleted


def _changed_members(context: Context, since: datetime | None) -> tuple[list[ForumUser], bool]:
    """Members to store again: all of them by the bulk path when it is there, else those active since."""
    reader = context.forum.reader
    if _prefer_bulk(context) and reader.data_explorer.available():
        try:
            return reader.read_members_bulk(), True
        except DataExplorerUnavailable as exc:
            log.warning("bulk member read failed, catching up member by member: %s", exc)
    if since is None:
        return [], False
    floor = since - CATCH_UP_MARGIN
    wanted: dict[int, ForumUser] = {}
    # The "active" list sorts by last seen: walk it down to the last read. Profile edits are visits.
    for summary in reader.iter_member_summaries(order="seen", ascending=False):
        if summary.last_seen_at is None or summary.last_seen_at < floor:
            break
        wanted[summary.id] = summary
    for summary in reader.iter_member_summaries(order="created", ascending=False):
        if summary.created_at is not None and summary.created_at < floor:
            break
        wanted.setdefault(summary.id, summary)
    return list(reader.read_member_details(list(wanted.values()))), False


def _incremental_sync(context: Context, newest: str | None, since: str | None, progress: Progress) -> SyncSummary:
    reader = context.forum.reader
    summary = SyncSummary(full=False)
    since_at = datetime.fromisoformat(since) if since else None
    moment = utcnow()
    progress("reading", 0, None)
    changes = reader.read_changes(since_post_id=int(newest) if newest else None, since=since_at, include_members=False)
    members, summary.used_bulk_path = _changed_members(context, since_at)
    groups = [g for g in reader.iter_groups() if not g.automatic]
    memberships = {g.name: [m.username for m in reader.iter_group_members(g.name)] for g in groups}
    with context.store.transaction() as session, session.no_autoflush:
        ingest = Ingestor(session)
        for group in groups:
            ingest.group(group)
        for user in members:
            ingest.member(user)
        for user in members:
            ingest.relations(user)
        # After the members (their /u/ groups may be older than the lists read just now).
        for name, usernames in memberships.items():
            ingest.set_group_members(name, usernames)
        summary.groups = len(groups)
        session.flush()
        for topic in changes.topics:
            ingest.topic(topic)
        for post in sorted(changes.posts, key=lambda p: p.id):
            ingest.post(post)
        summary.members = len(members)
        summary.topics = len(changes.topics)
        summary.posts = len(changes.posts)
        if changes.newest_post_id is not None:
            _set_cursor(session, POSTS_CURSOR, str(changes.newest_post_id))
        _set_cursor(session, MEMBERS_CURSOR, moment.isoformat())
    return summary
