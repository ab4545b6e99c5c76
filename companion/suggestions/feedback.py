"""Suggestions for members: the PM content, "Kontakt aufnehmen", "Passt nicht" and what came of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from companion.errors import CompanionError
from companion.messages.markdown import MarkdownSafe
from companion.messages.templates import example_values, render_message
from companion.store.models import Member, MemberPreferences, OutboxItem, Post, PrivateContact, Suggestion
from companion.store.states import InvalidTransition
from companion.store.types import utcnow
from companion.suggestions.messaging import queue_matching_pm
from companion.suggestions.states import OPEN, SUGGESTION, SuggestionStatus
from companion.suggestions.wording import explanation_text


class SuggestionNotYours(CompanionError, PermissionError):
    """A member tried to act on someone else's suggestion."""


class SuggestionWithdrawn(CompanionError):
    """The suggested colleague no longer takes part in matching, so no introduction is possible."""


def _consenting(session: Session, member_ids: set[int]) -> set[int]:
    if not member_ids:
        return set()
    return set(
        session.scalars(
            select(MemberPreferences.member_id).where(
                MemberPreferences.member_id.in_(member_ids), MemberPreferences.matching_consent.is_(True)
            )
        )
    )


def member_locale(member: Member, default: str = "de") -> str:
    """The language for messages to a member: their chosen one, their forum locale, or the default."""
    chosen = member.preferences.locale if member.preferences and member.preferences.locale else None
    locale = (chosen or member.locale or default or "de").lower()
    return "en" if locale.startswith("en") else "de"


def display_name(member: Member) -> str:
    return member.name or member.username


@dataclass(frozen=True)
class SuggestionView:
    """One suggestion as a member page shows it."""

    id: int
    run_date: date
    username: str
    name: str
    organisation: str | None
    shared_terms: list[str]
    explanation: str
    profile_url: str
    status: SuggestionStatus
    feedback_at: datetime | None


def suggestions_for(session: Session, member_id: int, forum_url: str, locale: str = "de") -> list[SuggestionView]:
    """The member's suggestions, newest run first; only what the forum shows anyway about the others.

    Colleagues who withdrew their matching consent are left out at once, in current and past suggestions.
    """
    every = session.scalars(
        select(Suggestion)
        .where(Suggestion.member_id == member_id)
        .options(selectinload(Suggestion.suggested).selectinload(Member.organisation))
        .order_by(Suggestion.run_date.desc(), Suggestion.rank)
    ).all()
    still_in = _consenting(session, {s.suggested_member_id for s in every})
    rows = [s for s in every if s.suggested_member_id in still_in]
    return [
        SuggestionView(
            id=s.id,
            run_date=s.run_date,
            username=s.suggested.username,
            name=display_name(s.suggested),
            organisation=s.suggested.organisation.name if s.suggested.organisation else None,
            shared_terms=list(s.shared_terms or []),
            explanation=explanation_text(list(s.shared_terms or []), locale),
            profile_url=f"{forum_url}/u/{s.suggested.username}",
            status=SuggestionStatus(s.status),
            feedback_at=s.feedback_at,
        )
        for s in rows
    ]


def _own(session: Session, suggestion_id: int, member_id: int) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.member_id != member_id:
        raise SuggestionNotYours("this suggestion does not belong to you")
    return suggestion


def suggestion_key(member_id: int, run_date: date) -> str:
    """The idempotency key of one member's suggestion PM for one run."""
    return f"suggestions:{member_id}:{run_date.isoformat()}"


def introduction_key(a: int, b: int) -> str:
    """One introduction per pair of members, whoever asks first."""
    low, high = sorted((a, b))
    return f"intro:{low}:{high}"


def contact(session: Session, suggestion_id: int, member_id: int, base_url: str = "") -> OutboxItem:
    """Queue one forum PM introducing both members (never twice per pair) and mark the suggestion."""
    suggestion = _own(session, suggestion_id, member_id)
    member, other = suggestion.member, suggestion.suggested
    if _consenting(session, {member.id, other.id}) != {member.id, other.id}:
        raise SuggestionWithdrawn("an introduction needs both members' consent to matching")
    locale = member_locale(member)
    shared = explanation_text(list(suggestion.shared_terms or []), locale)
    title, raw = render_message(
        session,
        "introduction",
        locale,
        {
            "first_name": display_name(member),
            "second_name": display_name(other),
            "first_organisation": member.organisation.name if member.organisation else "–",
            "second_organisation": other.organisation.name if other.organisation else "–",
            "shared": shared,
        },
    )
    item = queue_matching_pm(
        session,
        key=introduction_key(member.id, other.id),
        recipients=[member.username, other.username],
        title=title,
        raw=raw,
        concerns=(member.id, other.id),
        member_id=member.id,
    )
    # Asking again after an introduction (or after a conversation) keeps what came of it.
    if suggestion.status in (SuggestionStatus.NEW, SuggestionStatus.IGNORED):
        SUGGESTION.move(suggestion, SuggestionStatus.CONTACTED)
        suggestion.feedback_at = utcnow()
    return item


def reject(session: Session, suggestion_id: int, member_id: int) -> None:
    """Record "Passt nicht": the matching never suggests this pair again."""
    suggestion = _own(session, suggestion_id, member_id)
    SUGGESTION.move(suggestion, SuggestionStatus.REJECTED)
    suggestion.feedback_at = utcnow()


def undo_reject(session: Session, suggestion_id: int, member_id: int) -> None:
    """Take back "Passt nicht": the suggestion is current again and the pair may be suggested again."""
    suggestion = _own(session, suggestion_id, member_id)
    if suggestion.status != SuggestionStatus.REJECTED:
        # Staying put is allowed by the table, but "taking back" anything else would be a silent no-op.
        raise InvalidTransition("suggestion", suggestion.status, SuggestionStatus.NEW)
    SUGGESTION.move(suggestion, SuggestionStatus.NEW)
    suggestion.feedback_at = utcnow()


def detect_conversations(session: Session) -> int:
    """Mark suggestions "talked" when the two members later replied to each other or wrote privately."""
    open_rows = session.scalars(select(Suggestion).where(Suggestion.status.in_(OPEN))).all()
    if not open_rows:
        return 0
    members = {s.member_id for s in open_rows} | {s.suggested_member_id for s in open_rows}
    first_contact: dict[tuple[int, int], datetime] = {}

    def note(a: int | None, b: int | None, at: datetime | None) -> None:
        if a is None or b is None or at is None:
            return
        key = (min(a, b), max(a, b))
        if key not in first_contact or at < first_contact[key]:
            first_contact[key] = at

    for author, replied_to, at in session.execute(
        select(Post.member_id, Post.reply_to_member_id, Post.created_at).where(
            Post.member_id.in_(members), Post.reply_to_member_id.in_(members)
        )
    ):
        note(author, replied_to, at)
    for a, b, at in session.execute(
        select(PrivateContact.member_id, PrivateContact.other_member_id, PrivateContact.first_at).where(
            PrivateContact.member_id.in_(members)
        )
    ):
        note(a, b, at)
    changed = 0
    for suggestion in open_rows:
        key = (
            min(suggestion.member_id, suggestion.suggested_member_id),
            max(suggestion.member_id, suggestion.suggested_member_id),
        )
        talked_at = first_contact.get(key)
        if talked_at is not None and talked_at >= suggestion.created_at:
            SUGGESTION.move(suggestion, SuggestionStatus.TALKED)
            suggestion.feedback_at = talked_at
            changed += 1
    return changed


def message_values(
    member: Member, suggestions: list[Suggestion], locale: str, forum_url: str, base_url: str
) -> dict[str, Any]:
    """The values the suggestion PM template renders with."""
    return {
        "member_name": display_name(member),
        "suggestions": [
            {
                "name": display_name(s.suggested),
                "username": s.suggested.username,
                "profile_url": MarkdownSafe(f"{forum_url}/u/{quote(s.suggested.username)}"),
                "organisation": s.suggested.organisation.name if s.suggested.organisation else "–",
                "explanation": explanation_text(list(s.shared_terms or []), locale),
            }
            for s in suggestions
        ],
        "suggestions_url": MarkdownSafe(f"{base_url}/suggestions"),
        "profile_url": MarkdownSafe(f"{base_url}/profile"),
    }


def preview_values(
    session: Session, key: str, locale: str, member_id: int, forum_url: str = "", base_url: str = ""
) -> dict[str, Any]:
    """The values a template would be rendered with for a real member (their name, their latest suggestions)."""
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    if key == "suggestions":
        latest = session.scalars(
            select(Suggestion)
            .where(Suggestion.member_id == member_id)
            .order_by(Suggestion.run_date.desc(), Suggestion.rank)
            .limit(3)
        ).all()
        return message_values(member, list(latest), locale, forum_url, base_url)
    values = example_values(key)
    values.update({"member_name": display_name(member), "first_name": display_name(member)})
    return {k: values[k] for k in example_values(key)}


def render_template_for(
    session: Session, key: str, locale: str, member_id: int, forum_url: str = "", base_url: str = ""
) -> tuple[str, str]:
    """Render the template in force for a real member, as a preview for admins."""
    return render_message(session, key, locale, preview_values(session, key, locale, member_id, forum_url, base_url))
