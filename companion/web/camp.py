"""Camp pages: proposals and interest votes, the grid of rooms and slots, a calendar entry per session, admin steps."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from companion.camp.service import (
    CampRefused,
    CampSpec,
    create_camp,
    grid_rows,
    plan_grid,
    post_grid,
    propose_session,
    session_ics,
    toggle_vote,
    vote_counts,
)
from companion.store.models import Camp, CampSession, CampVote, Member
from companion.store.types import utcnow
from companion.web import NavLink, get_context
from companion.web.auth import admin_required, current_member, signed_in_member
from companion.web.member import page_locale

bp = Blueprint("camp", __name__, url_prefix="/camp")
NAV_LINKS = [NavLink("camp.index", lazy_gettext("Camp"))]


@bp.get("/")
def index():
    """Every camp, newest first."""
    with get_context().store.transaction() as session:
        camps = session.scalars(select(Camp).order_by(Camp.day.desc())).all()
        return render_template("camp/index.html", camps=camps)


@bp.route("/<int:camp_id>", methods=["GET", "POST"])
def camp(camp_id: int):
    """Proposals with their votes (members vote), a proposal form for members and guests, and the grid."""
    status = 200
    with get_context().store.transaction() as session:
        found = session.get(Camp, camp_id) or abort(404)
        me = current_member()
        member = session.get(Member, me.id) if me is not None else None
        if request.method == "POST":
            action = request.form.get("action", "")
            try:
                with session.begin_nested():
                    if action == "propose":
                        propose_session(
                            session,
                            found,
                            request.form.get("title", ""),
                            request.form.get("description", ""),
                            member=member,
                            guest_name=request.form.get("name", ""),
                        )
                        flash(_("Thank you, your session is on the list."), "success")
                    elif action == "vote" and member is not None:
                        row = session.get(CampSession, int(request.form.get("session_id", "0") or 0))
                        if row is None or row.camp_id != found.id:
                            abort(404)
                        toggle_vote(session, row, member)
                    else:
                        abort(400 if member is not None else 403)
            except CampRefused as error:
                flash(error.text(page_locale()), "error")
                status = 400
            else:
                return redirect(url_for("camp.camp", camp_id=found.id))
        counts = vote_counts(session, found)
        mine = (
            set(session.scalars(select(CampVote.session_id).where(CampVote.member_id == member.id)))
            if member is not None
            else set()
        )
        page = render_template(
            "camp/camp.html",
            camp=found,
            proposals=sorted(found.sessions, key=lambda s: (-counts.get(s.id, 0), s.id)),
            counts=counts,
            mine=mine,
            member=member,
            rows=grid_rows(found) if found.status != "open" else [],
        )
    return page, status


@bp.get("/sessions/<int:session_id>.ics")
def session_calendar(session_id: int):
    """A session of the camp as a calendar entry (public, like the grid)."""
    context = get_context()
    with context.store.transaction() as session:
        row = session.get(CampSession, session_id) or abort(404)
        found = session.get(Camp, row.camp_id) or abort(404)
        if row.slot is None:
            abort(404)
        body = session_ics(found, row, context.settings, generated_at=utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="camp-session-{session_id}.ics"'
    return response


@bp.route("/admin/new", methods=["GET", "POST"])
@admin_required
def admin_new():
    """Create a camp: name, day, place, rooms with capacity and time slots."""
    problem = None
    if request.method == "POST":
        try:
            day = date.fromisoformat(request.form.get("day", ""))
        except ValueError:
            problem = _("Please give the day of the camp.")
        else:
            spec = CampSpec(
                name=request.form.get("name", ""),
                day=day,
                location=request.form.get("location", ""),
                rooms=request.form.get("rooms", ""),
                slots=request.form.get("slots", ""),
            )
            with get_context().store.transaction() as session:
                try:
                    with session.begin_nested():
                        created = create_camp(session, spec, actor=signed_in_member().username)
                except CampRefused as error:
                    problem = error.text(page_locale())
                else:
                    return redirect(url_for("camp.camp", camp_id=created.id))
    return render_template("camp/admin_new.html", problem=problem, form=request.form), (400 if problem else 200)


@bp.post("/<int:camp_id>/admin/<action>")
@admin_required
def admin_action(camp_id: int, action: str):
    """Build the grid from the votes, or post it to the forum once."""
    context = get_context()
    with context.store.transaction() as session:
        found = session.get(Camp, camp_id) or abort(404)
        actor = signed_in_member().username
        try:
            with session.begin_nested():
                if action == "plan":
                    conflicts, left_out = plan_grid(session, found, actor=actor)
                    flash(
                        _(
                            "The grid is built: %(conflicts)s clashes, %(left)s sessions without a slot.",
                            conflicts=conflicts,
                            left=len(left_out),
                        ),
                        "success",
                    )
                elif action == "post":
                    created = post_grid(session, found, context.settings, actor=actor)
                    flash(
                        _("The grid is queued for the forum.") if created else _("The grid was posted before."),
                        "success",
                    )
                else:
                    abort(404)
        except CampRefused as error:
            flash(error.text(page_locale()), "error")
    return redirect(url_for("camp.camp", camp_id=camp_id))


@bp.app_template_global("camp_is_admin")
def camp_is_admin() -> bool:
    """Whether the viewer may run the admin steps."""
    return bool(getattr(g, "is_admin", False))
