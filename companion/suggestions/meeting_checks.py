"""The "did you meet?" question: some days after an introduction both members are asked once, and answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.errors import CompanionError
from companion.messages.markdown import MarkdownSafe
from companion.messages.templates import render_message
from companion.outbox.states import OutboxStatus
from companion.store.models import MeetingCheck, Member, MemberPreferences, OutboxItem
from companion.store.states import Lifecycle, table
from companion.store.types import utcnow
from companion.suggestions.feedback import display_name, member_locale
from companion.suggestions.messaging import queue_matching_pm

INTRODUCTION_PREFIX = "intro:"


class MeetingAnswer(StrEnum):
    """Where one member's "did you meet?" question stands."""

    ASKED = "asked"
    MET = "met"
    NOT_MET = "not_met"


A = MeetingAnswer
# A member may correct an answer ("not yet" becomes "yes" after the meeting, or a mis-click is put right).
MEETING_CHECK = Lifecycle(
    "meeting check",
    MeetingAnswer,
    table({A.ASKED: (A.MET, A.NOT_MET), A.NOT_MET: (A.MET,), A.MET: (A.NOT_MET,)}),
)


class UnknownMeetingCheck(CompanionError, LookupError):
    """No question with this answer link, or it does not belong to the signed-in member."""


@dataclass(frozen=True)
class Introduction:
    """A sent introduction of two members, read from the outbox."""

    low: int
    high: int
    sent_at: datetime


def _introductions_sent_before(session: Session, cutoff: datetime) -> list[Introduction]:
    found = []
    rows = session.execute(
        select(OutboxItem.idempotency_key, OutboxItem.sent_at).where(
            OutboxItem.idempotency_key.startswith(INTRODUCTION_PREFIX),
            OutboxItem.status == OutboxStatus.SENT,
            OutboxItem.sent_at <= cutoff,
        )
    )
    for key, sent_at in rows:
        low, _, high = key.removeprefix(INTRODUCTION_PREFIX).partition(":")
        if low.isdigit() and high.isdigit() and sent_at is not None:
            found.append(Introduction(int(low), int(high), sent_at))
    return found


def _asked_pairs(session: Session) -> set[tuple[int, int]]:
    return {
        (min(a, b), max(a, b)) for a, b in session.execute(select(MeetingCheck.member_id, MeetingCheck.other_member_id))
    }


def _consenting_active(session: Session, member_ids: Iterable[int]) -> set[int]:
    ids = set(member_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Member.id)
            .join(MemberPreferences, MemberPreferences.member_id == Member.id)
            .where(Member.id.in_(ids), Member.active.is_(True), MemberPreferences.matching_consent.is_(True))
        )
    )


def answer_url(base_url: str, token: str, answer: MeetingAnswer) -> MarkdownSafe:
    """The link in the question PM; it opens the answer page, which records nothing until its button is pressed."""
    return MarkdownSafe(f"{base_url}/met/{token}?answer={answer.value}")


def ask_whether_met(session: Session, today: date, after_days: int, base_url: str = "") -> int:
    """Ask both members of every introduction sent at least after_days ago, once per pair; returns questions queued.

    after_days 0 turns the question off. Both members must still consent to matching, now and at delivery time.
    """
    if after_days <= 0:
        return 0
    cutoff = datetime.combine(today - timedelta(days=after_days), datetime.max.time()).replace(tzinfo=utcnow().tzinfo)
    asked = _asked_pairs(session)
    due = [i for i in _introductions_sent_before(session, cutoff) if (i.low, i.high) not in asked]
    eligible = _consenting_active(session, {m for i in due for m in (i.low, i.high)})
    queued = 0
    for introduction in due:
        if not {introduction.low, introduction.high} <= eligible:
            continue
        low, high = session.get(Member, introduction.low), session.get(Member, introduction.high)
        if low is None or high is None:
            continue
        for member, other in ((low, high), (high, low)):
            check = MeetingCheck(
                member_id=member.id,
                other_member_id=other.id,
                introduced_at=introduction.sent_at,
                asked_on=today,
                status=MeetingAnswer.ASKED,
            )
            session.add(check)
            session.flush()
            _queue_question(session, check, member, other, base_url)
            queued += 1
    return queued


def _queue_question(session: Session, check: MeetingCheck, member: Member, other: Member, base_url: str) -> None:
    locale = member_locale(member)
    title, raw = render_message(
        session,
        "meeting_check",
        locale,
        {
            "member_name": display_name(member),
            "other_name": display_name(other),
            "other_organisation": other.organisation.name if other.organisation else "–",
            # The companion's own wording of a date: nothing a member typed, so nothing to escape.
            "introduced_on": MarkdownSafe(format_date(check.introduced_at.date(), "long", locale=locale)),
            "met_url": answer_url(base_url, check.token, MeetingAnswer.MET),
            "not_met_url": answer_url(base_url, check.token, MeetingAnswer.NOT_MET),
        },
    )
    queue_matching_pm(
        session,
        key=f"met:{member.id}:{other.id}",
        recipients=[member.username],
        title=title,
        raw=raw,
        concerns=(member.id, other.id),
        member_id=member.id,
    )


def check_by_token(session: Session, token: str) -> MeetingCheck:
    """The question an answer link stands for; only while both members still take part in matching."""
    check = session.scalar(select(MeetingCheck).where(MeetingCheck.token == token)) if token else None
    if check is None or _consenting_active(session, {check.member_id, check.other_member_id}) != {
        check.member_id,
        check.other_member_id,
    }:
        raise UnknownMeetingCheck("no such question")
    return check


def answer(session: Session, check: MeetingCheck, given: MeetingAnswer) -> None:
    """Record (or correct) one member's answer."""
    if given == MeetingAnswer.ASKED:
        raise ValueError("an answer is met or not_met")
    MEETING_CHECK.move(check, given)
    check.answered_at = utcnow()


def open_checks_for(session: Session, member_id: int) -> list[MeetingCheck]:
    """The member's questions still waiting for an answer, while the colleague still takes part."""
    checks = session.scalars(
        select(MeetingCheck)
        .where(MeetingCheck.member_id == member_id, MeetingCheck.status == MeetingAnswer.ASKED)
        .order_by(MeetingCheck.asked_on.desc())
    ).all()
    still_in = _consenting_active(session, {c.other_member_id for c in checks} | {member_id})
    return [c for c in checks if c.other_member_id in still_in and member_id in still_in]


def check_of_member(session: Session, check_id: int, member_id: int) -> MeetingCheck:
    """One of the signed-in member's own questions."""
    check = session.get(MeetingCheck, check_id)
    if check is None or check.member_id != member_id:
        raise UnknownMeetingCheck("no such question")
    return check


@dataclass(frozen=True)
class MeetingCheckCounts:
    """The dashboard's figures: questions sent, answers given, and pairs where at least one member said they met."""

    questions: int
    answers: int
    pairs_met: int


def meeting_check_counts(session: Session) -> MeetingCheckCounts:
    """Count the questions, the answers and the pairs that met (one "yes" of the two is enough)."""
    rows = session.execute(select(MeetingCheck.member_id, MeetingCheck.other_member_id, MeetingCheck.status)).all()
    met = {(min(a, b), max(a, b)) for a, b, status in rows if status == MeetingAnswer.MET}
    answers = sum(1 for _, _, status in rows if status != MeetingAnswer.ASKED)
    return MeetingCheckCounts(questions=len(rows), answers=answers, pairs_met=len(met))
