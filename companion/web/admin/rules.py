"""Admin page for the matching rules: help and ranges, preview before saving, versions, audit and roll-back."""

from __future__ import annotations

from datetime import date  # noqa: F401  (kept for type hints below)

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from companion.audit import entries as audit
from companion.store.models import RuleVersion
from companion.suggestions import rules as service
from companion.suggestions.planning import network_today
from companion.suggestions.rule_texts import (
    accepted_text,
    choice_label,
    problem_text,
    rule_help,
    rule_label,
    value_text,
)
from companion.web import get_context, get_store
from companion.web.admin.audit import actor
from companion.web.auth import admin_required
from matching.suggestions.rules import RULES, RULES_BY_NAME, RuleError

bp = Blueprint("admin_rules", __name__, url_prefix="/admin/rules")

HISTORY_LENGTH = 30


def form_value(spec, value) -> str:
    """A rule value as the form shows it (lists as comma-separated names)."""
    if spec.type == "names":
        return ", ".join(value or ())
    return "" if value is None else str(value)


def _page(values: dict[str, str], *, preview=None, problems=None, comment: str = "", status: int = 200):
    with get_store().session() as db:
        version, _current = service.current_rules(db)
        history = list(db.scalars(select(RuleVersion).order_by(RuleVersion.id.desc()).limit(HISTORY_LENGTH)))
        entries = audit.recent(db, limit=HISTORY_LENGTH, action_prefix="rules.")
    rows = [
        {
            "spec": spec,
            "label": rule_label(spec.name),
            "help": rule_help(spec.name),
            "accepted": accepted_text(spec),
            "value": values.get(spec.name, ""),
        }
        for spec in RULES
    ]
    return (
        render_template(
            "admin/rules.html",
            rows=rows,
            version=version,
            history=history,
            entries=entries,
            preview=preview,
            problems=problems or {},
            comment=comment,
            rule_label=rule_label,
            choice_label=choice_label,
            value_text=lambda name, value: value_text(RULES_BY_NAME.get(name), value),
        ),
        status,
    )


def _problems(error: RuleError) -> dict[str, str]:
    return {problem.rule: problem_text(problem) for problem in error.problems}


@bp.get("/")
@admin_required
def index():
    """The rules in force, each with help text and valid range."""
    with get_store().session() as db:
        _version, current = service.current_rules(db)
    values = current.to_dict()
    return _page({spec.name: form_value(spec, values.get(spec.name)) for spec in RULES})


@bp.post("/")
@admin_required
def submit():
    """Preview the entered rules, or save them as a new version when asked to."""
    # Rules missing from the form keep their current value (the service merges onto the rules in force).
    raw = {spec.name: request.form[spec.name] for spec in RULES if spec.name in request.form}
    comment = request.form.get("comment", "").strip()
    if request.form.get("action") == "save":
        try:
            with get_store().transaction() as db:
                version = service.save_rules(db, actor(), raw, comment)
                number = version.id
        except RuleError as error:
            flash(_("Nothing was saved. Please correct the marked rules."), "error")
            return _page(_with_current(raw), problems=_problems(error), comment=comment, status=400)
        flash(_("The rules were saved as version %(number)s.", number=number), "success")
        return redirect(url_for("admin_rules.index"))
    try:
        result = service.preview(get_store(), raw, network_today(get_context().settings))
    except RuleError as error:
        return _page(_with_current(raw), problems=_problems(error), comment=comment, status=400)
    return _page(_with_current(raw), preview=result, comment=comment)


def _with_current(raw: dict[str, str]) -> dict[str, str]:
    """The entered values, completed with the rules in force for fields the form did not send."""
    with get_store().session() as db:
        _version, current = service.current_rules(db)
    values = current.to_dict()
    return {spec.name: raw.get(spec.name, form_value(spec, values.get(spec.name))) for spec in RULES}


@bp.post("/rollback/<int:version_id>")
@admin_required
def rollback(version_id: int):
    """Make an earlier version current again (as a new version, so history stays intact)."""
    try:
        with get_store().transaction() as db:
            version = service.rollback(db, actor(), version_id)
            number = version.id
    except LookupError:
        abort(404)
    flash(_("Version %(old)s is in force again as version %(number)s.", old=version_id, number=number), "success")
    return redirect(url_for("admin_rules.index"))
