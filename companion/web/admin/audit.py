"""Admin start page and the audit log of every admin action."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext

from companion.audit import entries as audit
from companion.web import NavLink, get_store
from companion.web.auth import admin_required, signed_in_member

bp = Blueprint("admin", __name__, url_prefix="/admin")

NAV_LINKS = [NavLink("admin.index", lazy_gettext("Administration"), admin=True)]


def actor() -> str:
    """The username recorded in the audit log for the current admin."""
    return signed_in_member().username


@bp.get("/")
@admin_required
def index():
    """Links to every admin page and the latest admin actions."""
    with get_store().session() as db:
        entries = audit.recent(db, limit=20)
    return render_template("admin/index.html", entries=entries)


@bp.get("/audit")
@admin_required
def audit_log():
    """The newest 200 admin actions: who changed what, and when."""
    with get_store().session() as db:
        entries = audit.recent(db, limit=200)
    return render_template("admin/audit.html", entries=entries)
