"""Member sign-ups for a season: interests, weekly availability, hosting, online/on-site and keep-apart wishes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from companion.circles.common import season_slots, unique
from companion.circles.errors import SignUpRefused
from companion.circles.states import SIGNUP_OPEN
from companion.messages.dates import Day
from companion.store.models import (
    Member,
    MemberPreferences,
    Season,
    SignUp,
    SignUpAvailability,
    SignUpInterest,
    SignUpKeepApart,
)

MAX_INTERESTS = 20
MAX_KEEP_APART = 20
MODES = ("either", "online", "onsite")


@dataclass
class SignUpForm:
    """What a member enters when signing up."""

    # A list of terms, or the text of the sign-up form (split at commas, semicolons and new lines).
    interests: list[str] | str = field(default_factory=list)
    availability: set[tuple[int, str]] = field(default_factory=set)
    willing_to_host: bool = False
    mode: str = "either"
    keep_apart_usernames: list[str] = field(default_factory=list)


def split_topics(raw: str) -> list[str]:
    """The topics typed into one text field, as written (commas, semicolons or new lines separate them)."""
    return [" ".join(part.split()) for part in re.split(r"[,;\n]", raw) if part.strip()]


def normalise_interests(raw: list[str] | str) -> list[str]:
    """Interest terms trimmed, lower-cased, de-duplicated; a string is split at commas, semicolons and new lines."""
    items = [part for item in ([raw] if isinstance(raw, str) else raw) for part in re.split(r"[,;\n]", str(item))]
    return unique(t for t in (" ".join(str(i).split()).lower()[:100] for i in items) if t)


def has_circles_consent(session: Session, member: Member) -> bool:
    """Whether the member agreed to take part in circles."""
    preferences = session.get(MemberPreferences, member.id)
    return bool(preferences and preferences.circles_consent)


def signup_window_open(season: Season, today: date) -> bool:
    """Whether members may sign up (or change their sign-up) today."""
    return season.status in SIGNUP_OPEN and season.signup_opens_on <= today <= season.signup_closes_on


def sign_up(session: Session, season: Season, member: Member, form: SignUpForm, *, today: date) -> SignUp:
    """Store or replace the member's sign-up, refusing without consent, outside the window or with bad input."""
    if not has_circles_consent(session, member):
        raise SignUpRefused("please agree to take part in circles first (consent in your preferences)")
    if not member.active or member.suspended:
        raise SignUpRefused("only active members can sign up")
    if not signup_window_open(season, today):
        raise SignUpRefused(
            "sign-up for “%(season)s” is open from %(first)s to %(last)s only",
            season=season.name,
            first=Day(season.signup_opens_on),
            last=Day(season.signup_closes_on),
        )
    if form.mode not in MODES:
        raise SignUpRefused("choose online, on site or either")
    offered = {(slot.weekday, slot.block) for slot in season_slots(season)}
    chosen = set(form.availability)
    if not chosen:
        raise SignUpRefused("choose at least one weekly time when you can meet")
    if chosen - offered:
        raise SignUpRefused("some chosen times are not offered by this season")
    interests = normalise_interests(form.interests)
    if len(interests) > MAX_INTERESTS:
        raise SignUpRefused("name at most %(count)s topics", count=MAX_INTERESTS)
    keep_apart = _keep_apart_members(session, member, form.keep_apart_usernames)

    signup = session.scalar(select(SignUp).where(SignUp.season_id == season.id, SignUp.member_id == member.id))
    if signup is None:
        signup = SignUp(season_id=season.id, member_id=member.id)
        session.add(signup)
    signup.willing_to_host = bool(form.willing_to_host)
    signup.mode = form.mode
    signup.interests = [SignUpInterest(term=term) for term in interests]
    signup.availability = [SignUpAvailability(weekday=d, block=b) for d, b in sorted(chosen)]
    signup.keep_apart = [SignUpKeepApart(other_member_id=other.id) for other in keep_apart]
    session.flush()
    return signup


def _keep_apart_members(session: Session, member: Member, usernames: list[str]) -> list[Member]:
    names = unique(n.strip().lstrip("@") for n in usernames if n and n.strip())
    if len(names) > MAX_KEEP_APART:
        raise SignUpRefused("name at most %(count)s people to be kept apart from", count=MAX_KEEP_APART)
    # Usernames are case-insensitive in Discourse.
    query = select(Member).where(func.lower(Member.username).in_([n.lower() for n in names]))
    found = {m.username.lower(): m for m in session.scalars(query)}
    unknown = [n for n in names if n.lower() not in found]
    if unknown:
        raise SignUpRefused("unknown forum usernames: %(names)s", names=", ".join(unknown))
    return [found[n.lower()] for n in names if found[n.lower()].id != member.id]


def withdraw(session: Session, season: Season, member: Member, *, today: date) -> bool:
    """Remove the member's sign-up while the window is open; False when there was none."""
    signup = session.scalar(select(SignUp).where(SignUp.season_id == season.id, SignUp.member_id == member.id))
    if signup is None:
        return False
    if not signup_window_open(season, today):
        raise SignUpRefused("the sign-up window is closed; ask an admin or leave your circle instead")
    session.delete(signup)
    session.flush()
    return True


def signup_of(session: Session, season: Season, member: Member) -> SignUp | None:
    """The member's sign-up for the season, if any."""
    return session.scalar(select(SignUp).where(SignUp.season_id == season.id, SignUp.member_id == member.id))


def form_of(signup: SignUp, session: Session) -> SignUpForm:
    """The form values of a stored sign-up (to pre-fill the page)."""
    others = [session.get(Member, k.other_member_id) for k in signup.keep_apart]
    return SignUpForm(
        interests=[i.term for i in signup.interests],
        availability={(a.weekday, a.block) for a in signup.availability},
        willing_to_host=signup.willing_to_host,
        mode=signup.mode,
        keep_apart_usernames=[o.username for o in others if o is not None],
    )
