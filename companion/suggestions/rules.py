"""The admins' matching rules: versioned, validated, audited, previewed before saving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.audit.entries import record
from companion.store.db import Store
from companion.store.models import RuleVersion
from matching.suggestions.calibration import Calibration
from matching.suggestions.engine import EngineResult
from matching.suggestions.rules import (
    RULES,
    RULES_BY_NAME,
    RuleError,
    RuleSet,
    default_rules,
    diff_rules,
    validate_rules,
)

__all__ = ["RULES", "RuleError", "RulePreview", "current_rules", "parse_form", "preview", "rollback", "save_rules"]


def current_rules(session: Session) -> tuple[RuleVersion | None, RuleSet]:
    """The rules in force: the newest saved version, or the defaults when none was saved."""
    version = session.scalar(select(RuleVersion).order_by(RuleVersion.id.desc()).limit(1))
    if version is None:
        return None, default_rules()
    return version, validate_rules(version.rules)


def parse_form(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Convert form strings into typed rule values; unknown or unparsable ones are left for validation to reject."""
    values: dict[str, Any] = {}
    for name, value in raw.items():
        spec = RULES_BY_NAME.get(name)
        if spec is None:
            if name not in ("csrf_token", "comment", "action"):
                values[name] = value
            continue
        if not isinstance(value, str):
            values[name] = value
            continue
        text = value.strip()
        if spec.type == "names":
            values[name] = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
        elif spec.type == "int":
            try:
                values[name] = int(text)
            except ValueError:
                values[name] = text
        elif spec.type == "float":
            try:
                values[name] = float(text.replace(",", "."))
            except ValueError:
                values[name] = text
        else:
            values[name] = text
    return values


def save_rules(session: Session, actor: str, raw: Mapping[str, Any], comment: str = "") -> RuleVersion:
    """Validate and store a new version of the rules, with an audit entry naming every change."""
    _, before = current_rules(session)
    merged = before.to_dict()
    merged.update(parse_form(raw))
    rules = validate_rules(merged)
    changes = diff_rules(before, rules)
    version = RuleVersion(rules=rules.to_dict(), created_by=actor, comment=comment)
    session.add(version)
    session.flush()
    record(
        session,
        actor,
        "rules.save",
        f"rule version {version.id}",
        {
            "changes": [{"rule": c.rule, "before": _plain(c.before), "after": _plain(c.after)} for c in changes],
            "comment": comment,
        },
    )
    return version


def rollback(session: Session, actor: str, version_id: int) -> RuleVersion:
    """Make an earlier version current again by saving a copy of it (history is never rewritten)."""
    old = session.get(RuleVersion, version_id)
    if old is None:
        raise LookupError(f"no rule version {version_id}")
    _, before = current_rules(session)
    rules = validate_rules(old.rules)
    version = RuleVersion(
        rules=rules.to_dict(),
        created_by=actor,
        comment="",  # pages and CLI say "rolled back to version N" from rolled_back_from, in their language
        rolled_back_from=version_id,
    )
    session.add(version)
    session.flush()
    record(
        session,
        actor,
        "rules.rollback",
        f"rule version {version.id}",
        {
            "to_version": version_id,
            "changes": [
                {"rule": c.rule, "before": _plain(c.before), "after": _plain(c.after)}
                for c in diff_rules(before, rules)
            ],
        },
    )
    return version


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class RulePreview:
    """What a rule set would do on today's data, next to the rules in force."""

    members_with_suggestions: int
    eligible: int
    suggestions: int
    cross_org_share: float
    max_exposure: int
    current_members_with_suggestions: int
    current_cross_org_share: float
    current_max_exposure: int
    pairs_added: int
    pairs_removed: int
    changes: list[tuple[str, Any, Any]]
    # What calibration from the forum's history gives for the proposed rules (used only when the rule is on).
    calibration: Calibration | None = None


def figures(result: EngineResult) -> tuple[int, float, int]:
    """Members with suggestions, share of cross-organisation suggestions and top exposure of one run."""
    receivers = {s.member_id for s in result.suggestions}
    cross = [
        s
        for s in result.suggestions
        if result.organisations.get(s.member_id) is None
        or s.organisation_id is None
        or result.organisations.get(s.member_id) != s.organisation_id
    ]
    share = len(cross) / len(result.suggestions) if result.suggestions else 0.0
    exposure = max(result.exposure().values(), default=0)
    return len(receivers), share, exposure


def preview(store: Store, raw: Mapping[str, Any], today: date) -> RulePreview:
    """Run matching for the day with the proposed rules and with the current ones, saving and sending nothing.

    It runs exactly what that day's nightly run computes (same inputs, date and seed), so the
    figures for the current rules are the figures of the run that follows.
    """
    from companion.suggestions.inputs import load_inputs
    from companion.suggestions.planning import calibrate_for_day, match_for_day

    with store.transaction() as session:
        _, current = current_rules(session)
        merged = current.to_dict()
        merged.update(parse_form(raw))
        proposed = validate_rules(merged)
        inputs = load_inputs(session)
    new = match_for_day(inputs, proposed, today)
    old = match_for_day(inputs, current, today)
    members, share, exposure = figures(new)
    old_members, old_share, old_exposure = figures(old)
    return RulePreview(
        members_with_suggestions=members,
        eligible=len(new.eligible_ids),
        suggestions=len(new.suggestions),
        cross_org_share=share,
        max_exposure=exposure,
        current_members_with_suggestions=old_members,
        current_cross_org_share=old_share,
        current_max_exposure=old_exposure,
        pairs_added=len(new.pairs() - old.pairs()),
        pairs_removed=len(old.pairs() - new.pairs()),
        changes=[(c.rule, c.before, c.after) for c in diff_rules(current, proposed)],
        calibration=new.calibration or calibrate_for_day(inputs, proposed, today),
    )
