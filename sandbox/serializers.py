"""Builders of the JSON payloads the sandbox answers with, shaped like Discourse's serializers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .models import Badge, Category, Group, Post, Topic, User, UserBadge, UserField
from .text import excerpt

if TYPE_CHECKING:
    from .state import ForumState

BADGE_TYPES = [
    {"id": 1, "name": "Gold", "sort_order": 9},
    {"id": 2, "name": "Silver", "sort_order": 8},
    {"id": 3, "name": "Bronze", "sort_order": 7},
]
BADGE_GROUPINGS = [(1, "GettingStarted"), (2, "Community"), (3, "Posting"), (4, "TrustLevel"), (5, "Other")]
LIKE_ACTION_TYPE = 1
AVATAR_COLORS = ("e47c90", "8e8cd8", "49d2a5", "f0a04b", "5fa8d3", "b5a642", "c77c5d")


def to_json_bytes(payload: Any) -> bytes:
    """Serialise a payload compactly as UTF-8 JSON, as Discourse does."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def iso(moment: datetime | None) -> str | None:
    """Format a time like Rails does in JSON (UTC, milliseconds, Z)."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def avatar_template(user: User) -> str:
    """A letter avatar template like Discourse's default avatars."""
    letter = (user.username[:1] or "x").lower()
    return f"/letter_avatar_proxy/v4/letter/{letter}/{AVATAR_COLORS[user.id % len(AVATAR_COLORS)]}/{{size}}.png"


def _age(state: ForumState, moment: datetime | None) -> float | None:
    return None if moment is None else round((state.now() - moment).total_seconds(), 3)


def basic_user(user: User) -> dict[str, Any]:
    """The {id, username, name, avatar_template} shape used in many places."""
    return {"id": user.id, "username": user.username, "name": user.name or "", "avatar_template": avatar_template(user)}


# ---- users -----------------------------------------------------------------


def admin_list_user(state: ForumState, user: User, show_emails: bool) -> dict[str, Any]:
    """One entry of /admin/users/list/{flag}.json."""
    item: dict[str, Any] = {
        "id": user.id,
        "username": user.username,
        "name": user.name or None,
        "avatar_template": avatar_template(user),
        "active": user.active,
        "admin": user.admin,
        "moderator": user.moderator,
        "last_seen_at": iso(user.last_seen_at),
        "last_emailed_at": None,
        "created_at": iso(user.created_at),
        "last_seen_age": _age(state, user.last_seen_at),
        "last_emailed_age": None,
        "created_at_age": _age(state, user.created_at),
        "trust_level": user.trust_level,
        "manual_locked_trust_level": None,
        "title": user.title,
        "time_read": 60 * user.post_count,
        "staged": user.staged,
        "days_visited": min(user.post_count, 365),
        "posts_read_count": 3 * user.post_count,
        "topics_entered": user.post_count,
        "post_count": user.post_count,
    }
    if show_emails:
        item["email"] = user.email
        item["secondary_emails"] = []
    if user.suspended_till is not None:
        item.update(suspended_at=iso(user.created_at), suspended_till=iso(user.suspended_till))
    if user.silenced_till is not None:
        item["silenced_till"] = iso(user.silenced_till)
    return item


def _primary_group(state: ForumState, user: User) -> Group | None:
    return state.groups.get(user.primary_group_id) if user.primary_group_id else None


def user_detail(state: ForumState, user: User, viewer: User) -> dict[str, Any]:
    """The body of /u/{username}.json as seen by an admin."""
    groups = [g for g in state.groups_of(user) if g.visibility_level == 0 or viewer.staff]
    primary = _primary_group(state, user)
    featured = next(
        (
            t
            for t in state.topics.values()
            if t.user_id == user.id and not t.is_private_message and t.deleted_at is None
        ),
        None,
    )
    detail: dict[str, Any] = {
        "id": user.id,
        "username": user.username,
        "name": user.name or "",
        "avatar_template": avatar_template(user),
        "last_posted_at": iso(user.last_posted_at),
        "last_seen_at": iso(user.last_seen_at),
        "created_at": iso(user.created_at),
        "ignored": user.id in viewer.ignored_user_ids,
        "muted": user.id in viewer.muted_user_ids,
        "can_ignore_user": not user.staff and user.id != viewer.id,
        "can_mute_user": not user.staff and user.id != viewer.id,
        "can_send_private_messages": True,
        "can_send_private_message_to_user": user.id != viewer.id,
        "trust_level": user.trust_level,
        "moderator": user.moderator,
        "admin": user.admin,
        "title": user.title,
        "badge_count": sum(1 for ub in state.user_badges.values() if ub.user_id == user.id),
        "user_fields": {str(fid): user.user_fields.get(str(fid)) for fid in state.user_fields},
        "custom_fields": {},
        "time_read": 60 * user.post_count,
        "recent_time_read": 0,
        "primary_group_id": primary.id if primary else None,
        "primary_group_name": primary.name if primary else None,
        "flair_group_id": None,
        "flair_name": None,
        "flair_url": None,
        "flair_bg_color": None,
        "flair_color": None,
        "featured_topic": None
        if featured is None
        else {
            "id": featured.id,
            "title": featured.title,
            "fancy_title": featured.title,
            "slug": featured.slug,
            "posts_count": len(state.visible_posts(featured)),
        },
        "staged": user.staged,
        "can_edit": True,
        "can_edit_username": True,
        "can_edit_email": True,
        "can_edit_name": True,
        "uploaded_avatar_id": None,
        "has_title_badges": False,
        "pending_count": 0,
        "profile_view_count": 0,
        "second_factor_enabled": False,
        "can_upload_profile_header": True,
        "can_upload_user_card_background": True,
        "post_count": user.post_count,
        "topic_count": user.topic_count,
        "can_be_deleted": user.post_count == 0 and not user.admin,
        "can_delete_all_posts": True,
        "locale": user.locale,
        "muted_category_ids": [],
        "regular_category_ids": [],
        "watched_tags": [],
        "watching_first_post_tags": [],
        "tracked_tags": [],
        "muted_tags": [],
        "tracked_category_ids": [],
        "watched_category_ids": [],
        "watched_first_post_category_ids": [],
        "system_avatar_upload_id": None,
        "system_avatar_template": avatar_template(user),
        "muted_usernames": [state.user_by_id(i).username for i in user.muted_user_ids],
        "ignored_usernames": [state.user_by_id(i).username for i in user.ignored_user_ids],
        "allowed_pm_usernames": [],
        "mailing_list_posts_per_day": 0,
        "can_change_bio": True,
        "can_change_location": True,
        "can_change_website": True,
        "can_change_tracking_preferences": True,
        "user_api_keys": None,
        "user_auth_tokens": [],
        "user_notification_schedule": {
            "enabled": False,
            **{
                f"day_{d}_{edge}_time": (480 if edge == "start" else 1020)
                for d in range(7)
                for edge in ("start", "end")
            },
        },
        "use_logo_small_as_avatar": False,
        "featured_user_badge_ids": [],
        "invited_by": None,
        "groups": [group_basic(state, g, viewer, with_user_count=True) for g in groups],
        "group_users": [
            {
                "group_id": g.id,
                "user_id": user.id,
                "notification_level": g.default_notification_level,
                "owner": user.id in g.owner_ids,
            }
            for g in groups
            if not g.automatic
        ],
        "user_option": _user_option(user),
    }
    if user.bio_raw:
        # Discourse includes the bio only when it is present.
        detail["bio_raw"] = user.bio_raw
        detail["bio_cooked"] = f"<p>{user.bio_raw}</p>"
        detail["bio_excerpt"] = excerpt(user.bio_raw)
    return {"user_badges": [], "user": detail}


def _user_option(user: User) -> dict[str, Any]:
    return {
        "user_id": user.id,
        "mailing_list_mode": False,
        "mailing_list_mode_frequency": 1,
        "email_digests": True,
        "email_level": 1,
        "email_messages_level": 0,
        "external_links_in_new_tab": False,
        "color_scheme_id": None,
        "dark_scheme_id": None,
        "dynamic_favicon": False,
        "enable_quoting": True,
        "enable_smart_lists": True,
        "enable_markdown_monospace_font": True,
        "digest_after_minutes": 10080,
        "automatically_unpin_topics": True,
        "auto_track_topics_after_msecs": 240000,
        "notification_level_when_replying": 2,
        "new_topic_duration_minutes": 2880,
        "email_previous_replies": 2,
        "email_in_reply_to": False,
        "like_notification_frequency": 1,
        "notify_on_linked_posts": True,
        "push_notification_level": "always",
        "enable_upcoming_change_available_notifications": False,
        "include_tl0_in_digests": False,
        "theme_ids": [1],
        "theme_key_seq": 0,
        "allow_private_messages": True,
        "enable_allowed_pm_users": False,
        "homepage_id": None,
        "hide_profile_and_presence": False,
        "hide_profile": False,
        "hide_presence": False,
        "text_size": "normal",
        "text_size_seq": 0,
        "title_count_mode": "notifications",
        "timezone": user.timezone,
        "skip_new_user_tips": False,
        "topics_unread_when_closed": True,
        "interface_color_mode": 1,
        "automatically_translate": False,
        "understood_languages": [user.locale or "de"],
        "show_original_content": False,
        "send_shortcut": "enter",
    }


def webhook_user(state: ForumState, user: User) -> dict[str, Any]:
    """The user webhook payload: the user view plus e-mail, external id and group names.

    Like WebHookUserSerializer (app/serializers/web_hook_user_serializer.rb) it has no `active` field.
    """
    system = state.find_user(state.settings.api_username) or user
    payload = user_detail(state, user, system)["user"]
    payload.update(
        email=user.email,
        secondary_emails=[],
        unconfirmed_emails=[],
        external_id=None,
        staged=user.staged,
        suspended_till=iso(user.suspended_till),
        silenced_till=iso(user.silenced_till),
    )
    return payload


# ---- groups ----------------------------------------------------------------


def group_basic(state: ForumState, group: Group, viewer: User, *, with_user_count: bool = True) -> dict[str, Any]:
    """The BasicGroupSerializer shape used in group lists and user views."""
    body: dict[str, Any] = {
        "id": group.id,
        "automatic": group.automatic,
        "name": group.name,
        "display_name": group.full_name or group.name,
        "mentionable_level": group.mentionable_level,
        "messageable_level": group.messageable_level,
        "visibility_level": group.visibility_level,
        "primary_group": group.primary_group,
        "title": group.title,
        "grant_trust_level": None,
        "incoming_email": None,
        "has_messages": any(group.id in t.allowed_group_ids for t in state.topics.values()),
        "flair_url": None,
        "flair_bg_color": group.flair_bg_color,
        "flair_color": None,
        "bio_raw": group.bio_raw,
        "bio_cooked": f"<p>{group.bio_raw}</p>" if group.bio_raw else None,
        "bio_excerpt": excerpt(group.bio_raw) if group.bio_raw else None,
        "public_admission": group.public_admission,
        "public_exit": group.public_exit,
        "allow_membership_requests": group.allow_membership_requests,
        "full_name": group.full_name,
        "default_notification_level": group.default_notification_level,
        "membership_request_template": None,
        "members_visibility_level": group.members_visibility_level,
        "can_see_members": True,
        "can_admin_group": viewer.admin,
        "publish_read_state": False,
    }
    if with_user_count:
        body["user_count"] = len(state.group_member_ids(group))
    return body


def group_list_item(state: ForumState, group: Group, viewer: User) -> dict[str, Any]:
    """One entry of /groups.json."""
    body = group_basic(state, group, viewer)
    body.update(
        is_group_user=state.is_member(group, viewer),
        is_group_owner=viewer.id in group.owner_ids,
        can_edit_group=viewer.admin,
    )
    return body


def group_detail(state: ForumState, group: Group, viewer: User) -> dict[str, Any]:
    """The body of /groups/{name}.json."""
    body = group_basic(state, group, viewer)
    del body["display_name"]  # not part of the detailed group serializer
    body.update(
        {
            "is_group_user": state.is_member(group, viewer),
            "can_edit_group": viewer.admin,
            "is_group_owner_display": viewer.id in group.owner_ids,
            "mentionable": group.mentionable_level == 99 or viewer.staff,
            "messageable": group.messageable_level == 99 or viewer.staff,
            "automatic_membership_email_domains": group.automatic_membership_email_domains,
            "smtp_updated_at": None,
            "smtp_updated_by": None,
            "smtp_enabled": False,
            "smtp_server": None,
            "smtp_port": None,
            "smtp_ssl_mode": None,
            "email_username": None,
            "email_from_alias": None,
            "email_password": None,
            "message_count": sum(1 for t in state.topics.values() if group.id in t.allowed_group_ids),
            "allow_unknown_sender_topic_replies": False,
            "associated_group_ids": [],
            "watching_category_ids": [],
            "tracking_category_ids": [],
            "watching_first_post_category_ids": [],
            "regular_category_ids": [],
            "muted_category_ids": [],
            "watching_tags": [],
            "watching_first_post_tags": [],
            "tracking_tags": [],
            "regular_tags": [],
            "muted_tags": [],
        }
    )
    visible = [g.name for g in state.groups.values() if g.visibility_level == 0 or viewer.staff]
    return {"group": body, "extras": {"visible_group_names": visible}}


def group_member(state: ForumState, user: User, group: Group) -> dict[str, Any]:
    """One entry of members/owners in /groups/{name}/members.json."""
    added = group.members.get(user.id, user.created_at)
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name or None,
        "avatar_template": avatar_template(user),
        "title": user.title,
        "last_posted_at": iso(user.last_posted_at),
        "last_seen_at": iso(user.last_seen_at),
        "added_at": iso(added),
        "timezone": user.timezone,
    }


# ---- categories and site ---------------------------------------------------


def category_summary(category: Category) -> dict[str, Any]:
    """A category as listed in /site.json."""
    return {
        "id": category.id,
        "name": category.name,
        "color": category.color,
        "text_color": category.text_color,
        "style_type": "square",
        "emoji": None,
        "icon": None,
        "slug": category.slug,
        "topic_count": category.topic_count,
        "post_count": category.post_count,
        "position": category.position,
        "description": category.description,
        "description_text": category.description,
        "description_excerpt": category.description,
        "topic_url": f"/t/about-the-{category.slug}-category",
        "read_restricted": False,
        "permission": 1,
        "notification_level": 1,
        "topic_template": None,
        "topic_title_placeholder": None,
        "has_children": False,
        "subcategory_count": None,
        "sort_order": None,
        "sort_ascending": None,
        "show_subcategory_list": False,
        "num_featured_topics": 3,
        "default_view": None,
        "subcategory_list_style": "rows_with_featured_topics",
        "default_top_period": "all",
        "default_list_filter": "all",
        "minimum_required_tags": 0,
        "navigate_to_first_post_after_read": False,
        "allow_global_tags": False,
        "required_tag_groups": [],
        "read_only_banner": None,
        "uploaded_logo": None,
        "uploaded_logo_dark": None,
        "uploaded_background": None,
        "uploaded_background_dark": None,
        "can_edit": True,
        "form_template_ids": [],
    }


def user_field_definition(user_field: UserField) -> dict[str, Any]:
    """A user field definition as listed in /site.json."""
    return {
        "id": user_field.id,
        "name": user_field.name,
        "description": user_field.description,
        "field_type": user_field.field_type,
        "editable": user_field.editable,
        "required": user_field.required,
        "requirement": "optional",
        "show_on_profile": user_field.show_on_profile,
        "show_on_user_card": user_field.show_on_user_card,
        "searchable": user_field.searchable,
        "position": user_field.position,
        "options": list(user_field.options),
    }


_NOTIFICATION_TYPES = [
    "mentioned",
    "replied",
    "quoted",
    "edited",
    "liked",
    "private_message",
    "invited_to_private_message",
    "invitee_accepted",
    "posted",
    "moved_post",
    "linked",
    "granted_badge",
    "invited_to_topic",
    "custom",
    "group_mentioned",
    "group_message_summary",
    "watching_first_post",
    "topic_reminder",
    "liked_consolidated",
    "post_approved",
    "code_review_commit_approved",
    "membership_request_accepted",
    "membership_request_consolidated",
    "bookmark_reminder",
    "reaction",
    "votes_released",
    "event_reminder",
    "event_invitation",
    "chat_mention",
    "chat_message",
    "chat_invitation",
    "chat_group_mention",
    "chat_quoted",
    "assigned",
    "question_answer_user_commented",
    "watching_category_or_tag",
    "new_features",
    "admin_problems",
    "linked_consolidated",
    "chat_watched_thread",
    "following",
    "following_created_topic",
    "following_replied",
    "circles_activity",
]


def _like_action_type() -> dict[str, Any]:
    return {
        "id": 2,
        "name_key": "like",
        "name": "Like",
        "description": "Like this post",
        "short_description": "Like this post",
        "is_flag": False,
        "require_message": False,
        "enabled": True,
        "applies_to": ["Post", "Chat::Message"],
        "is_used": True,
        "position": 0,
        "auto_action_type": False,
        "system": True,
    }


def site(state: ForumState, viewer: User) -> dict[str, Any]:
    """The body of /site.json."""
    top = sorted(state.tag_ids.items(), key=lambda item: item[1])[:20]
    return {
        "default_archetype": "regular",
        "notification_types": {name: index + 1 for index, name in enumerate(_NOTIFICATION_TYPES)},
        "post_types": {"regular": 1, "moderator_action": 2, "small_action": 3, "whisper": 4},
        "trust_levels": {"newuser": 0, "basic": 1, "member": 2, "regular": 3, "leader": 4},
        "groups": [_site_group(g) for g in state.groups.values() if g.visibility_level == 0 or viewer.staff],
        "filters": ["latest", "unread", "new", "unseen", "top", "read", "posted", "bookmarks", "hot"],
        "homepage_choices": [],
        "periods": ["all", "yearly", "quarterly", "monthly", "weekly", "daily"],
        "top_menu_items": ["latest", "new", "unread", "hot", "categories"],
        "anonymous_top_menu_items": ["latest", "hot", "categories"],
        "uncategorized_category_id": state.uncategorized_category_id,
        "user_field_max_length": 2048,
        "post_action_types": [_like_action_type()],
        "topic_flag_types": [],
        "can_create_tag": viewer.staff,
        "can_tag_topics": True,
        "can_tag_pms": False,
        "tags_filter_regexp": "[/\\?#\\[\\]@!\\$&'\\(\\)\\*\\+,;=\\.%\\\\`^\\s|\\{\\}\"<>]+",
        "top_tags": [{"id": tag_id, "name": name, "slug": name} for name, tag_id in top],
        "wizard_required": False,
        "can_associate_groups": False,
        "email_configured": True,
        "topic_featured_link_allowed_category_ids": [],
        "user_themes": [{"theme_id": 1, "name": "Default", "default": True, "color_scheme_id": None}],
        "user_color_schemes": [],
        "default_light_color_scheme": None,
        "default_dark_color_scheme": None,
        "censored_regexp": [],
        "custom_emoji_translation": {},
        "watched_words_replace": None,
        "watched_words_link": None,
        "markdown_additional_options": {},
        "hashtag_configurations": {},
        "hashtag_icons": {},
        "displayed_about_plugin_stat_groups": [],
        "categories": [category_summary(c) for c in state.categories.values()],
        "archetypes": [
            {"id": "regular", "name": "Regular Topic", "options": []},
            {"id": "banner", "name": "Banner", "options": []},
        ],
        "user_fields": [user_field_definition(f) for f in state.user_fields.values()],
        "auth_providers": [],
        "full_name_required_for_signup": False,
        "full_name_visible_in_signup": True,
    }


def _site_group(group: Group) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": group.id,
        "name": group.name,
        "flair_url": None,
        "flair_bg_color": group.flair_bg_color,
        "flair_color": None,
        "automatic": group.automatic,
    }
    if group.full_name:
        body["full_name"] = group.full_name
    return body


def basic_info(state: ForumState) -> dict[str, Any]:
    """The body of /site/basic-info.json."""
    base = state.settings.base_url or ""
    return {
        "logo_url": f"{base}/images/discourse-logo-sketch.png",
        "logo_small_url": "",
        "apple_touch_icon_url": "",
        "favicon_url": "",
        "title": state.settings.title,
        "description": "Netzwerk der Verwaltungsrebellen – Sandbox-Forum für Tests und Demos.",
        "header_primary_color": "333333",
        "header_background_color": "ffffff",
        "login_required": False,
        "locale": "de",
        "include_in_discourse_discover": False,
        "mobile_logo_url": "",
    }


# ---- posts and topics ------------------------------------------------------


def post_url(topic: Topic, post: Post) -> str:
    """The relative URL of a post."""
    return f"/t/{topic.slug}/{topic.id}/{post.post_number}"


def _post_common(state: ForumState, post: Post, viewer: User) -> dict[str, Any]:
    author = state.user_by_id(post.user_id)
    topic = state.topics[post.topic_id]
    primary = _primary_group(state, author)
    return {
        "id": post.id,
        "name": author.name or "",
        "username": author.username,
        "avatar_template": avatar_template(author),
        "created_at": iso(post.created_at),
        "cooked": post.cooked,
        "post_number": post.post_number,
        "post_type": 1,
        "updated_at": iso(post.updated_at),
        "reply_count": post.reply_count,
        "reply_to_post_number": post.reply_to_post_number,
        "quote_count": 0,
        "incoming_link_count": 0,
        "reads": 1 + len(post.likes),
        "readers_count": len(post.likes),
        "score": float(len(post.likes) * 15 + post.reply_count * 5),
        "yours": author.id == viewer.id,
        "topic_id": topic.id,
        "topic_slug": topic.slug,
        "display_username": author.name or author.username,
        "primary_group_name": primary.name if primary else None,
        "flair_name": None,
        "flair_url": None,
        "flair_bg_color": None,
        "flair_color": None,
        "version": post.version,
        "can_edit": viewer.staff,
        "can_delete": viewer.staff,
        "can_recover": False,
        "can_see_hidden_post": viewer.staff,
        "can_wiki": viewer.staff,
        "user_title": author.title,
        "bookmarked": False,
        "actions_summary": [{"id": 2, "can_act": viewer.id not in post.likes and author.id != viewer.id}],
        "moderator": author.moderator,
        "admin": author.admin,
        "staff": author.staff,
        "user_id": author.id,
        "hidden": False,
        "trust_level": author.trust_level,
        "deleted_at": iso(post.deleted_at),
        "user_deleted": post.user_id in state.deleted_users,
        "edit_reason": None,
        "can_view_edit_history": True,
        "wiki": False,
        "reviewable_score_count": 0,
        "reviewable_score_pending_count": 0,
    }


def latest_post(state: ForumState, post: Post, viewer: User) -> dict[str, Any]:
    """One entry of /posts.json."""
    topic = state.topics[post.topic_id]
    body = _post_common(state, post, viewer)
    body.update(
        posts_count=len(topic.post_ids),
        topic_title=topic.title,
        topic_html_title=topic.title,
        category_id=topic.category_id,
        flair_group_id=None,
        badges_granted=[],
        raw=post.raw,
        excerpt=excerpt(post.raw),
        truncated=len(post.raw) > 300,
        reviewable_id=None,
        post_url=post_url(topic, post),
    )
    return body


def created_post(state: ForumState, post: Post, viewer: User) -> dict[str, Any]:
    """The body of a successful POST /posts.json."""
    topic = state.topics[post.topic_id]
    body = _post_common(state, post, viewer)
    body.update(
        raw=post.raw,
        posts_count=len(topic.post_ids),
        flair_group_id=None,
        badges_granted=[],
        draft_sequence=0,
        reviewable_id=None,
        post_url=post_url(topic, post),
        mentioned_users=[],
    )
    return body


def post_show(state: ForumState, post: Post, viewer: User) -> dict[str, Any]:
    """The body of GET /posts/{id}.json, with the raw text."""
    topic = state.topics[post.topic_id]
    body = _post_common(state, post, viewer)
    body.update(
        raw=post.raw,
        posts_count=len(topic.post_ids),
        flair_group_id=None,
        reviewable_id=None,
        post_url=post_url(topic, post),
        mentioned_users=[],
    )
    return body


def topic_post(state: ForumState, post: Post, viewer: User) -> dict[str, Any]:
    """One post in the post_stream of /t/{id}.json."""
    body = _post_common(state, post, viewer)
    body.update(link_counts=[], read=True, reviewable_id=0)
    return body


def _tags(state: ForumState, topic: Topic) -> list[Any]:
    if state.settings.legacy_tag_strings:
        return list(topic.tags)
    return [{"id": state.tag_id(name), "name": name, "slug": name} for name in topic.tags]


def topic_view(state: ForumState, topic: Topic, viewer: User) -> dict[str, Any]:
    """The body of /t/{id}.json (first 20 posts in the stream, like Discourse's chunk size)."""
    posts = state.visible_posts(topic)
    creator = state.user_by_id(topic.user_id)
    last_poster = state.user_by_id(posts[-1].user_id) if posts else creator
    counts: dict[int, int] = {}
    for post in posts:
        counts[post.user_id] = counts.get(post.user_id, 0) + 1
    participants = []
    for user_id, count in sorted(counts.items(), key=lambda item: -item[1])[:24]:
        user = state.user_by_id(user_id)
        participants.append(
            {
                **basic_user(user),
                "post_count": count,
                "primary_group_name": None,
                "flair_name": None,
                "flair_url": None,
                "flair_color": None,
                "flair_bg_color": None,
                "flair_group_id": None,
                "admin": user.admin,
                "moderator": user.moderator,
                "trust_level": user.trust_level,
            }
        )
    like_count = sum(len(p.likes) for p in posts)
    body: dict[str, Any] = {
        "post_stream": {"posts": [topic_post(state, p, viewer) for p in posts[:20]], "stream": [p.id for p in posts]},
        "timeline_lookup": [[1, 0]],
        "suggested_topics": [],
        "tags": _tags(state, topic),
        "tags_descriptions": {},
        "id": topic.id,
        "title": topic.title,
        "fancy_title": topic.title,
        "posts_count": len(posts),
        "created_at": iso(topic.created_at),
        "views": topic.views,
        "reply_count": max(0, len(posts) - 1),
        "like_count": like_count,
        "last_posted_at": iso(topic.last_posted_at),
        "visible": True,
        "closed": topic.closed,
        "archived": topic.archived,
        "has_summary": False,
        "archetype": topic.archetype,
        "slug": topic.slug,
        "category_id": topic.category_id,
        "word_count": sum(len(p.raw.split()) for p in posts),
        "deleted_at": None,
        "user_id": topic.user_id,
        "featured_link": None,
        "pinned_globally": False,
        "pinned_at": None,
        "pinned_until": None,
        "image_url": None,
        "slow_mode_seconds": 0,
        "draft": None,
        "draft_key": f"topic_{topic.id}",
        "draft_sequence": 0,
        "unpinned": None,
        "pinned": False,
        "current_post_number": 1,
        "highest_post_number": topic.highest_post_number,
        "deleted_by": None,
        "has_deleted": False,
        "actions_summary": [{"id": 4, "count": 0, "hidden": False, "can_act": True}],
        "chunk_size": 20,
        "bookmarked": False,
        "bookmarks": [],
        "topic_timer": None,
        "message_bus_last_id": 0,
        "participant_count": len(counts),
        "show_read_indicator": False,
        "thumbnails": None,
        "slow_mode_enabled_until": None,
        "details": {
            "can_edit": viewer.staff,
            "notification_level": 1,
            "can_move_posts": viewer.staff,
            "can_delete": viewer.staff,
            "can_remove_allowed_users": viewer.staff,
            "can_create_post": True,
            "can_reply_as_new_topic": True,
            "can_invite_to": True,
            "can_invite_via_email": viewer.staff,
            "can_flag_topic": True,
            "can_convert_topic": viewer.staff,
            "can_review_topic": viewer.staff,
            "can_close_topic": viewer.staff,
            "can_archive_topic": viewer.staff,
            "can_split_merge_topic": viewer.staff,
            "can_edit_staff_notes": viewer.staff,
            "can_toggle_topic_visibility": viewer.staff,
            "can_pin_unpin_topic": viewer.staff,
            "can_moderate_category": viewer.staff,
            "can_remove_self_id": viewer.id,
            "participants": participants,
            "created_by": basic_user(creator),
            "last_poster": basic_user(last_poster),
        },
    }
    if topic.is_private_message:
        body["details"]["allowed_users"] = [basic_user(u) for u in state.pm_participants(topic)]
        body["details"]["allowed_groups"] = [
            {"id": g, "name": state.groups[g].name} for g in topic.allowed_group_ids if g in state.groups
        ]
    return body


def topic_list_item(state: ForumState, topic: Topic, viewer: User) -> dict[str, Any]:
    """One topic in /latest.json and the private message lists."""
    posts = state.visible_posts(topic)
    posters = []
    seen: list[int] = []
    for post in posts:
        if post.user_id not in seen:
            seen.append(post.user_id)
    for index, user_id in enumerate(seen[:5]):
        description = "Original Poster" if index == 0 else "Frequent Poster"
        posters.append(
            {
                "extras": "latest" if user_id == (posts[-1].user_id if posts else None) else "",
                "description": description,
                "user_id": user_id,
                "primary_group_id": None,
            }
        )
    item: dict[str, Any] = {
        "id": topic.id,
        "title": topic.title,
        "fancy_title": topic.title,
        "slug": topic.slug,
        "posts_count": len(posts),
        "reply_count": max(0, len(posts) - 1),
        "highest_post_number": topic.highest_post_number,
        "image_url": None,
        "created_at": iso(topic.created_at),
        "last_posted_at": iso(topic.last_posted_at),
        "bumped": True,
        "bumped_at": iso(topic.bumped_at or topic.created_at),
        "archetype": topic.archetype,
        "unseen": False,
        "pinned": False,
        "unpinned": None,
        "visible": True,
        "closed": topic.closed,
        "archived": topic.archived,
        "bookmarked": False,
        "liked": False,
        "tags": _tags(state, topic),
        "tags_descriptions": {},
        "views": topic.views,
        "like_count": sum(len(p.likes) for p in posts),
        "has_summary": False,
        "last_poster_username": state.user_by_id(posts[-1].user_id).username if posts else "",
        "category_id": topic.category_id,
        "pinned_globally": False,
        "featured_link": None,
        "posters": posters,
    }
    if topic.is_private_message:
        participants = state.pm_participants(topic)
        item["allowed_user_count"] = len(topic.allowed_user_ids)
        item["participants"] = [
            {"extras": "", "description": None, "user_id": u.id, "primary_group_id": None}
            for u in participants
            if u.id not in seen
        ][:5]
    return item


def topic_list(
    state: ForumState, topics: list[Topic], viewer: User, per_page: int, more_url: str | None
) -> dict[str, Any]:
    """A topic list body with its users, as /latest.json and /topics/private-messages*/ answer."""
    items = [topic_list_item(state, t, viewer) for t in topics]
    user_ids: list[int] = []
    for item in items:
        for poster in item["posters"] + item.get("participants", []):
            if poster["user_id"] not in user_ids:
                user_ids.append(poster["user_id"])
    users = []
    for user_id in user_ids:
        user = state.user_by_id(user_id)
        users.append(
            {
                "id": user.id,
                "username": user.username,
                "name": user.name or "",
                "avatar_template": avatar_template(user),
                "trust_level": user.trust_level,
            }
        )
    body: dict[str, Any] = {
        "users": users,
        "primary_groups": [],
        "flair_groups": [],
        "topic_list": {
            "can_create_topic": True,
            "draft": None,
            "draft_key": "new_topic",
            "draft_sequence": 0,
            "per_page": per_page,
            "topics": items,
        },
    }
    if more_url:
        body["topic_list"]["more_topics_url"] = more_url
    return body


def _user_action(
    topic: Any, post: Post, action_type: int, created_at: Any, target: User, author: User, actor: User
) -> dict[str, Any]:
    """One entry of /user_actions.json as Discourse's UserActionSerializer writes it."""
    return {
        "excerpt": excerpt(post.raw),
        "action_type": action_type,
        "created_at": iso(created_at),
        "avatar_template": avatar_template(author),
        "acting_avatar_template": avatar_template(actor),
        "slug": topic.slug,
        "topic_id": topic.id,
        "target_user_id": target.id,
        "target_name": target.name or None,
        "target_username": target.username,
        "post_number": post.post_number,
        "post_id": post.id,
        "username": author.username,
        "name": author.name or None,
        "user_id": author.id,
        "acting_username": actor.username,
        "acting_name": actor.name or None,
        "acting_user_id": actor.id,
        "title": topic.title,
        "deleted": False,
        "hidden": False,
        "post_type": 1,
        "action_code": None,
        "category_id": topic.category_id,
        "closed": topic.closed,
        "archived": topic.archived,
    }


def user_action_like(state: ForumState, liker: User, post: Post) -> dict[str, Any]:
    """One LIKE entry (action_type 1) of /user_actions.json for the user who gave the like."""
    topic = state.topics[post.topic_id]
    author = state.user_by_id(post.user_id)
    return _user_action(topic, post, LIKE_ACTION_TYPE, post.likes[liker.id], liker, author, liker)


def webhook_post(state: ForumState, post: Post) -> dict[str, Any]:
    """The post webhook payload."""
    topic = state.topics[post.topic_id]
    author = state.user_by_id(post.user_id)
    category = state.categories.get(topic.category_id or 0)
    return {
        "id": post.id,
        "name": author.name,
        "username": author.username,
        "avatar_template": avatar_template(author),
        "created_at": iso(post.created_at),
        "cooked": post.cooked,
        "post_number": post.post_number,
        "post_type": 1,
        "updated_at": iso(post.updated_at),
        "reply_count": post.reply_count,
        "reply_to_post_number": post.reply_to_post_number,
        "quote_count": 0,
        "incoming_link_count": 0,
        "reads": 1,
        "score": 0,
        "topic_id": topic.id,
        "topic_slug": topic.slug,
        "topic_title": topic.title,
        "category_id": topic.category_id,
        "display_username": author.name,
        "primary_group_name": None,
        "flair_name": None,
        "flair_group_id": None,
        "version": post.version,
        "user_title": author.title,
        "bookmarked": False,
        "raw": post.raw,
        "moderator": author.moderator,
        "admin": author.admin,
        "staff": author.staff,
        "user_id": author.id,
        "hidden": False,
        "trust_level": author.trust_level,
        "deleted_at": iso(post.deleted_at),
        "user_deleted": False,
        "edit_reason": None,
        "wiki": False,
        "reviewable_id": None,
        "reviewable_score_count": 0,
        "reviewable_score_pending_count": 0,
        "topic_posts_count": len(topic.post_ids),
        "topic_filtered_posts_count": len(topic.post_ids),
        "topic_archetype": topic.archetype,
        "category_slug": category.slug if category else None,
    }


def webhook_topic(state: ForumState, topic: Topic) -> dict[str, Any]:
    """The topic webhook payload."""
    posts = state.visible_posts(topic)
    creator = state.user_by_id(topic.user_id)
    last = state.user_by_id(posts[-1].user_id) if posts else creator
    return {
        "tags": list(topic.tags),
        "tags_descriptions": {},
        "id": topic.id,
        "title": topic.title,
        "fancy_title": topic.title,
        "posts_count": len(posts),
        "created_at": iso(topic.created_at),
        "views": topic.views,
        "reply_count": max(0, len(posts) - 1),
        "like_count": sum(len(p.likes) for p in posts),
        "last_posted_at": iso(topic.last_posted_at),
        "visible": True,
        "closed": topic.closed,
        "archived": topic.archived,
        "archetype": topic.archetype,
        "slug": topic.slug,
        "category_id": topic.category_id,
        "word_count": sum(len(p.raw.split()) for p in posts),
        "deleted_at": iso(topic.deleted_at),
        "user_id": topic.user_id,
        "featured_link": None,
        "pinned_globally": False,
        "pinned_at": None,
        "pinned_until": None,
        "unpinned": None,
        "pinned": False,
        "highest_post_number": topic.highest_post_number,
        "deleted_by": None,
        "bookmarked": None,
        "participant_count": len({p.user_id for p in posts}),
        "thumbnails": None,
        "external_id": topic.external_id,
        "created_by": basic_user(creator),
        "last_poster": basic_user(last),
    }


# ---- badges ----------------------------------------------------------------


def badge_short(badge: Badge) -> dict[str, Any]:
    """A badge as listed in /user-badges/{username}.json."""
    return {
        "id": badge.id,
        "name": badge.name,
        "description": badge.description,
        "grant_count": badge.grant_count,
        "allow_title": badge.allow_title,
        "multiple_grant": badge.multiple_grant,
        "icon": badge.icon,
        "image_url": None,
        "listable": badge.listable,
        "enabled": badge.enabled,
        "badge_grouping_id": badge.badge_grouping_id,
        "system": badge.system,
        "slug": _badge_slug(badge),
        "manually_grantable": not badge.system,
        "badge_type_id": badge.badge_type_id,
    }


def _badge_slug(badge: Badge) -> str:
    from .text import slugify

    return slugify(badge.name)


def badge_full(badge: Badge) -> dict[str, Any]:
    """A badge as listed in /admin/badges.json."""
    body = badge_short(badge)
    body.update(
        long_description=badge.long_description,
        query=badge.query,
        trigger=None,
        target_posts=False,
        auto_revoke=True,
        show_posts=False,
        i18n_name=None,
        image_upload_id=None,
        show_in_post_header=False,
    )
    return body


def badge_list(state: ForumState) -> dict[str, Any]:
    """The body of GET /admin/badges.json."""
    badges = sorted(state.badges.values(), key=lambda b: b.id)
    return {
        "badges": [badge_full(b) for b in badges],
        "badge_types": BADGE_TYPES,
        "badge_groupings": [
            {"id": gid, "name": name, "description": None, "position": gid * 10, "system": True}
            for gid, name in BADGE_GROUPINGS
        ],
        "admin_badges": {
            "protected_system_fields": ["name", "badge_type_id", "query", "trigger"],
            "triggers": {"user_change": 8, "none": 0, "post_revision": 2, "trust_level_change": 4, "post_action": 1},
            "badge_ids": [b.id for b in badges],
            "badge_grouping_ids": [gid for gid, _ in BADGE_GROUPINGS],
            "badge_type_ids": [t["id"] for t in BADGE_TYPES],
        },
    }


def badge_created(badge: Badge) -> dict[str, Any]:
    """The body of POST /admin/badges.json."""
    body = badge_full(badge)
    for key in ("i18n_name",):
        body.pop(key)
    return {"badge_types": BADGE_TYPES, "badge": body}


def user_badges(state: ForumState, grants: list[UserBadge]) -> dict[str, Any]:
    """The body of /user-badges/{username}.json."""
    badge_ids = list(dict.fromkeys(ub.badge_id for ub in grants))
    grantor_ids = list(dict.fromkeys(ub.granted_by_id for ub in grants))
    grantors = []
    for user_id in grantor_ids:
        user = state.user_by_id(user_id)
        grantors.append(
            {
                **basic_user(user),
                "flair_name": None,
                "admin": user.admin,
                "moderator": user.moderator,
                "trust_level": user.trust_level,
            }
        )
    return {
        "badges": [badge_short(state.badges[b]) for b in badge_ids],
        "badge_types": BADGE_TYPES,
        "granted_bies": grantors,
        "user_badges": [
            {
                "id": ub.id,
                "granted_at": iso(ub.granted_at),
                "grouping_position": 0,
                "is_favorite": None,
                "can_favorite": False,
                "badge_id": ub.badge_id,
                "granted_by_id": ub.granted_by_id,
            }
            for ub in grants
        ],
    }


def user_badge_granted(state: ForumState, user_badge: UserBadge) -> dict[str, Any]:
    """The body of POST /user_badges.json (not in the published spec)."""
    body = user_badges(state, [user_badge])
    user = state.user_by_id(user_badge.user_id)
    body["users"] = [basic_user(user)]
    body["user_badge"] = webhook_user_badge(state, user_badge)
    return body


def webhook_user_badge(state: ForumState, user_badge: UserBadge) -> dict[str, Any]:
    """The user_badge webhook payload."""
    topic_id = state.posts[user_badge.post_id].topic_id if user_badge.post_id else None
    return {
        "id": user_badge.id,
        "granted_at": iso(user_badge.granted_at),
        "badge_id": user_badge.badge_id,
        "user_id": user_badge.user_id,
        "granted_by_id": user_badge.granted_by_id,
        "post_id": user_badge.post_id,
        "topic_id": topic_id,
        "reason": user_badge.reason,
    }


def user_action_own_post(state: ForumState, user: User, post: Post, action_type: int) -> dict[str, Any]:
    """A NEW_TOPIC (4) or REPLY (5) entry of /user_actions.json for the post's author."""
    topic = state.topics[post.topic_id]
    return _user_action(topic, post, action_type, post.created_at, user, user, user)
