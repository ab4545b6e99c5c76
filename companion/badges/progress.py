"""Members' badge progress for the badge page: earned badges and how far each member is towards the others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.badges.catalogue import all_badges, definition_of, grant_state
from companion.badges.errors import MemberNotFound
from companion.badges.graph import build_graph
from companion.store.models import Badge, BadgeGrant, Member
from matching.badges import rules


@dataclass(frozen=True)
class BadgeStatus:
    """One badge as a member sees it: progress, the grant if held, and whether the rule is met but not yet granted."""

    badge: Badge
    current: int
    target: int
    earned: bool
    granted_at: datetime | None = None
    evidence_url: str | None = None
    revoked: bool = False
    qualified: bool = False

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 once earned)."""
        if self.earned or self.target <= 0:
            return 100 if self.earned else 0
        return max(0, min(100, round(100 * self.current / self.target)))


def find_member(session: Session, username: str) -> Member:
    """The member with this username (case-insensitive), or MemberNotFound."""
    member = session.scalar(select(Member).where(Member.username.ilike(username.strip())))
    if member is None:
        raise MemberNotFound(f"no member named {username!r} in the store (run a sync first?)")
    return member


def member_badges(
    session: Session, member_id: int, *, forum_url: str | None = None, now: datetime | None = None
) -> list[BadgeStatus]:
    """Every enabled badge with the member's progress, earned ones first, each in catalogue order."""
    badges = [b for b in all_badges(session) if b.enabled]
    if not badges:
        return []
    graph = build_graph(session, forum_url=forum_url, now=now)
    state = grant_state(session)
    badges = [b for b in badges if not rules.validate_definition(definition_of(b))]
    progress = rules.evaluate(
        [definition_of(b) for b in badges],
        graph.members,
        graph.deleted,
        graph.interactions,
        state.granted,
        state.revoked,
    ).progress
    by_key = {p.badge_key: p for p in progress.get(member_id, [])}
    grants = {
        g.badge_id: g
        for g in session.scalars(select(BadgeGrant).where(BadgeGrant.member_id == member_id).order_by(BadgeGrant.id))
    }
    statuses: list[BadgeStatus] = []
    for badge in badges:
        item = by_key.get(badge.key)
        grant = grants.get(badge.id)
        held_grant = grant if grant is not None and grant.revoked_at is None else None
        held = held_grant is not None
        statuses.append(
            BadgeStatus(
                badge=badge,
                current=item.current if item else 0,
                target=item.target if item else 0,
                earned=held,
                granted_at=held_grant.granted_at if held_grant else None,
                evidence_url=held_grant.evidence_url if held_grant else None,
                revoked=grant is not None and grant.revoked_at is not None,
                qualified=bool(item and item.earned) and not held,
            )
        )
    statuses.sort(key=lambda s: not s.earned)
    return statuses
