"""Badge pages: a member's earned badges and progress, and the admins' catalogue with re-grant decisions."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, lazy_gettext, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from companion.audit.entries import record as audit
from companion.badges import catalogue, progress
from companion.badges.errors import BadgeInvalid, BadgeNotFound
from companion.store.models import Badge, BadgeGrant, Member
from companion.web import NavLink, get_context
from companion.web.auth import admin_required, login_required, signed_in_member

bp = Blueprint("badges", __name__, url_prefix="/badges")


NAV_LINKS = [
    NavLink("badges.mine", lazy_gettext("Badges")),
    NavLink("badges.admin", lazy_gettext("Badge catalogue"), admin=True),
]

# What a rule counts, so progress reads "2 of 3 organisations" rather than "2 of 3" (plural by the target).
UNITS = {
    "distinct_other_orgs": lambda n, current: ngettext(
        "%(current)s of %(num)s organisation", "%(current)s of %(num)s organisations", n, current=current
    ),
    "circle_meetings": lambda n, current: ngettext(
        "%(current)s of %(num)s meeting", "%(current)s of %(num)s meetings", n, current=current
    ),
    "suggestions_accepted": lambda n, current: ngettext(
        "%(current)s of %(num)s conversation", "%(current)s of %(num)s conversations", n, current=current
    ),
    "hosted_for_other_orgs": lambda n, current: ngettext(
        "%(current)s of %(num)s guest from other organisations",
        "%(current)s of %(num)s guests from other organisations",
        n,
        current=current,
    ),
    "first_contact_between_orgs": lambda n, current: ngettext(
        "%(current)s of %(num)s organisation pair", "%(current)s of %(num)s organisation pairs", n, current=current
    ),
}
FIELD_LABELS = {
    "name_de": lazy_gettext("Name (German)"),
    "name_en": lazy_gettext("Name (English)"),
    "description_de": lazy_gettext("Description (German)"),
    "description_en": lazy_gettext("Description (English)"),
    "icon": lazy_gettext("Icon"),
    "badge_type": lazy_gettext("Badge type"),
    "params": lazy_gettext("Rule parameters"),
    "badge": lazy_gettext("Badge"),
}
RULE_LABELS = {
    "distinct_other_orgs": lazy_gettext("contacts with other organisations"),
    "circle_meetings": lazy_gettext("circle meetings attended"),
    "suggestions_accepted": lazy_gettext("suggestions that led to a conversation"),
    "hosted_for_other_orgs": lazy_gettext("hosted members of other organisations"),
    "first_contact_between_orgs": lazy_gettext("first contact between two organisations"),
}
BADGE_TYPE_LABELS = {
    "gold": lazy_gettext("Gold"),
    "silver": lazy_gettext("Silver"),
    "bronze": lazy_gettext("Bronze"),
}


# Labels of the rule parameters and interaction kinds the admin form shows instead of JSON.
PARAM_LABELS = {
    "min_orgs": lazy_gettext("Other organisations needed"),
    "min_meetings": lazy_gettext("Circle meetings needed"),
    "min_accepted": lazy_gettext("Accepted suggestions needed"),
    "min_guests": lazy_gettext("Guests from other organisations needed"),
    "kinds": lazy_gettext("What counts"),
}
KIND_LABELS = {
    "reply": lazy_gettext("Replies"),
    "like": lazy_gettext("Likes"),
    "pm": lazy_gettext("Private messages"),
    "meeting_attended": lazy_gettext("Taking part in a circle meeting"),
    "meeting_hosted": lazy_gettext("Hosting a circle meeting"),
    "suggestion_accepted": lazy_gettext("Accepted suggestions"),
}


def _rule_params() -> dict[str, Any]:
    from matching.badges.rules import RULES

    return RULES


def params_from_fields(form, rule: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The rule parameters from the form's fields (one per parameter), with an error per field."""
    params: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, param in _rule_params().get(rule, {}).items():
        field = f"param-{name}"
        if param.kinds is not None:
            chosen = [kind for kind in form.getlist(field) if kind in param.kinds]
            if not chosen:
                errors[f"params.{name}"] = _("Please choose at least one.")
            params[name] = chosen
            continue
        raw = form.get(field, "").strip()
        try:
            value = int(raw)
        except ValueError:
            errors[f"params.{name}"] = _("Please enter a whole number.")
            continue
        if param.minimum is not None and value < param.minimum:
            errors[f"params.{name}"] = _("Please enter at least %(minimum)s.", minimum=param.minimum)
            continue
        params[name] = value
    return params, errors


def localized(badge: Badge, field: str) -> str:
    """A badge's name or description in the page language (German when the English one is empty)."""
    if str(get_locale() or "de").startswith("en"):
        return getattr(badge, f"{field}_en") or getattr(badge, f"{field}_de")
    return getattr(badge, f"{field}_de") or getattr(badge, f"{field}_en")


@bp.app_template_global("badge_text")
def badge_text(badge: Badge, field: str) -> str:
    """Template helper: a badge's name or description in the page language."""
    return localized(badge, field)


def _actor() -> str:
    member = signed_in_member()
    return member.username if member is not None else "unknown"


@bp.get("/")
@login_required
def mine():
    """The logged-in member's earned badges and progress towards the others."""
    context = get_context()
    member = signed_in_member()
    with context.store.transaction() as session:
        catalogue.seed_defaults(session)
        statuses = progress.member_badges(session, member.id, forum_url=context.settings.forum_url)
        earned = [s for s in statuses if s.earned]
        open_badges = [s for s in statuses if not s.earned]
        return render_template(
            "badges/mine.html", earned=earned, open_badges=open_badges, units=UNITS, type_labels=BADGE_TYPE_LABELS
        )


def _revoked_grants(session) -> list[tuple[BadgeGrant, Member, Badge]]:
    rows = session.execute(
        select(BadgeGrant, Member, Badge)
        .join(Member, Member.id == BadgeGrant.member_id)
        .join(Badge, Badge.id == BadgeGrant.badge_id)
        .where(BadgeGrant.revoked_at.is_not(None))
        .order_by(BadgeGrant.revoked_at.desc())
        .limit(200)
    )
    return [tuple(row) for row in rows]


def _render_admin(
    session, *, errors: dict[str, dict[str, str]] | None = None, values: dict[str, Any] | None = None, status: int = 200
):
    page = render_template(
        "badges/admin.html",
        badges=catalogue.all_badges(session),
        revoked=_revoked_grants(session),
        badge_types=catalogue.BADGE_TYPES,
        type_labels=BADGE_TYPE_LABELS,
        errors=errors or {},
        values=values or {},
        field_labels=FIELD_LABELS,
        rule_labels=RULE_LABELS,
        rule_params=_rule_params(),
        param_labels=PARAM_LABELS,
        kind_labels=KIND_LABELS,
    )
    return page, status


@bp.get("/admin")
@admin_required
def admin():
    """The badge catalogue for admins: edit, enable or disable badges, and allow re-grants of revoked ones."""
    with get_context().store.transaction() as session:
        catalogue.seed_defaults(session)
        return _render_admin(session)


def _form_changes(form, rule: str) -> tuple[dict[str, Any], dict[str, str]]:
    changes: dict[str, Any] = {
        "name_de": form.get("name_de", ""),
        "name_en": form.get("name_en", ""),
        "description_de": form.get("description_de", ""),
        "description_en": form.get("description_en", ""),
        "icon": form.get("icon", ""),
        "badge_type": form.get("badge_type", ""),
        "multiple_grant": form.get("multiple_grant") == "on",
    }
    errors: dict[str, str] = {}
    raw_params = form.get("params", "").strip()
    if raw_params and raw_params != form.get("params_exported", "").strip():
        # The JSON box was edited: an import, which replaces the fields.
        try:
            changes["params"] = json.loads(raw_params)
        except json.JSONDecodeError as error:
            errors["params"] = _("The parameters are not valid JSON: %(error)s", error=error.msg)
        return changes, errors
    changes["params"], errors = params_from_fields(form, rule)
    return changes, errors


@bp.post("/admin/<badge_key>")
@admin_required
def edit(badge_key: str):
    """Save an admin's changes to one badge after validating them with the rule's checks."""
    with get_context().store.transaction() as session:
        try:
            badge = catalogue.get_badge(session, badge_key)
        except BadgeNotFound:
            abort(404)
        changes, errors = _form_changes(request.form, badge.rule)
        values = {badge_key: {**dict(request.form), "__chosen__": request.form.to_dict(flat=False)}}
        if errors:
            session.rollback()
            return _render_admin(session, errors={badge_key: errors}, values=values, status=422)
        try:
            changed = catalogue.update_badge(session, badge_key, changes)
        except BadgeInvalid as error:
            session.rollback()
            return _render_admin(session, errors={badge_key: error.errors}, values=values, status=422)
        if changed:
            audit(
                session,
                _actor(),
                "badge.edit",
                f"badge:{badge_key}",
                {name: {"before": before, "after": after} for name, (before, after) in changed.items()},
            )
    flash(_("The badge was saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("badges.admin") + f"#badge-{badge_key}")


@bp.post("/admin/<badge_key>/enabled")
@admin_required
def toggle(badge_key: str):
    """Enable or disable one badge."""
    enabled = request.form.get("enabled") == "1"
    with get_context().store.transaction() as session:
        try:
            changed = catalogue.set_enabled(session, badge_key, enabled)
        except BadgeNotFound:
            abort(404)
        if changed:
            audit(
                session,
                _actor(),
                "badge.enable" if enabled else "badge.disable",
                f"badge:{badge_key}",
                {"enabled": enabled},
            )
    flash(_("The badge is enabled.") if enabled else _("The badge is disabled."), "success")
    return redirect(url_for("badges.admin") + f"#badge-{badge_key}")


@bp.post("/admin/regrant")
@admin_required
def regrant():
    """Allow a badge that was revoked in the forum to be granted to the member again."""
    badge_key = request.form.get("badge_key", "")
    try:
        member_id = int(request.form.get("member_id", ""))
    except ValueError:
        abort(400)
    with get_context().store.transaction() as session:
        member = session.get(Member, member_id)
        if member is None:
            abort(404)
        try:
            changed = catalogue.allow_regrant(session, member_id, badge_key)
        except BadgeNotFound:
            abort(404)
        if changed:
            audit(session, _actor(), "badge.allow_regrant", f"member:{member.username}", {"badge": badge_key})
    if changed:
        flash(_("The badge may be granted again with the next nightly run."), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("badges.admin") + "#revoked")
