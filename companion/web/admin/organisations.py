"""Admin page for organisations: how members are mapped, the alias table and members without organisation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select

from companion.audit import entries as audit
from companion.members import organisations as service
from companion.store.models import Member, Organisation, OrganisationAlias
from companion.web import get_context, get_store
from companion.web.admin.audit import actor
from companion.web.auth import admin_required

bp = Blueprint("admin_organisations", __name__, url_prefix="/admin/organisations")

SOURCE_LABELS = {
    "group": lazy_gettext("Forum group"),
    "user_field": lazy_gettext("User field"),
    "email_domain": lazy_gettext("E-mail domain"),
}
UNMAPPED_SHOWN = 200


@bp.get("/")
@admin_required
def index():
    """The mapping configuration, every alias and the members the companion could not map."""
    with get_store().session() as db:
        config = service.mapping_config(db)
        aliases = db.execute(
            select(OrganisationAlias, Organisation)
            .join(Organisation, Organisation.id == OrganisationAlias.organisation_id)
            .order_by(Organisation.name, OrganisationAlias.kind, OrganisationAlias.value)
        ).all()
        counts = dict(db.execute(select(Member.organisation_id, func.count()).group_by(Member.organisation_id)).all())
        organisations = list(db.scalars(select(Organisation).order_by(Organisation.name)))
        unmapped_total = counts.get(None, 0)
        unmapped = list(
            db.scalars(
                select(Member)
                .where(Member.organisation_id.is_(None), Member.active.is_(True))
                .order_by(Member.username)
                .limit(UNMAPPED_SHOWN)
            )
        )
    return render_template(
        "admin/organisations.html",
        config=config,
        aliases=aliases,
        organisations=organisations,
        counts=counts,
        unmapped=unmapped,
        unmapped_total=unmapped_total,
        sources=SOURCE_LABELS,
        forum_url=get_context().settings.forum_url or "",
    )


@bp.post("/mapping")
@admin_required
def save_mapping():
    """Save which sources map members to organisations, in which order."""
    order = [source for source in request.form.getlist("order") if source]
    order = list(dict.fromkeys(order))
    try:
        with get_store().transaction() as db:
            service.save_mapping_config(
                db, actor(), order, request.form.get("user_field", ""), request.form.get("auto_create") == "yes"
            )
            audit.record(
                db,
                actor(),
                "organisations.mapping",
                "organisation_mapping",
                {
                    "order": order,
                    "user_field": request.form.get("user_field", ""),
                    "auto_create": request.form.get("auto_create") == "yes",
                },
            )
    except ValueError:
        flash(_("Please choose at least one source."), "error")
        return redirect(url_for("admin_organisations.index"))
    flash(_("The mapping was saved. Apply it to all members with “Re-assign now”."), "success")
    return redirect(url_for("admin_organisations.index"))


@bp.post("/aliases")
@admin_required
def add_alias():
    """Map a forum group, user-field value or e-mail domain to an organisation (created if new)."""
    name = request.form.get("organisation", "").strip()
    kind = request.form.get("kind", "")
    value = request.form.get("value", "").strip()
    if kind == "email_domain":
        value = value.lower().lstrip("@")
    if not name or not value or kind not in SOURCE_LABELS or len(name) > 200 or len(value) > 200:
        flash(_("Please give an organisation, a kind of mapping and a value."), "error")
        return redirect(url_for("admin_organisations.index"))
    with get_store().transaction() as db:
        existing = db.scalar(
            select(OrganisationAlias).where(OrganisationAlias.kind == kind, OrganisationAlias.value == value)
        )
        if existing is not None:
            flash(_("This value is already mapped."), "error")
            return redirect(url_for("admin_organisations.index"))
        organisation = service.ensure_organisation(db, name, kind, value)
        audit.record(db, actor(), "organisations.alias_add", organisation.name, {"kind": kind, "value": value})
    flash(_("The mapping was added."), "success")
    return redirect(url_for("admin_organisations.index"))


@bp.post("/aliases/<int:alias_id>/delete")
@admin_required
def delete_alias(alias_id: int):
    """Remove one mapping row."""
    with get_store().transaction() as db:
        alias = db.get(OrganisationAlias, alias_id)
        if alias is not None:
            audit.record(
                db,
                actor(),
                "organisations.alias_delete",
                alias.organisation.name,
                {"kind": alias.kind, "value": alias.value},
            )
            db.delete(alias)
    flash(_("The mapping was removed."), "success")
    return redirect(url_for("admin_organisations.index"))


@bp.post("/assign")
@admin_required
def assign():
    """Apply the mapping to every member now instead of waiting for the nightly run."""
    with get_store().transaction() as db:
        changed = service.assign_organisations(db)
        audit.record(db, actor(), "organisations.assign", "all members", {"changed": changed})
    flash(_("%(count)s members got a different organisation.", count=changed), "success")
    return redirect(url_for("admin_organisations.index"))
