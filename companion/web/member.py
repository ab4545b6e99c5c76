"""Member pages: the start page, profile and consent, interests, organisation, data export and deletion."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select

from companion.circles.states import CircleStatus, MeetingStatus
from companion.members import consent, interests, privacy
from companion.store.models import Circle, CircleMember, Meeting, MemberPreferences, Organisation
from companion.store.types import utcnow
from companion.suggestions.feedback import suggestions_for
from companion.suggestions.states import SuggestionStatus
from companion.web import NavLink, get_context, get_store
from companion.web.auth import current_member, end_sessions, keep_this_session, login_required, signed_in_member

bp = Blueprint("member", __name__)

NAV_LINKS = [
    NavLink("member.home", lazy_gettext("Start")),
    NavLink("member.profile", lazy_gettext("My profile")),
]

CADENCE_LABELS = {
    "weekly": lazy_gettext("Weekly"),
    "biweekly": lazy_gettext("Every two weeks"),
    "monthly": lazy_gettext("Monthly"),
    "paused": lazy_gettext("Paused until a date"),
}
SOURCE_LABELS = {
    "group": lazy_gettext("your forum group"),
    "user_field": lazy_gettext("a field of your forum profile"),
    "email_domain": lazy_gettext("the domain of your e-mail address"),
}
HOME_SUGGESTIONS = 3


def page_locale() -> str:
    """The language of the current page as "de" or "en"."""
    return str(get_locale() or "de")[:2]


def _next_meeting(db, member_id: int) -> tuple[Meeting, Circle] | None:
    row = db.execute(
        select(Meeting, Circle)
        .join(Circle, Circle.id == Meeting.circle_id)
        .join(CircleMember, CircleMember.circle_id == Circle.id)
        .where(
            CircleMember.member_id == member_id,
            CircleMember.left_at.is_(None),
            Circle.status == CircleStatus.PUBLISHED,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > utcnow(),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


@bp.get("/")
def home():
    """What the companion does; for a logged-in member also consent, next meeting and newest suggestions."""
    member = current_member()
    if member is None:
        return render_template("member/home.html")
    settings = get_context().settings
    with get_store().session() as db:
        preferences = db.get(MemberPreferences, member.id)
        upcoming = _next_meeting(db, member.id)
        newest = [
            s
            for s in suggestions_for(db, member.id, settings.forum_url or "", page_locale())
            if s.status == SuggestionStatus.NEW
        ]
    return render_template(
        "member/home.html",
        preferences=preferences,
        upcoming=upcoming,
        suggestions=newest[:HOME_SUGGESTIONS],
        more_suggestions=max(len(newest) - HOME_SUGGESTIONS, 0),
    )


@bp.get("/profile")
@login_required
def profile():
    """My profile: consent, cadence, interests, organisation, my data."""
    member = signed_in_member()
    with get_store().session() as db:
        preferences = db.get(MemberPreferences, member.id)
        organisation = db.get(Organisation, member.organisation_id) if member.organisation_id else None
        inferred = interests.inferred_interests(db, member.id)
        effective = interests.effective_interests(db, member.id)
    removed = [term for term in inferred if term.lower() not in {t.lower() for t in effective}]
    return render_template(
        "member/profile.html",
        preferences=preferences,
        organisation=organisation,
        interests=effective,
        removed_interests=removed,
        privacy_text=consent.privacy_text(page_locale()),
        policy_version=consent.PRIVACY_POLICY_VERSION,
        cadences=CADENCE_LABELS,
        source_label=SOURCE_LABELS.get(member.organisation_source or ""),
        today=date.today().isoformat(),
    )


@bp.post("/profile/consent")
@login_required
def save_consent():
    """Give or withdraw consent for matching and circles (each change kept as evidence)."""
    member = signed_in_member()
    wanted = {kind: request.form.get(kind) == "yes" for kind in ("matching", "circles")}
    with get_store().transaction() as db:
        preferences = consent.preferences_of(db, member.id)
        withdrawn = False
        for kind, granted in wanted.items():
            if getattr(preferences, f"{kind}_consent") != granted:
                consent.set_consent(db, member.id, kind, granted, consent.PRIVACY_POLICY_VERSION)
                withdrawn = withdrawn or not granted
        # A withdrawal ends the member's sessions in every other browser; this one carries on.
        generation = end_sessions(db, member.id) if withdrawn else None
    if generation is not None:
        keep_this_session(member.id, generation)
    flash(_("Your consent has been saved."), "success")
    return redirect(url_for("member.profile") + "#consent")


@bp.post("/profile/cadence")
@login_required
def save_cadence():
    """Choose how often suggestions come, or pause them until a date."""
    member = signed_in_member()
    cadence = request.form.get("cadence", "")
    paused_until = None
    if cadence not in consent.CADENCES:
        flash(_("Please choose how often you want suggestions."), "error")
        return redirect(url_for("member.profile") + "#cadence")
    if cadence == "paused":
        try:
            paused_until = date.fromisoformat(request.form.get("paused_until", ""))
        except ValueError:
            flash(_("Please give the date until which suggestions pause."), "error")
            return redirect(url_for("member.profile") + "#cadence")
        if paused_until <= date.today():
            flash(_("The pause must end in the future."), "error")
            return redirect(url_for("member.profile") + "#cadence")
    with get_store().transaction() as db:
        consent.set_cadence(db, member.id, cadence, paused_until)
    flash(_("How often you get suggestions has been saved."), "success")
    return redirect(url_for("member.profile") + "#cadence")


@bp.post("/profile/interests/add")
@login_required
def add_interest():
    """Add an interest the companion did not see (or bring back a removed one)."""
    member = signed_in_member()
    try:
        with get_store().transaction() as db:
            interests.add_interest(db, member.id, request.form.get("term", ""))
    except ValueError:
        flash(_("An interest has 1 to %(max)s characters.", max=interests.MAX_TERM_LENGTH), "error")
    else:
        flash(_("The interest has been added."), "success")
    return redirect(url_for("member.profile") + "#interests")


@bp.post("/profile/interests/remove")
@login_required
def remove_interest():
    """Remove a wrong interest so matching no longer uses it."""
    member = signed_in_member()
    try:
        with get_store().transaction() as db:
            interests.remove_interest(db, member.id, request.form.get("term", ""))
    except ValueError:
        flash(_("An interest has 1 to %(max)s characters.", max=interests.MAX_TERM_LENGTH), "error")
    else:
        flash(_("The interest has been removed."), "success")
    return redirect(url_for("member.profile") + "#interests")


@bp.get("/profile/my-data.json")
@login_required
def export_data():
    """Download everything the companion stores about me as JSON."""
    member = signed_in_member()
    with get_store().session() as db:
        data = privacy.export_member_data(db, member.id)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="companion-data-{member.username}.json"'
    return response


@bp.post("/profile/delete")
@login_required
def delete_data():
    """Delete everything the companion stores about me (the forum account stays)."""
    member = signed_in_member()
    if request.form.get("confirm") != "yes":
        flash(_("Please tick the box to confirm the deletion."), "error")
        return redirect(url_for("member.profile") + "#delete")
    with get_store().transaction() as db:
        privacy.delete_member_data(db, member.id)
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("Your companion data has been deleted. Your forum account is unchanged."), "success")
    return redirect(url_for("member.home"))
