"""Meeting dates of a circle: a series at the circle's weekly slot that avoids holidays and closures.

Rules, in the order they are applied to each planned date of the series:

- The series is anchored on the first date on or after ``first_date`` that falls
  on the slot's weekday; meeting *i* is planned ``i * cadence_weeks`` weeks after
  that anchor (shifts never accumulate: every date is planned from the anchor).
- A date is blocked by a public holiday of the configured German state (via the
  ``holidays`` package, NRW by default), by a day inside one of the given school
  holiday ranges (the ``holidays`` package has no reliable school holidays, so the
  caller configures them as inclusive date ranges), by a network-wide closed day
  (``closed_days``, e.g. 24 and 31 December), or by a closure day of an
  organisation whose members attend (``attendee_orgs``): a member of a closed
  administration is off duty, so the whole circle avoids that day.
- No meeting falls before ``first_date``: a shift that would land earlier is
  not tried (the season's "first meeting on or after" is a promise to members).
- Closure days of the host organisation only move the hosting to the next
  host-willing organisation in the rotation; if every host is closed the date is
  blocked like any other.
- A blocked date is shifted by at most one week, trying ``shift_days`` in order
  (default: the same weekday one week later, then one week earlier), so the
  circle keeps its weekly slot. A date that cannot be placed is reported in
  ``MeetingPlan.unplaced`` with its reason, never silently dropped.
- Reasons are ``BlockReason`` codes with their data (the holiday's name, the
  closed organisation) in ``reason_params``; the companion words them.
- Hosts rotate round-robin over ``host_orgs`` in the given order.
- Times are wall-clock times in ``tz`` (Europe/Berlin by default), returned as
  aware datetimes; the end is computed in elapsed time, so a meeting keeps its
  length even across a DST change.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import holidays

MIN_CADENCE_WEEKS = 4
MAX_CADENCE_WEEKS = 6
DEFAULT_STATE = "NW"
DEFAULT_TZ = "Europe/Berlin"
DEFAULT_SHIFT_DAYS: tuple[int, ...] = (7, -7)


class BlockReason(StrEnum):
    """Why a day cannot take a meeting; the companion words each code with its ``reason_params``."""

    PUBLIC_HOLIDAY = "public_holiday"  # params: holiday (its German name, as the holidays package gives it)
    SCHOOL_HOLIDAY = "school_holiday"
    CLOSED_DAY = "closed_day"
    CLOSURE_DAY = "closure_day"  # params: organisation (as given in attendee_orgs)
    BEFORE_FIRST = "before_first"
    ORDER = "order"
    HOST_CLOSED = "host_closed"


@dataclass(frozen=True)
class TimeBlock:
    """A weekly time block that a season offers, e.g. "vormittag" from 09:00 to 11:00."""

    key: str
    start: time
    end: time
    # The names admins give the block in the season form: data passed through, not text matching writes.
    label_de: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"time block {self.key!r} must end after it starts")

    @property
    def minutes(self) -> int:
        """Length of the block in minutes."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of calendar days, e.g. the autumn school holidays."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"date range ends ({self.last}) before it starts ({self.first})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True)
class PlannedMeeting:
    """One placed meeting of the series with its host and, if moved, why its planned date was blocked."""

    index: int
    starts_at: datetime
    ends_at: datetime
    host_organisation_id: Hashable | None
    planned_date: date
    shifted_by_days: int
    reason_code: BlockReason | None
    reason_params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shifted_from(self) -> date | None:
        """The originally planned date when the meeting was moved, else None."""
        return self.planned_date if self.shifted_by_days else None


@dataclass(frozen=True)
class UnplacedMeeting:
    """A meeting of the series that could not be placed within one week of its planned date."""

    index: int
    planned_date: date
    reason_code: BlockReason
    reason_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingPlan:
    """The placed meetings in date order and the ones that could not be placed."""

    meetings: list[PlannedMeeting]
    unplaced: list[UnplacedMeeting]


@dataclass(frozen=True)
class _Block:
    """Why a single day is not usable: the code and the data its wording needs."""

    code: BlockReason
    params: Mapping[str, Any] = field(default_factory=dict)


def meeting_start_in_block(block: TimeBlock, duration_minutes: int, offset_minutes: int = 0) -> time:
    """Start time of a meeting placed ``offset_minutes`` into a block, checked to fit inside it."""
    if duration_minutes <= 0:
        raise ValueError("meeting length must be positive")
    if offset_minutes < 0 or offset_minutes + duration_minutes > block.minutes:
        raise ValueError(
            f"a meeting of {duration_minutes} min starting {offset_minutes} min into block "
            f"{block.key!r} ({block.minutes} min) does not fit"
        )
    start = datetime.combine(date(2000, 1, 1), block.start) + timedelta(minutes=offset_minutes)
    return start.time()


def year_end_closure_days(first: date, last: date) -> list[date]:
    """The days administrations are usually closed between ``first`` and ``last``: 24.12., 31.12. and the
    working days (Monday to Friday) between Christmas and New Year (27.-30.12.; 25./26.12. are public holidays)."""
    days: list[date] = []
    for year in range(first.year, last.year + 1):
        candidates = [date(year, 12, 24), *(date(year, 12, d) for d in range(27, 31)), date(year, 12, 31)]
        days.extend(d for d in candidates if first <= d <= last and (d.weekday() < 5 or d.day in (24, 31)))
    return days


def public_holidays(state: str, years: Iterable[int]) -> dict[date, str]:
    """German public holidays of one state (e.g. "NW") with their German names."""
    if state not in holidays.Germany.subdivisions:
        raise ValueError(f"unknown German state code {state!r}; use one of {holidays.Germany.subdivisions}")
    found = holidays.country_holidays("DE", subdiv=state, years=sorted(set(years)), language="de")
    return dict(found.items())


def plan_meetings(
    first_date: date,
    slot_weekday: int,
    start_time: time,
    duration_minutes: int,
    cadence_weeks: int,
    count: int,
    *,
    state: str = DEFAULT_STATE,
    school_holidays: Sequence[DateRange | tuple[date, date]] = (),
    closure_days: Mapping[Any, Collection[date]] | None = None,
    closed_days: Collection[date] = (),
    host_orgs: Sequence[Hashable] = (),
    attendee_orgs: Iterable[Hashable] | None = None,
    tz: str = DEFAULT_TZ,
    shift_days: Sequence[int] = DEFAULT_SHIFT_DAYS,
) -> MeetingPlan:
    """Plan ``count`` meetings every ``cadence_weeks`` weeks at the slot, avoiding blocked days (see module doc)."""
    _validate(slot_weekday, duration_minutes, cadence_weeks, count, shift_days)
    zone = ZoneInfo(tz)
    closures = {org: frozenset(days) for org, days in (closure_days or {}).items()}
    attendees = list(dict.fromkeys(attendee_orgs if attendee_orgs is not None else host_orgs))
    ranges = [r if isinstance(r, DateRange) else DateRange(*r) for r in school_holidays]
    network_closed = frozenset(closed_days)

    anchor = first_date + timedelta(days=(slot_weekday - first_date.weekday()) % 7)
    last_possible = anchor + timedelta(weeks=cadence_weeks * (count - 1), days=max(shift_days, default=0))
    first_possible = anchor + timedelta(days=min(min(shift_days, default=0), 0))
    holiday_names = public_holidays(state, range(first_possible.year, last_possible.year + 1))

    def blocked(day: date) -> _Block | None:
        if day in holiday_names:
            return _Block(BlockReason.PUBLIC_HOLIDAY, {"holiday": holiday_names[day]})
        if any(day in r for r in ranges):
            return _Block(BlockReason.SCHOOL_HOLIDAY)
        if day in network_closed:
            return _Block(BlockReason.CLOSED_DAY)
        for org in attendees:
            if day in closures.get(org, ()):
                return _Block(BlockReason.CLOSURE_DAY, {"organisation": org})
        return None

    meetings: list[PlannedMeeting] = []
    unplaced: list[UnplacedMeeting] = []
    next_host = 0
    previous_day: date | None = None
    for index in range(count):
        planned = anchor + timedelta(weeks=cadence_weeks * index)
        first_reason: _Block | None = None
        placed = False
        for shift in (0, *shift_days):
            day = planned + timedelta(days=shift)
            reason: _Block | None
            if day < first_date:
                reason = _Block(BlockReason.BEFORE_FIRST)
            elif previous_day is not None and day <= previous_day:
                reason = _Block(BlockReason.ORDER)
            else:
                reason = blocked(day)
                host_offset = None
                if reason is None:
                    host_offset = _free_host_offset(host_orgs, next_host, day, closures)
                    if host_offset is None:
                        reason = _Block(BlockReason.HOST_CLOSED)
                if reason is None and host_offset is not None:
                    host = host_orgs[(next_host + host_offset) % len(host_orgs)] if host_orgs else None
                    if host_orgs:
                        next_host = (next_host + host_offset + 1) % len(host_orgs)
                    meetings.append(
                        _placed(index, planned, day, start_time, duration_minutes, zone, host, first_reason)
                    )
                    previous_day = day
                    placed = True
                    break
            first_reason = first_reason or reason
        if not placed:
            assert first_reason is not None
            unplaced.append(
                UnplacedMeeting(
                    index=index,
                    planned_date=planned,
                    reason_code=first_reason.code,
                    reason_params=first_reason.params,
                )
            )
    return MeetingPlan(meetings=meetings, unplaced=unplaced)


def _validate(
    slot_weekday: int, duration_minutes: int, cadence_weeks: int, count: int, shift_days: Sequence[int]
) -> None:
    """Reject settings that cannot describe a meeting series."""
    if not 0 <= slot_weekday <= 6:
        raise ValueError("slot weekday must be 0 (Monday) to 6 (Sunday)")
    if not MIN_CADENCE_WEEKS <= cadence_weeks <= MAX_CADENCE_WEEKS:
        raise ValueError(f"cadence must be {MIN_CADENCE_WEEKS} to {MAX_CADENCE_WEEKS} weeks, got {cadence_weeks}")
    if count < 0:
        raise ValueError("number of meetings must not be negative")
    if not 0 < duration_minutes <= 24 * 60:
        raise ValueError("meeting length must be between 1 minute and one day")
    if any(s == 0 or abs(s) > 7 for s in shift_days):
        raise ValueError("shifts must be non-zero and at most one week (7 days) either way")


def _free_host_offset(
    host_orgs: Sequence[Hashable], next_host: int, day: date, closures: Mapping[Hashable, frozenset[date]]
) -> int | None:
    """Offset from the next host in rotation to the first host open on ``day`` (0 without hosts)."""
    if not host_orgs:
        return 0
    for offset in range(len(host_orgs)):
        if day not in closures.get(host_orgs[(next_host + offset) % len(host_orgs)], ()):
            return offset
    return None


def _placed(
    index: int,
    planned: date,
    day: date,
    start_time: time,
    duration_minutes: int,
    zone: ZoneInfo,
    host: Hashable | None,
    reason: _Block | None,
) -> PlannedMeeting:
    """Build the meeting record with aware local start and an end computed in elapsed time."""
    starts_at = datetime.combine(day, start_time, tzinfo=zone)
    # Adding to the UTC instant keeps the real length if a DST change fell inside the meeting.
    ends_at = (starts_at.astimezone(UTC) + timedelta(minutes=duration_minutes)).astimezone(zone)
    shifted = (day - planned).days
    moved_because = reason if shifted and reason else None
    return PlannedMeeting(
        index=index,
        starts_at=starts_at,
        ends_at=ends_at,
        host_organisation_id=host,
        planned_date=planned,
        shifted_by_days=shifted,
        reason_code=moved_because.code if moved_because else None,
        reason_params=moved_because.params if moved_because else {},
    )
