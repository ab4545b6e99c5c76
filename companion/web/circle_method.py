"""Pages of the circle method: my Vorhaben and everyone's progress, the check-in before a meeting, the host's plan."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from companion.circles.errors import CirclesError
from companion.circles.method import (
    MAX_CONFIDENCE,
    MIN_CONFIDENCE,
    CheckInInput,
    ProjectInput,
    check_in_of,
    circle_progress,
    is_active_member,
    meeting_plan,
    next_step_for,
    project_of,
    save_check_in,
    save_project,
)
from companion.circles.summaries import publish_summaries
from companion.store.models import Circle, Meeting, Member, Season
from companion.store.types import utcnow
from companion.web import get_context
from companion.web.auth import admin_required, login_required, signed_in_member
from companion.web.member import page_locale

bp = Blueprint("circle_method", __name__, url_prefix="/circles")


def _circle_for_member(session: Session, circle_id: int) -> tuple[Circle, Member]:
    """The published circle and the logged-in member, who must belong to it (admins may look)."""
    circle = session.get(Circle, circle_id)
    if circle is None or circle.status == "preview":
        abort(404)
    member = session.get(Member, signed_in_member().id)
    if member is None:
        abort(403)
    if not is_active_member(session, circle, member) and not g.is_admin:
        abort(403)
    return circle, member


def _date_or_none(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw.strip() else None
    except ValueError:
        return None


@bp.route("/circle/<int:circle_id>/vorhaben", methods=["GET", "POST"])
@login_required
def projects(circle_id: int):
    """My Vorhaben (what, why, first step, by when) and every member's progress over the season."""
    store = get_context().store
    status = 200
    with store.transaction() as session:
        circle, member = _circle_for_member(session, circle_id)
        if request.method == "POST":
            entry = ProjectInput(
                what=request.form.get("what", ""),
                why=request.form.get("why", ""),
                first_step=request.form.get("first_step", ""),
                due_on=_date_or_none(request.form.get("due_on", "")),
                publish_summary=request.form.get("publish_summary") == "on",
                summary=request.form.get("summary", ""),
            )
            try:
                with session.begin_nested():
                    save_project(session, circle, member, entry)
            except CirclesError as error:
                flash(error.text(page_locale()), "error")
                status = 400
            else:
                flash(_("Your Vorhaben is saved."), "success")
                return redirect(url_for("circle_method.projects", circle_id=circle.id))
        mine = project_of(session, circle, member)
        progress = circle_progress(session, circle)
        meetings = sorted(circle.meetings, key=lambda m: m.number)
        page = render_template(
            "circles/projects.html",
            circle=circle,
            season=session.get(Season, circle.season_id),
            mine=mine,
            form=request.form if status == 400 else None,
            progress=progress,
            meetings=meetings,
            me=member,
            is_member=is_active_member(session, circle, member),
        )
    return page, status


def _meeting_for_member(session: Session, meeting_id: int) -> tuple[Meeting, Circle, Member]:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    circle, member = _circle_for_member(session, meeting.circle_id)
    return meeting, circle, member


@bp.route("/meetings/<int:meeting_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(meeting_id: int):
    """The short check-in before a meeting: done, next step, where stuck, confidence 1–5."""
    store = get_context().store
    status = 200
    with store.transaction() as session:
        meeting, circle, member = _meeting_for_member(session, meeting_id)
        if request.method == "POST":
            try:
                confidence = int(request.form.get("confidence", "0"))
            except ValueError:
                confidence = 0
            entry = CheckInInput(
                done=request.form.get("done", ""),
                next_step=request.form.get("next_step", ""),
                stuck=request.form.get("stuck", ""),
                confidence=confidence,
                wants_advice=request.form.get("wants_advice") == "on",
            )
            try:
                with session.begin_nested():
                    save_check_in(session, meeting, member, entry, now=utcnow())
            except CirclesError as error:
                flash(error.text(page_locale()), "error")
                status = 400
            else:
                flash(_("Your check-in is saved."), "success")
                return redirect(url_for("circle_method.projects", circle_id=circle.id))
        page = render_template(
            "circles/check_in.html",
            circle=circle,
            meeting=meeting,
            current=check_in_of(session, meeting, member),
            form=request.form if status == 400 else None,
            previous_step=next_step_for(session, meeting, member),
            confidences=range(MIN_CONFIDENCE, MAX_CONFIDENCE + 1),
        )
    return page, status


@bp.get("/meetings/<int:meeting_id>/plan")
@login_required
def plan(meeting_id: int):
    """The host's plan: a round of check-ins with time per member, then kollegiale Beratung."""
    with get_context().store.transaction() as session:
        meeting, circle, _member = _meeting_for_member(session, meeting_id)
        return render_template("circles/plan.html", circle=circle, meeting=meeting, plan=meeting_plan(session, meeting))


@bp.post("/admin/seasons/<int:season_id>/summaries")
@admin_required
def publish(season_id: int):
    """Post the summaries of the Vorhaben whose members opted in, once each."""
    context = get_context()
    with context.store.transaction() as session:
        season = session.get(Season, season_id) or abort(404)
        try:
            queued = publish_summaries(session, season, context.settings)
        except CirclesError as error:
            flash(error.text(page_locale()), "error")
        else:
            flash(
                ngettext("%(num)s summary queued for the forum.", "%(num)s summaries queued for the forum.", queued),
                "success",
            )
    return redirect(url_for("circles.admin_season", season_id=season_id))
