"""Applying forum records (from syncs and webhooks) to the store."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from companion.members.organisations import MemberFacts, OrganisationResolver, register_group
from companion.store.models import (
    ForumGroup,
    GroupMembership,
    Like,
    Member,
    MemberField,
    MemberRelation,
    Post,
    PrivateContact,
    Tag,
    Topic,
    TopicTag,
)
from companion.store.types import utcnow
from sync.records import ForumGroup as ForumGroupRecord
from sync.records import ForumLike, ForumPost, ForumTopic, ForumUser


class Ingestor:
    """Writes records into one session, caching look-ups so full syncs stay fast."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.resolver = OrganisationResolver(session)
        self._members_by_username: dict[str, Member] | None = None
        self._groups: dict[str, ForumGroup] | None = None
        self._tags: dict[str, Tag] | None = None
        self._authors: dict[tuple[int, int], int | None] | None = None
        self._by_forum_id: dict[int, Member] | None = None
        self._membership_pairs: dict[int, set[int]] | None = None
        self._related: set[int] = set()

    def preload_activity(self) -> None:
        """Load topics and posts once so a full sync finds them in the identity map instead of querying each."""
        self.session.scalars(select(Topic)).all()
        self.session.scalars(select(Post)).all()

    def _author_of(self, topic_id: int, post_number: int) -> int | None:
        if self._authors is None:
            self._authors = {
                (t, n): m for t, n, m in self.session.execute(select(Post.topic_id, Post.post_number, Post.member_id))
            }
        return self._authors.get((topic_id, post_number))

    # --- look-ups ---------------------------------------------------------------------

    def members_by_username(self) -> dict[str, Member]:
        if self._members_by_username is None:
            self._members_by_username = {m.username.lower(): m for m in self.session.scalars(select(Member))}
        return self._members_by_username

    def _members_by_forum_id(self) -> dict[int, Member]:
        if self._by_forum_id is None:
            self._by_forum_id = {m.forum_user_id: m for m in self.members_by_username().values()}
        return self._by_forum_id

    def member_id(self, username: str | None) -> int | None:
        if not username:
            return None
        member = self.members_by_username().get(username.lower())
        return member.id if member else None

    def _group(self, name: str) -> ForumGroup:
        if self._groups is None:
            self._groups = {g.name: g for g in self.session.scalars(select(ForumGroup))}
        group = self._groups.get(name)
        if group is None:
            group = ForumGroup(name=name)
            self.session.add(group)
            self.session.flush()
            self._groups[name] = group
        return group

    def _tag(self, name: str) -> Tag:
        if self._tags is None:
            self._tags = {t.name: t for t in self.session.scalars(select(Tag))}
        tag = self._tags.get(name)
        if tag is None:
            tag = Tag(name=name)
            self.session.add(tag)
            self.session.flush()
            self._tags[name] = tag
        return tag

    # --- members ------------------------------------------------------------------------

    def group(self, record: ForumGroupRecord) -> None:
        """Store a forum group and, when it enrols by e-mail domain, its organisation."""
        group = self._group(record.name)
        group.forum_group_id = record.id
        group.full_name = record.full_name
        register_group(self.session, record.name, record.full_name, record.automatic_membership_email_domains)
        self.resolver = OrganisationResolver(self.session)

    def member(self, user: ForumUser) -> Member:
        """Insert or update a member from a forum user record."""
        by_name = self.members_by_username()
        member = self._members_by_forum_id().get(user.id)
        is_new = member is None
        if member is None:
            member = Member(forum_user_id=user.id, username=user.username)
            self.session.add(member)
        elif member.username.lower() != user.username.lower():
            by_name.pop(member.username.lower(), None)
        member.username = user.username
        member.name = user.name
        if user.email:
            member.email = user.email
        if user.active_known:
            member.active = user.active
        elif is_new:
            # Webhook user payloads do not say whether the account is activated: a new one is not taken
            # for active until a read of the admin list says so (the next catch-up read).
            member.active = False
        member.admin = user.admin
        member.moderator = user.moderator
        member.staged = user.staged
        member.suspended = user.suspended
        member.silenced = user.silenced
        member.trust_level = user.trust_level
        member.last_seen_at = user.last_seen_at
        member.forum_created_at = user.created_at
        member.synced_at = utcnow()
        if user.locale:
            member.locale = user.locale
        if user.details_loaded or user.bio:
            member.bio = user.bio or ""
        self.session.flush()
        by_name[member.username.lower()] = member
        self._members_by_forum_id()[member.forum_user_id] = member
        if user.details_loaded or user.user_fields:
            self.session.execute(delete(MemberField).where(MemberField.member_id == member.id))
            for name, value in user.user_fields.items():
                if value not in (None, ""):
                    self.session.add(MemberField(member_id=member.id, name=name, value=str(value)))
        if user.details_loaded or user.groups:
            self._set_groups(member, user.groups)
        organisation_id, source = self.resolver.resolve(
            MemberFacts(groups=tuple(user.groups), fields=dict(user.user_fields), email=member.email)
        )
        if organisation_id is not None or user.details_loaded:
            member.organisation_id, member.organisation_source = organisation_id, source
        return member

    def _memberships(self) -> dict[int, set[int]]:
        # Known groups per member, kept current as we add and remove, so no query runs per member.
        if self._membership_pairs is None:
            self._membership_pairs = {}
            for member_id, group_id in self.session.execute(
                select(GroupMembership.member_id, GroupMembership.group_id)
            ):
                self._membership_pairs.setdefault(member_id, set()).add(group_id)
        return self._membership_pairs

    def _set_groups(self, member: Member, groups: Iterable[str]) -> None:
        wanted = {self._group(name).id for name in groups}
        current = self._memberships().setdefault(member.id, set())
        for group_id in current - wanted:
            self.session.execute(
                delete(GroupMembership).where(
                    GroupMembership.member_id == member.id, GroupMembership.group_id == group_id
                )
            )
        for group_id in wanted - current:
            self.session.add(GroupMembership(member_id=member.id, group_id=group_id))
        current.clear()
        current.update(wanted)

    def set_group_members(self, group_name: str, usernames: Iterable[str]) -> None:
        """Make the stored members of one group exactly these (a catch-up read of the group's member list)."""
        group = self._group(group_name)
        wanted = {i for i in (self.member_id(n) for n in usernames) if i is not None}
        for member_id, groups in self._memberships().items():
            if group.id in groups and member_id not in wanted:
                self.session.execute(
                    delete(GroupMembership).where(
                        GroupMembership.member_id == member_id, GroupMembership.group_id == group.id
                    )
                )
                groups.discard(group.id)
        for member_id in wanted:
            self.add_to_group_id(member_id, group)

    def add_to_group_id(self, member_id: int, group: ForumGroup) -> None:
        """Record one membership by member id."""
        groups = self._memberships().setdefault(member_id, set())
        if group.id not in groups:
            self.session.add(GroupMembership(member_id=member_id, group_id=group.id))
            groups.add(group.id)

    def add_to_group(self, username: str, group_name: str) -> None:
        """Record one membership (from a webhook or a group member list)."""
        member_id = self.member_id(username)
        if member_id is None:
            return
        self.add_to_group_id(member_id, self._group(group_name))

    def relations(self, user: ForumUser) -> None:
        """Replace whom the member ignores and mutes (needs the other members stored first)."""
        member_id = self.member_id(user.username)
        if member_id is None or not user.details_loaded:
            return
        if member_id in self._related:
            # Replaced twice in one session (a member listed twice): the rows added first must reach the
            # database before the delete, or both sets are inserted at the next flush.
            self.session.flush()
        self._related.add(member_id)
        self.session.execute(delete(MemberRelation).where(MemberRelation.member_id == member_id))
        seen: set[tuple[int, str]] = set()
        for kind, names in (("ignore", user.ignored_usernames), ("mute", user.muted_usernames)):
            for name in names:
                other = self.member_id(name)
                if other is not None and other != member_id and (other, kind) not in seen:
                    seen.add((other, kind))
                    self.session.add(MemberRelation(member_id=member_id, other_member_id=other, kind=kind))

    # --- activity ------------------------------------------------------------------------

    def topic(self, record: ForumTopic) -> Topic | None:
        """Insert or update a public topic with its tags."""
        if record.is_private:
            return None
        topic = self.session.get(Topic, record.id)
        if topic is None:
            topic = Topic(id=record.id, title=record.title)
            self.session.add(topic)
        topic.title = record.title
        topic.category_id = record.category_id
        topic.created_at = record.created_at or topic.created_at
        if record.username:
            topic.member_id = self.member_id(record.username)
        self.session.flush()
        wanted = {self._tag(name).id for name in record.tags if name}
        current = set(self.session.scalars(select(TopicTag.tag_id).where(TopicTag.topic_id == topic.id)))
        for tag_id in current - wanted:
            self.session.execute(delete(TopicTag).where(TopicTag.topic_id == topic.id, TopicTag.tag_id == tag_id))
        for tag_id in wanted - current:
            self.session.add(TopicTag(topic_id=topic.id, tag_id=tag_id))
        return topic

    def post(self, record: ForumPost) -> Post | None:
        """Insert or update a public post; a PM between two members only records that they talked."""
        if record.is_private:
            return None
        topic = self.session.get(Topic, record.topic_id)
        if topic is None:
            topic = Topic(id=record.topic_id, title=record.topic_title or "", category_id=record.category_id)
            self.session.add(topic)
            self.session.flush()
        post = self.session.get(Post, record.id)
        if post is None:
            post = Post(id=record.id, topic_id=record.topic_id)
            self.session.add(post)
        post.post_number = record.post_number
        post.member_id = self.member_id(record.username)
        post.raw = record.raw
        post.created_at = record.created_at or post.created_at
        post.updated_at = record.updated_at
        post.reply_to_post_number = record.reply_to_post_number
        post.reply_to_member_id = self.member_id(record.reply_to_username)
        if post.reply_to_member_id is None and record.reply_to_post_number:
            post.reply_to_member_id = self._author_of(record.topic_id, record.reply_to_post_number)
        if self._authors is not None:
            self._authors[(record.topic_id, record.post_number)] = post.member_id
        if record.post_number == 1 and topic.member_id is None:
            topic.member_id = post.member_id
        return post

    def private_contact(self, usernames: Iterable[str]) -> None:
        """Record that these members talked privately (for "talked later" feedback)."""
        ids = sorted({i for i in (self.member_id(n) for n in usernames) if i is not None})
        for a in ids:
            for b in ids:
                if a != b and self.session.get(PrivateContact, (a, b)) is None:
                    self.session.add(PrivateContact(member_id=a, other_member_id=b))

    def like(self, record: ForumLike) -> None:
        """Record a like (ignored when the post or member is unknown)."""
        member_id = self.member_id(record.username)
        if member_id is None or self.session.get(Post, record.post_id) is None:
            return
        if self.session.get(Like, (record.post_id, member_id)) is None:
            # Like webhooks carry no date: the moment it reached us is the best there is.
            created_at = record.created_at or utcnow()
            self.session.add(Like(post_id=record.post_id, member_id=member_id, created_at=created_at))

    def delete_post(self, post_id: int) -> None:
        """Forget a post deleted in the forum."""
        self.session.execute(delete(Post).where(Post.id == post_id))
