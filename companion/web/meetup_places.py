"""Admins list external meetup places; the meetup form suggests the place whose turn it is."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from companion.meetups.places import external_places, host_organisations, save_external_places, suggest_place
from companion.web import get_context
from companion.web.auth import admin_required, signed_in_member

bp = Blueprint("meetup_places", __name__, url_prefix="/meetups")


@bp.route("/admin/places", methods=["GET", "POST"])
@admin_required
def places():
    """External places (one per line) and the host-willing organisations the rotation goes through."""
    with get_context().store.transaction() as session:
        if request.method == "POST":
            save_external_places(session, request.form.get("places", ""), actor=signed_in_member().username)
            flash(_("The places are saved."), "success")
            return redirect(url_for("meetup_places.places"))
        return render_template(
            "meetups/places.html",
            places=external_places(session),
            organisations=host_organisations(session),
            next_place=suggest_place(session),
        )


@bp.app_template_global("meetup_place_suggestion")
def meetup_place_suggestion() -> str:
    """The place whose turn it is, for the meetup form ("" without candidates)."""
    with get_context().store.transaction() as session:
        return suggest_place(session) or ""
