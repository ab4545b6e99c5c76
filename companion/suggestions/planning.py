"""Which suggestions a day's run makes: one function for the nightly run, the dry run and the rules preview."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from companion.members.consent import CADENCE_DAYS
from companion.settings import Settings
from companion.store.models import MemberPreferences, Suggestion
from companion.suggestions.inputs import MatchingInputs, load_inputs
from companion.suggestions.states import SUGGESTION, SuggestionStatus
from matching.suggestions.calibration import Calibration, calibrate
from matching.suggestions.engine import EngineResult, exclusion_reason, run_matching
from matching.suggestions.rules import RuleSet

# A suggestion nobody acted on for this long counts as ignored (discounted next time).
IGNORED_AFTER = timedelta(days=28)


def network_today(settings: Settings, now: datetime | None = None) -> date:
    """Today's date in the network's time zone (the date every run and preview is computed for)."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(settings.timezone)).date()


def seed_for(day: date) -> int:
    """The exploration seed of a day's run, so a preview on that day shows exactly what the run will do."""
    return day.toordinal()


def match_for_day(inputs: MatchingInputs, rules: RuleSet, day: date) -> EngineResult:
    """Run matching as the run of that day does: same inputs, same rules, same date, same seed.

    With the calibration rule on, the weights are first calibrated on the interactions of the
    members taking part (consent and eligibility as for matching itself) and the result carries
    the calibration with its figures.
    """
    calibration = None
    if rules.calibration == "on":
        calibration = calibrate_for_day(inputs, rules, day)
        rules_used = calibration.apply(rules)
    else:
        rules_used = rules
    result = run_matching(inputs.profiles, inputs.statuses, rules_used, inputs.history, today=day, seed=seed_for(day))
    return replace(result, calibration=calibration) if calibration is not None else result


def calibrate_for_day(inputs: MatchingInputs, rules: RuleSet, day: date) -> Calibration:
    """Calibrate the weights on the eligible members' profiles and interactions, seeded by the day."""
    eligible = [
        profile
        for profile in inputs.profiles
        if exclusion_reason(profile.member_id, inputs.statuses.get(profile.member_id), rules, day) is None
    ]
    return calibrate(eligible, inputs.interactions, rules, seed=seed_for(day))


def plan_for_day(session: Session, rules: RuleSet, day: date) -> tuple[MatchingInputs, EngineResult]:
    """Load the store's inputs and match them for the day."""
    inputs = load_inputs(session)
    return inputs, match_for_day(inputs, rules, day)


def due_members(session: Session, today: date) -> set[int]:
    """Consenting members whose cadence says a new message is due today."""
    last = dict(
        session.execute(
            select(Suggestion.member_id, func.max(Suggestion.run_date)).group_by(Suggestion.member_id)
        ).all()
    )
    due = set()
    for preferences in session.scalars(select(MemberPreferences).where(MemberPreferences.matching_consent.is_(True))):
        if preferences.cadence == "paused":
            if preferences.paused_until is None or preferences.paused_until > today:
                continue
            interval = CADENCE_DAYS["weekly"]
        else:
            interval = CADENCE_DAYS[preferences.cadence]
        previous = last.get(preferences.member_id)
        if previous is None or (today - previous).days >= interval or previous == today:
            due.add(preferences.member_id)
    return due


def mark_ignored(session: Session, today: date) -> int:
    """Suggestions nobody acted on for four weeks become "ignored"."""
    # One bulk UPDATE for all rows of one state; the table is asked once for that one change.
    wanted = SUGGESTION.check(SuggestionStatus.NEW, SuggestionStatus.IGNORED)
    result = session.execute(
        update(Suggestion)
        .where(Suggestion.status == SuggestionStatus.NEW, Suggestion.run_date <= today - IGNORED_AFTER)
        .values(status=wanted)
    )
    return int(getattr(result, "rowcount", 0) or 0)
