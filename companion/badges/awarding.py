"""Awarding badges: evaluate the rules over the store's interaction graph and queue forum grants in the outbox.

Nothing is granted twice: a grant is recorded in `badge_grants` in the same
transaction that queues its outbox row (keyed `badge-grant:{badge}:{member}`,
with a counter for repeat grants of multiple-grant badges and for re-grants an
admin allowed), the rules skip what is already held or was revoked, and the
forum writer checks the member's forum badges before granting.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.badges.catalogue import (
    all_badges,
    badge_create_payload,
    definition_of,
    grant_state,
    record_forum_badge_id,
    record_forum_grant,
    seed_defaults,
)
from companion.badges.graph import build_graph, organisation_labels
from companion.badges.reasons import grant_reason_text
from companion.forum.connection import canonical_forum_url
from companion.jobs.locks import job_lock
from companion.ops.progress import ProgressCallback, no_progress
from companion.outbox.delivery import enqueue
from companion.outbox.states import OutboxStatus
from companion.store.models import Badge, BadgeGrant, Member, OutboxItem
from companion.store.types import utcnow
from matching.badges import rules

log = logging.getLogger(__name__)

LOCK_NAME = "badges"


@dataclass(frozen=True)
class PlannedGrant:
    """One badge a member earned: who, what, why (as matching's code and in words), and the outbox key that sends it."""

    member_id: int
    username: str
    badge_key: str
    badge_name_de: str
    badge_name_en: str
    reason_code: str
    reason_params: dict[str, Any]
    reason_de: str
    reason_en: str
    evidence_url: str | None
    idempotency_key: str
    number: int = 1


@dataclass(frozen=True)
class SkippedGrant:
    """An earned badge that is not granted, with the reason."""

    member_id: int
    username: str | None
    badge_key: str
    reason: str


@dataclass
class AwardReport:
    """What one awarding run granted (or, in a dry run, would grant) and what it left out."""

    dry_run: bool
    seeded: list[str] = field(default_factory=list)
    badges_to_create: list[str] = field(default_factory=list)
    grants: list[PlannedGrant] = field(default_factory=list)
    skipped: list[SkippedGrant] = field(default_factory=list)
    invalid_badges: dict[str, list[str]] = field(default_factory=dict)
    members: int = 0
    interactions: int = 0

    def counts(self) -> dict[str, Any]:
        """Counts for the run record."""
        return {
            "dry_run": self.dry_run,
            "members": self.members,
            "interactions": self.interactions,
            "badges_seeded": len(self.seeded),
            "badges_to_create": len(self.badges_to_create),
            "grants": len(self.grants),
            "skipped": len(self.skipped),
            "invalid_badges": len(self.invalid_badges),
        }

    def as_dict(self) -> dict[str, Any]:
        """The whole report as plain data (for JSON output)."""
        return asdict(self)


def grant_key(badge_key: str, member_id: int, number: int = 1) -> str:
    """The outbox idempotency key of a member's n-th grant of a badge."""
    base = f"badge-grant:{badge_key}:{member_id}"
    return base if number <= 1 else f"{base}:{number}"


def create_key(badge_key: str) -> str:
    """The outbox idempotency key that creates a badge in the forum."""
    return f"badge-create:{badge_key}"


def _ineligible_reason(member: Member | None) -> str | None:
    if member is None:
        return "member no longer in the store"
    if not member.active or member.staged:
        return "member left the forum"
    if member.suspended:
        return "member is suspended"
    return None


def plan_awards(session: Session, *, forum_url: str | None, now: datetime, report: AwardReport) -> list[Badge]:
    """Evaluate the enabled badges' rules and fill the report; return the enabled badges."""
    badges = []
    for badge in all_badges(session):
        if not badge.enabled:
            continue
        problems = rules.validate_definition(definition_of(badge))
        if problems:
            # One broken badge must not stop the others (nor the nightly run); the report names it.
            report.invalid_badges[badge.key] = problems
            log.warning("badge %s skipped: %s", badge.key, "; ".join(problems))
            continue
        badges.append(badge)
    by_key = {b.key: b for b in badges}
    graph = build_graph(session, forum_url=forum_url, now=now)
    state = grant_state(session)
    report.members = len(graph.members)
    report.interactions = len(graph.interactions)
    # Organisation names instead of ids make the rules' reasons readable ("Erster Kontakt zwischen ...").
    labels = organisation_labels(session)
    members = {m: (labels.get(o, str(o)) if o is not None else None) for m, o in graph.members.items()}
    evaluation = rules.evaluate(
        [definition_of(b) for b in badges], members, graph.deleted, graph.interactions, state.granted, state.revoked
    )
    awards = evaluation.awards
    rows = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_({a.member_id for a in awards})))}
    planned_counts: dict[tuple[int, str], int] = {}
    # The forum grants a multiple_grant badge once per post: a second award citing the same post is no grant.
    cited = {
        (member_id, badge_id, _post_path(url))
        for member_id, badge_id, url in session.execute(
            select(BadgeGrant.member_id, BadgeGrant.badge_id, BadgeGrant.evidence_url).where(
                BadgeGrant.evidence_url.is_not(None)
            )
        )
    }
    for award in awards:
        badge = by_key[award.badge_key]
        member = rows.get(award.member_id)
        evidence = (award.member_id, badge.id, _post_path(award.evidence_url))
        if badge.multiple_grant and award.evidence_url and evidence in cited:
            continue
        cited.add(evidence)
        reason = _ineligible_reason(member)
        if member is None or reason is not None:
            username = member.username if member else None
            report.skipped.append(SkippedGrant(award.member_id, username, award.badge_key, reason or "unknown"))
            continue
        pair = (award.member_id, award.badge_key)
        number = state.counts.get(pair, 0) + planned_counts.get(pair, 0) + 1
        planned_counts[pair] = planned_counts.get(pair, 0) + 1
        report.grants.append(
            PlannedGrant(
                member_id=member.id,
                username=member.username,
                badge_key=badge.key,
                badge_name_de=badge.name_de,
                badge_name_en=badge.name_en,
                reason_code=award.reason_code,
                reason_params=dict(award.reason_params),
                reason_de=grant_reason_text(badge.name_de, award.reason_code, award.reason_params, "de"),
                reason_en=grant_reason_text(badge.name_en, award.reason_code, award.reason_params, "en"),
                evidence_url=award.evidence_url,
                idempotency_key=grant_key(badge.key, member.id, number),
                number=number,
            )
        )
    report.badges_to_create = [b.key for b in badges if b.forum_badge_id is None]
    return badges


def _post_path(url: str | None) -> str | None:
    # Hosts differ between old and new reasons (API URL, canonical URL); the post is the path.
    return url.split("://", 1)[-1].partition("/")[2] if url else None


def queue_awards(
    session: Session,
    report: AwardReport,
    *,
    run_id: int | None,
    now: datetime,
    progress: ProgressCallback = no_progress,
) -> None:
    """Queue the badge creations and grants of a report and record the grants, in the caller's transaction."""
    badges = {b.key: b for b in all_badges(session)}
    badge_ids = {key: b.id for key, b in badges.items()}
    for badge_key in report.badges_to_create:
        # Handlers work without the database, so the payload carries the whole badge definition.
        payload = {"badge_key": badge_key, **badge_create_payload(session, badge_key)}
        enqueue(session, key=create_key(badge_key), kind="badge_create", payload=payload, run_id=run_id)
    for index, grant in enumerate(report.grants, 1):
        progress("queueing badges", index, len(report.grants))
        badge = badges[grant.badge_key]
        payload = {
            "username": grant.username,
            "badge_key": grant.badge_key,
            "badge_name": badge.name_de,
            "reason": grant.evidence_url,
        }
        if badge.forum_badge_id is not None:
            payload["forum_badge_id"] = badge.forum_badge_id
        if badge.multiple_grant:
            # The n-th grant of a repeatable badge: the writer grants until the member holds it n times.
            payload["times"] = grant.number
        enqueue(
            session,
            key=grant.idempotency_key,
            kind="badge_grant",
            payload=payload,
            member_id=grant.member_id,
            run_id=run_id,
        )
        session.add(
            BadgeGrant(
                badge_id=badge_ids[grant.badge_key],
                member_id=grant.member_id,
                granted_at=now,
                evidence_url=grant.evidence_url,
            )
        )
    session.flush()


def record_delivered_ids(session: Session) -> int:
    """Copy the forum ids of delivered badge creations and grants from the outbox into the catalogue and grants."""
    recorded = 0
    rows = session.execute(
        select(OutboxItem.kind, OutboxItem.payload, OutboxItem.result, OutboxItem.member_id)
        .where(OutboxItem.kind.in_(("badge_create", "badge_grant")))
        .where(OutboxItem.status == OutboxStatus.SENT)
    )
    known = {b.key: b for b in all_badges(session)}
    for kind, payload, result, member_id in rows:
        badge = known.get(str((payload or {}).get("badge_key", "")))
        forum_badge_id = (result or {}).get("forum_badge_id")
        if badge is None or forum_badge_id is None:
            continue
        if badge.forum_badge_id is None:
            record_forum_badge_id(session, badge.key, int(forum_badge_id))
            recorded += 1
        user_badge_id = (result or {}).get("user_badge_id")
        if kind == "badge_grant" and member_id is not None and user_badge_id is not None:
            grant = session.scalar(
                select(BadgeGrant).where(
                    BadgeGrant.member_id == member_id,
                    BadgeGrant.badge_id == badge.id,
                    BadgeGrant.forum_user_badge_id == int(user_badge_id),
                )
            )
            if grant is None and record_forum_grant(session, member_id, badge.key, int(user_badge_id)):
                recorded += 1
    return recorded


def _award(
    context, *, dry_run: bool, run_id: int | None, now: datetime, progress: ProgressCallback = no_progress
) -> AwardReport:
    report = AwardReport(dry_run=dry_run)
    session = context.store.session()
    try:
        # A dry run sees the defaults as they would be seeded, then rolls everything back.
        report.seeded = seed_defaults(session)
        record_delivered_ids(session)
        plan_awards(session, forum_url=canonical_forum_url(context.settings), now=now, report=report)
        if dry_run:
            session.rollback()
        else:
            queue_awards(session, report, run_id=run_id, now=now, progress=progress)
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    return report


def award_badges(
    context,
    *,
    dry_run: bool = False,
    run=None,
    now: datetime | None = None,
    progress: ProgressCallback = no_progress,
) -> AwardReport:
    """Grant every newly earned badge through the outbox (or, with dry_run, only report who would get what and why)."""
    moment = now or utcnow()
    run_id = getattr(run, "run_id", None)
    if dry_run:
        return _award(context, dry_run=True, run_id=run_id, now=moment)
    with job_lock(context.store, LOCK_NAME):
        if run is None:
            report = _award(context, dry_run=False, run_id=None, now=moment, progress=progress)
        else:
            with run.step("badges") as counts:
                report = _award(context, dry_run=False, run_id=run_id, now=moment, progress=progress)
                counts.update(report.counts())
    log.info("badges: %s", report.counts())
    return report
