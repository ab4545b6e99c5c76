"""The badge catalogue in the store: seeded defaults, validated admin edits, and the forum's side of each badge."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.badges.errors import BadgeInvalid, BadgeNotFound
from companion.badges.states import GRANT, GrantStatus, grant_status
from companion.badges.wording import param_problem_text
from companion.store.models import Badge, BadgeGrant, Member
from companion.store.types import utcnow
from matching.badges import rules

BADGE_TYPES = ("gold", "silver", "bronze")
# Discourse's badge_type_id values.
BADGE_TYPE_IDS = {"gold": 1, "silver": 2, "bronze": 3}
# Font Awesome names as Discourse accepts them ("fa-users", "handshake", "far-star").
_ICON = re.compile(r"^(fa[srb]?-)?[a-z0-9]+(-[a-z0-9]+)*$")
EDITABLE_FIELDS = (
    "name_de",
    "name_en",
    "description_de",
    "description_en",
    "icon",
    "badge_type",
    "multiple_grant",
    "params",
)


def _row_from_definition(definition: rules.BadgeDefinition) -> Badge:
    return Badge(
        key=definition.key,
        name_de=definition.name_de,
        name_en=definition.name_en,
        description_de=definition.description_de,
        description_en=definition.description_en,
        icon=definition.icon,
        badge_type=definition.badge_type,
        multiple_grant=definition.multiple_grant,
        rule=definition.rule,
        params=dict(definition.params),
        enabled=True,
    )


def definition_of(badge: Badge) -> rules.BadgeDefinition:
    """The pure rule definition of a stored badge."""
    return rules.BadgeDefinition(
        key=badge.key,
        name_de=badge.name_de,
        name_en=badge.name_en,
        description_de=badge.description_de,
        description_en=badge.description_en,
        icon=badge.icon,
        badge_type=badge.badge_type,
        multiple_grant=badge.multiple_grant,
        rule=badge.rule,
        params=dict(badge.params or {}),
    )


def seed_defaults(session: Session) -> list[str]:
    """Insert the default badges that are missing (by key) and return their keys; admins' edits are kept."""
    present = set(session.scalars(select(Badge.key)))
    added: list[str] = []
    for definition in rules.DEFAULT_BADGES:
        if definition.key not in present:
            session.add(_row_from_definition(definition))
            added.append(definition.key)
    if added:
        session.flush()
    return added


def all_badges(session: Session) -> list[Badge]:
    """Every badge of the catalogue, in a stable order."""
    return list(session.scalars(select(Badge).order_by(Badge.id)))


def get_badge(session: Session, badge_key: str) -> Badge:
    """The badge with this key, or BadgeNotFound."""
    badge = session.scalar(select(Badge).where(Badge.key == badge_key))
    if badge is None:
        raise BadgeNotFound(f"no badge with key {badge_key!r}")
    return badge


def validate_changes(badge: Badge, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check an admin's changes to a badge and return them cleaned; raise BadgeInvalid listing every problem."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    unknown = set(changes) - set(EDITABLE_FIELDS)
    for name in sorted(unknown):
        errors[name] = _("cannot be changed")
    for name in ("name_de", "name_en"):
        if name in changes:
            value = str(changes[name] or "").strip()
            if not value:
                errors[name] = _("must not be empty")
            elif len(value) > 100:
                errors[name] = _("must be at most 100 characters")
            clean[name] = value
    for name in ("description_de", "description_en"):
        if name in changes:
            clean[name] = str(changes[name] or "").strip()
            if not clean[name]:
                errors[name] = _("must not be empty")
    if "icon" in changes:
        icon = str(changes["icon"] or "").strip()
        if not _ICON.match(icon) or len(icon) > 60:
            errors["icon"] = _("must be a Font Awesome icon name such as fa-handshake")
        clean["icon"] = icon
    if "badge_type" in changes:
        badge_type = str(changes["badge_type"] or "").strip().lower()
        if badge_type not in BADGE_TYPES:
            errors["badge_type"] = _("must be gold, silver or bronze")
        clean["badge_type"] = badge_type
    if "multiple_grant" in changes:
        clean["multiple_grant"] = bool(changes["multiple_grant"])
    if "params" in changes:
        params = changes["params"]
        if not isinstance(params, Mapping):
            errors["params"] = _("must be an object of rule parameters")
        else:
            try:
                checked = rules.validate_params(badge.rule, params)
            except rules.BadgeConfigError as error:
                errors["params"] = " ".join(param_problem_text(problem) for problem in error.details) or "; ".join(
                    error.problems
                )
            else:
                # Tuples become lists so the stored JSON reads back equal to what was saved.
                clean["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in checked.items()}
    if not errors:
        candidate = replace(definition_of(badge), **clean)
        problems = rules.validate_definition(candidate)
        if problems:
            errors["badge"] = "; ".join(problems)
    if errors:
        raise BadgeInvalid(errors)
    return clean


def update_badge(session: Session, badge_key: str, changes: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Apply validated admin changes to a badge and return what changed as {field: (before, after)}."""
    badge = get_badge(session, badge_key)
    clean = validate_changes(badge, changes)
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in clean.items():
        before = getattr(badge, name)
        if before != value:
            changed[name] = (before, value)
            setattr(badge, name, value)
    session.flush()
    return changed


def set_enabled(session: Session, badge_key: str, enabled: bool) -> bool:
    """Enable or disable a badge; True when that changed anything."""
    badge = get_badge(session, badge_key)
    if badge.enabled == enabled:
        return False
    badge.enabled = enabled
    session.flush()
    return True


def badge_create_payload(session: Session, badge_key: str) -> dict[str, Any]:
    """What the forum needs to create the badge: name, description, badge_type_id, icon and multiple_grant."""
    badge = get_badge(session, badge_key)
    description = badge.description_de
    if badge.description_en and badge.description_en != badge.description_de:
        # The forum shows one description to everybody: German first, English after.
        description = f"{badge.description_de}\n\n{badge.description_en}".strip()
    return {
        "name": badge.name_de,
        "description": description,
        "badge_type_id": BADGE_TYPE_IDS[badge.badge_type],
        "icon": badge.icon,
        "multiple_grant": badge.multiple_grant,
    }


def record_forum_badge_id(session: Session, badge_key: str, forum_badge_id: int) -> None:
    """Remember the forum's id of a badge once it exists there."""
    badge = get_badge(session, badge_key)
    badge.forum_badge_id = int(forum_badge_id)
    session.flush()


def _newest_open_grant(session: Session, member_id: int, badge_id: int) -> BadgeGrant | None:
    return session.scalar(
        select(BadgeGrant)
        .where(BadgeGrant.member_id == member_id, BadgeGrant.badge_id == badge_id, BadgeGrant.revoked_at.is_(None))
        .order_by(BadgeGrant.id.desc())
        .limit(1)
    )


def record_forum_grant(session: Session, member_id: int, badge_key: str, forum_user_badge_id: int) -> bool:
    """Store the forum's user-badge id on the newest open grant of this badge; False when there is none."""
    badge = get_badge(session, badge_key)
    grant = _newest_open_grant(session, member_id, badge.id)
    if grant is None:
        return False
    GRANT.check(grant_status(grant), GrantStatus.GRANTED)
    grant.forum_user_badge_id = int(forum_user_badge_id)
    session.flush()
    return True


def record_revocation(
    session: Session, member_id: int, forum_badge_id: int, *, at: datetime | None = None
) -> BadgeGrant | None:
    """Mark the member's grant of a forum badge revoked so it is not granted again; None for a badge not ours."""
    badge = session.scalar(select(Badge).where(Badge.forum_badge_id == forum_badge_id))
    if badge is None or session.get(Member, member_id) is None:
        return None
    moment = at or utcnow()
    grant = _newest_open_grant(session, member_id, badge.id)
    if grant is None:
        # Granted by hand in the forum and taken back there: still a revocation the companion must respect.
        grant = BadgeGrant(badge_id=badge.id, member_id=member_id, granted_at=moment)
        session.add(grant)
    else:
        GRANT.check(grant_status(grant), GrantStatus.REVOKED)
    grant.revoked_at = moment
    grant.regrant_allowed = False
    session.flush()
    return grant


def allow_regrant(session: Session, member_id: int, badge_key: str) -> bool:
    """Let the awarding grant a revoked badge to this member again; False when nothing was revoked."""
    badge = get_badge(session, badge_key)
    grants = session.scalars(
        select(BadgeGrant).where(
            BadgeGrant.member_id == member_id,
            BadgeGrant.badge_id == badge.id,
            BadgeGrant.revoked_at.is_not(None),
            BadgeGrant.regrant_allowed.is_(False),
        )
    ).all()
    for grant in grants:
        GRANT.check(grant_status(grant), GrantStatus.RELEASED)
        grant.regrant_allowed = True
    session.flush()
    return bool(grants)


@dataclass(frozen=True)
class GrantState:
    """Grants held per (member, badge key), pairs revoked for good, and how many grant rows each pair has."""

    granted: dict[tuple[int, str], int]
    revoked: set[tuple[int, str]]
    counts: dict[tuple[int, str], int]


def grant_state(session: Session) -> GrantState:
    """Every grant: held ones (a released revocation no longer counts), lasting revocations and row counts."""
    granted: dict[tuple[int, str], int] = {}
    revoked: set[tuple[int, str]] = set()
    counts: dict[tuple[int, str], int] = {}
    rows = session.execute(
        select(BadgeGrant.member_id, Badge.key, BadgeGrant.revoked_at, BadgeGrant.regrant_allowed).join(
            Badge, Badge.id == BadgeGrant.badge_id
        )
    )
    for member_id, key, revoked_at, regrant_allowed in rows:
        pair = (member_id, key)
        counts[pair] = counts.get(pair, 0) + 1
        if revoked_at is None:
            granted[pair] = granted.get(pair, 0) + 1
        elif not regrant_allowed:
            revoked.add(pair)
    # A later grant after an allowed re-grant supersedes the old revocation.
    revoked -= set(granted)
    return GrantState(granted=granted, revoked=revoked, counts=counts)
