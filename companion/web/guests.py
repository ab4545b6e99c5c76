"""Guests without a forum account: a public registration form, the confirmation link, the cancellation link."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _

from companion.circles.errors import CirclesError
from companion.meetups.guests import cancel_guest, confirm_guest, guest_by_token, register_guest
from companion.meetups.mail import MailUnavailable, send_mail
from companion.meetups.registration import seats_left
from companion.store.models import Meetup
from companion.store.types import utcnow
from companion.web import get_context
from companion.web.member import page_locale

bp = Blueprint("guests", __name__, url_prefix="/meetups")


def _when(meetup: Meetup) -> str:
    from companion.circles.common import local

    settings = get_context().settings
    return f"{local(meetup.starts_at, settings):%d.%m.%Y, %H:%M}–{local(meetup.ends_at, settings):%H:%M}"


@bp.route("/<int:meetup_id>/guest", methods=["GET", "POST"])
def register(meetup_id: int):
    """Register for a meetup with name and e-mail; a link in the e-mail confirms (double opt-in)."""
    context = get_context()
    with context.store.transaction() as session:
        meetup = session.get(Meetup, meetup_id) or abort(404)
        problem = None
        if request.method == "POST":
            if request.form.get("privacy") != "on":
                problem = _("Please agree to how we use your name and e-mail address.")
            else:
                try:
                    with session.begin_nested():
                        guest, token = register_guest(
                            session, meetup, request.form.get("name", ""), request.form.get("email", ""), now=utcnow()
                        )
                        link = context.settings.base_url.rstrip("/") + url_for("guests.manage", token=token)
                        body = _(
                            "Hello %(name)s,\n\nplease confirm your registration for “%(title)s” on %(when)s "
                            "(%(place)s) with this link:\n\n%(link)s\n\nThe same link lets you cancel. We delete your "
                            "name and address %(days)s days after the meetup.\n",
                            name=guest.name,
                            title=meetup.title,
                            when=_when(meetup),
                            place=meetup.location,
                            link=link,
                            days=context.settings.guest_retention_days,
                        )
                        send_mail(
                            context.settings,
                            guest.name,
                            guest.email,
                            _("Please confirm: %(title)s", title=meetup.title),
                            body,
                        )
                except CirclesError as error:
                    problem = error.text(page_locale())
                except MailUnavailable:
                    problem = _("We could not send the e-mail just now. Please try again later.")
                else:
                    return render_template("meetups/guest_sent.html", meetup=meetup)
        page = render_template(
            "meetups/guest_register.html",
            meetup=meetup,
            when=_when(meetup),
            seats=seats_left(session, meetup),
            problem=problem,
            form=request.form,
            retention_days=context.settings.guest_retention_days,
        )
    return page, (400 if problem else 200)


@bp.route("/guest/<token>", methods=["GET", "POST"])
def manage(token: str):
    """The link from the e-mail: a page with "confirm" and "cancel" (a click, so link previews change nothing)."""
    context = get_context()
    with context.store.transaction() as session:
        guest = guest_by_token(session, token)
        if guest is None:
            abort(404)
        meetup = session.get(Meetup, guest.meetup_id) or abort(404)
        message = None
        if request.method == "POST":
            action = request.form.get("action")
            try:
                with session.begin_nested():
                    if action == "confirm":
                        confirm_guest(session, guest, now=utcnow())
                    elif action == "cancel":
                        cancel_guest(session, guest, now=utcnow())
                    else:
                        abort(400)
            except CirclesError as error:
                message = error.text(page_locale())
        page = render_template(
            "meetups/guest_manage.html", guest=guest, meetup=meetup, when=_when(meetup), message=message
        )
    return page
