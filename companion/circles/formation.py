"""Formation preview: form circles for a season with matching/circles.py, plan their meetings, store them as a preview."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from companion.circles.common import audit, block_by_key, season_slots
from companion.circles.errors import FormationRefused
from companion.circles.seasons import closure_days, effective_closed_days
from companion.store.models import (
    Circle,
    CircleMember,
    Meeting,
    Member,
    MemberPreferences,
    Organisation,
    Season,
    SignUp,
    WaitingEntry,
)
from matching.circles import formation as circle_matching
from matching.circles.meetings import UnplacedMeeting, meeting_start_in_block, plan_meetings
from matching.circles.model import WAITING_REASONS, Formation, FormationSettings, QualityFigures, Slot, Waiting
from matching.circles.model import SignUp as MatchingSignUp

# Reasons the companion adds to matching's waiting reasons: the sign-up was not eligible at formation time.
EXTRA_REASONS = {
    "no_consent": ("Die Einwilligung zur Teilnahme an Zirkeln fehlt.", "Consent to take part in circles is missing."),
    "inactive": ("Das Konto ist nicht aktiv.", "The account is not active."),
    "left": ("Hat den Zirkel verlassen.", "Left the circle."),
}
FORMATION_ITERATIONS = 30
ONLINE_LOCATION = "Online"


def reason_text(code: str, locale: str = "de") -> str:
    """The waiting-list reason in German or English."""
    de, en = EXTRA_REASONS.get(code) or WAITING_REASONS.get(code) or (code, code)
    text = de if locale == "de" else en
    return text.replace("{min_size}", "").replace("{cap}", "").replace("()", "").strip()


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
    session.execute(delete(Circle).where(Circle.season_id == season.id).where(Circle.status == "preview"))
    session.execute(delete(WaitingEntry).where(WaitingEntry.season_id == season.id))
    session.flush()
    session.expire(season, ["circles"])


def form_season(session: Session, season: Season, app_settings, *, actor: str) -> FormationOutcome:
    """Form circles as a preview, replacing an earlier preview; refused once published or with too few sign-ups."""
    if season.status in ("published", "closed"):
        raise FormationRefused(f"season {season.name!r} is {season.status}: its circles can no longer be re-formed")
    eligible, excluded = eligible_signups(session, season)
    if len(eligible) < season.min_size:
        raise FormationRefused(
            f"season {season.name!r} has {len(eligible)} eligible sign-ups, fewer than the minimum circle size "
            f"{season.min_size}; nothing was changed (sign-ups are kept, extend the window or lower the minimum)"
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
            status="preview",
        )
        circle.members = [CircleMember(member_id=m) for m in planned.member_ids]
        session.add(circle)
        session.flush()
        host_orgs = sorted({org_by_member[m] for m in planned.member_ids if hosts_by_member[m] and org_by_member[m]})
        attendee_orgs = sorted({org_by_member[m] for m in planned.member_ids if org_by_member[m]})
        modes = {mode_by_member[m] for m in planned.member_ids}
        outcome.unplaced[number] = _store_meetings(
            session, season, circle, app_settings, host_orgs, attendee_orgs, closures, online="online" in modes
        )
    for waiting in formation.waiting:
        session.add(WaitingEntry(season_id=season.id, member_id=waiting.member_id, reason=waiting.reason_code))
    for member_id, reason in excluded.items():
        session.add(WaitingEntry(season_id=season.id, member_id=member_id, reason=reason))
    season.status = "formed"
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
        location = ONLINE_LOCATION if online else (f"Vor Ort: {names[host]}" if host in names else "Vor Ort")
        session.add(
            Meeting(
                circle_id=circle.id,
                number=number,
                uid=f"{uuid.uuid4().hex}@companion-circles",
                starts_at=planned.starts_at.astimezone(UTC),
                ends_at=planned.ends_at.astimezone(UTC),
                host_organisation_id=host,
                location=location,
                status="scheduled",
                sequence=0,
                note=planned.reason_de or "",
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
        Waiting(w.member_id, w.reason, reason_text(w.reason, "de"), reason_text(w.reason, "en"))
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


def member_names(session: Session, member_ids: list[int]) -> dict[int, Member]:
    """Members by id."""
    return {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids or [-1])))}
