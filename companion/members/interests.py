"""Interests: what the companion inferred from a member's activity, and the member's own corrections."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.store.models import Like, MemberInterest, Post, Tag, TopicTag

MAX_INFERRED = 12
MAX_TERM_LENGTH = 60


def inferred_interests(session: Session, member_id: int) -> list[str]:
    """The tags of topics the member wrote in or liked, most frequent first."""
    counts: Counter[str] = Counter()
    written = select(Post.topic_id).where(Post.member_id == member_id)
    liked = select(Post.topic_id).join(Like, Like.post_id == Post.id).where(Like.member_id == member_id)
    for source, weight in ((written, 2), (liked, 1)):
        for name in session.scalars(
            select(Tag.name).join(TopicTag, TopicTag.tag_id == Tag.id).where(TopicTag.topic_id.in_(source))
        ):
            counts[name] += weight
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_INFERRED]]


def _edits(session: Session, member_id: int) -> dict[str, MemberInterest]:
    return {
        i.term.lower(): i for i in session.scalars(select(MemberInterest).where(MemberInterest.member_id == member_id))
    }


def effective_interests(session: Session, member_id: int) -> list[str]:
    """Inferred interests without the ones the member removed, plus the ones they added."""
    edits = _edits(session, member_id)
    kept = [
        t
        for t in inferred_interests(session, member_id)
        if edits.get(t.lower(), None) is None or edits[t.lower()].action != "removed"
    ]
    added = [e.term for e in edits.values() if e.action == "added" and e.term.lower() not in {k.lower() for k in kept}]
    return kept + sorted(added)


def _clean(term: str) -> str:
    term = " ".join(term.split())
    if not term or len(term) > MAX_TERM_LENGTH:
        raise ValueError(f"an interest has 1 to {MAX_TERM_LENGTH} characters")
    return term


def _edit(session: Session, member_id: int, term: str, action: str) -> None:
    # An edit that reverses the member's earlier opposite edit just undoes it; otherwise it is recorded.
    term = _clean(term)
    existing = _edits(session, member_id).get(term.lower())
    if existing is not None:
        session.delete(existing)
        session.flush()
        if existing.action != action:
            return
    session.add(MemberInterest(member_id=member_id, term=term, action=action))


def add_interest(session: Session, member_id: int, term: str) -> None:
    """Add an interest the companion did not infer (or undo a removal)."""
    _edit(session, member_id, term, "added")


def remove_interest(session: Session, member_id: int, term: str) -> None:
    """Remove a wrong interest: it no longer counts for matching."""
    _edit(session, member_id, term, "removed")
