"""Turning the store into the plain inputs of the matching engine (profiles, statuses, history)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.store.models import (
    Category,
    ForumGroup,
    GroupMembership,
    Like,
    Member,
    MemberField,
    MemberInterest,
    MemberPreferences,
    MemberRelation,
    Post,
    PrivateContact,
    Suggestion,
    Tag,
    Topic,
    TopicTag,
)
from companion.suggestions.states import ACCEPTED, SuggestionStatus
from matching.suggestions.calibration import Interaction
from matching.suggestions.engine import MemberStatus, PairHistory
from matching.suggestions.profiles import MemberProfileInput


@dataclass(frozen=True)
class MatchingInputs:
    """Everything one matching run needs, read from the store in one go."""

    profiles: list[MemberProfileInput]
    statuses: dict[int, MemberStatus]
    history: PairHistory
    usernames: dict[int, str]
    # Replies, likes, mentions and PMs between members: what calibration learns the weights from.
    interactions: list[Interaction] = field(default_factory=list)


def load_inputs(session: Session) -> MatchingInputs:
    from companion.suggestions.calibration import load_interactions

    """Read members, their activity and the pair history with a fixed number of queries."""
    members = list(session.scalars(select(Member)))
    preferences = {p.member_id: p for p in session.scalars(select(MemberPreferences))}
    fields: dict[int, dict[str, str]] = defaultdict(dict)
    for member_field in session.scalars(select(MemberField)):
        fields[member_field.member_id][member_field.name] = member_field.value
    added: dict[int, list[str]] = defaultdict(list)
    removed: dict[int, set[str]] = defaultdict(set)
    for interest in session.scalars(select(MemberInterest)):
        if interest.action == "added":
            added[interest.member_id].append(interest.term)
        else:
            removed[interest.member_id].add(interest.term.lower())
    groups: dict[int, set[str]] = defaultdict(set)
    for member_id, name in session.execute(
        select(GroupMembership.member_id, ForumGroup.name).join(ForumGroup, ForumGroup.id == GroupMembership.group_id)
    ):
        groups[member_id].add(name)
    relations: dict[int, dict[str, set[int]]] = defaultdict(lambda: {"ignore": set(), "mute": set()})
    for relation in session.scalars(select(MemberRelation)):
        relations[relation.member_id][relation.kind].add(relation.other_member_id)

    categories = {c.id: c.name for c in session.scalars(select(Category))}
    topic_tags: dict[int, list[str]] = defaultdict(list)
    for topic_id, name in session.execute(select(TopicTag.topic_id, Tag.name).join(Tag, Tag.id == TopicTag.tag_id)):
        topic_tags[topic_id].append(name)
    topics = {t.id: t for t in session.scalars(select(Topic))}
    tags: dict[int, list[str]] = defaultdict(list)
    cats: dict[int, list[str]] = defaultdict(list)
    titles: dict[int, list[str]] = defaultdict(list)
    seen_topic: set[tuple[int, int]] = set()
    for poster, topic_id in session.execute(select(Post.member_id, Post.topic_id).where(Post.member_id.is_not(None))):
        if poster is None or (poster, topic_id) in seen_topic:
            continue
        seen_topic.add((poster, topic_id))
        topic = topics.get(topic_id)
        if topic is None:
            continue
        tags[poster].extend(topic_tags.get(topic_id, ()))
        if topic.category_id in categories:
            cats[poster].append(categories[topic.category_id])
        titles[poster].append(topic.title)
    liked: dict[int, list[str]] = defaultdict(list)
    for member_id, topic_id in session.execute(
        select(Like.member_id, Post.topic_id).join(Post, Post.id == Like.post_id)
    ):
        liked[member_id].extend(topic_tags.get(topic_id, ()))

    profiles: list[MemberProfileInput] = []
    statuses: dict[int, MemberStatus] = {}
    for member in members:
        drop = removed.get(member.id, set())
        prefs = preferences.get(member.id)
        profiles.append(
            MemberProfileInput(
                member_id=member.id,
                organisation_id=member.organisation_id,
                bio=member.bio or "",
                fields=fields.get(member.id, {}),
                interests=added.get(member.id, []),
                tags=_without(tags.get(member.id, []), drop),
                categories=cats.get(member.id, []),
                topic_titles=titles.get(member.id, []),
                liked_tags=_without(liked.get(member.id, []), drop),
                locale=(prefs.locale if prefs and prefs.locale else member.locale),
            )
        )
        statuses[member.id] = MemberStatus(
            consented=bool(prefs and prefs.matching_consent),
            active=member.active,
            suspended=member.suspended,
            silenced=member.silenced,
            staged=member.staged,
            last_seen=member.last_seen_at.date() if member.last_seen_at else None,
            groups=frozenset(groups.get(member.id, ())),
            ignored_ids=frozenset(relations[member.id]["ignore"]) if member.id in relations else frozenset(),
            muted_ids=frozenset(relations[member.id]["mute"]) if member.id in relations else frozenset(),
        )
    return MatchingInputs(
        profiles=profiles,
        statuses=statuses,
        history=load_history(session),
        usernames={m.id: m.username for m in members},
        interactions=load_interactions(session),
    )


def _without(terms: list[str], drop: set[str]) -> list[str]:
    """The terms without those the member said are wrong (they no longer count for them)."""
    return [t for t in terms if t.lower() not in drop]


def load_history(session: Session) -> PairHistory:
    """Past suggestions and their outcomes, plus private contacts, as the engine's pair history."""
    suggested, rejected, accepted, ignored = [], [], [], []
    for member_id, other_id, run_date, status in session.execute(
        select(Suggestion.member_id, Suggestion.suggested_member_id, Suggestion.run_date, Suggestion.status)
    ):
        suggested.append((member_id, other_id, run_date))
        if status == SuggestionStatus.REJECTED:
            rejected.append((member_id, other_id))
        elif status in ACCEPTED:
            accepted.append((member_id, other_id))
        elif status == SuggestionStatus.IGNORED:
            ignored.append((member_id, other_id))
    for member_id, other_id in session.execute(select(PrivateContact.member_id, PrivateContact.other_member_id)):
        accepted.append((member_id, other_id))
    return PairHistory(suggested=suggested, rejected=rejected, accepted=accepted, ignored=ignored)
