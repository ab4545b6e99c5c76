"""The forum's interaction history as calibration input: replies, likes, mentions and private messages."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from companion.store.models import Like, Member, Post, PrivateContact
from matching.suggestions.calibration import Calibration, CalibrationStatus, Interaction

# "@anna.schmidt" in a post's raw text, not an e-mail address ("x@y.de") or inside a word.
_MENTION_RE = re.compile(r"(?<![\w@.])@([\w][\w.\-]*[\w]|[\w])")


def load_interactions(session: Session) -> list[Interaction]:
    """Every member-to-member interaction the store knows, with its date (undated ones are skipped)."""
    interactions: list[Interaction] = []
    for member_id, other_id, created in session.execute(
        select(Post.member_id, Post.reply_to_member_id, Post.created_at).where(
            Post.member_id.is_not(None), Post.reply_to_member_id.is_not(None)
        )
    ):
        _add(interactions, member_id, other_id, created, "reply")
    author = aliased(Post)
    for member_id, other_id, created in session.execute(
        select(Like.member_id, author.member_id, Like.created_at)
        .join(author, author.id == Like.post_id)
        .where(author.member_id.is_not(None))
    ):
        _add(interactions, member_id, other_id, created, "like")
    ids = {username.lower(): member_id for member_id, username in session.execute(select(Member.id, Member.username))}
    for member_id, raw, created in session.execute(
        select(Post.member_id, Post.raw, Post.created_at).where(Post.member_id.is_not(None), Post.raw.contains("@"))
    ):
        for name in set(_MENTION_RE.findall(raw or "")):
            other_id = ids.get(name.lower())
            if other_id is not None:
                _add(interactions, member_id, other_id, created, "mention")
    for member_id, other_id, first_at in session.execute(
        select(PrivateContact.member_id, PrivateContact.other_member_id, PrivateContact.first_at)
    ):
        _add(interactions, member_id, other_id, first_at, "pm")
    return interactions


def _add(
    interactions: list[Interaction], member_id: int | None, other_id: int | None, when: datetime | None, kind: str
) -> None:
    if when is None or member_id is None or other_id is None or member_id == other_id:
        return
    day: date = when.date() if isinstance(when, datetime) else when
    interactions.append(Interaction(member_id, other_id, day, kind))


def describe(calibration: Calibration, language: str = "en") -> str:
    """One line on the outcome with the figures before and after, for the dry run and logs."""
    if calibration.status == CalibrationStatus.TOO_LITTLE_HISTORY:
        return (
            f"calibration: too little history ({calibration.pairs} interacting pairs, "
            f"{calibration.members} members); the weights in force apply"
        )
    changed = [
        f"{name.removeprefix('weight_')} {calibration.before[name]:g}→{calibration.after[name]:g}"
        for name in calibration.before
        if calibration.before[name] != calibration.after[name]
    ]
    verdict = "applied" if calibration.status == CalibrationStatus.CALIBRATED else "not better, weights in force apply"
    return (
        f"calibration ({verdict}): {calibration.pairs} interacting pairs, "
        f"newest {calibration.held_out_pairs} held out; "
        f"held-out precision@3 {calibration.held_out_precision_before:.3f} before, "
        f"{calibration.held_out_precision_after:.3f} after" + (f"; {', '.join(changed)}" if changed else "")
    )


def audit_details(calibration: Calibration) -> dict[str, object]:
    """The calibration as plain data for an audit entry."""
    return {
        "status": calibration.status,
        "pairs": calibration.pairs,
        "held_out_pairs": calibration.held_out_pairs,
        "members": calibration.members,
        "held_out_precision_before": round(calibration.held_out_precision_before, 4),
        "held_out_precision_after": round(calibration.held_out_precision_after, 4),
        "before": calibration.before,
        "after": calibration.after,
    }
