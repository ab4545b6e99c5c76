"""Consent and cadence: matching and circles only with the member's explicit, recorded consent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.messages.gettext import text_in
from companion.store.models import ConsentEvent, MemberPreferences, OutboxItem

PRIVACY_POLICY_VERSION = "2026-11"
CADENCES = ("weekly", "biweekly", "monthly", "paused")
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}


def privacy_text(locale: str) -> str:
    """The plain-language privacy text in the member's language."""
    return text_in(
        locale,
        "If you agree, the companion reads your public forum profile (bio, profile fields such as focus of "
        "work), the tags and titles of topics you write in, and your likes. From these it suggests colleagues "
        "with similar topics – preferably from other administrations – and sends you the suggestions as a "
        "private message in the forum. Others see you as a suggestion only if they agreed too. You can "
        "withdraw your consent here at any time, download or delete your data. When your forum account is "
        "deleted, the companion deletes everything about you.",
    )


def preferences_of(session: Session, member_id: int) -> MemberPreferences:
    """The member's preferences row, created with no consent when missing."""
    preferences = session.get(MemberPreferences, member_id)
    if preferences is None:
        preferences = MemberPreferences(
            member_id=member_id, matching_consent=False, circles_consent=False, cadence="weekly"
        )
        session.add(preferences)
        session.flush()
    return preferences


def set_consent(
    session: Session, member_id: int, kind: str, granted: bool, policy_version: str = PRIVACY_POLICY_VERSION
) -> None:
    """Give or withdraw consent for matching or circles, keeping the event as evidence."""
    if kind not in ("matching", "circles"):
        raise ValueError(f"unknown consent kind {kind!r}")
    preferences = preferences_of(session, member_id)
    setattr(preferences, f"{kind}_consent", bool(granted))
    session.add(ConsentEvent(member_id=member_id, kind=kind, granted=bool(granted), policy_version=policy_version))
    if not granted:
        stop_queued_for(session, member_id, kind)


# Outbox payloads that speak about members carry {"requires_consent": {"matching": [member ids]}}, so a
# withdrawal stops them when it happens and the delivery loop checks them again just before sending.
REQUIRES_CONSENT = "requires_consent"


def consent_requirement(kind: str, member_ids: Iterable[int]) -> dict[str, list[int]]:
    """The payload entry saying a write may go out only while these members consent to `kind`."""
    return {kind: sorted({int(member_id) for member_id in member_ids})}


def _required(payload: Mapping[str, Any]) -> dict[str, list[int]]:
    required = payload.get(REQUIRES_CONSENT) or {}
    return {kind: [int(m) for m in ids] for kind, ids in required.items() if kind in ("matching", "circles")}


def missing_consent(session: Session, payload: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The (kind, member id) pairs a payload needs but that are not (or no longer) consented."""
    missing: list[tuple[str, int]] = []
    for kind, member_ids in _required(payload).items():
        column = getattr(MemberPreferences, f"{kind}_consent")
        granted = set(
            session.scalars(
                select(MemberPreferences.member_id).where(MemberPreferences.member_id.in_(member_ids), column.is_(True))
            )
        )
        missing.extend((kind, member_id) for member_id in member_ids if member_id not in granted)
    return missing


def withheld_reason(session: Session, payload: Mapping[str, Any]) -> str | None:
    """Why a queued write must not go out any more (a member withdrew consent), or None when it may."""
    missing = missing_consent(session, payload)
    if not missing:
        return None
    who = ", ".join(f"member {member_id} ({kind})" for kind, member_id in missing)
    return f"withheld: no consent any more from {who}"


def stop_queued_for(session: Session, member_id: int, kind: str = "matching") -> int:
    """Cancel every queued write that needs this member's consent; returns how many were stopped."""
    stopped = 0
    # Only "pending": an item in "sending" is in flight and meets the same check at delivery time.
    for item in session.scalars(select(OutboxItem).where(OutboxItem.status == "pending")):
        if member_id in _required(item.payload or {}).get(kind, ()):
            item.status = "cancelled"
            item.last_error = f"withheld: member {member_id} withdrew {kind} consent"
            stopped += 1
    return stopped


def set_cadence(session: Session, member_id: int, cadence: str, paused_until: date | None = None) -> None:
    """Choose how often suggestions come: weekly, every two weeks, monthly, or paused (until a date)."""
    if cadence not in CADENCES:
        raise ValueError(f"cadence must be one of {', '.join(CADENCES)}")
    preferences = preferences_of(session, member_id)
    preferences.cadence = cadence
    preferences.paused_until = paused_until if cadence == "paused" else None
    preferences.paused_reason = None  # a choice of the member's own replaces an automatic pause
