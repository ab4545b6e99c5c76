"""My suggestions: why each colleague was suggested, "Kontakt aufnehmen", "Passt nicht" and past suggestions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from companion.store.models import MemberPreferences
from companion.store.states import InvalidTransition
from companion.suggestions import feedback as service
from companion.suggestions import meeting_checks
from companion.suggestions.meeting_checks import MeetingAnswer, UnknownMeetingCheck
from companion.suggestions.pausing import PAUSED_FOR_IGNORING
from companion.suggestions.pausing import resume as resume_suggestions
from companion.suggestions.planning import network_today
from companion.suggestions.states import SuggestionStatus
from companion.web import NavLink, get_context, get_store
from companion.web.auth import login_required, signed_in_member
from companion.web.member import page_locale

bp = Blueprint("suggestions", __name__)

NAV_LINKS = [NavLink("suggestions.index", lazy_gettext("My suggestions"))]

STATUS_LABELS = {
    SuggestionStatus.NEW: lazy_gettext("New"),
    SuggestionStatus.CONTACTED: lazy_gettext("Introduced"),
    SuggestionStatus.REJECTED: lazy_gettext("Not a fit"),
    SuggestionStatus.TALKED: lazy_gettext("You talked"),
    SuggestionStatus.IGNORED: lazy_gettext("Nothing came of it"),
}


@bp.get("/suggestions")
@login_required
def index():
    """Current suggestions with their reasons and actions, then the past ones with what came of them."""
    member = signed_in_member()
    with get_store().session() as db:
        views = service.suggestions_for(db, member.id, get_context().settings.forum_url or "", page_locale())
        preferences = db.get(MemberPreferences, member.id)
        questions = [_question(check) for check in meeting_checks.open_checks_for(db, member.id)]
    current = [view for view in views if view.status == SuggestionStatus.NEW]
    past = [view for view in views if view.status != SuggestionStatus.NEW]
    return render_template(
        "suggestions/index.html",
        current=current,
        past=past,
        status_labels=STATUS_LABELS,
        consented=bool(preferences and preferences.matching_consent),
        paused_for_ignoring=bool(preferences and preferences.paused_reason == PAUSED_FOR_IGNORING),
        questions=questions,
    )


def _question(check) -> dict:
    other = check.other
    name = service.display_name(other)
    return {
        "id": check.id,
        "token": check.token,
        "who": f"{name} ({other.organisation.name})" if other.organisation else name,
        "introduced_at": check.introduced_at,
        "status": MeetingAnswer(check.status),
    }


def _answer_from_form() -> MeetingAnswer:
    try:
        given = MeetingAnswer(request.form.get("answer", ""))
    except ValueError:
        abort(400)
    if given == MeetingAnswer.ASKED:
        abort(400)
    return given


def _thanks(given: MeetingAnswer) -> str:
    if given == MeetingAnswer.MET:
        return _("Thank you! Good to hear you were in touch.")
    return _("Thank you. Maybe there is still time – the introduction stays in your forum messages.")


@bp.post("/suggestions/met/<int:check_id>")
@login_required
def answer_met(check_id: int):
    """One click on the suggestions page: "yes, we were in touch" or "not yet"."""
    member = signed_in_member()
    given = _answer_from_form()
    try:
        with get_store().transaction() as db:
            meeting_checks.answer(db, meeting_checks.check_of_member(db, check_id, member.id), given)
    except UnknownMeetingCheck:
        abort(404)
    flash(_thanks(given), "success")
    return redirect(url_for("suggestions.index"))


@bp.route("/met/<token>", methods=["GET", "POST"])
def met(token: str):
    """The page the question PM links to: opening it records nothing (the forum fetches links), one click answers.

    Discourse fetches every link in a post to show its title (app/jobs/regular/crawl_topic_link.rb), so a link
    that answered on GET would answer for the member before they read the message.
    """
    try:
        with get_store().transaction() as db:
            check = meeting_checks.check_by_token(db, token)
            given = None
            if request.method == "POST":
                given = _answer_from_form()
                meeting_checks.answer(db, check, given)
            question = _question(check)
    except UnknownMeetingCheck:
        abort(404)
    suggested = request.args.get("answer", "")
    return render_template(
        "suggestions/met.html",
        question=question,
        given=given,
        thanks=_thanks(given) if given else None,
        suggested=suggested if suggested in (MeetingAnswer.MET, MeetingAnswer.NOT_MET) else "",
    )


def _act(change, refusals: dict[type[Exception], str], done: str):
    """Apply one member action to their suggestion: 404 when it is not theirs, a refusal or a thank-you message."""
    try:
        with get_store().transaction() as db:
            change(db)
    except service.SuggestionNotYours:
        abort(404)
    except tuple(refusals) as error:
        flash(next(text for kind, text in refusals.items() if isinstance(error, kind)), "error")
        return redirect(url_for("suggestions.index"))
    flash(done, "success")
    return redirect(url_for("suggestions.index"))


@bp.post("/suggestions/<int:suggestion_id>/contact")
@login_required
def contact(suggestion_id: int):
    """Ask the companion to introduce both members in one forum PM (sent once, by the outbox)."""
    member, base_url = signed_in_member(), get_context().settings.base_url
    return _act(
        lambda db: service.contact(db, suggestion_id, member.id, base_url),
        {
            service.SuggestionWithdrawn: _(
                "This colleague no longer takes part in the suggestions, so no introduction is sent."
            )
        },
        _("The companion will introduce you both in a forum message shortly."),
    )


@bp.post("/suggestions/<int:suggestion_id>/reject")
@login_required
def reject(suggestion_id: int):
    """Record "not a fit": this colleague is not suggested to you again."""
    member = signed_in_member()
    return _act(
        lambda db: service.reject(db, suggestion_id, member.id),
        # A conversation already happened: "not a fit" no longer applies to it.
        {InvalidTransition: _("You have already talked with this colleague; the suggestion stays as it is.")},
        _("Thank you. This colleague will not be suggested to you again."),
    )


@bp.post("/suggestions/<int:suggestion_id>/undo")
@login_required
def undo(suggestion_id: int):
    """Take back "not a fit" from the history: the colleague is a current suggestion again."""
    member = signed_in_member()
    return _act(
        lambda db: service.undo_reject(db, suggestion_id, member.id),
        {InvalidTransition: _("Only a suggestion marked “not a fit” can be taken back.")},
        _("Taken back: this colleague is one of your current suggestions again."),
    )


@bp.post("/suggestions/resume")
@login_required
def resume():
    """One click after an automatic pause: weekly suggestions again."""
    member = signed_in_member()
    with get_store().transaction() as db:
        resume_suggestions(db, member.id, network_today(get_context().settings))
    flash(_("Welcome back: you will get new suggestions again every week."), "success")
    return redirect(url_for("suggestions.index"))
