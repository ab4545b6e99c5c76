"""Admin dashboard: suggestions sent and accepted per week, who connects with whom, circle attendance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import Blueprint, render_template
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from companion.circles.states import CircleStatus, MeetingStatus
from companion.store.models import (
    Circle,
    CircleMember,
    Meeting,
    Member,
    Organisation,
    Post,
    PrivateContact,
    Rsvp,
    Suggestion,
)
from companion.store.types import utcnow
from companion.suggestions.meeting_checks import meeting_check_counts
from companion.suggestions.states import ACCEPTED
from companion.web import get_store
from companion.web.auth import admin_required
from companion.web.charts import Series, bar_chart, heatmap

bp = Blueprint("admin_dashboard", __name__, url_prefix="/admin/dashboard")

WEEKS = 12
HEATMAP_ORGANISATIONS = 12
ATTENDANCE_MONTHS = 6


def week_start(day: date) -> date:
    """The Monday of the day's ISO week."""
    return day - timedelta(days=day.weekday())


def weekly_suggestions(db, today: date, weeks: int = WEEKS) -> tuple[list[date], list[int], list[int]]:
    """Per week of the last `weeks`: suggestions sent and suggestions that led to contact."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    sent: defaultdict[date, int] = defaultdict(int)
    accepted: defaultdict[date, int] = defaultdict(int)
    rows = db.execute(
        select(Suggestion.run_date, Suggestion.status, func.count())
        .where(Suggestion.run_date >= first)
        .group_by(Suggestion.run_date, Suggestion.status)
    )
    for run_date, status, count in rows:
        week = week_start(run_date)
        sent[week] += count
        if status in ACCEPTED:
            accepted[week] += count
    return starts, [sent[w] for w in starts], [accepted[w] for w in starts]


def organisation_interactions(db, limit: int = HEATMAP_ORGANISATIONS) -> tuple[list[str], list[list[int]]]:
    """Replies and private conversations between members of each pair of organisations (symmetric)."""
    author, addressee = aliased(Member), aliased(Member)
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    replies = db.execute(
        select(author.organisation_id, addressee.organisation_id, func.count())
        .select_from(Post)
        .join(author, author.id == Post.member_id)
        .join(addressee, addressee.id == Post.reply_to_member_id)
        .where(author.organisation_id.is_not(None), addressee.organisation_id.is_not(None), author.id != addressee.id)
        .group_by(author.organisation_id, addressee.organisation_id)
    )
    contacts = db.execute(
        select(author.organisation_id, addressee.organisation_id, func.count())
        .select_from(PrivateContact)
        .join(author, author.id == PrivateContact.member_id)
        .join(addressee, addressee.id == PrivateContact.other_member_id)
        .where(author.organisation_id.is_not(None), addressee.organisation_id.is_not(None))
        .group_by(author.organisation_id, addressee.organisation_id)
    )
    for a, b, count in list(replies) + list(contacts):
        pairs[(a, b)] += count
        if a != b:
            pairs[(b, a)] += count
    totals: dict[int, int] = defaultdict(int)
    for (a, _b), count in pairs.items():
        totals[a] += count
    top = sorted(totals, key=lambda org: (-totals[org], org))[:limit]
    names = (
        dict(db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(top))).all())
        if top
        else {}
    )
    return [names.get(org, "?") for org in top], [[pairs.get((a, b), 0) for b in top] for a in top]


def circle_attendance(db, today: date, months: int = ATTENDANCE_MONTHS) -> tuple[list[str], list[int], list[int]]:
    """Per month of past meetings: seats (circle members per meeting) and members recorded as attending."""
    first = date(today.year, today.month, 1)
    for _month in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    meetings = db.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.circle_id)
        .where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at <= utcnow())
        .where(Meeting.starts_at >= utcnow() - timedelta(days=31 * months))
    ).all()
    sizes = dict(
        db.execute(
            select(CircleMember.circle_id, func.count())
            .where(CircleMember.left_at.is_(None))
            .group_by(CircleMember.circle_id)
        ).all()
    )
    attended = dict(
        db.execute(select(Rsvp.meeting_id, func.count()).where(Rsvp.attended.is_(True)).group_by(Rsvp.meeting_id)).all()
    )
    keys: list[tuple[int, int]] = []
    cursor = first
    while len(keys) < months:
        keys.append((cursor.year, cursor.month))
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    seats: defaultdict[tuple[int, int], int] = defaultdict(int)
    present: defaultdict[tuple[int, int], int] = defaultdict(int)
    for meeting_id, starts_at, circle_id in meetings:
        key = (starts_at.year, starts_at.month)
        seats[key] += sizes.get(circle_id, 0)
        present[key] += attended.get(meeting_id, 0)
    labels = [format_date(date(y, m, 1), "MMM y") for y, m in keys]
    return labels, [seats[k] for k in keys], [present[k] for k in keys]


@bp.get("/")
@admin_required
def index():
    """The dashboard page with three charts and their figures as tables."""
    today = date.today()
    with get_store().session() as db:
        weeks, sent, accepted = weekly_suggestions(db, today)
        organisations, matrix = organisation_interactions(db)
        months, seats, present = circle_attendance(db, today)
        members = db.scalar(select(func.count()).select_from(Member).where(Member.active.is_(True)))
        circles = db.scalar(select(func.count()).select_from(Circle).where(Circle.status == CircleStatus.PUBLISHED))
        meeting = meeting_check_counts(db)
    week_labels = [format_date(w, "d.M.") for w in weeks]
    charts = {
        "suggestions": bar_chart(
            _("Suggestions per week"), week_labels, [Series(_("sent"), sent), Series(_("led to contact"), accepted)]
        ),
        "heatmap": heatmap(_("Interactions between organisations"), organisations, matrix) if organisations else None,
        "attendance": bar_chart(
            _("Circle attendance per month"), months, [Series(_("seats"), seats), Series(_("attended"), present)]
        ),
    }
    return render_template(
        "admin/dashboard.html",
        charts=charts,
        weeks=list(zip(week_labels, sent, accepted)),
        organisations=organisations,
        matrix=matrix,
        months=list(zip(months, seats, present)),
        members=members,
        circles=circles,
        meeting=meeting,
        total_sent=sum(sent),
        total_accepted=sum(accepted),
    )
