"""Formation preview: form a season's circles with matching.circles, plan their meetings, store them as a preview."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from companion.circles.common import audit, block_by_key, season_slots
from companion.circles.errors import FormationRefused
from companion.circles.seasons import closure_days, effective_closed_days
from companion.circles.states import FORMATION_FINAL, SEASON, CircleStatus, MeetingStatus, SeasonStatus
from companion.circles.wording import state_wording
from companion.messages.gettext import text_in
from companion.store.models import (
    Circle,
    CircleMember,
    Meeting,
    MemberPreferences,
    Organisation,
    Season,
    SignUp,
    WaitingEntry,
)
from matching.circles import formation as circle_matching
from matching.circles.meetings import UnplacedMeeting, meeting_start_in_block, plan_meetings
from matching.circles.model import Formation, FormationSettings, QualityFigures, Slot, Waiting
from matching.circles.model import SignUp as MatchingSignUp

FORMATION_ITERATIONS = 30
ONLINE_LOCATION = "Online"


def reason_text(code: str, locale: str = "de", params: Mapping[str, Any] | None = None) -> str:
    """Why a sign-up waits, in German or English (figures such as the minimum size filled in when known)."""
    values = {"min_size": "", "cap": ""} | dict(params or {})
    texts = {
        "not_enough_signups": text_in(locale, "Not enough sign-ups for a circle (at least %(min_size)s).", **values),
        "no_availability": text_in(locale, "None of the offered time slots was chosen.", **values),
        "no_valid_circle": text_in(
            locale,
            "No circle meeting all rules (size, organisations, host) could be formed from the sign-ups.",
            **values,
        ),
        "circles_full": text_in(locale, "All suitable circles are full.", **values),
        "organisation_cap": text_in(
            locale, "Every circle with room already has %(cap)s members from your organisation.", **values
        ),
        "keep_apart": text_in(locale, "Every circle with room contains someone to be kept apart from.", **values),
        "mode": text_in(locale, "No circle with room matches the online or on-site preference.", **values),
        "no_common_slot": text_in(locale, "No circle with room meets at one of your times.", **values),
        "circle_rules": text_in(
            locale, "Joining a circle would break its rules (size, organisations, host).", **values
        ),
        "no_consent": text_in(locale, "Consent to take part in circles is missing.", **values),
        "inactive": text_in(locale, "The account is not active.", **values),
        "left": text_in(locale, "Left the circle.", **values),
    }
    # Reasons stored without their figures read "(mindestens )": drop the empty brackets.
    return texts.get(code, code).replace(" (mindestens )", "").replace(" (at least )", "").replace("  ", " ")


@dataclass
class FormationOutcome:
    """What a formation stored: the matching result, unplaced meetings per circle number and excluded sign-ups."""

    formation: Formation
    unplaced: dict[int, list[UnplacedMeeting]] = field(default_factory=dict)
    excluded: dict[int, str] = field(default_factory=dict)


def formation_settings(season: Season, slots: list[Slot] | None = None) -> FormationSettings:
    """Matching settings from the season: its sizes, seed and offered slots; members meet only at times they chose."""
    return FormationSettings(
        min_size=season.min_size,
        max_size=season.max_size,
        target_size=season.target_size,
        seed=season.seed,
        iterations=FORMATION_ITERATIONS,
        slots=tuple(slots if slots is not None else season_slots(season)),
        require_available_slot=True,
    )


def _excluded_reason(session: Session, signup: SignUp) -> str | None:
    member = signup.member
    if not member.active or member.suspended or member.staged:
        return "inactive"
    preferences = session.get(MemberPreferences, member.id)
    if not (preferences and preferences.circles_consent):
        return "no_consent"
    return None


def matching_signup(signup: SignUp) -> MatchingSignUp:
    """A stored sign-up as matching's SignUp."""
    return MatchingSignUp(
        member_id=signup.member_id,
        organisation_id=signup.member.organisation_id,
        interests=frozenset(i.term for i in signup.interests),
        availability=frozenset(Slot(a.weekday, a.block) for a in signup.availability),
        willing_to_host=signup.willing_to_host,
        mode_preference=signup.mode,
        keep_apart=frozenset(k.other_member_id for k in signup.keep_apart),
    )


def eligible_signups(session: Session, season: Season) -> tuple[list[SignUp], dict[int, str]]:
    """Sign-ups that may be placed, and the excluded ones' member ids with a reason code."""
    eligible, excluded = [], {}
    for signup in session.scalars(select(SignUp).where(SignUp.season_id == season.id).order_by(SignUp.member_id)):
        reason = _excluded_reason(session, signup)
        if reason:
            excluded[signup.member_id] = reason
        else:
            eligible.append(signup)
    return eligible, excluded


def discard_preview(session: Session, season: Season) -> None:
    """Remove the season's preview circles and waiting list (sign-ups stay untouched)."""
    session.execute(delete(Circle).where(Circle.season_id == season.id).where(Circle.status == CircleStatus.PREVIEW))
    session.execute(delete(WaitingEntry).where(WaitingEntry.season_id == season.id))
    session.flush()
    session.expire(season, ["circles"])


def form_season(session: Session, season: Season, app_settings, *, actor: str) -> FormationOutcome:
    """Form circles as a preview, replacing an earlier preview; refused once published or with too few sign-ups."""
    if season.status in FORMATION_FINAL:
        raise FormationRefused(
            "season “%(season)s” is %(status)s: its circles can no longer be re-formed",
            season=season.name,
            status=state_wording(season.status),
        )
    eligible, excluded = eligible_signups(session, season)
    if len(eligible) < season.min_size:
        raise FormationRefused(
            "season “%(season)s” has %(count)s eligible sign-ups, fewer than the minimum circle size %(minimum)s; "
            "nothing was changed (sign-ups are kept, extend the window or lower the minimum)",
            season=season.name,
            count=len(eligible),
            minimum=season.min_size,
        )
    signups = [matching_signup(s) for s in eligible]
    settings = formation_settings(season)
    formation = circle_matching.form_circles(signups, settings)
    discard_preview(session, season)

    closures = closure_days(session, season)
    hosts_by_member = {s.member_id: s.willing_to_host for s in eligible}
    org_by_member = {s.member_id: s.member.organisation_id for s in eligible}
    mode_by_member = {s.member_id: s.mode for s in eligible}
    outcome = FormationOutcome(formation=formation, excluded=excluded)
    for number, planned in enumerate(formation.circles, start=1):
        if planned.slot is None:
            raise FormationRefused("matching returned a circle without a weekly slot; check the season's time blocks")
        circle = Circle(
            season_id=season.id,
            number=number,
            name=f"Zirkel {number}",
            slot_weekday=planned.slot.weekday,
            slot_block=planned.slot.block,
            forum_group_name=group_name(season, number),
            status=CircleStatus.PREVIEW,
        )
        circle.members = [CircleMember(member_id=m) for m in planned.member_ids]
        session.add(circle)
        session.flush()
        orgs = {m: org for m in planned.member_ids if (org := org_by_member[m]) is not None}
        host_orgs = sorted({org for m, org in orgs.items() if hosts_by_member[m]})
        attendee_orgs = sorted(set(orgs.values()))
        modes = {mode_by_member[m] for m in planned.member_ids}
        outcome.unplaced[number] = _store_meetings(
            session, season, circle, app_settings, host_orgs, attendee_orgs, closures, online="online" in modes
        )
    for waiting in formation.waiting:
        session.add(WaitingEntry(season_id=season.id, member_id=waiting.member_id, reason=waiting.reason_code))
    for member_id, reason in excluded.items():
        session.add(WaitingEntry(season_id=season.id, member_id=member_id, reason=reason))
    SEASON.move(season, SeasonStatus.FORMED)
    session.flush()
    figures = formation.figures
    audit(
        session,
        actor,
        "circles.season.form",
        f"season:{season.id}",
        {"circles": figures.circles, "placed": figures.placed, "waiting": figures.waiting + len(excluded)},
    )
    return outcome


def group_name(season: Season, number: int) -> str:
    """The forum group name of a circle (Discourse group names: at most 20 characters, no spaces)."""
    return f"zirkel-{season.id}-{number}"


def _store_meetings(
    session: Session,
    season: Season,
    circle: Circle,
    app_settings,
    host_orgs: list[int],
    attendee_orgs: list[int],
    closures: dict[int, set[date]],
    *,
    online: bool,
) -> list[UnplacedMeeting]:
    block = block_by_key(season)[circle.slot_block]
    plan = plan_meetings(
        season.first_meeting_on,
        circle.slot_weekday,
        meeting_start_in_block(block, season.meeting_minutes),
        season.meeting_minutes,
        season.cadence_weeks,
        season.meetings_count,
        state=app_settings.holiday_state,
        school_holidays=[(date.fromisoformat(a), date.fromisoformat(b)) for a, b in season.school_holidays]
        if season.skip_school_holidays
        else [],
        closure_days=closures,
        closed_days=effective_closed_days(season),
        host_orgs=host_orgs,
        attendee_orgs=attendee_orgs,
        tz=app_settings.timezone,
    )
    names = {o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(host_orgs or [-1])))}
    for number, planned in enumerate(plan.meetings, start=1):
        host = planned.host_organisation_id
        # The place is the host organisation; pages and messages add "on site" in the reader's language.
        location = ONLINE_LOCATION if online else names.get(host, "") if isinstance(host, int) else ""
        session.add(
            Meeting(
                circle_id=circle.id,
                number=number,
                uid=f"{uuid.uuid4().hex}@companion-circles",
                starts_at=planned.starts_at.astimezone(UTC),
                ends_at=planned.ends_at.astimezone(UTC),
                host_organisation_id=host,
                location=location,
                status=MeetingStatus.SCHEDULED,
                sequence=0,
                move_reason=planned.reason_code,
                move_params=dict(planned.reason_params),
            )
        )
    return list(plan.unplaced)


def stored_formation(session: Session, season: Season) -> tuple[Formation, list[MatchingSignUp]]:
    """The season's stored circles and waiting list as a matching Formation, with the sign-ups behind them."""
    signed_up = {s.member_id for s in season.signups}
    circles = []
    for circle in sorted(season.circles, key=lambda c: c.number):
        members = tuple(cm.member_id for cm in circle.members if cm.left_at is None and cm.member_id in signed_up)
        circles.append(
            circle_matching.Circle(
                circle.number, members, Slot(circle.slot_weekday, circle.slot_block), (), (), (), "either", 0.0
            )
        )
    waiting = [
        Waiting(w.member_id, w.reason)
        for w in session.scalars(select(WaitingEntry).where(WaitingEntry.season_id == season.id))
    ]
    signups = [matching_signup(s) for s in season.signups]
    empty = QualityFigures(0, 0, len(waiting), 0.0, 0.0, 0.0, 0, 0.0)
    return Formation(circles, waiting, empty, "stored"), signups


def stored_figures(session: Session, season: Season) -> QualityFigures:
    """Quality figures recomputed from the stored circles (what the admin sees before publishing)."""
    formation, signups = stored_formation(session, season)
    placed_or_waiting = {m for c in formation.circles for m in c.member_ids} | {w.member_id for w in formation.waiting}
    signups = [s for s in signups if s.member_id in placed_or_waiting]
    if not formation.circles:
        return QualityFigures(0, 0, len(formation.waiting), 0.0, 0.0, 0.0, 0, 0.0)
    return circle_matching.quality_figures(formation, signups, formation_settings(season))
