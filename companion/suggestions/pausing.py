"""A member who let three suggestion messages in a row pass is paused, told so kindly, and can resume in one click."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.members.consent import set_cadence
from companion.messages.gettext import text_in
from companion.messages.markdown import escape_markdown
from companion.store.models import Member, MemberPreferences, Suggestion
from companion.suggestions.messaging import queue_matching_pm
from companion.suggestions.states import SuggestionStatus

IGNORED_RUNS_BEFORE_PAUSE = 3
PAUSED_FOR_IGNORING = "ignored"


def pause_note(locale: str, name: str, url: str) -> tuple[str, str]:
    """Title and body of the kind note telling a member their suggestions are paused, in the member's language."""
    paragraphs = [
        text_in(locale, "Hello %(name)s,", name=escape_markdown(name)),
        text_in(
            locale,
            "nothing came of your last three suggestions – that is perfectly fine. "
            "To keep your inbox quiet we send you no new suggestions for now.",
        ),
        text_in(locale, "If you would like them again, one click is enough: %(url)s", url=url),
    ]
    return text_in(locale, "Suggestions paused"), "\n\n".join(paragraphs)


def pause_unresponsive(session: Session, base_url: str = "", default_locale: str = "de") -> list[int]:
    """Pause members whose last three suggestion runs were all ignored; queue one friendly note each."""
    from companion.suggestions.feedback import display_name, member_locale

    paused = []
    consenting = session.scalars(
        select(MemberPreferences).where(
            MemberPreferences.matching_consent.is_(True), MemberPreferences.cadence != "paused"
        )
    )
    for preferences in consenting:
        query = select(Suggestion).where(Suggestion.member_id == preferences.member_id)
        if preferences.resumed_on is not None:
            # Only runs after the member resumed count, so resuming starts afresh.
            query = query.where(Suggestion.run_date > preferences.resumed_on)
        rows = session.scalars(query.order_by(Suggestion.run_date.desc())).all()
        runs = sorted({row.run_date for row in rows}, reverse=True)[:IGNORED_RUNS_BEFORE_PAUSE]
        if len(runs) < IGNORED_RUNS_BEFORE_PAUSE:
            continue
        recent = [row for row in rows if row.run_date in runs]
        if not all(row.status == SuggestionStatus.IGNORED for row in recent):
            continue
        member = session.get(Member, preferences.member_id)
        if member is None:
            continue
        set_cadence(session, preferences.member_id, "paused")
        preferences.paused_reason = PAUSED_FOR_IGNORING
        locale = member_locale(member, default_locale)
        title, body = pause_note(locale, display_name(member), f"{base_url}/suggestions")
        queue_matching_pm(
            session,
            key=f"pause:{member.id}:{runs[0].isoformat()}",
            recipients=[member.username],
            title=title,
            raw=body,
            concerns=[member.id],
            member_id=member.id,
        )
        paused.append(member.id)
    return paused


def resume(session: Session, member_id: int, today: date) -> None:
    """Start suggestions again (weekly) after a pause; the count of ignored runs starts afresh today."""
    set_cadence(session, member_id, "weekly")
    preferences = session.get(MemberPreferences, member_id)
    if preferences is not None:
        preferences.resumed_on = today
