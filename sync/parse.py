"""Turn forum JSON (old and new variants, unknown extras, missing optionals) into typed records."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sync.records import (
    ForumBadge,
    ForumGroup,
    ForumLike,
    ForumPost,
    ForumTopic,
    ForumUser,
    UserBadge,
    UserFieldDefinition,
)

PRIVATE_MESSAGE = "private_message"


def parse_datetime(value: Any) -> datetime | None:
    """Parse Discourse's ISO 8601 timestamps ("2024-05-01T10:00:00.000Z") into aware datetimes."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip().replace("Z", "+00:00")
    if " " in text and "T" not in text:
        text = text.replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_bool(value: Any) -> bool:
    """Read booleans that may arrive as true/"t"/"true"/1."""
    if isinstance(value, str):
        return value.strip().lower() in {"t", "true", "1", "yes"}
    return bool(value)


def as_int(value: Any) -> int | None:
    """Read optional integers that may arrive as strings."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def names(values: Any) -> tuple[str, ...]:
    """Read a list of names given as strings, objects with name/username, or a comma-separated string."""
    if values in (None, ""):
        return ()
    if isinstance(values, str):
        items: Iterable[Any] = values.split(",")
    else:
        items = values
    result = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name") or item.get("username")
        if item is None:
            continue
        text = str(item).strip()
        if text:
            result.append(text)
    return tuple(result)


def field_value(value: Any) -> str | None:
    """Flatten a user field value (string, list for multi-select, {"value": [...]}) into text."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None)
    return str(value)


def user_fields_by_name(raw: Any, field_names: Mapping[str, str]) -> dict[str, str]:
    """Key a user's fields by field name; ids without a known definition stay as their id string."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return {}
    if not isinstance(raw, Mapping):
        return {}
    result: dict[str, str] = {}
    for key, value in raw.items():
        text = field_value(value)
        if text is None:
            continue
        field_id = str(key).removeprefix("user_field_")
        result[field_names.get(field_id, field_id)] = text
    return result


def user_field_definitions(site: Mapping[str, Any]) -> list[UserFieldDefinition]:
    """Read the user field definitions from /site.json (or /admin/config/user_fields.json)."""
    raw = site.get("user_fields") or []
    result = []
    for item in raw:
        if not isinstance(item, Mapping) or as_int(item.get("id")) is None:
            continue
        options = item.get("options") or ()
        result.append(
            UserFieldDefinition(
                id=int(item["id"]),
                name=str(item.get("name") or f"user_field_{item['id']}"),
                field_type=str(item.get("field_type") or "text"),
                description=str(item.get("description") or ""),
                options=tuple(str(o.get("value") if isinstance(o, Mapping) else o) for o in options),
                required=_required(item),
                editable=as_bool(item.get("editable", True)),
            )
        )
    return result


def _required(item: Mapping[str, Any]) -> bool:
    # Current Discourse says `requirement` ("optional", "on_signup", "for_all_users"); older ones `required`.
    requirement = item.get("requirement")
    if requirement is not None:
        return str(requirement) in ("on_signup", "for_all_users")
    return as_bool(item.get("required", False))


def field_name_map(definitions: Iterable[UserFieldDefinition]) -> dict[str, str]:
    """Map field id (as string) to field name."""
    return {str(d.id): d.name for d in definitions}


def _suspended(item: Mapping[str, Any]) -> bool:
    if "suspended" in item:
        return as_bool(item["suspended"])
    until = parse_datetime(item.get("suspended_till"))
    return until is not None and until > datetime.now(UTC)


def _silenced(item: Mapping[str, Any]) -> bool:
    if "silenced" in item:
        return as_bool(item["silenced"])
    until = parse_datetime(item.get("silenced_till"))
    return until is not None and until > datetime.now(UTC)


def user_summary(item: Mapping[str, Any]) -> ForumUser:
    """Read one entry of /admin/users/list/{flag}.json (no user fields, groups or ignores)."""
    return ForumUser(
        id=int(item["id"]),
        username=str(item["username"]),
        name=item.get("name") or None,
        email=item.get("email") or None,
        active=as_bool(item.get("active", True)),
        admin=as_bool(item.get("admin", False)),
        moderator=as_bool(item.get("moderator", False)),
        staged=as_bool(item.get("staged", False)),
        suspended=_suspended(item),
        silenced=_silenced(item),
        trust_level=as_int(item.get("trust_level")) or 0,
        last_seen_at=parse_datetime(item.get("last_seen_at")),
        created_at=parse_datetime(item.get("created_at")),
        locale=item.get("locale") or None,
    )


def user_details(
    item: Mapping[str, Any],
    field_names: Mapping[str, str],
    summary: ForumUser | None = None,
    *,
    webhook: bool = False,
) -> ForumUser:
    """Read a full user (from /u/{username}.json as admin, or a webhook), completing a list summary."""
    base = summary or ForumUser(id=int(item["id"]), username=str(item["username"]))

    def pick(key: str, default: Any) -> Any:
        return item[key] if key in item and item[key] is not None else default

    bio = item.get("bio_raw")
    if bio is None:
        bio = base.bio
    return ForumUser(
        id=int(pick("id", base.id)),
        username=str(pick("username", base.username)),
        name=pick("name", base.name) or None,
        email=pick("email", base.email) or None,
        active=as_bool(pick("active", base.active)),
        admin=as_bool(pick("admin", base.admin)),
        moderator=as_bool(pick("moderator", base.moderator)),
        staged=as_bool(pick("staged", base.staged)),
        suspended=_suspended(item) if ("suspended" in item or "suspended_till" in item) else base.suspended,
        silenced=_silenced(item) if ("silenced" in item or "silenced_till" in item) else base.silenced,
        trust_level=as_int(pick("trust_level", base.trust_level)) or 0,
        last_seen_at=parse_datetime(item.get("last_seen_at")) or base.last_seen_at,
        created_at=parse_datetime(item.get("created_at")) or base.created_at,
        locale=pick("locale", base.locale) or None,
        bio=str(bio or ""),
        user_fields=user_fields_by_name(item.get("user_fields"), field_names),
        groups=names(item.get("groups")),
        ignored_usernames=names(item.get("ignored_usernames")),
        muted_usernames=names(item.get("muted_usernames")),
        details_loaded=True,
        active_known=summary is not None or "active" in item or not webhook,
    )


def user_from_bulk_row(row: Mapping[str, Any], field_names: Mapping[str, str]) -> ForumUser:
    """Read one row of the companion's Data Explorer members query."""
    return ForumUser(
        id=int(row["uid"]),
        username=str(row["username"]),
        name=row.get("name") or None,
        email=row.get("email") or None,
        active=as_bool(row.get("active", True)),
        admin=as_bool(row.get("admin", False)),
        moderator=as_bool(row.get("moderator", False)),
        staged=as_bool(row.get("staged", False)),
        suspended=as_bool(row.get("suspended", False)),
        silenced=as_bool(row.get("silenced", False)),
        trust_level=as_int(row.get("trust_level")) or 0,
        last_seen_at=parse_datetime(row.get("last_seen_at")),
        created_at=parse_datetime(row.get("created_at")),
        locale=row.get("locale") or None,
        bio=str(row.get("bio_raw") or ""),
        user_fields=user_fields_by_name(row.get("user_fields"), field_names),
        groups=names(row.get("group_names")),
        ignored_usernames=names(row.get("ignored_usernames")),
        muted_usernames=names(row.get("muted_usernames")),
        details_loaded=True,
    )


def group(item: Mapping[str, Any]) -> ForumGroup:
    """Read a group from /groups.json, /groups/{name}.json or a create answer."""
    domains = item.get("automatic_membership_email_domains") or ""
    return ForumGroup(
        id=int(item["id"]),
        name=str(item["name"]),
        full_name=item.get("full_name") or None,
        user_count=as_int(item.get("user_count")) or 0,
        automatic=as_bool(item.get("automatic", False)),
        visibility_level=as_int(item.get("visibility_level")) or 0,
        messageable_level=as_int(item.get("messageable_level")) or 0,
        bio=str(item.get("bio_raw") or ""),
        automatic_membership_email_domains=tuple(d for d in str(domains).split("|") if d),
    )


def topic(item: Mapping[str, Any], users_by_id: Mapping[int, str] | None = None) -> ForumTopic:
    """Read a topic from a topic list or /t/{id}.json; tags may be strings or {id,name,slug} objects."""
    user_id = as_int(item.get("user_id"))
    if user_id is None:
        posters = item.get("posters") or []
        # In topic lists the original poster is the first poster entry.
        if posters and isinstance(posters[0], Mapping):
            user_id = as_int(posters[0].get("user_id"))
    username = item.get("username") or (users_by_id or {}).get(user_id or -1)
    # Webhook topic payloads name the author in `created_by` at the top level; topic views under `details`.
    details = item.get("details")
    for holder in (item, details):
        created_by = holder.get("created_by") if isinstance(holder, Mapping) else None
        if not username and isinstance(created_by, Mapping):
            username = created_by.get("username")
            user_id = user_id if user_id is not None else as_int(created_by.get("id"))
    return ForumTopic(
        id=int(item["id"]),
        title=str(item.get("title") or item.get("fancy_title") or ""),
        category_id=as_int(item.get("category_id")),
        tags=names(item.get("tags")),
        user_id=user_id,
        username=username or None,
        created_at=parse_datetime(item.get("created_at")),
        is_private=item.get("archetype") == PRIVATE_MESSAGE,
    )


def post(item: Mapping[str, Any]) -> ForumPost:
    """Read a post from /posts.json, /posts/{id}.json, a create answer or a webhook."""
    reply_user = item.get("reply_to_user")
    archetype = item.get("topic_archetype") or item.get("archetype")
    return ForumPost(
        id=int(item["id"]),
        topic_id=int(item["topic_id"]),
        post_number=as_int(item.get("post_number")) or 1,
        username=str(item.get("username") or ""),
        user_id=as_int(item.get("user_id")),
        raw=str(item.get("raw") or ""),
        created_at=parse_datetime(item.get("created_at")),
        updated_at=parse_datetime(item.get("updated_at")),
        reply_to_post_number=as_int(item.get("reply_to_post_number")),
        reply_to_username=(reply_user.get("username") if isinstance(reply_user, Mapping) else None),
        category_id=as_int(item.get("category_id")),
        topic_title=item.get("topic_title") or None,
        is_private=archetype == PRIVATE_MESSAGE or as_bool(item.get("is_private", False)),
    )


def like_from_user_action(item: Mapping[str, Any]) -> ForumLike | None:
    """Read a LIKE (action_type 1) user action; the liker is the acting user."""
    post_id = as_int(item.get("post_id"))
    if post_id is None:
        return None
    return ForumLike(
        post_id=post_id,
        username=str(item.get("acting_username") or item.get("username") or ""),
        created_at=parse_datetime(item.get("created_at")),
        topic_id=as_int(item.get("topic_id")),
    )


def badge(item: Mapping[str, Any]) -> ForumBadge:
    """Read a badge definition."""
    return ForumBadge(
        id=int(item["id"]),
        name=str(item["name"]),
        badge_type_id=as_int(item.get("badge_type_id")) or 3,
        description=str(item.get("description") or ""),
        icon=item.get("icon") or None,
        multiple_grant=as_bool(item.get("multiple_grant", False)),
        listable=as_bool(item.get("listable", True)),
        allow_title=as_bool(item.get("allow_title", False)),
        enabled=as_bool(item.get("enabled", True)),
    )


def user_badge(
    item: Mapping[str, Any],
    badge_names: Mapping[int, str] | None = None,
    username: str | None = None,
) -> UserBadge:
    """Read one user badge grant (from /user-badges/{username}.json, a grant answer or a webhook)."""
    badge_id = as_int(item.get("badge_id"))
    nested = item.get("badge")
    if badge_id is None and isinstance(nested, Mapping):
        badge_id = as_int(nested.get("id"))
    user = item.get("user")
    return UserBadge(
        id=int(item["id"]),
        badge_id=badge_id or 0,
        user_id=as_int(item.get("user_id")) or (as_int(user.get("id")) if isinstance(user, Mapping) else None),
        username=item.get("username") or (user.get("username") if isinstance(user, Mapping) else None) or username,
        granted_at=parse_datetime(item.get("granted_at")),
        granted_by_id=as_int(item.get("granted_by_id")),
        badge_name=(badge_names or {}).get(badge_id or 0)
        or (nested.get("name") if isinstance(nested, Mapping) else None),
    )
