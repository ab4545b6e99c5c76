"""Check-ins by replying to a meeting's message in the forum: labelled lines in the reply become the check-in."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles.errors import CirclesError
from companion.circles.method import CheckInInput, save_check_in
from companion.store.models import CheckIn, Meeting, Member, OutboxItem

# Labels members type at the start of a line, in German or English (case and a trailing colon do not matter).
LABELS = {
    "done": ("erledigt", "geschafft", "seit dem letzten mal", "done"),
    "next_step": ("nächster schritt", "naechster schritt", "next step"),
    "stuck": ("hakt", "es hakt", "stuck"),
    "confidence": ("zuversicht", "confidence"),
    "advice": ("beratung", "advice"),
}
_LINE = re.compile(r"^\s*[-*]?\s*(?P<label>[^:]{2,30}):\s*(?P<value>.*)$")
_YES = {"ja", "yes", "j", "y", "gern", "gerne", "bitte"}
_MEETING_KEY = re.compile(r"^circles:meeting:(\d+):")


def parse_check_in(text: str) -> CheckInInput | None:
    """The check-in in a reply, or None when the reply is an ordinary message (no next step, no confidence)."""
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        label = match["label"].strip().casefold()
        for field, names in LABELS.items():
            if label in names and field not in found:
                found[field] = match["value"].strip()
    if "next_step" not in found or "confidence" not in found:
        return None
    digits = re.search(r"[1-5]", found["confidence"])
    if digits is None:
        return None
    return CheckInInput(
        done=found.get("done", ""),
        next_step=found["next_step"],
        stuck=found.get("stuck", ""),
        confidence=int(digits.group()),
        wants_advice=found.get("advice", "").casefold() in _YES,
    )


def meeting_of_topic(session: Session, topic_id: int) -> Meeting | None:
    """The meeting whose message in the forum is this topic, or None."""
    keys = session.scalars(select(OutboxItem.idempotency_key).where(OutboxItem.forum_topic_id == topic_id))
    for key in keys:
        match = _MEETING_KEY.match(key)
        if match:
            return session.get(Meeting, int(match.group(1)))
    return None


def check_in_from_reply(session: Session, topic_id: int, member: Member, raw: str, *, now: datetime) -> CheckIn | None:
    """Store the check-in a member wrote as a reply to their meeting's message; None when it is not one."""
    entry = parse_check_in(raw)
    if entry is None:
        return None
    meeting = meeting_of_topic(session, topic_id)
    if meeting is None:
        return None
    try:
        with session.begin_nested():
            return save_check_in(session, meeting, member, entry, now=now)
    except CirclesError:
        # A reply after the meeting or from someone outside the circle is an ordinary post, nothing more.
        return None
