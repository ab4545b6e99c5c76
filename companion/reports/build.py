"""The report as published: the raw figures of a period after the k-anonymity rule, ready to render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from companion.errors import CompanionError
from companion.reports.anonymity import SMALL, Shown, group_sizes, pool_map, protect, protect_share, protect_total
from companion.reports.figures import Cell, ContactKind, RawFigures, compute, total

MAX_DAYS = 366 * 10


class PeriodError(CompanionError, ValueError):
    """The report's period is not two valid dates in order."""


def parse_period(start: str | None, end: str | None, *, today: date) -> tuple[date, date]:
    """The period from two ISO dates (YYYY-MM-DD); missing ones default to 1 January of this year and today."""
    try:
        first = date.fromisoformat(start) if start else date(today.year, 1, 1)
        last = date.fromisoformat(end) if end else today
    except ValueError:
        raise PeriodError(f"expected dates as YYYY-MM-DD, got {start!r} and {end!r}") from None
    if last < first:
        raise PeriodError(f"the period ends ({last.isoformat()}) before it starts ({first.isoformat()})")
    if (last - first).days > MAX_DAYS:
        raise PeriodError("the period may span at most ten years")
    return first, last


NOT_SHOWN = Shown(None)


@dataclass(frozen=True)
class Group:
    """An organisation as named on the report, or the pool of smaller ones (name None)."""

    key: int
    name: str | None


@dataclass
class Report:
    """Every published figure of one period; hidden figures are Shown(None)."""

    start: date
    end: date
    k: int
    generated_at: datetime
    quarters: list[str]
    members: list[tuple[str, Shown, int]] = field(default_factory=list)
    members_by_org: list[tuple[Group, Shown]] = field(default_factory=list)
    members_latest: Shown = NOT_SHOWN
    contacts: dict[ContactKind, list[Shown]] = field(default_factory=dict)
    contacts_total: dict[ContactKind, Shown] = field(default_factory=dict)
    pairs: list[tuple[Group, Group, Shown]] = field(default_factory=list)
    headline: Shown = NOT_SHOWN
    active: Shown = NOT_SHOWN
    reached: Shown = NOT_SHOWN
    trend: list[tuple[str, Shown, Shown, Shown]] = field(default_factory=list)
    headline_by_org: list[tuple[Group, Shown, Shown, Shown]] = field(default_factory=list)
    circles: list[tuple[str, int, int, Shown, Shown, Shown]] = field(default_factory=list)
    circles_total: tuple[int, int, Shown, Shown, Shown] = (0, 0, NOT_SHOWN, NOT_SHOWN, NOT_SHOWN)
    meetups: list[tuple[str, date, int, Shown, Shown, Shown]] = field(default_factory=list)
    meetups_total: tuple[Shown, Shown, Shown] = (NOT_SHOWN, NOT_SHOWN, NOT_SHOWN)
    badges: list[tuple[dict[str, str], list[Shown], Shown]] = field(default_factory=list)
    projects: list[tuple[str, Shown, Shown, Shown, Shown]] = field(default_factory=list)
    projects_total: tuple[Shown, Shown, Shown, Shown] = (NOT_SHOWN, NOT_SHOWN, NOT_SHOWN, NOT_SHOWN)
    hidden_count: int = 0
    timezone: str = "UTC"


def build_report(
    db: Session, start: date, end: date, k: int, *, now: datetime | None = None, timezone: str = "UTC"
) -> Report:
    """Compute the period's figures and publish them under the k-anonymity rule (times shown in `timezone`)."""
    now = now or datetime.now(UTC)
    report = publish(compute(db, start, end, now=now), k, now)
    report.timezone = timezone
    return report


def _groups(raw: RawFigures, k: int) -> tuple[dict[int, int], dict[int, Group], set[int]]:
    mapping = pool_map(raw.org_size, k)
    sizes = {SMALL: 0, **group_sizes(raw.org_size, k)}
    groups = {key: Group(key, None if key == SMALL else raw.organisations.get(key, "?")) for key in sizes}
    small = {key for key, size in sizes.items() if size < k}
    return mapping, groups, small


def _regroup(by_org: dict[int, Cell], mapping: dict[int, int]) -> dict[int, Cell]:
    result: dict[int, Cell] = {}
    for org, cell in by_org.items():
        group = mapping.get(org, SMALL)
        result[group] = result.get(group, Cell(0)) + cell
    return result


def _order(groups: dict[int, Group]) -> list[int]:
    # Named organisations alphabetically, the pool of smaller ones last.
    return sorted(groups, key=lambda key: (key == SMALL, (groups[key].name or "").casefold()))


def publish(raw: RawFigures, k: int, now: datetime) -> Report:
    """Apply the k-anonymity rule to raw figures."""
    report = Report(raw.start, raw.end, k, now, [q.label for q in raw.quarters])
    mapping, groups, small = _groups(raw, k)
    order = _order(groups)

    for quarter, members, orgs in zip(raw.quarters, raw.members_total, raw.organisations_total):
        report.members.append((quarter.label, protect_total(members, k), orgs))
    by_org = _regroup(raw.members_by_org, mapping)
    keys = [key for key in order if key in by_org]
    shown = protect([by_org[key] for key in keys], k, named_small=[key in small for key in keys])
    report.members_by_org = [(groups[key], value) for key, value in zip(keys, shown)]
    report.members_latest = protect_total(raw.members_total[-1], k)

    for kind in ContactKind:
        cells = raw.contacts_by_quarter[kind]
        report.contacts[kind] = protect(cells, k)
        report.contacts_total[kind] = protect_total(total(cells), k)

    pairs: dict[tuple[int, int], Cell] = {}
    for (org_a, org_b), cell in raw.contacts_by_pair.items():
        a, b = sorted((mapping.get(org_a, SMALL), mapping.get(org_b, SMALL)), key=order.index)
        pairs[(a, b)] = pairs.get((a, b), Cell(0)) + cell
    pair_keys = sorted(pairs, key=lambda pair: (order.index(pair[0]), order.index(pair[1])))
    shown = protect([pairs[p] for p in pair_keys], k, named_small=[p[0] in small or p[1] in small for p in pair_keys])
    # Published order uses only published figures: largest shown first, hidden ones by name at the end
    # (sorting hidden cells by their true value would tell how large they are).
    listed = sorted(
        zip(pair_keys, shown),
        key=lambda item: (item[1].hidden, -(item[1].value or 0), order.index(item[0][0]), order.index(item[0][1])),
    )
    report.pairs = [(groups[a], groups[b], value) for (a, b), value in listed]

    report.active = protect_total(raw.active_period, k)
    report.reached = protect_total(raw.reached_period, k)
    report.headline = protect_share(raw.reached_period, raw.active_period, k)
    for quarter, active, reached in zip(raw.quarters, raw.active, raw.reached):
        report.trend.append(
            (quarter.label, protect_total(active, k), protect_total(reached, k), protect_share(reached, active, k))
        )
    active_by = _regroup(raw.active_by_org, mapping)
    reached_by = _regroup(raw.reached_by_org, mapping)
    keys = [key for key in order if key in active_by]
    named = [key in small for key in keys]
    active_shown = protect([active_by[key] for key in keys], k, named_small=named)
    reached_shown = protect([reached_by.get(key, Cell(0)) for key in keys], k, named_small=named)
    for key, active_cell, reached_cell in zip(keys, active_shown, reached_shown):
        share = (
            NOT_SHOWN
            if active_cell.hidden or reached_cell.hidden
            else protect_share(reached_by.get(key, Cell(0)), active_by[key], k)
        )
        report.headline_by_org.append((groups[key], active_cell, reached_cell, share))

    seats, yes, came = (protect(cells, k) for cells in (raw.seats, raw.rsvp_yes, raw.attended))
    for i, quarter in enumerate(raw.quarters):
        report.circles.append((quarter.label, raw.circles_met[i], raw.meetings_held[i], seats[i], yes[i], came[i]))
    report.circles_total = (
        sum(raw.circles_met),
        sum(raw.meetings_held),
        protect_total(total(raw.seats), k),
        protect_total(total(raw.rsvp_yes), k),
        protect_total(total(raw.attended), k),
    )

    confirmed = protect([m.confirmed for m in raw.meetups], k)
    waiting = protect([m.waiting for m in raw.meetups], k)
    guests = protect([m.guests for m in raw.meetups], k)
    for meetup, c, w, g in zip(raw.meetups, confirmed, waiting, guests):
        report.meetups.append((meetup.title, meetup.day, meetup.capacity, c, w, g))
    report.meetups_total = tuple(  # type: ignore[assignment]
        protect_total(total(getattr(m, name) for m in raw.meetups), k) for name in ("confirmed", "waiting", "guests")
    )

    for badge, cells in raw.badges.items():
        report.badges.append((raw.badge_names[badge], protect(cells, k), protect_total(total(cells), k)))

    _publish_projects(raw, report, k)
    report.hidden_count = _count_hidden(report)
    return report


def _publish_projects(raw: RawFigures, report: Report, k: int) -> None:
    """Vorhaben started, members who checked in, check-ins and mean confidence, per quarter and for the period."""
    started = protect(raw.projects_started, k)
    checked_in = protect(raw.projects_checked_in, k)
    counts = protect(raw.check_ins, k)
    for i, label in enumerate(report.quarters):
        # A quarter's mean confidence is about the members who checked in: hidden whenever their count is.
        # With no check-in there is no mean either; both show as a dash.
        known = not checked_in[i].hidden and raw.check_ins[i].value > 0
        mean = Shown(raw.confidence[i].value) if known else NOT_SHOWN
        report.projects.append((label, started[i], checked_in[i], counts[i], mean))
    everyone = total(raw.projects_checked_in)
    weighted = sum(cell.value * count.value for cell, count in zip(raw.confidence, raw.check_ins))
    all_check_ins = sum(cell.value for cell in raw.check_ins)
    period_mean = Cell(weighted / all_check_ins if all_check_ins else 0.0, everyone.people)
    report.projects_total = (
        protect_total(total(raw.projects_started), k),
        protect_total(everyone, k),
        protect_total(Cell(all_check_ins, everyone.people), k),
        protect_total(period_mean, k) if all_check_ins else NOT_SHOWN,
    )


def _count_hidden(report: Report) -> int:
    values: list[Shown] = [v for _label, v, _orgs in report.members]
    values += [v for _g, v in report.members_by_org]
    values += [v for cells in report.contacts.values() for v in cells]
    values += [v for _a, _b, v in report.pairs]
    values += [v for row in report.trend for v in row[1:]]
    values += [v for row in report.headline_by_org for v in row[1:]]
    values += [v for row in report.circles for v in row[3:]]
    values += [v for row in report.meetups for v in row[3:]]
    values += [v for _n, cells, _t in report.badges for v in cells]
    # The mean confidence is hidden exactly when the count of members beside it is: counted once, there.
    values += [v for row in report.projects for v in row[1:4]] + list(report.projects_total[:3])
    # Totals and single figures count too.
    values += [report.members_latest, report.headline, report.active, report.reached]
    values += list(report.contacts_total.values()) + [t for _n, _c, t in report.badges]
    values += [v for v in report.circles_total if isinstance(v, Shown)] + list(report.meetups_total)
    return sum(1 for v in values if v.hidden)
