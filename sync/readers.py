"""Read members, user fields, groups and activity from the forum as typed records.

Costs at the forum's admin budget (every request counts):
- members, per-member path: 1 request per 100 members for the admin list plus
  1 request per member for details (user fields, groups, bio, ignores, mutes);
- members, bulk path (Data Explorer enabled): a handful of requests in total;
- posts: 1 request per 50 posts; topics: 1 request per 100 topics;
- likes: per member through user_actions (expensive, optional) or one bulk query.
Incremental reads walk posts back only to the last stored post id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from sync import parse
from sync.bulk_queries import LIKES_QUERY, MEMBERS_QUERY
from sync.client import ForumClient
from sync.data_explorer import DataExplorer
from sync.errors import DataExplorerUnavailable, ForumNotFound
from sync.population import is_member_account
from sync.records import (
    ForumChanges,
    ForumGroup,
    ForumLike,
    ForumPost,
    ForumSnapshot,
    ForumTopic,
    ForumUser,
    GroupMember,
    UserFieldDefinition,
)

log = logging.getLogger(__name__)

ADMIN_LIST_PAGE_SIZE = 100
GROUP_MEMBERS_PAGE_SIZE = 1000
TOPICS_PAGE_SIZE = 100
USER_ACTION_LIKE = 1

# (stage, done, total or None), called as a long read goes on; the caller decides how to show it.
Progress = Callable[[str, int, int | None], None]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


def _unique(members: list[ForumUser]) -> list[ForumUser]:
    """Keep one record per account id (the last read wins): a member listed twice must not be stored twice."""
    return list({m.id: m for m in members}.values())


class ForumReader:
    """Reads the forum through one ForumClient and returns records, never JSON."""

    def __init__(self, client: ForumClient, *, data_explorer: DataExplorer | None = None) -> None:
        self.client = client
        self.data_explorer = data_explorer or DataExplorer(client)
        self._field_names: dict[str, str] | None = None

    # --- members -----------------------------------------------------------------

    def read_user_fields(self) -> list[UserFieldDefinition]:
        """Read the user field definitions from /site.json and remember their names."""
        site = self.client.api.get_site_info() or {}
        definitions = parse.user_field_definitions(site)
        self._field_names = parse.field_name_map(definitions)
        return definitions

    def field_names(self) -> dict[str, str]:
        """Return field id -> name, reading the definitions once when needed."""
        if self._field_names is None:
            self.read_user_fields()
        return dict(self._field_names or {})

    def iter_accounts(self, *, order: str = "created", ascending: bool = True) -> Iterator[ForumUser]:
        """Yield every account of the admin list (members or not), 100 per request, without details.

        The "active" list filters nothing and only sorts; ``order=created&asc=true`` is the order a
        member's visit cannot change, so a walk neither skips nor repeats anybody (repeats are dropped anyway).
        """
        page = 1
        seen: set[int] = set()
        while True:
            items = (
                self.client.api.list_users(
                    "active", page=page, show_emails="true", order=order, asc="true" if ascending else None
                )
                or []
            )
            for item in items:
                account = parse.user_summary(item)
                if account.id not in seen:
                    seen.add(account.id)
                    yield account
            if len(items) < ADMIN_LIST_PAGE_SIZE:
                return
            page += 1

    def iter_member_summaries(self, *, order: str = "created", ascending: bool = True) -> Iterator[ForumUser]:
        """Yield the accounts of the admin list that are members (`sync.population`), without details."""
        return (a for a in self.iter_accounts(order=order, ascending=ascending) if is_member_account(a))

    def read_member(self, username: str, summary: ForumUser | None = None) -> ForumUser:
        """Read one member's details (user fields by name, groups, bio, ignores, mutes)."""
        # Without skip_track_visit an admin's read counts as a profile view of the member.
        answer = self.client.get(f"/u/{username}.json", skip_track_visit="true")
        item = (answer or {}).get("user") or {}
        return parse.user_details(item, self.field_names(), summary)

    def user_exists(self, user_id: int, username: str) -> bool:
        """Tell whether the forum still has this account (a 404, or the name now on another id, means gone)."""
        try:
            answer = self.client.get(f"/u/{username}.json", skip_track_visit="true")
        except ForumNotFound:
            return False
        found = parse.as_int(((answer or {}).get("user") or {}).get("id"))
        return found == user_id

    def read_member_details(
        self, summaries: Iterator[ForumUser] | list[ForumUser], progress: Progress = _no_progress
    ) -> Iterator[ForumUser]:
        """Read details for each summary, one request each; members deleted meanwhile are skipped."""
        summaries = list(summaries)
        for index, summary in enumerate(summaries, 1):
            progress("reading members", index, len(summaries))
            try:
                yield self.read_member(summary.username, summary)
            except ForumNotFound:
                log.info("member %s vanished during the sync", summary.username)

    def iter_members(self, details: bool = True, progress: Progress = _no_progress) -> Iterator[ForumUser]:
        """Yield all members; with details one extra request each.

        The whole list is read first (a few quick requests) and the slow detail reads follow, so members
        who visit, join or move in the list during the hours the details take cannot be skipped.
        """
        summaries = list(self.iter_member_summaries())
        if not details:
            yield from summaries
            return
        self.field_names()
        yield from self.read_member_details(summaries, progress)

    def read_members_bulk(self) -> list[ForumUser]:
        """Read all members with details through Data Explorer; raises DataExplorerUnavailable when off."""
        field_names = self.field_names()
        rows = self.data_explorer.rows(MEMBERS_QUERY)
        members = (parse.user_from_bulk_row(row, field_names) for row in rows)
        return _unique([m for m in members if is_member_account(m)])

    def read_members(
        self, *, prefer_bulk: bool = True, progress: Progress = _no_progress
    ) -> tuple[list[ForumUser], bool]:
        """Read all members with details, by the bulk path when available; returns (members, used_bulk)."""
        if prefer_bulk and self.data_explorer.available():
            try:
                return self.read_members_bulk(), True
            except DataExplorerUnavailable as exc:
                log.warning("bulk member read failed, falling back to one request per member: %s", exc)
        return _unique(list(self.iter_members(details=True, progress=progress))), False

    # --- groups ------------------------------------------------------------------

    def iter_groups(self) -> Iterator[ForumGroup]:
        """Yield all groups the API user can see, page by page."""
        page = 0
        seen: set[int] = set()
        while True:
            answer = self.client.get("/groups.json", page=page) or {}
            items = answer.get("groups") or []
            fresh = [g for g in items if int(g["id"]) not in seen]
            for item in fresh:
                seen.add(int(item["id"]))
                yield parse.group(item)
            total = parse.as_int(answer.get("total_rows_groups"))
            if not fresh or (total is not None and len(seen) >= total):
                return
            page += 1

    def read_group(self, name: str) -> ForumGroup:
        """Read one group by name."""
        answer = self.client.api.group(name) or {}
        return parse.group(answer.get("group") or answer)

    def iter_group_members(self, name: str) -> Iterator[GroupMember]:
        """Yield a group's members, 1000 per request, marking owners."""
        offset = 0
        while True:
            answer = self.client.get(f"/groups/{name}/members.json", limit=GROUP_MEMBERS_PAGE_SIZE, offset=offset) or {}
            members = answer.get("members") or []
            owners = {int(o["id"]) for o in answer.get("owners") or [] if "id" in o}
            for item in members:
                yield GroupMember(
                    group_name=name,
                    user_id=int(item["id"]),
                    username=str(item["username"]),
                    owner=int(item["id"]) in owners,
                )
            total = parse.as_int((answer.get("meta") or {}).get("total"))
            offset += len(members)
            if not members or len(members) < GROUP_MEMBERS_PAGE_SIZE or (total is not None and offset >= total):
                return

    # --- activity ----------------------------------------------------------------

    def iter_posts(self, since_post_id: int | None = None) -> Iterator[ForumPost]:
        """Yield public posts newest first, walking /posts.json back to (excluding) since_post_id."""
        before: int | None = None
        floor = since_post_id or 0
        seen: set[int] = set()
        while True:
            answer = self.client.api.latest_posts(before=before) or {}
            items = answer.get("latest_posts") or []
            if not items:
                return
            lowest = None
            for item in items:
                post_id = int(item["id"])
                lowest = post_id if lowest is None else min(lowest, post_id)
                if post_id > floor and post_id not in seen:
                    seen.add(post_id)
                    yield parse.post(item)
            # `before` is inclusive, so the next page starts just below the lowest id seen.
            if lowest is None or lowest <= floor + 1 or (before is not None and lowest > before):
                return
            before = lowest - 1

    def iter_topics(self, *, created_since: datetime | None = None) -> Iterator[ForumTopic]:
        """Yield topics from /latest.json newest-created first; stops at created_since when given."""
        page = 0
        seen: set[int] = set()
        while True:
            answer = self.client.api.latest_topics(per_page=TOPICS_PAGE_SIZE, page=page, order="created") or {}
            users = {int(u["id"]): str(u["username"]) for u in answer.get("users") or [] if "id" in u}
            topic_list = answer.get("topic_list") or {}
            items = topic_list.get("topics") or []
            fresh = 0
            for item in items:
                record = parse.topic(item, users)
                if record.id in seen:
                    continue
                seen.add(record.id)
                fresh += 1
                if created_since and record.created_at and record.created_at <= created_since:
                    return
                yield record
            if not fresh or (len(items) < TOPICS_PAGE_SIZE and not topic_list.get("more_topics_url")):
                return
            page += 1

    def read_topic(self, topic_id: int) -> ForumTopic:
        """Read one topic by id."""
        return parse.topic(self.client.get(f"/t/{topic_id}.json") or {})

    def iter_likes_given(self, username: str) -> Iterator[ForumLike]:
        """Yield the likes a member gave (one request per page of user actions: expensive)."""
        offset = 0
        while True:
            answer = (
                self.client.get("/user_actions.json", username=username, filter=USER_ACTION_LIKE, offset=offset) or {}
            )
            items = answer.get("user_actions") or []
            if not items:
                return
            for item in items:
                like = parse.like_from_user_action(item)
                if like is not None:
                    yield like
            offset += len(items)

    def read_likes(self, usernames: list[str], *, prefer_bulk: bool = True) -> tuple[list[ForumLike], bool]:
        """Read all likes, by one bulk query when possible, else per member; returns (likes, used_bulk)."""
        if prefer_bulk and self.data_explorer.available():
            try:
                rows = self.data_explorer.rows(LIKES_QUERY)
                return [
                    ForumLike(
                        post_id=int(r["pid"]),
                        username=str(r["username"]),
                        created_at=parse.parse_datetime(r.get("created_at")),
                    )
                    for r in rows
                ], True
            except DataExplorerUnavailable as exc:
                log.warning("bulk like read failed, falling back to user actions: %s", exc)
        return [like for name in usernames for like in self.iter_likes_given(name)], False

    # --- whole syncs -------------------------------------------------------------

    def read_all(
        self,
        *,
        prefer_bulk: bool = True,
        include_likes: bool = False,
        include_activity: bool = True,
        progress: Progress = _no_progress,
    ) -> ForumSnapshot:
        """Read everything for a full sync, reporting progress per member, group, topic and post."""
        definitions = self.read_user_fields()
        members, used_bulk = self.read_members(prefer_bulk=prefer_bulk, progress=progress)
        groups = list(self.iter_groups())
        memberships: list[GroupMember] = []
        for index, group in enumerate(groups, 1):
            progress("reading groups", index, len(groups))
            if not group.automatic:
                memberships.extend(self.iter_group_members(group.name))
        topics = _counted(self.iter_topics(), "reading topics", progress) if include_activity else []
        posts = _counted(self.iter_posts(), "reading posts", progress) if include_activity else []
        likes: list[ForumLike] = []
        if include_likes:
            likes, _ = self.read_likes([m.username for m in members], prefer_bulk=prefer_bulk)
        return ForumSnapshot(
            user_fields=tuple(definitions),
            members=tuple(members),
            groups=tuple(groups),
            group_members=tuple(memberships),
            topics=tuple(topics),
            posts=tuple(posts),
            likes=tuple(likes),
            used_bulk_path=used_bulk,
        )

    def read_changes(
        self,
        *,
        since_post_id: int | None,
        since: datetime | None = None,
        member_details: bool = True,
        include_members: bool = True,
    ) -> ForumChanges:
        """Read what is new since the last stored post id (posts) and timestamp (topics, members)."""
        posts = list(self.iter_posts(since_post_id=since_post_id))
        topics = list(self.iter_topics(created_since=since)) if since else []
        new_members: list[ForumUser] = []
        if since is not None and include_members:
            for summary in self.iter_member_summaries(order="created", ascending=False):
                if summary.created_at is not None and summary.created_at <= since:
                    break
                new_members.append(self.read_member(summary.username, summary) if member_details else summary)
        newest = max((p.id for p in posts), default=since_post_id)
        return ForumChanges(
            posts=tuple(posts), topics=tuple(topics), new_members=tuple(new_members), newest_post_id=newest
        )


def _counted(items, stage: str, progress: Progress) -> list:
    """The items as a list, reporting the count every page (the forum does not tell the total up front)."""
    result = []
    for item in items:
        result.append(item)
        if len(result) % 50 == 0:
            progress(stage, len(result), None)
    progress(stage, len(result), None)
    return result
