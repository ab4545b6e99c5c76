"""Seasons (admin): create and edit with validation, refuse overlaps, open and close, and closure days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from companion.circles.common import BLOCK_KEY, DEFAULT_WEEKDAYS, audit, parse_hhmm
from companion.circles.errors import SeasonInvalid, SeasonNotFound, SeasonOverlap, SeasonStatusRefused
from companion.circles.states import FORMATION_FINAL, SEASON, SEASON_MANUAL, SIGNUP_OPEN, SeasonStatus
from companion.circles.wording import date_text
from companion.messages.dates import Day
from companion.messages.gettext import Wording, wording
from companion.store.models import ClosureDay, Organisation, Season
from matching.circles.meetings import MAX_CADENCE_WEEKS, MIN_CADENCE_WEEKS, year_end_closure_days

DEFAULT_TIME_BLOCKS: tuple[dict[str, Any], ...] = (
    {"key": "vormittag", "start": "09:00", "end": "11:30", "label_de": "Vormittag", "label_en": "Morning"},
    {"key": "mittag", "start": "12:00", "end": "14:00", "label_de": "Mittag", "label_en": "Midday"},
    {"key": "nachmittag", "start": "14:00", "end": "16:30", "label_de": "Nachmittag", "label_en": "Afternoon"},
)
EDITABLE_AFTER_FORMING = {"name", "signup_closes_on", "school_holidays", "skip_school_holidays", "closed_days"}
MAX_MEETINGS = 20
# Season states in the messages of status changes: the short labels of the season pages.
_STATUS_WORDS = {
    SeasonStatus.DRAFT: wording("draft"),
    SeasonStatus.OPEN: wording("open"),
    SeasonStatus.FORMED: wording("formed"),
    SeasonStatus.PUBLISHED: wording("published"),
    SeasonStatus.CLOSED: wording("closed"),
}


@dataclass
class SeasonSpec:
    """What an admin enters for a season; defaults follow the issue (4-8 members, target 6, every 5 weeks)."""

    name: str
    signup_opens_on: date
    signup_closes_on: date
    first_meeting_on: date
    min_size: int = 4
    target_size: int = 6
    max_size: int = 8
    cadence_weeks: int = 5
    meetings_count: int = 6
    meeting_minutes: int = 90
    time_blocks: list[dict[str, Any]] = field(default_factory=lambda: [dict(b) for b in DEFAULT_TIME_BLOCKS])
    skip_school_holidays: bool = True
    school_holidays: list[list[str]] = field(default_factory=list)
    seed: int = 1
    # ISO dates closed network-wide; None means the defaults of year_end_closure_days.
    closed_days: list[str] | None = None

    @classmethod
    def from_season(cls, season: Season) -> SeasonSpec:
        """The spec of a stored season (for edit forms)."""
        return cls(**{f.name: getattr(season, f.name) for f in fields(cls)})


def season_end(spec: SeasonSpec | Season) -> date:
    """The last day a meeting of the season can fall on (last planned date plus the one-week shift)."""
    return spec.first_meeting_on + timedelta(weeks=spec.cadence_weeks * max(0, spec.meetings_count - 1), days=13)


def effective_closed_days(spec: SeasonSpec | Season) -> list[date]:
    """The season's network-wide closure days: as edited, or by default 24.12., 31.12. and the days between."""
    if spec.closed_days is None:
        return year_end_closure_days(spec.first_meeting_on, season_end(spec))
    return sorted(date.fromisoformat(str(day)) for day in spec.closed_days)


def validate(spec: SeasonSpec) -> list[str]:
    """Every problem of the spec as a readable English sentence (empty when valid)."""
    problems: list[str] = []
    if not spec.name or not spec.name.strip():
        problems.append(_("the season needs a name"))
    elif len(spec.name) > 200:
        problems.append(_("the name must be at most 200 characters"))
    if spec.signup_closes_on < spec.signup_opens_on:
        problems.append(_("the sign-up window must close on or after the day it opens"))
    if spec.first_meeting_on <= spec.signup_closes_on:
        problems.append(_("the first meeting must come after the sign-up window closes"))
    if spec.min_size < 2:
        problems.append(_("a circle needs at least 2 members"))
    if not spec.min_size <= spec.target_size <= spec.max_size:
        problems.append(_("sizes must satisfy minimum <= target <= maximum"))
    if not MIN_CADENCE_WEEKS <= spec.cadence_weeks <= MAX_CADENCE_WEEKS:
        problems.append(
            _("the cadence must be every %(low)s to %(high)s weeks", low=MIN_CADENCE_WEEKS, high=MAX_CADENCE_WEEKS)
        )
    if not 1 <= spec.meetings_count <= MAX_MEETINGS:
        problems.append(_("the number of meetings must be 1 to %(high)s", high=MAX_MEETINGS))
    if not 15 <= spec.meeting_minutes <= 8 * 60:
        problems.append(_("a meeting must last 15 minutes to 8 hours"))
    problems.extend(_block_problems(spec.time_blocks, spec.meeting_minutes))
    problems.extend(_holiday_problems(spec.school_holidays))
    for day in spec.closed_days or ():
        try:
            date.fromisoformat(str(day))
        except ValueError:
            problems.append(f"closure day {day!r} must be an ISO date")
    return problems


def _block_problems(blocks: list[dict[str, Any]], meeting_minutes: int) -> list[str]:
    if not blocks:
        return [_("the season needs at least one weekly time block")]
    problems = []
    keys = [str(b.get("key", "")) for b in blocks]
    if len(set(keys)) != len(keys):
        problems.append(_("time block keys must be unique"))
    for block in blocks:
        key = str(block.get("key", ""))
        if not BLOCK_KEY.match(key):
            problems.append(_("time block key “%(key)s” must be 1-20 lower-case letters, digits, '-' or '_'", key=key))
            continue
        try:
            start, end = parse_hhmm(block.get("start", "")), parse_hhmm(block.get("end", ""))
        except ValueError:
            problems.append(_("time block %(key)s: the times must be written as HH:MM", key=key))
            continue
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        if minutes <= 0:
            problems.append(_("time block %(key)s must end after it starts", key=key))
        elif minutes < meeting_minutes:
            problems.append(
                _(
                    "time block %(key)s (%(minutes)s min) is shorter than a meeting (%(meeting)s min)",
                    key=key,
                    minutes=minutes,
                    meeting=meeting_minutes,
                )
            )
        weekdays = block.get("weekdays", DEFAULT_WEEKDAYS)
        if not weekdays or any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
            problems.append(_("time block %(key)s: weekdays must be numbers 0 (Monday) to 6 (Sunday)", key=key))
    return problems


def _holiday_problems(ranges: list[list[str]]) -> list[str]:
    problems = []
    for entry in ranges:
        try:
            first, last = (date.fromisoformat(str(value)) for value in entry)
        except (TypeError, ValueError):
            problems.append(_("school holidays %(entry)s must be two dates: start and end", entry=entry))
            continue
        if last < first:
            problems.append(
                _(
                    "school holidays %(first)s–%(last)s end before they start",
                    first=date_text(first),
                    last=date_text(last),
                )
            )
    return problems


def _overlaps(first_a: date, last_a: date, first_b: date, last_b: date) -> bool:
    return first_a <= last_b and first_b <= last_a


def overlapping_season(session: Session, spec: SeasonSpec, exclude_id: int | None = None) -> Wording | None:
    """Why the spec overlaps another live season (its sign-up window or meeting period), or None."""
    query = select(Season).where(Season.status != SeasonStatus.CLOSED)
    for other in session.scalars(query):
        if other.id == exclude_id:
            continue
        if _overlaps(spec.signup_opens_on, spec.signup_closes_on, other.signup_opens_on, other.signup_closes_on):
            return wording(
                "the sign-up window %(first)s–%(last)s overlaps season “%(other)s” (%(other_first)s–%(other_last)s)",
                first=Day(spec.signup_opens_on),
                last=Day(spec.signup_closes_on),
                other=other.name,
                other_first=Day(other.signup_opens_on),
                other_last=Day(other.signup_closes_on),
            )
        if _overlaps(spec.first_meeting_on, season_end(spec), other.first_meeting_on, season_end(other)):
            return wording(
                "the meeting period %(first)s–%(last)s overlaps season “%(other)s” (%(other_first)s–%(other_last)s)",
                first=Day(spec.first_meeting_on),
                last=Day(season_end(spec)),
                other=other.name,
                other_first=Day(other.first_meeting_on),
                other_last=Day(season_end(other)),
            )
    return None


def _check(session: Session, spec: SeasonSpec, exclude_id: int | None = None) -> None:
    problems = validate(spec)
    if problems:
        raise SeasonInvalid(problems)
    same_name = session.scalar(select(Season).where(Season.name == spec.name.strip()))
    if same_name is not None and same_name.id != exclude_id:
        raise SeasonInvalid([_("a season named “%(name)s” already exists", name=spec.name.strip())])
    overlap = overlapping_season(session, spec, exclude_id)
    if overlap:
        raise SeasonOverlap(overlap)


def create_season(
    session: Session, spec: SeasonSpec, *, actor: str, status: SeasonStatus = SeasonStatus.OPEN
) -> Season:
    """Validate and store a new season (open for sign-ups unless status says draft)."""
    if status not in (SeasonStatus.DRAFT, SeasonStatus.OPEN):
        raise SeasonInvalid([_("a new season is either a draft or open")])
    _check(session, spec)
    values = {f.name: getattr(spec, f.name) for f in fields(SeasonSpec)}
    values["name"] = spec.name.strip()
    season = Season(status=status, **values)
    session.add(season)
    session.flush()
    audit(session, actor, "circles.season.create", f"season:{season.id}", {"name": season.name, "status": status})
    return season


def update_season(session: Session, season: Season, spec: SeasonSpec, *, actor: str) -> Season:
    """Change a season's settings; once circles are formed only the name, window end and holidays may change."""
    if season.status in (SeasonStatus.FORMED, *FORMATION_FINAL):
        current = SeasonSpec.from_season(season)
        changed = {f.name for f in fields(SeasonSpec) if getattr(current, f.name) != getattr(spec, f.name)}
        frozen = changed - EDITABLE_AFTER_FORMING
        if frozen:
            raise SeasonInvalid(
                [
                    _(
                        "after circles are formed these settings can no longer change: %(names)s",
                        names=", ".join(sorted(frozen)),
                    )
                ]
            )
    _check(session, spec, exclude_id=season.id)
    changes = {}
    for f in fields(SeasonSpec):
        new = spec.name.strip() if f.name == "name" else getattr(spec, f.name)
        if getattr(season, f.name) != new:
            changes[f.name] = str(new)
            setattr(season, f.name, new)
    audit(session, actor, "circles.season.update", f"season:{season.id}", changes)
    return season


def set_status(session: Session, season: Season, status: str, *, actor: str) -> SeasonStatus:
    """Open a draft, or close a season (closing keeps every row: circles, RSVPs and sign-ups stay)."""
    wanted = next((s for s in SEASON_MANUAL if s.value == status), None)
    if wanted is None:
        # The three states of SEASON_MANUAL.
        raise SeasonStatusRefused(
            "a season can only be set to “%(draft)s”, “%(open)s” or “%(closed)s” by hand; "
            "forming and publishing are actions of their own",
            draft=_STATUS_WORDS[SeasonStatus.DRAFT],
            open=_STATUS_WORDS[SeasonStatus.OPEN],
            closed=_STATUS_WORDS[SeasonStatus.CLOSED],
        )
    previous = SeasonStatus(season.status)
    if previous == wanted:
        return wanted
    if not SEASON.can(previous, wanted):
        raise SeasonStatusRefused(
            "season “%(season)s” is %(previous)s and cannot become %(wanted)s",
            season=season.name,
            previous=_STATUS_WORDS[previous],
            wanted=_STATUS_WORDS[wanted],
        )
    SEASON.move(season, wanted)
    audit(session, actor, "circles.season.status", f"season:{season.id}", {"from": previous, "to": wanted})
    return wanted


def find_season(session: Session, name_or_id: str | int) -> Season:
    """The season with that id or name, raising SeasonNotFound with the known names."""
    season = None
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        season = session.get(Season, int(name_or_id))
    if season is None:
        season = session.scalar(select(Season).where(Season.name == str(name_or_id)))
    if season is None:
        known = ", ".join(f"“{s}”" for s in session.scalars(select(Season.name).order_by(Season.id)))
        if not known:
            raise SeasonNotFound("no season “%(name)s” (there are no seasons yet)", name=name_or_id)
        raise SeasonNotFound("no season “%(name)s” (known seasons: %(known)s)", name=name_or_id, known=known)
    return season


def list_seasons(session: Session) -> list[Season]:
    """Every season, newest first."""
    return list(session.scalars(select(Season).order_by(Season.signup_opens_on.desc(), Season.id.desc())))


def open_seasons(session: Session, today: date) -> list[Season]:
    """Seasons a member can sign up for today."""
    query = (
        select(Season)
        .where(Season.status.in_(SIGNUP_OPEN))
        .where(Season.signup_opens_on <= today)
        .where(Season.signup_closes_on >= today)
        .order_by(Season.signup_closes_on)
    )
    return list(session.scalars(query))


def set_closure_days(
    session: Session, season: Season, organisation: Organisation, days: Iterable[date], *, actor: str
) -> None:
    """Replace an organisation's closure days for the season."""
    wanted = sorted(set(days))
    session.execute(
        delete(ClosureDay).where(ClosureDay.season_id == season.id).where(ClosureDay.organisation_id == organisation.id)
    )
    for day in wanted:
        session.add(ClosureDay(season_id=season.id, organisation_id=organisation.id, day=day))
    session.flush()
    audit(
        session,
        actor,
        "circles.season.closure_days",
        f"season:{season.id}",
        {"organisation": organisation.key, "days": [d.isoformat() for d in wanted]},
    )


def closure_days(session: Session, season: Season) -> dict[int, set[date]]:
    """Closure days of the season by organisation id."""
    result: dict[int, set[date]] = {}
    for row in session.scalars(select(ClosureDay).where(ClosureDay.season_id == season.id)):
        result.setdefault(row.organisation_id, set()).add(row.day)
    return result
