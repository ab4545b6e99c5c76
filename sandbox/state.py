"""The in-memory state of the sandbox forum and the operations that change it."""

from __future__ import annotations

import re
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from .errors import BadRequest, NotFound, Unprocessable
from .faults import FaultInjector
from .models import (
    Badge,
    Category,
    ExplorerQuery,
    Group,
    Like,
    Post,
    Topic,
    User,
    UserBadge,
    UserField,
    WebhookDelivery,
)
from .ratelimit import SlidingWindowLimiter
from .settings import SandboxSettings
from .text import clean_title, cook, slugify

# Discourse refuses an identical post by the same user within this window.
DUPLICATE_POST_WINDOW = timedelta(seconds=120)
# app/models/topic.rb: external_id is unique (case-insensitive), at most 50 characters of [\w-].
EXTERNAL_ID_MAX_LENGTH = 50
_EXTERNAL_ID = re.compile(r"\A[\w-]+\Z")
# Custom badges created through the API start at id 100 in Discourse.
FIRST_CUSTOM_BADGE_ID = 100
AUTOMATIC_GROUPS = (
    "admins",
    "moderators",
    "staff",
    "trust_level_0",
    "trust_level_1",
    "trust_level_2",
    "trust_level_3",
    "trust_level_4",
)


@dataclass
class InboxMessage:
    """A private message thread as seen in one member's inbox."""

    topic_id: int
    title: str
    from_username: str
    to_usernames: list[str]
    raw: str
    created_at: datetime
    posts: list[Post]


@dataclass
class GrantedBadge:
    """A badge granted to a member, with the grant's details."""

    badge: Badge
    user_badge: UserBadge
    granted_by: str


class ForumState:
    """Everything the sandbox forum knows, guarded by one re-entrant lock."""

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.lock = threading.RLock()
        self.faults = FaultInjector()
        self.admin_limiter = SlidingWindowLimiter(self.settings.admin_requests_per_minute, 60.0, monotonic)
        self.explorer_limiter = SlidingWindowLimiter(2, 10.0, monotonic)
        self.request_count = 0
        self.rate_limited_count = 0
        self.users: dict[int, User] = {}
        self.deleted_users: dict[int, User] = {}
        self._by_username: dict[str, int] = {}
        self._by_email: dict[str, int] = {}
        self.groups: dict[int, Group] = {}
        self._groups_by_name: dict[str, int] = {}
        self.categories: dict[int, Category] = {}
        self.user_fields: dict[int, UserField] = {}
        self.topics: dict[int, Topic] = {}
        self._topics_by_external_id: dict[str, int] = {}
        self.posts: dict[int, Post] = {}
        self._public_post_ids: list[int] = []
        self.likes_by_user: dict[int, list[Like]] = {}
        self.likes: list[Like] = []
        self.badges: dict[int, Badge] = {}
        self.user_badges: dict[int, UserBadge] = {}
        self.explorer_queries: dict[int, ExplorerQuery] = {}
        self._recent_raw: dict[tuple[int, str], datetime] = {}
        self.api_post_memo: dict[Any, tuple[int, datetime]] = {}
        self.tag_ids: dict[str, int] = {}
        self._ids: dict[str, int] = {}
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhooks: Any = None  # a WebhookDispatcher once webhooks are enabled
        self.seeding = False
        self.seed_summary: Any = None  # the SeedSummary when the state was seeded
        self.uncategorized_category_id = 1
        self.themes: list[dict[str, Any]] = []  # themes and components installed through the admin import
        self.add_category("Uncategorized", "Themen ohne Kategorie.", color="0088CC")
        for name in AUTOMATIC_GROUPS:
            self._add_group(
                Group(
                    id=self._next_id("group"),
                    name=name,
                    automatic=True,
                    visibility_level=1 if name != "trust_level_0" else 3,
                )
            )

    # ---- basics -------------------------------------------------------------

    def now(self) -> datetime:
        """The current time of the forum (UTC, replaceable for tests)."""
        return self.clock()

    def _next_id(self, kind: str, start: int = 1) -> int:
        value = self._ids.get(kind, start - 1) + 1
        self._ids[kind] = value
        return value

    def _emit(self, event_type: str, event: str, payload: Callable[[], Any] | dict[str, Any]) -> None:
        """Queue a webhook event unless seeding or webhooks are off; payloads are built now."""
        if self.webhooks is None or self.seeding:
            return
        from . import serializers  # late import: serializers read the state

        body = {event_type: payload() if callable(payload) else payload}
        self.webhooks.enqueue(event_type, event, serializers.to_json_bytes(body))

    # ---- users --------------------------------------------------------------

    def find_user(self, username: str) -> User | None:
        """The user with this username (case-insensitive), or None."""
        user_id = self._by_username.get(username.lower())
        return self.users.get(user_id) if user_id is not None else None

    def get_user(self, username: str) -> User:
        """The user with this username, or NotFound."""
        user = self.find_user(username)
        if user is None:
            raise NotFound()
        return user

    def user_by_id(self, user_id: int) -> User:
        """A user by id, including deleted users still referenced by old records."""
        return self.users.get(user_id) or self.deleted_users[user_id]

    def create_user(
        self,
        username: str,
        name: str,
        email: str,
        *,
        admin: bool = False,
        moderator: bool = False,
        staged: bool = False,
        active: bool = True,
        trust_level: int = 1,
        bio_raw: str = "",
        locale: str | None = None,
        user_fields: dict[str, str | None] | None = None,
        created_at: datetime | None = None,
        title: str | None = None,
        user_id: int | None = None,
    ) -> User:
        """Create a user, enrol them in groups whose e-mail domains match, and fire user_created."""
        with self.lock:
            if username.lower() in self._by_username:
                raise Unprocessable(f"Username {username} is already taken")
            if email.lower() in self._by_email:
                raise Unprocessable("Primary email has already been taken")
            created = created_at or self.now()
            if user_id is not None and (user_id in self.users or user_id > 0):
                raise ValueError("explicit user ids are only for system users (<= 0) not yet taken")
            user = User(
                id=user_id if user_id is not None else self._next_id("user"),
                username=username,
                name=name,
                email=email,
                created_at=created,
                admin=admin,
                moderator=moderator,
                staged=staged,
                active=active,
                trust_level=trust_level,
                bio_raw=bio_raw,
                locale=locale,
                title=title,
                last_seen_at=None if staged else created,
            )
            for field_id in self.user_fields:
                user.user_fields[str(field_id)] = None
            user.user_fields.update(user_fields or {})
            self.users[user.id] = user
            self._by_username[username.lower()] = user.id
            self._by_email[email.lower()] = user.id
            self._emit("user", "user_created", lambda: self._user_payload(user))
            domain = email.rsplit("@", 1)[-1].lower()
            for group in list(self.groups.values()):
                domains = (group.automatic_membership_email_domains or "").lower().split("|")
                if not staged and domain in domains:
                    self.add_group_members(group, [user], ignore_existing=True)
            return user

    def update_user(self, username: str, **changes: Any) -> User:
        """Change attributes of a user (e.g. bio_raw, name, user_fields) and fire user_updated."""
        with self.lock:
            user = self.get_user(username)
            for key, value in changes.items():
                if key == "user_fields":
                    user.user_fields.update(value)
                elif hasattr(user, key) and key not in ("id", "username", "email"):
                    setattr(user, key, value)
                else:
                    raise ValueError(f"cannot change {key!r} of a user")
            self._emit("user", "user_updated", lambda: self._user_payload(user))
            return user

    def destroy_user(self, username: str) -> None:
        """Delete a user with their posts, likes, badges and memberships, firing user_destroyed."""
        with self.lock:
            user = self.get_user(username)
            payload = self._user_payload(user)
            now = self.now()
            for post in self.posts.values():
                if post.user_id == user.id and post.deleted_at is None:
                    self._delete_post(post, now)
            for like in self.likes_by_user.pop(user.id, []):
                self.posts[like.post_id].likes.pop(user.id, None)
            self.likes = [like for like in self.likes if like.user_id != user.id]
            for ub_id in [ub.id for ub in self.user_badges.values() if ub.user_id == user.id]:
                badge = self.badges[self.user_badges.pop(ub_id).badge_id]
                badge.grant_count -= 1
            for group in self.groups.values():
                group.members.pop(user.id, None)
                group.owner_ids.discard(user.id)
            for other in self.users.values():
                if user.id in other.ignored_user_ids:
                    other.ignored_user_ids.remove(user.id)
                if user.id in other.muted_user_ids:
                    other.muted_user_ids.remove(user.id)
            del self.users[user.id]
            del self._by_username[user.username.lower()]
            del self._by_email[user.email.lower()]
            self.deleted_users[user.id] = user
            self._emit("user", "user_destroyed", payload)

    def visit(self, username: str) -> User:
        """The member opens the forum: last_seen_at becomes now (no webhook, as in Discourse)."""
        with self.lock:
            user = self.get_user(username)
            user.last_seen_at = self.now()
            return user

    def visits_during_listing(self, not_yet_listed: list[User]) -> None:
        """Apply the planned visits of the "visit while listing" fault to members further down the list."""
        count = self.faults.visitors_per_page
        if count <= 0:
            return
        candidates = [u for u in not_yet_listed if u.id > 0 and not u.staged]
        # Deterministic: the members furthest down the list visit first (they jump the furthest).
        for user in candidates[-count:]:
            user.last_seen_at = self.now()

    def edit_own_profile(self, username: str, **changes: Any) -> User:
        """The member edits their profile on the forum: a visit, then user_updated."""
        with self.lock:
            self.visit(username)
            return self.update_user(username, **changes)

    def ignore(self, username: str, other: str, mute: bool = False) -> None:
        """Let a user ignore (or mute) another user."""
        with self.lock:
            user, target = self.get_user(username), self.get_user(other)
            bucket = user.muted_user_ids if mute else user.ignored_user_ids
            if target.id not in bucket:
                bucket.append(target.id)

    def groups_of(self, user: User) -> list[Group]:
        """All groups the user belongs to, automatic ones included, ordered by id."""
        return [g for g in self.groups.values() if self.is_member(g, user)]

    def is_member(self, group: Group, user: User) -> bool:
        """Whether the user belongs to the group (automatic groups derive it from flags)."""
        if not group.automatic:
            return user.id in group.members
        if user.staged:
            return False
        name = group.name
        if name == "admins":
            return user.admin
        if name == "moderators":
            return user.moderator
        if name == "staff":
            return user.staff
        return user.trust_level >= int(name.rsplit("_", 1)[-1])

    def group_member_ids(self, group: Group) -> list[int]:
        """Member ids of a group in join order (user id order for automatic groups)."""
        if not group.automatic:
            return list(group.members)
        return [u.id for u in self.users.values() if self.is_member(group, u)]

    # ---- groups -------------------------------------------------------------

    def _add_group(self, group: Group) -> Group:
        self.groups[group.id] = group
        self._groups_by_name[group.name.lower()] = group.id
        return group

    def find_group(self, name_or_id: str | int) -> Group | None:
        """A group by name (case-insensitive) or numeric id, or None."""
        if isinstance(name_or_id, int) or str(name_or_id).isdigit():
            return self.groups.get(int(name_or_id))
        group_id = self._groups_by_name.get(str(name_or_id).lower())
        return self.groups.get(group_id) if group_id is not None else None

    def create_group(
        self,
        name: str,
        *,
        full_name: str | None = None,
        bio_raw: str | None = None,
        usernames: Iterable[str] = (),
        owner_usernames: Iterable[str] = (),
        automatic_membership_email_domains: str | None = None,
        visibility_level: int = 0,
        messageable_level: int = 0,
        mentionable_level: int = 0,
        members_visibility_level: int = 0,
        public_admission: bool = False,
        public_exit: bool = False,
        primary_group: bool = False,
        flair_bg_color: str | None = None,
    ) -> Group:
        """Create a custom group with initial members and owners."""
        with self.lock:
            if not name or len(name) > 60 or not all(c.isalnum() or c in "_-." for c in name):
                raise Unprocessable("Name must only include numbers, letters, dashes, dots, and underscores")
            if self.find_group(name) is not None or self.find_user(name) is not None:
                raise Unprocessable("Name has already been taken")
            group = self._add_group(
                Group(
                    id=self._next_id("group"),
                    name=name,
                    full_name=full_name,
                    bio_raw=bio_raw,
                    visibility_level=visibility_level,
                    messageable_level=messageable_level,
                    mentionable_level=mentionable_level,
                    members_visibility_level=members_visibility_level,
                    public_admission=public_admission,
                    public_exit=public_exit,
                    primary_group=primary_group,
                    automatic_membership_email_domains=automatic_membership_email_domains or None,
                    flair_bg_color=flair_bg_color,
                )
            )
            owners = [self.get_user(u) for u in owner_usernames if u]
            members = [self.get_user(u) for u in usernames if u]
            self.add_group_members(group, members + owners, ignore_existing=True)
            group.owner_ids.update(u.id for u in owners)
            return group

    def update_group(self, group: Group, **changes: Any) -> Group:
        """Change attributes of a custom group."""
        with self.lock:
            for key, value in changes.items():
                if key in ("id", "name_lower", "members", "owner_ids", "automatic") or not hasattr(group, key):
                    continue
                if key == "name":
                    del self._groups_by_name[group.name.lower()]
                    self._groups_by_name[str(value).lower()] = group.id
                setattr(group, key, value)
            return group

    def add_group_members(self, group: Group, users: Iterable[User], ignore_existing: bool = False) -> list[User]:
        """Add users to a custom group, firing user_added_to_group; 422 when all already belong."""
        with self.lock:
            users = list({u.id: u for u in users}.values())
            new = [u for u in users if u.id not in group.members]
            if users and not new and not ignore_existing:
                names = ", ".join(sorted(u.username for u in users))
                verb = "is already a member" if len(users) == 1 else "are already members"
                raise Unprocessable(f"{names} {verb} of this group.")
            now = self.now()
            for user in new:
                group.members[user.id] = now
                self._emit("group_user", "user_added_to_group", self._group_user_payload(group, user))
            return new

    @staticmethod
    def _group_user_payload(group: Group, user: User) -> Callable[[], dict[str, Any]]:
        """The payload of a user_added_to_group event, built when the event is queued."""
        return lambda: {
            "group_id": group.id,
            "user_id": user.id,
            "notification_level": group.default_notification_level,
            "owner": user.id in group.owner_ids,
        }

    def remove_group_members(self, group: Group, users: Iterable[User]) -> tuple[list[User], list[User]]:
        """Remove users from a custom group; returns (removed, skipped)."""
        with self.lock:
            removed, skipped = [], []
            for user in users:
                if group.members.pop(user.id, None) is None:
                    skipped.append(user)
                else:
                    group.owner_ids.discard(user.id)
                    removed.append(user)
                    self._emit("group_user", "user_removed_from_group", _membership_payload(group, user))
            return removed, skipped

    # ---- categories and fields ----------------------------------------------

    def add_category(self, name: str, description: str, color: str = "0088CC") -> Category:
        """Create a category."""
        with self.lock:
            category = Category(
                id=self._next_id("category"),
                name=name,
                slug=slugify(name),
                color=color,
                text_color="FFFFFF",
                description=description,
                position=len(self.categories),
            )
            self.categories[category.id] = category
            return category

    def find_category(self, name: str) -> Category | None:
        """A category by name or slug, or None."""
        for category in self.categories.values():
            if category.name == name or category.slug == name:
                return category
        return None

    def add_user_field(
        self, name: str, field_type: str, description: str, options: list[str] | None = None
    ) -> UserField:
        """Define a user field; existing users get an empty value for it."""
        with self.lock:
            user_field = UserField(
                id=self._next_id("user_field"),
                name=name,
                field_type=field_type,
                description=description,
                options=list(options or []),
                position=len(self.user_fields),
            )
            self.user_fields[user_field.id] = user_field
            for user in self.users.values():
                user.user_fields.setdefault(str(user_field.id), None)
            return user_field

    # ---- topics and posts ---------------------------------------------------

    def find_topic(self, topic_id: int) -> Topic:
        """A topic that is not deleted, or NotFound."""
        topic = self.topics.get(topic_id)
        if topic is None or topic.deleted_at is not None:
            raise NotFound()
        return topic

    def topic_by_external_id(self, external_id: str) -> Topic:
        """The topic created with this external_id, or NotFound."""
        topic_id = self._topics_by_external_id.get(external_id.lower())
        if topic_id is None:
            raise NotFound()
        return self.find_topic(topic_id)

    def resolve_recipients(self, target_recipients: str) -> tuple[list[User], list[Group]]:
        """Split comma-separated recipient names into users and groups; 422 for unknown names."""
        users: list[User] = []
        groups: list[Group] = []
        for name in (n.strip() for n in target_recipients.split(",")):
            if not name:
                continue
            user = self.find_user(name)
            if user is not None:
                users.append(user)
                continue
            group = self.find_group(name) if not name.isdigit() else None
            if group is None:
                raise Unprocessable(f"The following recipients could not be found: {name}")
            groups.append(group)
        if not users and not groups:
            raise Unprocessable("You must choose a valid user.")
        return users, groups

    def create_post(
        self,
        username: str,
        raw: str,
        topic_id: int | None = None,
        title: str | None = None,
        category: int | str | None = None,
        tags: Iterable[str] = (),
        *,
        archetype: str = "regular",
        target_recipients: str | None = None,
        external_id: str | None = None,
        reply_to_post_number: int | None = None,
        created_at: datetime | None = None,
        check_duplicate: bool = True,
    ) -> Post:
        """Create a topic (with title), a private message (archetype) or a reply; fires webhooks."""
        with self.lock:
            author = self.get_user(username)
            now = created_at or self.now()
            raw = raw or ""
            if len(raw.strip()) < 2:
                raise Unprocessable("Body is too short (minimum is 2 characters)")
            # lib/validators/post_validator.rb (unique_post_validator): staff may repeat a body at once.
            if check_duplicate and not author.staff:
                key = (author.id, raw.strip())
                previous = self._recent_raw.get(key)
                if previous is not None and now - previous < DUPLICATE_POST_WINDOW:
                    raise Unprocessable("Body is too similar to what you recently posted")
                self._recent_raw[key] = now
            if topic_id is None:
                topic = self._create_topic(
                    author, title, category, tags, archetype, target_recipients, external_id, now
                )
                is_new_topic = True
            else:
                topic = self.find_topic(int(topic_id))
                is_new_topic = False
            topic.highest_post_number += 1
            post = Post(
                id=self._next_id("post"),
                topic_id=topic.id,
                post_number=topic.highest_post_number,
                user_id=author.id,
                raw=raw,
                cooked=cook(raw),
                created_at=now,
                updated_at=now,
                reply_to_post_number=reply_to_post_number,
            )
            self.posts[post.id] = post
            topic.post_ids.append(post.id)
            topic.bumped_at = topic.last_posted_at = now
            if reply_to_post_number is not None:
                for other_id in topic.post_ids:
                    other = self.posts[other_id]
                    if other.post_number == reply_to_post_number:
                        other.reply_count += 1
                        break
            author.post_count += 1
            author.last_posted_at = now
            if not topic.is_private_message:
                self._public_post_ids.append(post.id)
                category_record = self.categories.get(topic.category_id or 0)
                if category_record is not None:
                    category_record.post_count += 1
            if is_new_topic:
                author.topic_count += 1
                self._emit("topic", "topic_created", lambda: self._topic_payload(topic))
            self._emit("post", "post_created", lambda: self._post_payload(post))
            return post

    def _create_topic(
        self,
        author: User,
        title: str | None,
        category: int | str | None,
        tags: Iterable[str],
        archetype: str,
        target_recipients: str | None,
        external_id: str | None,
        now: datetime,
    ) -> Topic:
        if not title or len(title.strip()) < 3:
            raise Unprocessable("Title is too short (minimum is 3 characters)")
        # app/models/topic.rb runs TextCleaner.clean_title before validation: the saved title may differ.
        title = clean_title(title)
        if external_id:
            if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
                raise Unprocessable("External ID is too long (maximum is 50 characters)")
            if not _EXTERNAL_ID.match(external_id):
                raise Unprocessable("External ID is invalid")
            if external_id.lower() in self._topics_by_external_id:
                raise Unprocessable("External ID has already been taken")
        if archetype == "private_message":
            users, groups = self.resolve_recipients(target_recipients or "")
            topic = Topic(
                id=self._next_id("topic"),
                title=title.strip(),
                slug=slugify(title),
                user_id=author.id,
                created_at=now,
                category_id=None,
                archetype="private_message",
                allowed_user_ids=list(dict.fromkeys([author.id] + [u.id for u in users])),
                allowed_group_ids=[g.id for g in groups],
                external_id=external_id or None,
            )
        else:
            category_id = self._category_id(category)
            topic = Topic(
                id=self._next_id("topic"),
                title=title.strip(),
                slug=slugify(title),
                user_id=author.id,
                created_at=now,
                category_id=category_id,
                tags=[t for t in tags if t],
                external_id=external_id or None,
            )
            self.categories[category_id].topic_count += 1
        self.topics[topic.id] = topic
        if topic.external_id:
            self._topics_by_external_id[topic.external_id.lower()] = topic.id
        return topic

    def _category_id(self, category: int | str | None) -> int:
        if category in (None, ""):
            return self.uncategorized_category_id
        if isinstance(category, int) or str(category).isdigit():
            if int(category) not in self.categories:
                raise Unprocessable("Category can't be blank")
            return int(category)
        found = self.find_category(str(category))
        if found is None:
            raise Unprocessable("Category can't be blank")
        return found.id

    def tag_id(self, name: str) -> int:
        """The id of a tag, creating the tag on first use."""
        with self.lock:
            if name not in self.tag_ids:
                self.tag_ids[name] = len(self.tag_ids) + 1
            return self.tag_ids[name]

    def edit_post(self, post_id: int, raw: str) -> Post:
        """Change the raw text of a post and fire post_edited."""
        with self.lock:
            post = self.find_post(post_id)
            post.raw, post.cooked = raw, cook(raw)
            post.updated_at = self.now()
            post.version += 1
            self._emit("post", "post_edited", lambda: self._post_payload(post))
            return post

    def edit_topic(self, topic_id: int, title: str | None = None, tags: Iterable[str] | None = None) -> Topic:
        """Change a topic's title or tags and fire topic_edited."""
        with self.lock:
            topic = self.find_topic(topic_id)
            if title:
                topic.title, topic.slug = title, slugify(title)
            if tags is not None:
                topic.tags = list(tags)
            self._emit("topic", "topic_edited", lambda: self._topic_payload(topic))
            return topic

    def find_post(self, post_id: int) -> Post:
        """A post that is not deleted, or NotFound."""
        post = self.posts.get(post_id)
        if post is None or post.deleted_at is not None:
            raise NotFound()
        return post

    def destroy_post(self, post_id: int) -> None:
        """Delete a post (the whole topic when it is the first post) and fire post_destroyed."""
        with self.lock:
            post = self.find_post(post_id)
            self._delete_post(post, self.now())

    def _delete_post(self, post: Post, now: datetime) -> None:
        post.deleted_at = now
        topic = self.topics[post.topic_id]
        if post.id in self._public_post_ids:
            self._public_post_ids.remove(post.id)
        if post.post_number == 1 and topic.deleted_at is None:
            topic.deleted_at = now
            if topic.category_id in self.categories:
                self.categories[topic.category_id].topic_count -= 1
            self._emit("topic", "topic_destroyed", lambda: self._topic_payload(topic))
        self._emit("post", "post_destroyed", lambda: self._post_payload(post))

    def recover_post(self, post_id: int) -> Post:
        """Undo a deletion (the topic too when it is the first post) and fire post_recovered."""
        with self.lock:
            post = self.posts.get(post_id)
            if post is None or post.deleted_at is None:
                raise NotFound()
            post.deleted_at = None
            topic = self.topics[post.topic_id]
            if post.post_number == 1 and topic.deleted_at is not None:
                topic.deleted_at = None
                self._emit("topic", "topic_recovered", lambda: self._topic_payload(topic))
            if not topic.is_private_message and post.id not in self._public_post_ids:
                self._public_post_ids.append(post.id)
                self._public_post_ids.sort()
            self._emit("post", "post_recovered", lambda: self._post_payload(post))
            return post

    def suspend_user(self, username: str, until: datetime) -> User:
        """Suspend a user until a moment and fire user_suspended (app/services/user_suspender.rb)."""
        with self.lock:
            user = self.get_user(username)
            user.suspended_till = until
            self._emit("user", "user_suspended", lambda: self._user_payload(user))
            return user

    def unsuspend_user(self, username: str) -> User:
        """Lift a suspension and fire user_unsuspended."""
        with self.lock:
            user = self.get_user(username)
            user.suspended_till = None
            self._emit("user", "user_unsuspended", lambda: self._user_payload(user))
            return user

    def like(self, username: str, post_id: int, created_at: datetime | None = None) -> Like:
        """Let a user like a post and fire post_liked; 403-like 422 when liking twice or one's own post."""
        with self.lock:
            user = self.get_user(username)
            post = self.find_post(post_id)
            if user.id in post.likes:
                raise Unprocessable("You already performed this action.")
            if post.user_id == user.id:
                raise Unprocessable("You are not permitted to like your own post.")
            like = Like(user_id=user.id, post_id=post.id, created_at=created_at or self.now())
            post.likes[user.id] = like.created_at
            self.likes_by_user.setdefault(user.id, []).append(like)
            self.likes.append(like)
            self._emit(
                "like",
                "post_liked",
                lambda: {
                    "post": self._post_payload(post),
                    "user": {
                        "id": user.id,
                        "username": user.username,
                        "name": user.name,
                        "avatar_template": _avatar(user),
                    },
                },
            )
            return like

    def public_posts_before(self, before: int | None, limit: int = 50) -> list[Post]:
        """Up to `limit` newest public posts with id <= before (all when before is None), newest first."""
        ids = self._public_post_ids
        end = len(ids) if before is None else bisect_right(ids, before)
        return [self.posts[i] for i in reversed(ids[max(0, end - limit) : end])]

    def visible_posts(self, topic: Topic) -> list[Post]:
        """The posts of a topic that are not deleted, in order."""
        return [self.posts[i] for i in topic.post_ids if self.posts[i].deleted_at is None]

    def pm_participants(self, topic: Topic) -> list[User]:
        """Users who can read a private message: allowed users plus members of allowed groups."""
        ids = list(topic.allowed_user_ids)
        for group_id in topic.allowed_group_ids:
            group = self.groups.get(group_id)
            if group is not None:
                ids.extend(self.group_member_ids(group))
        return [self.users[i] for i in dict.fromkeys(ids) if i in self.users]

    def private_messages_of(self, user: User, sent_only: bool = False) -> list[Topic]:
        """PM topics the user can read (or started, when sent_only), newest activity first."""
        topics = []
        for topic in self.topics.values():
            if not topic.is_private_message or topic.deleted_at is not None:
                continue
            if sent_only:
                if topic.user_id == user.id:
                    topics.append(topic)
            elif user.id in (u.id for u in self.pm_participants(topic)):
                topics.append(topic)
        return sorted(topics, key=lambda t: (t.bumped_at or t.created_at, t.id), reverse=True)

    def inbox(self, username: str) -> list[InboxMessage]:
        """The private messages a member can read, newest first, for tests and the HTML view."""
        with self.lock:
            user = self.get_user(username)
            messages = []
            for topic in self.private_messages_of(user):
                posts = self.visible_posts(topic)
                author = self.user_by_id(topic.user_id)
                recipients = [u.username for u in self.pm_participants(topic) if u.id != author.id]
                messages.append(
                    InboxMessage(
                        topic_id=topic.id,
                        title=topic.title,
                        from_username=author.username,
                        to_usernames=recipients,
                        raw=posts[0].raw if posts else "",
                        created_at=topic.created_at,
                        posts=posts,
                    )
                )
            return messages

    # ---- badges -------------------------------------------------------------

    def create_badge(
        self,
        name: str,
        badge_type_id: int,
        *,
        description: str = "",
        icon: str = "fa-certificate",
        multiple_grant: bool = False,
        listable: bool = True,
        allow_title: bool = False,
        enabled: bool = True,
        system: bool = False,
        long_description: str = "",
        query: str | None = None,
    ) -> Badge:
        """Create a badge definition; 422 on a duplicate name or an unknown badge type."""
        with self.lock:
            if not name or not name.strip():
                raise Unprocessable("Name can't be blank")
            if any(b.name.lower() == name.strip().lower() for b in self.badges.values()):
                raise Unprocessable("Name has already been taken")
            if badge_type_id not in (1, 2, 3):
                raise Unprocessable("Badge type can't be blank")
            start = 1 if system else FIRST_CUSTOM_BADGE_ID
            badge = Badge(
                id=self._next_id("system_badge" if system else "badge", start),
                name=name.strip(),
                badge_type_id=badge_type_id,
                description=description,
                icon=icon,
                multiple_grant=multiple_grant,
                listable=listable,
                allow_title=allow_title,
                enabled=enabled,
                system=system,
                long_description=long_description,
                query=query or None,
            )
            self.badges[badge.id] = badge
            return badge

    def grant_badge(
        self,
        username: str,
        badge_id: int,
        granted_by: str | None = None,
        reason: str | None = None,
        granted_at: datetime | None = None,
    ) -> UserBadge:
        """Grant a badge to a user and fire user_badge_granted; a repeat grant of a single badge is a no-op."""
        with self.lock:
            user = self.get_user(username)
            badge = self.badges.get(badge_id)
            if badge is None:
                raise NotFound()
            if not badge.enabled:
                raise Unprocessable("This badge is disabled.")
            grantor = self.get_user(granted_by or self.settings.api_username)
            post_id = self._post_id_from_reason(reason)
            for existing in self.user_badges.values():
                if existing.user_id != user.id or existing.badge_id != badge.id:
                    continue
                # lib/badge_granter.rb: a single badge is granted once; a multiple_grant badge once per post,
                # so a repeat citing the same post answers with the grant that exists.
                if not badge.multiple_grant or (post_id is not None and existing.post_id == post_id):
                    return existing
            user_badge = UserBadge(
                id=self._next_id("user_badge"),
                badge_id=badge.id,
                user_id=user.id,
                granted_by_id=grantor.id,
                granted_at=granted_at or self.now(),
                reason=reason,
                post_id=post_id,
            )
            self.user_badges[user_badge.id] = user_badge
            badge.grant_count += 1
            self._emit("user_badge", "user_badge_granted", lambda: self._user_badge_payload(user_badge))
            return user_badge

    def _post_id_from_reason(self, reason: str | None) -> int | None:
        """Resolve a forum URL given as reason to a post id; 422 when it is not one of ours."""
        if not reason:
            return None
        # app/controllers/user_badges_controller.rb: the reason must route on this forum (Discourse.route_for
        # refuses another host), else 400 invalid_grant_badge_reason_link.
        host = urlsplit(reason).hostname
        own = urlsplit(self.settings.base_url or "http://localhost").hostname
        if host is not None and host != own:
            raise BadRequest("Reason must be a link to a post or a topic on this forum.")
        parts = [p for p in urlsplit(reason).path.split("/") if p]
        try:
            index = parts.index("t")
        except ValueError:
            raise Unprocessable("Reason must be a link to a post or a topic on this forum.") from None
        numbers = [int(p) for p in parts[index + 1 :] if p.isdigit()]
        if not numbers or numbers[0] not in self.topics:
            raise Unprocessable("Reason must be a link to a post or a topic on this forum.")
        topic = self.topics[numbers[0]]
        wanted = numbers[1] if len(numbers) > 1 else 1
        for post_id in topic.post_ids:
            if self.posts[post_id].post_number == wanted:
                return post_id
        return topic.post_ids[0] if topic.post_ids else None

    def revoke_badge(self, user_badge_id: int) -> None:
        """Take back one badge grant and fire user_badge_revoked."""
        with self.lock:
            user_badge = self.user_badges.pop(user_badge_id, None)
            if user_badge is None:
                raise NotFound()
            self.badges[user_badge.badge_id].grant_count -= 1
            self._emit("user_badge", "user_badge_revoked", lambda: self._user_badge_payload(user_badge))

    def badges_of(self, username: str) -> list[GrantedBadge]:
        """The badges granted to a member, oldest grant first."""
        with self.lock:
            user = self.get_user(username)
            grants = sorted(
                (ub for ub in self.user_badges.values() if ub.user_id == user.id), key=lambda ub: (ub.granted_at, ub.id)
            )
            return [
                GrantedBadge(self.badges[ub.badge_id], ub, self.user_by_id(ub.granted_by_id).username) for ub in grants
            ]

    # ---- data explorer ------------------------------------------------------

    def save_query(self, name: str, description: str, sql: str, username: str) -> ExplorerQuery:
        """Store a Data Explorer query."""
        with self.lock:
            query = ExplorerQuery(
                id=self._next_id("query"),
                name=name,
                description=description,
                sql=sql,
                created_at=self.now(),
                user_id=self.get_user(username).id,
            )
            self.explorer_queries[query.id] = query
            return query

    # ---- webhook payloads ---------------------------------------------------

    def _user_payload(self, user: User) -> dict[str, Any]:
        from . import serializers

        return serializers.webhook_user(self, user)

    def _post_payload(self, post: Post) -> dict[str, Any]:
        from . import serializers

        return serializers.webhook_post(self, post)

    def _topic_payload(self, topic: Topic) -> dict[str, Any]:
        from . import serializers

        return serializers.webhook_topic(self, topic)

    def _user_badge_payload(self, user_badge: UserBadge) -> dict[str, Any]:
        from . import serializers

        return serializers.webhook_user_badge(self, user_badge)


def _membership_payload(group: Group, user: User) -> Callable[[], dict[str, Any]]:
    """The group_user payload of a removal (bound now, built when the event is queued)."""
    return lambda: {"group_id": group.id, "user_id": user.id}


def _avatar(user: User) -> str:
    from . import serializers

    return serializers.avatar_template(user)
