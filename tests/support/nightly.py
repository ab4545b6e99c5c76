"""Helpers of the nightly end-to-end tests: preparing a synced network and counting suggestion PMs."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from companion.forum.reading import run_sync
from companion.members.consent import set_consent
from companion.store.models import Member, Suggestion
from companion.suggestions.rules import save_rules

TITLES = {"Finde deine Mitrebell*innen: neue Vorschläge", "Find your fellow rebels: new suggestions"}


def suggestion_pms(state) -> Counter:
    """How many suggestion PMs each member has in the sandbox inbox."""
    counts = Counter()
    for user in state.users.values():
        if user.id > 0:
            counts[user.username] = sum(1 for message in state.inbox(user.username) if message.title in TITLES)
    return counts


def prepare(context):
    run_sync(context, full=True)
    with context.store.transaction() as session:
        # The sandbox's seeded activity is dated in the past; count everyone as recently active.
        save_rules(session, "test", {"active_within_days": "0"})
        for member in session.scalars(select(Member)):
            set_consent(session, member.id, "matching", True)


def due_usernames(context):
    with context.store.transaction() as session:
        return {
            username
            for (username,) in session.execute(
                select(Member.username).join(Suggestion, Suggestion.member_id == Member.id).distinct()
            )
        }
