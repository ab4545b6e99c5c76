"""In-memory records of the sandbox forum (users, groups, topics, posts, badges, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class UserField:
    """A custom user field definition as in /site.json."""

    id: int
    name: str
    field_type: str  # "text" or "dropdown"
    description: str
    options: list[str] = field(default_factory=list)
    required: bool = False
    editable: bool = True
    show_on_profile: bool = True
    show_on_user_card: bool = False
    searchable: bool = True
    position: int = 0


@dataclass(slots=True)
class User:
    """A forum account."""

    id: int
    username: str
    name: str
    email: str
    created_at: datetime
    active: bool = True
    admin: bool = False
    moderator: bool = False
    staged: bool = False
    trust_level: int = 1
    suspended_till: datetime | None = None
    silenced_till: datetime | None = None
    last_seen_at: datetime | None = None
    last_posted_at: datetime | None = None
    bio_raw: str = ""
    locale: str | None = None
    title: str | None = None
    user_fields: dict[str, str | None] = field(default_factory=dict)
    ignored_user_ids: list[int] = field(default_factory=list)
    muted_user_ids: list[int] = field(default_factory=list)
    post_count: int = 0
    topic_count: int = 0
    timezone: str = "Europe/Berlin"
    primary_group_id: int | None = None

    @property
    def staff(self) -> bool:
        """Whether the user is an admin or a moderator."""
        return self.admin or self.moderator


@dataclass(slots=True)
class Group:
    """A forum group; automatic groups compute their members from user flags."""

    id: int
    name: str
    full_name: str | None = None
    bio_raw: str | None = None
    automatic: bool = False
    visibility_level: int = 0
    members_visibility_level: int = 0
    mentionable_level: int = 0
    messageable_level: int = 0
    public_admission: bool = False
    public_exit: bool = False
    allow_membership_requests: bool = False
    primary_group: bool = False
    title: str | None = None
    default_notification_level: int = 3
    automatic_membership_email_domains: str | None = None
    flair_bg_color: str | None = None
    # user id -> time the user was added; insertion order is join order.
    members: dict[int, datetime] = field(default_factory=dict)
    owner_ids: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Category:
    """A topic category."""

    id: int
    name: str
    slug: str
    color: str
    text_color: str
    description: str
    position: int
    topic_count: int = 0
    post_count: int = 0


@dataclass(slots=True)
class Topic:
    """A topic or private message thread."""

    id: int
    title: str
    slug: str
    user_id: int
    created_at: datetime
    category_id: int | None
    archetype: str = "regular"
    tags: list[str] = field(default_factory=list)
    external_id: str | None = None
    post_ids: list[int] = field(default_factory=list)
    allowed_user_ids: list[int] = field(default_factory=list)
    allowed_group_ids: list[int] = field(default_factory=list)
    bumped_at: datetime | None = None
    last_posted_at: datetime | None = None
    views: int = 0
    closed: bool = False
    archived: bool = False
    deleted_at: datetime | None = None
    highest_post_number: int = 0

    @property
    def is_private_message(self) -> bool:
        """Whether the topic is a private message."""
        return self.archetype == "private_message"


@dataclass(slots=True)
class Post:
    """A post inside a topic; post_number 1 is the topic's first post."""

    id: int
    topic_id: int
    post_number: int
    user_id: int
    raw: str
    cooked: str
    created_at: datetime
    updated_at: datetime
    reply_to_post_number: int | None = None
    deleted_at: datetime | None = None
    version: int = 1
    reply_count: int = 0
    # user id -> time of the like, in the order the likes were given.
    likes: dict[int, datetime] = field(default_factory=dict)


@dataclass(slots=True)
class Badge:
    """A badge definition."""

    id: int
    name: str
    badge_type_id: int
    description: str = ""
    long_description: str = ""
    icon: str = "fa-certificate"
    multiple_grant: bool = False
    listable: bool = True
    allow_title: bool = False
    enabled: bool = True
    system: bool = False
    query: str | None = None
    badge_grouping_id: int = 5
    grant_count: int = 0


@dataclass(slots=True)
class UserBadge:
    """One grant of a badge to a user."""

    id: int
    badge_id: int
    user_id: int
    granted_by_id: int
    granted_at: datetime
    reason: str | None = None
    post_id: int | None = None


@dataclass(slots=True)
class Like:
    """A like given by a user to a post."""

    user_id: int
    post_id: int
    created_at: datetime


@dataclass(slots=True)
class ExplorerQuery:
    """A saved Data Explorer query."""

    id: int
    name: str
    description: str
    sql: str
    created_at: datetime
    user_id: int


@dataclass
class WebhookDelivery:
    """One attempt to deliver a webhook event, kept for tests and the demo."""

    event_id: int
    event_type: str
    event: str
    body: bytes
    headers: dict[str, str]
    attempt: int
    status: int | None = None
    error: str | None = None
    delivered_at: datetime | None = None
