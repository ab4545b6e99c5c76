"""The nightly batch of suggestions: who gets a PM tonight, written with the suggestions in one transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from companion.audit.entries import record
from companion.context import Context
from companion.messages.templates import render_message
from companion.ops.progress import ProgressCallback, no_progress
from companion.store.models import Member, Suggestion
from companion.store.rows import require
from companion.suggestions.calibration import audit_details
from companion.suggestions.feedback import member_locale, message_values, suggestion_key
from companion.suggestions.messaging import queue_matching_pm
from companion.suggestions.planning import due_members, plan_for_day
from companion.suggestions.rules import current_rules


def queue_suggestions(
    context: Context, today: date, run_id: int | None = None, *, progress: ProgressCallback = no_progress
) -> tuple[int, int, int]:
    """Match, then write suggestions and one outbox PM per due member in one transaction.

    Members who already have suggestions for this run date (a restarted run)
    are left as they are, so a re-run queues nothing twice.
    """
    with context.store.transaction() as session:
        due = due_members(session, today)
        already = set(session.scalars(select(Suggestion.member_id).where(Suggestion.run_date == today)))
        version, rules = current_rules(session)
        todo = due - already
        if not todo:
            return len(due), 0, 0
        _, result = plan_for_day(session, rules, today)
    by_member = result.by_member()
    forum_url = context.settings.forum_url or ""
    base_url = context.settings.base_url
    written = queued = 0
    with context.store.transaction() as session:
        if result.calibration is not None:
            # Which weights tonight's suggestions were made with, and why, stays on record.
            record(
                session, "nightly", "rules.calibration", f"run {today.isoformat()}", audit_details(result.calibration)
            )
        for index, member_id in enumerate(sorted(todo), 1):
            progress("queueing suggestions", index, len(todo))
            picks = by_member.get(member_id, [])
            if not picks:
                continue
            rows = []
            for pick in picks:
                row = Suggestion(
                    run_id=run_id,
                    run_date=today,
                    member_id=member_id,
                    suggested_member_id=pick.suggested_id,
                    rank=pick.rank,
                    score=pick.score,
                    shared_terms=list(pick.shared_terms),
                    rule_version_id=version.id if version else None,
                )
                session.add(row)
                rows.append(row)
            session.flush()
            member = require(session, Member, member_id)
            locale = member_locale(member, context.settings.default_locale)
            title, raw = render_message(
                session, "suggestions", locale, message_values(member, rows, locale, forum_url, base_url)
            )
            queue_matching_pm(
                session,
                key=suggestion_key(member_id, today),
                recipients=[member.username],
                title=title,
                raw=raw,
                # Stopped if the recipient or a suggested colleague withdraws before it is sent.
                concerns=[member_id, *(r.suggested_member_id for r in rows)],
                member_id=member_id,
                run_id=run_id,
            )
            written += len(rows)
            queued += 1
    return len(due), written, queued
