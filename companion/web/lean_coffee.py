"""Lean Coffee pages: the board where participants propose and vote, the facilitator's view with timeboxes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from companion.circles.errors import CirclesError
from companion.meetups import lean_coffee as service
from companion.store.models import LeanCoffeeTopic, Meetup, Member
from companion.store.types import utcnow
from companion.web import get_context
from companion.web.auth import admin_required, login_required, signed_in_member
from companion.web.member import page_locale

bp = Blueprint("lean_coffee", __name__, url_prefix="/meetups")


def _int(name: str, default: int) -> int:
    try:
        return int(request.form.get(name, default))
    except (TypeError, ValueError):
        return default


@bp.route("/<int:meetup_id>/lean-coffee", methods=["GET", "POST"])
@login_required
def board(meetup_id: int):
    """Propose topics, put and take back dots, and see the agenda ordered by votes."""
    store = get_context().store
    status = 200
    with store.transaction() as session:
        meetup = session.get(Meetup, meetup_id) or abort(404)
        settings_row = service.lean_coffee_of(session, meetup) or abort(404)
        member = session.get(Member, signed_in_member().id) or abort(403)
        if request.method == "POST":
            action = request.form.get("action", "")
            try:
                with session.begin_nested():
                    if action == "propose":
                        service.propose(session, meetup, member, request.form.get("title", ""))
                    elif action in ("vote", "unvote"):
                        topic = session.get(LeanCoffeeTopic, _int("topic_id", 0))
                        if topic is None or topic.meetup_id != meetup.id:
                            abort(404)
                        (service.vote if action == "vote" else service.unvote)(session, topic, member)
                    else:
                        abort(400)
            except CirclesError as error:
                flash(error.text(page_locale()), "error")
                status = 400
            else:
                return redirect(url_for("lean_coffee.board", meetup_id=meetup.id))
        page = render_template(
            "meetups/lean_coffee.html",
            meetup=meetup,
            settings=settings_row,
            agenda=service.agenda(session, meetup, member),
            dots_left=settings_row.dots - service.dots_used(session, meetup, member),
            participant=service.is_participant(session, meetup, member),
            current=service.current_topic(session, meetup),
        )
    return page, status


@bp.route("/<int:meetup_id>/lean-coffee/facilitate", methods=["GET", "POST"])
@admin_required
def facilitate(meetup_id: int):
    """Run the agenda: start the next topic, extend by a quick vote, keep notes, post the notes once."""
    context = get_context()
    status = 200
    with context.store.transaction() as session:
        meetup = session.get(Meetup, meetup_id) or abort(404)
        now = utcnow()
        if request.method == "POST":
            action = request.form.get("action", "")
            try:
                with session.begin_nested():
                    if action == "setup":
                        service.enable(
                            session,
                            meetup,
                            dots=_int("dots", 3),
                            timebox_minutes=_int("timebox_minutes", 8),
                            extension_minutes=_int("extension_minutes", 4),
                        )
                        flash(_("Lean Coffee settings saved."), "success")
                    elif action == "next":
                        started = service.start_next(session, meetup, now, request.form.get("notes", ""))
                        if started is None:
                            flash(_("All topics are discussed."), "success")
                    elif action == "extend":
                        extended = service.extend(
                            session, meetup, now, thumbs_up=_int("thumbs_up", 0), thumbs_down=_int("thumbs_down", 0)
                        )
                        flash(_("The timebox is extended.") if extended else _("The group moves on."), "success")
                    elif action == "finish":
                        service.finish_current(session, meetup, now, request.form.get("notes", ""))
                    elif action == "post":
                        created = service.post_notes(session, meetup, context.settings)
                        flash(
                            _("The notes are queued for the forum.") if created else _("The notes were posted before."),
                            "success",
                        )
                    else:
                        abort(400)
            except CirclesError as error:
                flash(error.text(page_locale()), "error")
                status = 400
            else:
                return redirect(url_for("lean_coffee.facilitate", meetup_id=meetup.id))
        settings_row = service.lean_coffee_of(session, meetup)
        page = render_template(
            "meetups/lean_coffee_facilitate.html",
            meetup=meetup,
            settings=settings_row,
            agenda=service.agenda(session, meetup) if settings_row else [],
            current=service.current_topic(session, meetup) if settings_row else None,
            now=now,
            is_admin=g.is_admin,
        )
    return page, status
