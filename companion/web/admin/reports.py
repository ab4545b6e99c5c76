"""The report page for admins (figures, charts, PDF and CSV) and the CSV exports, each download audited."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select

from companion.audit.entries import record
from companion.reports import exports
from companion.reports.build import PeriodError, Report, build_report, parse_period
from companion.reports.rendering import render_body, render_csv, render_pdf
from companion.store.models import Meetup, Season
from companion.web import NavLink, get_context, get_store
from companion.web.admin.audit import actor
from companion.web.auth import admin_required

bp = Blueprint("admin_reports", __name__, url_prefix="/admin/report")

NAV_LINKS = [NavLink("admin_reports.index", lazy_gettext("Report"), admin=True)]


def _locale() -> str:
    return str(get_locale() or "de")


def _period() -> tuple[date, date]:
    try:
        return parse_period(request.args.get("from"), request.args.get("to"), today=date.today())
    except PeriodError as error:
        abort(Response(_("Invalid period: %(error)s", error=str(error)), status=400, mimetype="text/plain"))


def _report(start: date, end: date) -> Report:
    settings = get_context().settings
    with get_store().session() as db:
        return build_report(db, start, end, settings.report_min_group, timezone=settings.timezone)


def _download(body: str | bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@admin_required
def index():
    """The report for a period (default: this year so far), with links to its PDF, its CSV and the exports."""
    try:
        start, end = parse_period(request.args.get("from"), request.args.get("to"), today=date.today())
        error = None
    except PeriodError as problem:
        start, end = parse_period(None, None, today=date.today())
        error = str(problem)
    report = _report(start, end)
    with get_store().session() as db:
        seasons = list(db.execute(select(Season.id, Season.name).order_by(Season.signup_opens_on.desc())))
        meetups = list(db.execute(select(Meetup.id, Meetup.title, Meetup.starts_at).order_by(Meetup.starts_at.desc())))
    period = {"from": start.isoformat(), "to": end.isoformat()}
    return render_template(
        "admin/report.html",
        body=render_body(report, _locale()),
        period=period,
        error=error,
        seasons=seasons,
        meetups=meetups,
    ), (400 if error else 200)


@bp.get("/report.pdf")
@admin_required
def pdf():
    """The report as a PDF to send on (rendered from the same HTML by WeasyPrint)."""
    start, end = _period()
    body = render_pdf(_report(start, end), _locale())
    with get_store().transaction() as db:
        record(db, actor(), "reports.download.pdf", f"{start}/{end}", {"from": str(start), "to": str(end)})
    return _download(body, f"bericht-{start}-{end}.pdf", "application/pdf")


@bp.get("/report.csv")
@admin_required
def csv():
    """Every published figure of the report as CSV."""
    start, end = _period()
    locale = _locale()
    body = "\ufeff" + render_csv(_report(start, end), locale)
    with get_store().transaction() as db:
        record(db, actor(), "reports.download.csv", f"{start}/{end}", {"from": str(start), "to": str(end)})
    return _download(body, f"bericht-{start}-{end}.csv", "text/csv; charset=utf-8")


def _export(build, parameters: dict) -> Response:
    locale = _locale()
    with get_store().transaction() as db:
        try:
            export = build(db)
        except exports.ExportNotFound:
            abort(404)
        exports.record_download(db, actor(), export, parameters)
    return _download(exports.to_csv(export, locale), export.filename, "text/csv; charset=utf-8")


@bp.get("/exports/signups/<int:season_id>.csv")
@admin_required
def export_signups(season_id: int):
    """CSV of everyone signed up for a season."""
    return _export(lambda db: exports.signups(db, season_id, _), {"season": season_id})


@bp.get("/exports/rosters/<int:season_id>.csv")
@admin_required
def export_rosters(season_id: int):
    """CSV of the circles of a season and their members."""
    return _export(lambda db: exports.circle_rosters(db, season_id, _), {"season": season_id})


@bp.get("/exports/meetups/<int:meetup_id>.csv")
@admin_required
def export_meetup(meetup_id: int):
    """CSV of a meetup's participants and waiting list."""
    return _export(lambda db: exports.meetup_attendees(db, meetup_id, _), {"meetup": meetup_id})


@bp.get("/exports/suggestions.csv")
@admin_required
def export_suggestions():
    """CSV of the period's suggestions and their outcomes, pseudonymised."""
    start, end = _period()
    settings = get_context().settings
    return _export(
        lambda db: exports.suggestion_outcomes(
            db, start, end, key=settings.secret_key, k=settings.report_min_group, _=_
        ),
        {"from": str(start), "to": str(end)},
    )
