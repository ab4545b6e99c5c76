"""Member pages: the start page, profile and consent, interests, organisation, data export and deletion."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext

from companion.web import NavLink
from companion.web.auth import current_member

bp = Blueprint("member", __name__)

NAV_LINKS = [
    NavLink("member.home", lazy_gettext("Start")),
]


@bp.get("/")
def home():
    """What the companion does; for a logged-in member also consent, next meeting and newest suggestions."""
    return render_template("member/home.html", member=current_member())
