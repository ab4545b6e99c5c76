"""Writes to the forum that a retry can never double, keyed by the outbox's idempotency key.

Guarantees (given the same ``idempotency_key`` on every attempt of one write):
- Private messages and topics: created with an ``external_id`` derived from
  the key (Discourse's TopicCreator accepts it for PMs too, and the Topic
  model keeps it unique, so a repeat that would double a write is refused).
  When an attempt ends ambiguously (timeout, dropped connection, 5xx on the
  POST) or is refused as a duplicate, the writer looks the write up with
  ``GET /t/external_id/{external_id}.json`` before deciding to send again;
  when the caller says the outbox row was attempted before
  (``first_attempt=False``, e.g. after a crash), the look-up happens before
  the first send. Never by title: the forum rewrites titles
  (``TextCleaner.clean_title``). PMs also carry the key invisibly at the end
  of ``raw`` as ``<!-- companion:KEY -->``.
- Groups and badges: looked up by name (names are unique on the forum).
- Badge grants: the member's badges are checked before granting, so each
  badge is granted at most once per member by the companion.
- Group membership: adding present members or removing absent ones is a no-op.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sync import parse
from sync.client import ForumClient, Redirect
from sync.errors import (
    ForumError,
    ForumNotFound,
    ForumRejected,
    ForumUnavailable,
    RateLimited,
    RepeatedGrant,
    UnexpectedResponse,
)
from sync.records import ForumBadge, ForumGroup, SentPost, UserBadge

log = logging.getLogger(__name__)

MARKER_PATTERN = re.compile(r"<!-- companion:([A-Za-z0-9._:-]+) -->")
EXTERNAL_ID_PREFIX = "companion-"
MAX_GROUP_BATCH = 1000


def idempotency_token(key: str) -> str:
    """Return a marker-safe form of the key: the key itself when plain, else its SHA-256."""
    if re.fullmatch(r"[A-Za-z0-9._:]+(-[A-Za-z0-9._:]+)*", key) and len(key) <= 80:
        return key
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def idempotency_marker(key: str) -> str:
    """Return the invisible HTML comment that ties a PM to its outbox row."""
    return f"<!-- companion:{idempotency_token(key)} -->"


def with_marker(raw: str, key: str) -> str:
    """Append the idempotency marker to a post's raw text."""
    return f"{raw.rstrip()}\n\n{idempotency_marker(key)}"


def external_id_for(key: str) -> str:
    """Derive a topic external_id (at most 50 characters) from an idempotency key."""
    return EXTERNAL_ID_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _is_duplicate(error: ForumRejected) -> bool:
    text = " ".join(error.errors).lower() + str(error).lower()
    return error.status == 422 and any(w in text for w in ("already", "duplicate", "identical", "similar", "taken"))


class ForumWriter:
    """Idempotent writes: PMs, topics, groups, memberships, badges and grants."""

    def __init__(
        self,
        client: ForumClient,
        *,
        max_attempts: int = 3,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.max_attempts = max_attempts
        self._now = now

    # --- private messages --------------------------------------------------------

    def send_private_message(
        self,
        recipients: Sequence[str],
        title: str,
        raw: str,
        idempotency_key: str,
        *,
        first_attempt: bool = True,
    ) -> SentPost:
        """Send a PM to usernames or group names once, whatever happens to the connection."""
        if not recipients:
            raise ValueError("a private message needs at least one recipient")
        external_id = external_id_for(idempotency_key)
        body = {
            "title": title,
            "raw": with_marker(raw, idempotency_key),
            "archetype": "private_message",
            "target_recipients": ",".join(recipients),
            # TopicCreator stores external_id for private messages too, and the forum keeps it unique:
            # a repeat of a PM that already landed is refused, and the PM is found again by it.
            "external_id": external_id,
        }
        return self._create_once(
            body, lambda: self.find_sent_private_message(idempotency_key), check_first=not first_attempt
        )

    def find_sent_private_message(self, idempotency_key: str) -> SentPost | None:
        """Find the PM sent for this key by its external_id (never by title: the forum rewrites titles), or None."""
        return self.find_topic_by_external_id(external_id_for(idempotency_key))

    # --- topics ------------------------------------------------------------------

    def create_topic(
        self,
        title: str,
        raw: str,
        category_id: int,
        idempotency_key: str,
        *,
        tags: Iterable[str] = (),
        first_attempt: bool = True,
    ) -> SentPost:
        """Create a topic in a category once, tracked by an external_id derived from the key."""
        external_id = external_id_for(idempotency_key)
        body: dict[str, Any] = {"title": title, "raw": raw, "category": category_id, "external_id": external_id}
        tag_list = list(tags)
        if tag_list:
            body["tags"] = tag_list
        return self._create_once(
            body, lambda: self.find_topic_by_external_id(external_id), check_first=not first_attempt
        )

    def find_topic_by_external_id(self, external_id: str) -> SentPost | None:
        """Find the topic created with this external_id, or None."""
        try:
            answer = self.client.request("GET", f"/t/external_id/{external_id}.json", accept_redirect=True)
        except ForumNotFound:
            return None
        if isinstance(answer, Redirect):
            match = re.search(r"/t/(?:[^/?#]+/)?(\d+)(?:\.json)?(?:[/?#]|$)", answer.location)
            if not match:
                raise UnexpectedResponse(f"cannot read a topic id from redirect {answer.location!r}")
            answer = self.client.get(f"/t/{int(match.group(1))}.json")
        if not isinstance(answer, dict) or "id" not in answer:
            return None
        stream = answer.get("post_stream") or {}
        posts = stream.get("posts") or []
        post_id = posts[0].get("id") if posts else (stream.get("stream") or [None])[0]
        if post_id is None:
            return None
        return SentPost(post_id=int(post_id), topic_id=int(answer["id"]), already_existed=True)

    # --- the shared create-once loop --------------------------------------------

    def _create_once(
        self, body: dict[str, Any], lookup: Callable[[], SentPost | None], *, check_first: bool
    ) -> SentPost:
        if check_first:
            found = lookup()
            if found is not None:
                return found
        doubt: ForumUnavailable | None = None
        for attempt in range(1, self.max_attempts + 1):
            try:
                answer = self.client.post("/posts.json", body) or {}
                return SentPost(post_id=int(answer["id"]), topic_id=int(answer["topic_id"]))
            except RateLimited as exc:
                if doubt is not None:
                    # This attempt surely did not land, but an earlier one still may have.
                    raise ForumUnavailable(f"{doubt}; then {exc}", status=doubt.status, ambiguous=True) from exc
                raise
            except ForumUnavailable as exc:
                if not exc.ambiguous:
                    if doubt is not None:
                        raise ForumUnavailable(f"{doubt}; then {exc}", status=exc.status, ambiguous=True) from exc
                    raise  # never reached the forum, and the client already retried
                doubt = exc
                # Give the forum a moment to finish what it may have started before looking.
                self.client.sleep(self.client.retry.backoff(attempt))
                found = self._look_up_after_doubt(lookup, exc)
                if found is not None:
                    return found
                if attempt >= self.max_attempts:
                    raise
                log.info("write attempt %d failed (%s); not found on the forum, sending again", attempt, exc)
            except ForumRejected as exc:
                # "External ID has already been taken": an earlier attempt (perhaps of another process,
                # perhaps one that landed after its timeout) has the write; return that one.
                if _is_duplicate(exc):
                    found = lookup()
                    if found is not None:
                        return found
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _look_up_after_doubt(lookup: Callable[[], SentPost | None], doubt: ForumUnavailable) -> SentPost | None:
        """Look a write up after an attempt that may have landed; a look-up that fails leaves the doubt standing."""
        try:
            return lookup()
        except ForumError as error:
            raise ForumUnavailable(
                f"{doubt}; looking it up failed too ({error})", status=doubt.status, ambiguous=True
            ) from error

    # --- groups ------------------------------------------------------------------

    def create_group(
        self,
        name: str,
        *,
        full_name: str | None = None,
        bio_raw: str | None = None,
        usernames: Iterable[str] = (),
        visibility_level: int | None = None,
        messageable_level: int | None = None,
        automatic_membership_email_domains: Iterable[str] = (),
    ) -> ForumGroup:
        """Create a group, or return the existing one with that name."""
        group: dict[str, Any] = {"name": name}
        if full_name is not None:
            group["full_name"] = full_name
        if bio_raw is not None:
            group["bio_raw"] = bio_raw
        names = ",".join(usernames)
        if names:
            group["usernames"] = names
        if visibility_level is not None:
            group["visibility_level"] = visibility_level
        if messageable_level is not None:
            group["messageable_level"] = messageable_level
        domains = "|".join(automatic_membership_email_domains)
        if domains:
            group["automatic_membership_email_domains"] = domains
        existing = self._group_or_none(name)
        if existing is not None:
            return existing
        try:
            answer = self.client.post("/admin/groups.json", {"group": group}) or {}
        except ForumUnavailable as exc:
            existing = self._group_or_none(name) if exc.ambiguous else None
            if existing is None:
                raise
            return existing
        except ForumRejected as exc:
            existing = self._group_or_none(name) if exc.status == 422 else None
            if existing is None:
                raise
            return existing
        return parse.group(answer.get("basic_group") or answer.get("group") or answer)

    def _group_or_none(self, name: str) -> ForumGroup | None:
        try:
            answer = self.client.get(f"/groups/{name}.json") or {}
        except ForumNotFound:
            return None
        return parse.group(answer.get("group") or answer)

    def update_group(self, group_id: int, name: str, **fields: Any) -> None:
        """Update a group's settings (name is required by the forum even when unchanged)."""
        self.client.put(f"/groups/{group_id}.json", {"group": {"name": name, **fields}})

    def add_group_members(self, group_id: int, usernames: Iterable[str]) -> list[str]:
        """Add members (already present ones are fine) and return the usernames the forum reports added."""
        added: list[str] = []
        for batch in _batches(list(usernames), MAX_GROUP_BATCH):
            try:
                answer = self.client.put(f"/groups/{group_id}/members.json", {"usernames": ",".join(batch)}) or {}
            except ForumRejected as exc:
                if _is_duplicate(exc):
                    continue  # all of this batch were members already
                raise
            added.extend(str(u) for u in answer.get("usernames") or [])
        return added

    def remove_group_members(self, group_id: int, usernames: Iterable[str]) -> list[str]:
        """Remove members (absent ones are skipped) and return the usernames the forum reports removed."""
        removed: list[str] = []
        for batch in _batches(list(usernames), MAX_GROUP_BATCH):
            answer = self.client.delete(f"/groups/{group_id}/members.json", {"usernames": ",".join(batch)}) or {}
            removed.extend(str(u) for u in answer.get("usernames") or [])
        return removed

    # --- badges ------------------------------------------------------------------

    def list_badges(self) -> list[ForumBadge]:
        """List all badges defined on the forum."""
        answer = self.client.api.badges() or {}
        return [parse.badge(b) for b in answer.get("badges") or []]

    def create_badge(
        self,
        name: str,
        *,
        badge_type_id: int = 3,
        description: str = "",
        icon: str = "fa-certificate",
        multiple_grant: bool = False,
        listable: bool = True,
        allow_title: bool = False,
    ) -> ForumBadge:
        """Create a manually granted badge, or return the existing one with that name."""
        existing = self._badge_named(name)
        if existing is not None:
            return existing
        body = {
            "name": name,
            "badge_type_id": badge_type_id,
            "description": description,
            "icon": icon,
            "multiple_grant": multiple_grant,
            "listable": listable,
            "allow_title": allow_title,
            "enabled": True,
        }
        try:
            answer = self.client.post("/admin/badges.json", body) or {}
        except (ForumUnavailable, ForumRejected) as exc:
            if isinstance(exc, ForumUnavailable) and not exc.ambiguous:
                raise
            existing = self._badge_named(name)
            if existing is None:
                raise
            return existing
        return parse.badge(answer.get("badge") or answer)

    def _badge_named(self, name: str) -> ForumBadge | None:
        return next((b for b in self.list_badges() if b.name == name), None)

    def list_badges_of(self, username: str) -> list[UserBadge]:
        """List the badges a member holds."""
        answer = self.client.api.user_badges(username) or {}
        badge_names = {int(b["id"]): str(b["name"]) for b in answer.get("badges") or [] if "id" in b}
        return [parse.user_badge(ub, badge_names, username) for ub in answer.get("user_badges") or []]

    def grant_badge(self, username: str, badge_id: int, *, reason: str | None = None, times: int = 1) -> UserBadge:
        """Grant a badge unless the member already holds it `times` times; return the (new or existing) grant.

        `times` > 1 is for badges granted more than once: the n-th grant is sent
        only while the member holds fewer than n, so a retry never adds one more.
        """
        grants = self._grants(username, badge_id)
        if len(grants) >= times:
            return grants[-1]
        before = {g.id for g in grants}
        body: dict[str, Any] = {"username": username, "badge_id": badge_id}
        if reason:
            body["reason"] = reason
        try:
            answer = self.client.post("/user_badges.json", body) or {}
        except ForumUnavailable as exc:
            held = self._held(username, badge_id, times) if exc.ambiguous else None
            if held is None:
                raise
            return held
        item = answer.get("user_badge")
        if not isinstance(item, dict):
            items = [ub for ub in answer.get("user_badges") or [] if parse.as_int(ub.get("badge_id")) == badge_id]
            item = items[-1] if items else None
        if item is None:
            held = self._held(username, badge_id, times)
            if held is None:
                raise UnexpectedResponse("the forum confirmed the grant without returning it")
            return held
        granted = parse.user_badge(item, username=username)
        if granted.id in before:
            # BadgeGranter returns the existing grant of a multiple_grant badge citing the same post: the
            # member still holds it len(before) times, and reporting a new grant would make the counts drift.
            raise RepeatedGrant(
                f"badge {badge_id} for {username}: the forum returned grant {granted.id}, which already existed "
                "(a multiple_grant badge is granted once per post)",
                user_badge_id=granted.id,
            )
        return granted

    def _grants(self, username: str, badge_id: int) -> list[UserBadge]:
        return [ub for ub in self.list_badges_of(username) if ub.badge_id == badge_id]

    def _held(self, username: str, badge_id: int, times: int = 1) -> UserBadge | None:
        grants = self._grants(username, badge_id)
        return grants[-1] if len(grants) >= times else None


def _batches(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
