"""Typed records the forum boundary returns; plain frozen dataclasses, no JSON leaks out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class UserFieldDefinition:
    """A custom user field the forum admins defined (e.g. "Verwaltung")."""

    id: int
    name: str
    field_type: str
    description: str = ""
    options: tuple[str, ...] = ()
    required: bool = False
    editable: bool = True


@dataclass(frozen=True)
class ForumUser:
    """A forum member as the companion needs to know them."""

    id: int
    username: str
    name: str | None = None
    email: str | None = None
    active: bool = True
    admin: bool = False
    moderator: bool = False
    staged: bool = False
    suspended: bool = False
    silenced: bool = False
    trust_level: int = 0
    last_seen_at: datetime | None = None
    created_at: datetime | None = None
    locale: str | None = None
    bio: str = ""
    # Keyed by field NAME where the definitions were known, else by the field id as a string.
    user_fields: dict[str, str] = field(default_factory=dict, hash=False, compare=True)
    groups: tuple[str, ...] = ()
    ignored_usernames: tuple[str, ...] = ()
    muted_usernames: tuple[str, ...] = ()
    details_loaded: bool = False
    # False when the source does not say whether the account is activated (webhook user payloads have no `active`).
    active_known: bool = True


@dataclass(frozen=True)
class ForumGroup:
    """A forum group (often one per organisation, or one per circle)."""

    id: int
    name: str
    full_name: str | None = None
    user_count: int = 0
    automatic: bool = False
    visibility_level: int = 0
    messageable_level: int = 0
    bio: str = ""
    automatic_membership_email_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupMember:
    """One member of a group, as listed by the group members endpoint."""

    group_name: str
    user_id: int
    username: str
    owner: bool = False


@dataclass(frozen=True)
class ForumTopic:
    """A topic with the fields matching needs."""

    id: int
    title: str
    category_id: int | None = None
    tags: tuple[str, ...] = ()
    user_id: int | None = None
    username: str | None = None
    created_at: datetime | None = None
    is_private: bool = False


@dataclass(frozen=True)
class ForumPost:
    """A post; PMs only arrive through webhooks since /posts.json lists public posts."""

    id: int
    topic_id: int
    post_number: int
    username: str
    user_id: int | None = None
    raw: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    reply_to_post_number: int | None = None
    reply_to_username: str | None = None
    category_id: int | None = None
    topic_title: str | None = None
    is_private: bool = False


@dataclass(frozen=True)
class ForumLike:
    """A like given by a member to a post."""

    post_id: int
    username: str
    created_at: datetime | None = None
    topic_id: int | None = None


@dataclass(frozen=True)
class SentPost:
    """Where a written PM or topic ended up on the forum."""

    post_id: int
    topic_id: int
    already_existed: bool = False


@dataclass(frozen=True)
class ForumBadge:
    """A badge defined on the forum."""

    id: int
    name: str
    badge_type_id: int
    description: str = ""
    icon: str | None = None
    multiple_grant: bool = False
    listable: bool = True
    allow_title: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class UserBadge:
    """One grant of a badge to a member."""

    id: int
    badge_id: int
    user_id: int | None = None
    username: str | None = None
    granted_at: datetime | None = None
    granted_by_id: int | None = None
    badge_name: str | None = None


@dataclass(frozen=True)
class GroupMembershipChange:
    """A member joined (or left) a group, as a webhook reports it."""

    group_id: int
    user_id: int
    added: bool = True


@dataclass(frozen=True)
class UnusedEvent:
    """A real, verified event the companion has no use for (answered "ignored")."""

    name: str


@dataclass(frozen=True)
class Ping:
    """The test delivery an admin triggers from the webhook settings page."""

    message: str = "OK"


@dataclass(frozen=True)
class ConnectIdentity:
    """The identity the forum vouches for after a DiscourseConnect login."""

    external_id: int
    username: str
    email: str | None = None
    name: str | None = None
    admin: bool = False
    moderator: bool = False
    groups: tuple[str, ...] = ()
    avatar_url: str | None = None
    locale: str | None = None
    return_sso_url: str | None = None


@dataclass(frozen=True)
class ForumSnapshot:
    """Everything a full sync read, ready for the companion to upsert."""

    user_fields: tuple[UserFieldDefinition, ...]
    members: tuple[ForumUser, ...]
    groups: tuple[ForumGroup, ...]
    group_members: tuple[GroupMember, ...]
    topics: tuple[ForumTopic, ...]
    posts: tuple[ForumPost, ...]
    likes: tuple[ForumLike, ...]
    used_bulk_path: bool = False


@dataclass(frozen=True)
class ForumChanges:
    """What an incremental sync found since the last stored post id / timestamp."""

    posts: tuple[ForumPost, ...]
    topics: tuple[ForumTopic, ...]
    new_members: tuple[ForumUser, ...]
    newest_post_id: int | None


@dataclass(frozen=True)
class ProbeReport:
    """What `check` found out about the forum; "unknown" where it could not tell."""

    reachable: bool
    api_key_valid: bool
    api_user_is_admin: bool | None
    site_title: str | None
    budget_per_minute: int
    paced_per_minute: float
    requests_made: int
    rate_limited_count: int
    data_explorer: str  # "available" | "disabled" | "unknown"
    webhooks: str  # "configured" | "none" | "unknown"
    connect_provider: str  # "enabled" | "disabled" | "unknown"
    webhook_retries: str = "unknown"  # retry_web_hook_events: "on" | "off" | "unknown"
    data_explorer_prefix: str | None = None
    problems: tuple[str, ...] = ()
