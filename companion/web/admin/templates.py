"""Admin page for message templates (suggestion PM, introduction, circle messages) with a live preview for a member."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from companion.messages import exchange
from companion.messages import templates as service
from companion.web import get_store
from companion.web.admin import template_preview
from companion.web.admin.audit import actor
from companion.web.admin.template_preview import FieldError, Preview
from companion.web.auth import admin_required
from companion.web.security import rate_limited

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
    preview: Preview | None = None,
    errors: dict[str, FieldError] | None = None,
    username: str = "",
    status: int = 200,
):
    return render_template(
        "admin/template_edit.html",
        key=key,
        locale=locale,
        title=title,
        body=body,
        placeholders=template_preview.placeholders(key),
        preview=preview,
        errors=errors or {},
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
    """Preview the edit for a real member, save it, or go back to the shipped default (the page without script)."""
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
            errors = {error.field: FieldError(str(error), error.detail)}
            return _edit_page(key, locale, title, body, errors=errors, username=username, status=400)
        flash(_("The template was saved."), "success")
        return redirect(url_for("admin_templates.edit", key=key, locale=locale))
    result = template_preview.preview(key, locale, title, body, username, actor())
    if result.errors:
        return _edit_page(key, locale, title, body, errors=result.errors, username=username, status=400)
    return _edit_page(key, locale, title, body, preview=result, username=result.username)


@bp.post("/<key>/<locale>/preview")
@rate_limited("previews")
@admin_required
def live_preview(key: str, locale: str):
    """The entered title and body rendered for a member, as JSON for the editor's preview while the admin types."""
    _check_key(key, locale)
    result = template_preview.preview(
        key,
        locale,
        request.form.get("title", ""),
        request.form.get("body", ""),
        request.form.get("username", "").strip(),
        actor(),
    )
    if result.errors:
        return jsonify(
            errors={name: problem.message for name, problem in result.errors.items()},
            details={name: problem.detail for name, problem in result.errors.items() if problem.detail},
        ), 400
    return jsonify(
        username=result.username,
        heading=_("Preview for %(username)s", username=result.username),
        title=result.title,
        body=result.body,
    )


@bp.get("/export.json")
@admin_required
def export_json():
    """Every template in force as one JSON file, to keep or to move to another installation."""
    with get_store().session() as db:
        data = exchange.export_templates(db)
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="vorlagen.json"'
    return response


@bp.post("/import")
@admin_required
def import_json():
    """Import a JSON export: all templates are checked first, and nothing changes when one is wrong."""
    upload = request.files.get("file")
    raw = (
        upload.read().decode("utf-8", errors="replace") if upload and upload.filename else request.form.get("json", "")
    )
    try:
        data = json.loads(raw)
    except ValueError as error:
        flash(_("The file is no valid JSON (line %(line)s).", line=getattr(error, "lineno", "?")), "error")
        return redirect(url_for("admin_templates.index"))
    try:
        with get_store().transaction() as db:
            changed = exchange.import_templates(db, actor(), data)
    except exchange.TemplateImportInvalid as error:
        for problem in error.problems:
            flash(problem, "error")
        flash(_("Nothing was imported."), "error")
        return redirect(url_for("admin_templates.index"))
    flash(ngettext("%(num)s template was imported.", "%(num)s templates were imported.", changed), "success")
    return redirect(url_for("admin_templates.index"))
