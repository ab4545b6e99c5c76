"""Admin page for message templates (suggestion PM, introduction, circle messages) with a preview for a real member."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from companion.messages import templates as service
from companion.store.models import Member
from companion.suggestions.feedback import render_template_for
from companion.web import get_context, get_store
from companion.web.admin.audit import actor
from companion.web.auth import admin_required

bp = Blueprint("admin_templates", __name__, url_prefix="/admin/templates")


def _check_key(key: str, locale: str) -> None:
    if key not in service.TEMPLATE_KEYS or locale not in service.LOCALES:
        abort(404)


@bp.get("/")
@admin_required
def index():
    """Every template key in German and English."""
    with get_store().session() as db:
        sources = {
            (key, locale): service.get_template(db, key, locale)
            for key in service.TEMPLATE_KEYS
            for locale in service.LOCALES
        }
    return render_template(
        "admin/templates_index.html", keys=service.TEMPLATE_KEYS, locales=service.LOCALES, sources=sources
    )


def _edit_page(
    key: str,
    locale: str,
    title: str,
    body: str,
    *,
    preview=None,
    error: str | None = None,
    username: str = "",
    status: int = 200,
):
    variables = service.DEFAULTS[key].variables
    return render_template(
        "admin/template_edit.html",
        key=key,
        locale=locale,
        title=title,
        body=body,
        variables=variables,
        preview=preview,
        error=error,
        username=username,
    ), status


@bp.get("/<key>/<locale>")
@admin_required
def edit(key: str, locale: str):
    """Edit one template."""
    _check_key(key, locale)
    with get_store().session() as db:
        title, body = service.get_template(db, key, locale)
    return _edit_page(key, locale, title, body)


@bp.post("/<key>/<locale>")
@admin_required
def submit(key: str, locale: str):
    """Preview the edit for a real member, save it, or go back to the shipped default."""
    _check_key(key, locale)
    title = request.form.get("title", "")
    body = request.form.get("body", "")
    action = request.form.get("action", "preview")
    username = request.form.get("username", "").strip()
    if action == "reset":
        with get_store().transaction() as db:
            service.reset_template(db, actor(), key, locale)
        flash(_("The template is back to the shipped default."), "success")
        return redirect(url_for("admin_templates.edit", key=key, locale=locale))
    if action == "save":
        try:
            with get_store().transaction() as db:
                service.save_template(db, actor(), key, locale, title, body)
        except service.TemplateInvalid as error:
            return _edit_page(key, locale, title, body, error=str(error), username=username, status=400)
        flash(_("The template was saved."), "success")
        return redirect(url_for("admin_templates.edit", key=key, locale=locale))
    settings = get_context().settings
    with get_store().session() as db:
        member_id = db.scalar(select(Member.id).where(Member.username == (username or actor())))
        if member_id is None:
            return _edit_page(
                key,
                locale,
                title,
                body,
                error=_("There is no member with this username."),
                username=username,
                status=400,
            )
        try:
            # Preview the text as entered, not as saved: render the entered source with the member's values.
            preview = _render_entered(db, key, locale, member_id, title, body, settings)
        except service.TemplateInvalid as error:
            return _edit_page(key, locale, title, body, error=str(error), username=username, status=400)
    return _edit_page(key, locale, title, body, preview=preview, username=username or actor())


def _render_entered(db, key, locale, member_id, title, body, settings) -> tuple[str, str]:
    """Render the entered source for a member by temporarily substituting it (rolled back afterwards)."""
    from companion.store.models import MessageTemplate

    nested = db.begin_nested()
    try:
        existing = db.get(MessageTemplate, (key, locale))
        if existing is None:
            db.add(MessageTemplate(key=key, locale=locale, title=title, body=body, updated_by="preview"))
        else:
            existing.title, existing.body = title, body
        db.flush()
        return render_template_for(db, key, locale, member_id, settings.forum_url or "", settings.base_url)
    finally:
        nested.rollback()
