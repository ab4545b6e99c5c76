"""Circle pages: seasons, sign-up with the availability grid, my circle with RSVPs and calendar, meetups, admin."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select

from companion.circles import calendar as feeds
from companion.circles import holidays as holiday_input
from companion.circles.common import block_weekdays, local, time_blocks, zone
from companion.circles.errors import CirclesError
from companion.circles.formation import form_season, reason_text, stored_figures
from companion.circles.links import ANSWERS, calendar_url, read_rsvp_token
from companion.circles.meeting_reasons import moved_text
from companion.circles.publishing import publish_recipients, publish_season
from companion.circles.rsvp import answers_of, record_rsvp, rsvp_from_token
from companion.circles.seasons import (
    SeasonSpec,
    create_season,
    effective_closed_days,
    list_seasons,
    open_seasons,
    season_end,
    set_status,
    update_season,
)
from companion.circles.signups import (
    SignUpForm,
    form_of,
    has_circles_consent,
    sign_up,
    signup_of,
    split_topics,
    withdraw,
)
from companion.circles.states import SEASON, SEASON_MANUAL, CircleStatus, SeasonStatus
from companion.meetups import registration as meetup_service
from companion.messages.dates import weekday_name
from companion.reports import exports
from companion.store.models import Circle, CircleMember, Meeting, Meetup, Member, Organisation, Season, WaitingEntry
from companion.store.types import utcnow
from companion.web import NavLink, get_context, timeblocks
from companion.web.auth import admin_required, current_member, login_required, signed_in_member
from companion.web.security import safe_next
from matching.circles.meetings import year_end_closure_days

bp = Blueprint("circles", __name__, url_prefix="/circles")
# Calendar feeds live at /calendar/<token>.ics, outside the /circles prefix, on a blueprint registered with bp.
calendar_bp = Blueprint("circles_calendar", __name__)

NAV_LINKS = [
    NavLink("circles.index", lazy_gettext("Circles")),
    NavLink("circles.admin_index", lazy_gettext("Circle seasons"), admin=True),
]
ANSWER_LABELS = {"yes": lazy_gettext("Yes"), "maybe": lazy_gettext("Maybe"), "no": lazy_gettext("No")}
# The buttons of the manual season status changes.
STATUS_ACTIONS = {
    SeasonStatus.OPEN: lazy_gettext("Open for sign-ups"),
    SeasonStatus.DRAFT: lazy_gettext("Back to draft"),
    SeasonStatus.CLOSED: lazy_gettext("Close the season"),
}
SEASON_STATUS_LABELS = {
    SeasonStatus.DRAFT: lazy_gettext("draft"),
    SeasonStatus.OPEN: lazy_gettext("open"),
    SeasonStatus.FORMED: lazy_gettext("formed"),
    SeasonStatus.PUBLISHED: lazy_gettext("published"),
    SeasonStatus.CLOSED: lazy_gettext("closed"),
}
MODE_LABELS = {
    "either": lazy_gettext("Online or on site"),
    "online": lazy_gettext("Online only"),
    "onsite": lazy_gettext("On site only"),
}


@bp.record_once
def _register_calendar(state) -> None:
    state.app.register_blueprint(calendar_bp)


def _locale() -> str:
    return "en" if str(get_locale() or "de").startswith("en") else "de"


def _now() -> datetime:
    return utcnow()


def _today() -> date:
    return _now().astimezone(zone(get_context().settings)).date()


def _store():
    return get_context().store


def _error(error: CirclesError) -> None:
    flash(error.text(_locale()), "error")


@bp.app_template_filter("circles_local")
def circles_local(moment: datetime, pattern: str = "%d.%m.%Y %H:%M") -> str:
    """Template filter: a UTC moment as local wall-clock text."""
    return local(moment, get_context().settings).strftime(pattern)


@bp.app_template_global("circles_weekday")
def circles_weekday(index: int) -> str:
    """Template helper: a weekday name in the page language."""
    return weekday_name(index, _locale())


def _block_label(block) -> str:
    return block.label_de if _locale() == "de" else block.label_en


# --- Member pages ------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """Open seasons, my circles and upcoming meetups."""
    me = signed_in_member()
    with _store().transaction() as session:
        seasons = open_seasons(session, _today())
        signed = {s.id for s in seasons if signup_of(session, s, me) is not None}
        memberships = session.scalars(
            select(Circle)
            .join(CircleMember, CircleMember.circle_id == Circle.id)
            .where(CircleMember.member_id == me.id)
            .where(CircleMember.left_at.is_(None))
            .where(Circle.status == CircleStatus.PUBLISHED)
        ).all()
        waiting = session.scalars(select(WaitingEntry).where(WaitingEntry.member_id == me.id)).all()
        waiting_rows = [
            (session.get(Season, w.season_id).name, reason_text(w.reason, _locale()))
            for w in waiting
            if session.get(Season, w.season_id).status == SeasonStatus.PUBLISHED
        ]
        meetups = meetup_service.upcoming_meetups(session, _now())
        return render_template(
            "circles/index.html",
            seasons=seasons,
            signed=signed,
            circles=memberships,
            waiting=waiting_rows,
            meetups=meetups,
            seats={m.id: meetup_service.seats_left(session, m) for m in meetups},
        )


def _grid(season: Season) -> list[dict]:
    blocks = {entry["key"]: entry for entry in season.time_blocks}
    rows = []
    for block in time_blocks(season):
        rows.append(
            {
                "key": block.key,
                "label": _block_label(block),
                "start": block.start,
                "end": block.end,
                "weekdays": block_weekdays(blocks[block.key]),
            }
        )
    return rows


@bp.route("/seasons/<int:season_id>/signup", methods=["GET", "POST"])
@login_required
def signup(season_id: int):
    """The sign-up form with the availability grid (weekdays x the season's time blocks)."""
    me = signed_in_member()
    with _store().transaction() as session:
        season = session.get(Season, season_id) or abort(404)
        member = session.get(Member, me.id)
        existing = signup_of(session, season, member)
        form = form_of(existing, session) if existing else SignUpForm()
        if request.method == "POST":
            if request.form.get("action") == "withdraw":
                try:
                    withdraw(session, season, member, today=_today())
                    flash(_("Your sign-up was withdrawn."), "success")
                    return redirect(url_for("circles.index"))
                except CirclesError as error:
                    _error(error)
            else:
                form = _form_from_request()
                try:
                    sign_up(session, season, member, form, today=_today())
                    flash(_("Thank you! Your sign-up is saved. You can change it until the sign-up closes."), "success")
                    return redirect(url_for("circles.signup", season_id=season.id))
                except CirclesError as error:
                    _error(error)
        return render_template(
            "circles/signup.html",
            season=season,
            form=form,
            grid=(grid := _grid(season)),
            existing=existing is not None,
            days=sorted({day for row in grid for day in row["weekdays"]}),
            consent=has_circles_consent(session, member),
            modes=MODE_LABELS,
        ), (400 if request.method == "POST" else 200)


def _form_from_request() -> SignUpForm:
    availability = set()
    for value in request.form.getlist("slot"):
        weekday, _sep, block = value.partition(":")
        if weekday.isdigit():
            availability.add((int(weekday), block))
    return SignUpForm(
        # A list, as the form dataclass says: the page re-fills the field from it after a validation error.
        interests=split_topics(request.form.get("interests", "")),
        availability=availability,
        willing_to_host=request.form.get("willing_to_host") == "on",
        mode=request.form.get("mode", "either"),
        keep_apart_usernames=[n for n in request.form.get("keep_apart", "").replace(",", " ").split() if n],
    )


@bp.get("/circle/<int:circle_id>")
@login_required
def circle(circle_id: int):
    """My circle: members, dates, hosts, RSVP buttons and the calendar subscription."""
    me = signed_in_member()
    with _store().transaction() as session:
        found = session.get(Circle, circle_id)
        if found is None or found.status == CircleStatus.PREVIEW:
            abort(404)
        membership = session.get(CircleMember, (found.id, me.id))
        if not g.is_admin and (membership is None or membership.left_at is not None):
            abort(403)
        members = sorted((cm.member for cm in found.members if cm.left_at is None), key=lambda m: m.username.lower())
        meetings = []
        for meeting in found.meetings:
            host = session.get(Organisation, meeting.host_organisation_id) if meeting.host_organisation_id else None
            answers = answers_of(session, meeting)
            meetings.append(
                {
                    "meeting": meeting,
                    "host": host.name if host else None,
                    "mine": answers.get(me.id),
                    "yes": sum(1 for a in answers.values() if a == "yes"),
                    "past": meeting.ends_at <= _now(),
                }
            )
        token = feeds.current_token(session, member=session.get(Member, me.id)).token
        return render_template(
            "circles/circle.html",
            circle=found,
            season=found.season,
            members=members,
            meetings=meetings,
            answers=ANSWER_LABELS,
            feed_url=calendar_url(get_context().settings, token),
            orgs={o.id: o.name for o in session.scalars(select(Organisation))},
        )


@bp.post("/meetings/<int:meeting_id>/rsvp")
@login_required
def rsvp(meeting_id: int):
    """Record my answer from the circle page."""
    me = signed_in_member()
    with _store().transaction() as session:
        meeting = session.get(Meeting, meeting_id) or abort(404)
        try:
            record_rsvp(session, meeting, session.get(Member, me.id), request.form.get("answer", ""), now=_now())
            flash(_("Your answer is saved."), "success")
        except CirclesError as error:
            _error(error)
        return redirect(url_for("circles.circle", circle_id=meeting.circle_id))


@bp.route("/rsvp/<token>/<answer>", methods=["GET", "POST"])
def rsvp_link(token: str, answer: str):
    """A signed link from a forum message: GET shows a confirmation (link previews must not answer), POST records."""
    settings = get_context().settings
    if answer not in ANSWERS:
        abort(404)
    with _store().transaction() as session:
        try:
            meeting_id, _member_id = read_rsvp_token(settings, token)
        except CirclesError:
            abort(404)
        meeting = session.get(Meeting, meeting_id) or abort(404)
        if request.method == "POST":
            try:
                rsvp_from_token(session, settings, token, answer, now=_now(), logged_in=current_member())
                flash(_("Your answer is saved."), "success")
                return render_template(
                    "circles/rsvp_done.html",
                    meeting=meeting,
                    circle=session.get(Circle, meeting.circle_id),
                    answer=ANSWER_LABELS[answer],
                )
            except CirclesError as error:
                _error(error)
        return render_template(
            "circles/rsvp_link.html",
            meeting=meeting,
            circle=session.get(Circle, meeting.circle_id),
            answer=ANSWER_LABELS[answer],
            token=token,
            answer_key=answer,
        )


@bp.post("/calendar/<action>")
@login_required
def calendar_token(action: str):
    """Revoke or renew my calendar feed address."""
    me = signed_in_member()
    with _store().transaction() as session:
        member = session.get(Member, me.id)
        if action == "renew":
            feeds.renew_token(session, now=_now(), member=member)
            flash(_("Your calendar address was renewed; the old one no longer works."), "success")
        elif action == "revoke":
            feeds.revoke_tokens(session, now=_now(), member=member)
            flash(_("Your calendar address was revoked."), "success")
        else:
            abort(404)
    return redirect(safe_next(request.form.get("next"), fallback=url_for("circles.index")))


@calendar_bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """An ICS feed behind an unguessable token; 404 when unknown or revoked (no login needed)."""
    with _store().transaction() as session:
        settings = get_context().settings
        # A calendar app asks without the member's session: the feed itself says whose language it is in.
        locale = feeds.feed_locale(session, token, settings.default_locale)
        found = feeds.feed_meetings(session, token, locale)
        if found is None:
            abort(404)
        name, meetings = found
        body = feeds.build_ics(
            session,
            name,
            meetings,
            settings,
            generated_at=_now(),
            meetups=feeds.feed_meetups(session, token),
            locale=locale,
        )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="zirkel.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/meetups/<int:meetup_id>", methods=["GET", "POST"])
@login_required
def meetup(meetup_id: int):
    """A meetup with the seats left, my registration and waiting-list position."""
    me = signed_in_member()
    settings = get_context().settings
    with _store().transaction() as session:
        found = session.get(Meetup, meetup_id) or abort(404)
        member = session.get(Member, me.id)
        registration = meetup_service.registration_of(session, found, member)
        if request.method == "POST":
            action = request.form.get("action")
            try:
                if action == "register":
                    registration = meetup_service.register(session, found, member, now=_now())
                elif action == "cancel" and registration is not None:
                    meetup_service.cancel_registration(session, registration, now=_now(), settings=settings)
                elif action == "confirm" and registration is not None:
                    meetup_service.confirm_offer(session, registration, now=_now())
                flash(_("Saved."), "success")
                return redirect(url_for("circles.meetup", meetup_id=found.id))
            except CirclesError as error:
                _error(error)
        return render_template(
            "circles/meetup.html",
            meetup=found,
            registration=registration,
            seats=meetup_service.seats_left(session, found),
            position=meetup_service.waiting_position(session, registration) if registration else None,
        )


# --- Admin pages -------------------------------------------------------------------


@bp.get("/admin/")
@admin_required
def admin_index():
    """Seasons and meetups for admins."""
    with _store().transaction() as session:
        seasons = list_seasons(session)
        return render_template(
            "circles/admin_index.html",
            seasons=seasons,
            status_labels=SEASON_STATUS_LABELS,
            meetups=session.scalars(select(Meetup).order_by(Meetup.starts_at.desc())).all(),
        )


def _spec_from_request() -> tuple[SeasonSpec | None, list[str], dict[str, str]]:
    form = request.form
    problems = []
    try:
        values: dict[str, Any] = dict(
            name=form.get("name", ""),
            signup_opens_on=date.fromisoformat(form.get("signup_opens_on", "")),
            signup_closes_on=date.fromisoformat(form.get("signup_closes_on", "")),
            first_meeting_on=date.fromisoformat(form.get("first_meeting_on", "")),
            min_size=int(form.get("min_size", 4)),
            target_size=int(form.get("target_size", 6)),
            max_size=int(form.get("max_size", 8)),
            cadence_weeks=int(form.get("cadence_weeks", 5)),
            meetings_count=int(form.get("meetings_count", 6)),
            meeting_minutes=int(form.get("meeting_minutes", 90)),
            skip_school_holidays=form.get("skip_school_holidays") == "on",
        )
    except (ValueError, TypeError):
        problems.append(_("Please fill in every date as YYYY-MM-DD, numbers as whole numbers and the lists as JSON."))
        return None, problems, {}
    blocks, field_errors = timeblocks.blocks_from_form(form, int(values["meeting_minutes"]))
    if blocks is None:
        return None, [_("Please correct the weekly time blocks.")], field_errors
    values["time_blocks"] = blocks
    try:
        ranges = holiday_input.parse_ranges(form.get("school_holidays", ""))
        upload = request.files.get("school_holidays_ics")
        if upload is not None and upload.filename:
            ranges = sorted({tuple(r): r for r in ranges + holiday_input.ranges_from_ics(upload.read())}.values())
        extra_closed = holiday_input.parse_days(form.get("closed_days", ""))
    except CirclesError as error:
        return None, error.problems_in(_locale()), {}
    spec = SeasonSpec(**values, school_holidays=ranges)
    defaults = [d.isoformat() for d in effective_closed_days(spec)]
    if form.get("year_end_closed") == "on":
        # Only the defaults: keep None, so they follow the season's dates when those change.
        spec.closed_days = sorted(set(defaults) | set(extra_closed)) if extra_closed else None
    else:
        spec.closed_days = extra_closed
    return spec, problems, {}


def _closed_day_fields(spec: SeasonSpec | None) -> tuple[bool, str]:
    """Whether the default year-end closure days apply, and the further closure days as the form shows them."""
    if spec is None or spec.closed_days is None:
        return True, ""
    defaults = {d.isoformat() for d in year_end_closure_days(spec.first_meeting_on, season_end(spec))}
    chosen = set(spec.closed_days)
    year_end = defaults <= chosen
    extra = sorted(chosen - defaults) if year_end else sorted(chosen)
    return year_end, holiday_input.format_days([date.fromisoformat(d) for d in extra])


@bp.route("/admin/seasons/new", methods=["GET", "POST"])
@bp.route("/admin/seasons/<int:season_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_season_form(season_id: int | None = None):
    """Create or edit a season, with every validation problem shown next to the form."""
    me = signed_in_member()
    with _store().transaction() as session:
        season = session.get(Season, season_id) if season_id else None
        if season_id and season is None:
            abort(404)
        spec = SeasonSpec.from_season(season) if season else None
        problems: list[str] = []
        field_errors: dict[str, str] = {}
        if request.method == "POST":
            spec, problems, field_errors = _spec_from_request()
            if spec is not None:
                try:
                    if season is None:
                        season = create_season(session, spec, actor=me.username)
                    else:
                        update_season(session, season, spec, actor=me.username)
                    flash(_("The season is saved."), "success")
                    return redirect(url_for("circles.admin_season", season_id=season.id))
                except CirclesError as error:
                    problems = error.problems_in(_locale())
        if spec is None:
            from companion.circles.seasons import DEFAULT_TIME_BLOCKS

            stored_blocks = [dict(b) for b in DEFAULT_TIME_BLOCKS]
            holidays = ""
        else:
            stored_blocks = spec.time_blocks
            holidays = holiday_input.format_ranges(spec.school_holidays)
        blocks = json.dumps(stored_blocks, ensure_ascii=False)
        posted = request.method == "POST" and "block_count" in request.form
        block_rows = timeblocks.posted_rows(request.form) if posted else timeblocks.rows_of(stored_blocks)
        year_end_closed, closed_days = _closed_day_fields(spec)
        return render_template(
            "circles/admin_season_form.html",
            season=season,
            spec=spec,
            problems=problems,
            blocks=blocks,
            holidays=holidays,
            year_end_closed=year_end_closed,
            closed_days=closed_days,
            block_rows=block_rows,
            field_errors=field_errors,
            weekday_names=[weekday_name(index, _locale()) for index in range(7)],
        ), (400 if problems else 200)


@bp.get("/admin/seasons/<int:season_id>")
@admin_required
def admin_season(season_id: int):
    """The season with its formation preview, quality figures and the publish button."""
    with _store().transaction() as session:
        season = session.get(Season, season_id) or abort(404)
        figures = stored_figures(session, season) if season.circles else None
        waiting = [
            (session.get(Member, w.member_id), reason_text(w.reason, _locale()))
            for w in session.scalars(select(WaitingEntry).where(WaitingEntry.season_id == season.id))
        ]
        circles = sorted(season.circles, key=lambda c: c.number)
        blocks = {b.key: b for b in time_blocks(season)}
        changes = [
            s for s in STATUS_ACTIONS if s in SEASON_MANUAL and s != season.status and SEASON.can(season.status, s)
        ]
        orgs = {o.id: o.name for o in session.scalars(select(Organisation))}
        return render_template(
            "circles/admin_season.html",
            season=season,
            status_label=SEASON_STATUS_LABELS[SeasonStatus(season.status)],
            status_changes=[(s.value, STATUS_ACTIONS[s]) for s in changes],
            figures=figures,
            circles=circles,
            waiting=waiting,
            blocks=blocks,
            block_label=_block_label,
            orgs=orgs,
            move_note=lambda meeting: moved_text(meeting.move_reason, meeting.move_params, _locale(), orgs),
        )


@bp.post("/admin/seasons/<int:season_id>/<action>")
@admin_required
def admin_season_action(season_id: int, action: str):
    """Form (or re-form) the preview, publish it, or change the season's status (open a draft, close)."""
    me = signed_in_member()
    settings = get_context().settings
    with _store().transaction() as session:
        season = session.get(Season, season_id) or abort(404)
        try:
            if action == "form":
                outcome = form_season(session, season, settings, actor=me.username)
                flash(
                    _(
                        "Circles formed as a preview: %(count)s circles. Check them, then publish.",
                        count=len(outcome.formation.circles),
                    ),
                    "success",
                )
            elif action == "status":
                wanted = set_status(session, season, request.form.get("status", ""), actor=me.username)
                flash(_("The season is now %(status)s.", status=SEASON_STATUS_LABELS[wanted]), "success")
            elif action == "publish":
                if season.status == "formed" and request.form.get("confirmed") != "yes":
                    # Publishing writes to every member at once and cannot be undone: name the consequence first.
                    placed, waiting = publish_recipients(session, season)
                    return render_template(
                        "circles/admin_publish_confirm.html",
                        season=season,
                        placed=placed,
                        waiting=waiting,
                        circles=len([c for c in season.circles if c.status != "closed"]),
                    )
                report = publish_season(session, season, settings, actor=me.username)
                flash(
                    _(
                        "Published: %(queued)s forum writes queued, %(again)s were queued before and are not repeated.",
                        queued=report.queued,
                        again=report.already_queued,
                    ),
                    "success",
                )
            else:
                abort(404)
        except CirclesError as error:
            _error(error)
    return redirect(url_for("circles.admin_season", season_id=season_id))


@bp.route("/admin/meetups/new", methods=["GET", "POST"])
@admin_required
def admin_meetup_form():
    """Create a meetup with a capacity and a confirmation window for freed seats."""
    me = signed_in_member()
    problems = []
    if request.method == "POST":
        form = request.form
        try:
            tz = zone(get_context().settings)
            spec = meetup_service.MeetupSpec(
                title=form.get("title", ""),
                description=form.get("description", ""),
                location=form.get("location", ""),
                starts_at=datetime.fromisoformat(form.get("starts_at", "")).replace(tzinfo=tz),
                ends_at=datetime.fromisoformat(form.get("ends_at", "")).replace(tzinfo=tz),
                capacity=int(form.get("capacity", 24)),
                confirm_hours=int(form.get("confirm_hours", 48)),
            )
        except (ValueError, TypeError):
            problems = [_("Please fill in start and end as date and time, capacity and hours as whole numbers.")]
        else:
            with _store().transaction() as session:
                try:
                    created = meetup_service.create_meetup(session, spec, actor=me.username)
                    flash(_("The meetup is saved."), "success")
                    return redirect(url_for("circles.meetup", meetup_id=created.id))
                except CirclesError as error:
                    problems = error.problems_in(_locale())
    return render_template("circles/admin_meetup_form.html", problems=problems), (400 if problems else 200)


def _shown(value) -> str:
    """A CSV export's value as the admin page shows it, in the page's language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return str(format_datetime(value, "short"))
    if isinstance(value, date):
        return str(format_date(value, "medium"))
    return str(value)


def _roster_page(build, title: str, csv_url: str):
    """An admin list as a table; its CSV is the report's export of the same rows (one CSV, audited there)."""
    if request.args.get("format") == "csv":
        # Older links asked this page for its CSV; the one export with formula protection and audit answers now.
        return redirect(csv_url)
    with _store().session() as session:
        try:
            export = build(session)
        except exports.ExportNotFound:
            abort(404)
    rows = [[_shown(value) for value in row] for row in export.rows]
    return render_template("circles/admin_roster.html", title=title, columns=export.header, rows=rows, csv_url=csv_url)


@bp.get("/admin/seasons/<int:season_id>/signups")
@admin_required
def admin_signups(season_id: int):
    """Who signed up for the season, with a CSV download."""
    with _store().session() as session:
        season = session.get(Season, season_id) or abort(404)
        title = _("Sign-ups for %(name)s", name=season.name)
    return _roster_page(
        lambda session: exports.signups(session, season_id, _),
        title,
        url_for("admin_reports.export_signups", season_id=season_id),
    )


@bp.get("/admin/meetups/<int:meetup_id>/attendees")
@admin_required
def admin_attendees(meetup_id: int):
    """Who booked the meetup (and who waits), with a CSV download."""
    with _store().session() as session:
        found = session.get(Meetup, meetup_id) or abort(404)
        title = _("Attendees of %(title)s", title=found.title)
    return _roster_page(
        lambda session: exports.meetup_attendees(session, meetup_id, _),
        title,
        url_for("admin_reports.export_meetup", meetup_id=meetup_id),
    )
