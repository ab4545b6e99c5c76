"""The nightly run: sync, match, queue one suggestion PM per due member, award badges, deliver."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from companion.badges.awarding import award_badges
from companion.circles.reminders import send_due_reminders
from companion.context import Context
from companion.jobs.handlers import HANDLERS
from companion.jobs.locks import LockHeld, job_lock
from companion.jobs.outbox import deliver_pending, enqueue
from companion.jobs.runs import RunRecorder, recorded_run
from companion.matching_inputs import load_inputs
from companion.rules import current_rules
from companion.store.models import Member, MemberPreferences, Suggestion
from companion.consent import CADENCE_DAYS
from companion.syncing import run_sync
from companion.suggestions import detect_conversations, member_locale, message_values, suggestion_key
from companion.templates_text import render_message
from matching.engine import EngineResult, run_matching
from sync.errors import ForumError

log = logging.getLogger(__name__)

# A suggestion nobody acted on for this long counts as ignored (discounted next time).
IGNORED_AFTER = timedelta(days=28)


@dataclass
class NightlyReport:
    """What one nightly run did."""

    run_id: int
    run_date: date
    due: int = 0
    suggestions: int = 0
    messages_queued: int = 0
    delivered: int = 0
    remaining: int = 0
    badges: int = 0
    reminders: int = 0
    errors: list[str] = field(default_factory=list)


def local_today(context: Context, now: datetime | None = None) -> date:
    """Today's date in the network's time zone."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(context.settings.timezone)).date()


def due_members(session, today: date) -> set[int]:
    """Consenting members whose cadence says a new message is due today."""
    last = dict(
        session.execute(select(Suggestion.member_id, func.max(Suggestion.run_date)).group_by(Suggestion.member_id)).all()
    )
    due = set()
    for preferences in session.scalars(select(MemberPreferences).where(MemberPreferences.matching_consent.is_(True))):
        if preferences.cadence == "paused":
            if preferences.paused_until is None or preferences.paused_until > today:
                continue
            interval = CADENCE_DAYS["weekly"]
        else:
            interval = CADENCE_DAYS[preferences.cadence]
        previous = last.get(preferences.member_id)
        if previous is None or (today - previous).days >= interval or previous == today:
            due.add(preferences.member_id)
    return due


def mark_ignored(session, today: date) -> int:
    """Suggestions nobody acted on for four weeks become "ignored"."""
    return session.execute(
        update(Suggestion)
        .where(Suggestion.status == "new", Suggestion.run_date <= today - IGNORED_AFTER)
        .values(status="ignored")
    ).rowcount


def compute_and_queue(context: Context, today: date, run_id: int | None = None, seed: int | None = None) -> tuple[int, int, int]:
    """Match, then write suggestions and one outbox PM per due member in one transaction.

    Members who already have suggestions for this run date (a restarted run)
    are left as they are, so a re-run queues nothing twice.
    """
    with context.store.transaction() as session:
        due = due_members(session, today)
        already = set(session.scalars(select(Suggestion.member_id).where(Suggestion.run_date == today)))
        version, rules = current_rules(session)
        inputs = load_inputs(session)
    todo = due - already
    if not todo:
        return len(due), 0, 0
    result: EngineResult = run_matching(
        inputs.profiles, inputs.statuses, rules, inputs.history, today=today, seed=seed if seed is not None else today.toordinal()
    )
    by_member = result.by_member()
    forum_url = context.settings.forum_url or ""
    base_url = context.settings.base_url
    written = queued = 0
    with context.store.transaction() as session:
        for member_id in sorted(todo):
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
            member = session.get(Member, member_id)
            locale = member_locale(member, context.settings.default_locale)
            title, raw = render_message(session, "suggestions", locale, message_values(member, rows, locale, forum_url, base_url))
            enqueue(
                session,
                key=suggestion_key(member_id, today),
                kind="pm",
                payload={"recipients": [member.username], "title": title, "raw": raw},
                member_id=member_id,
                run_id=run_id,
            )
            written += len(rows)
            queued += 1
    return len(due), written, queued


def _optional_step(recorder: RunRecorder, name: str, action: Callable[[dict], None], report: NightlyReport) -> None:
    try:
        with recorder.step(name) as counts:
            action(counts)
    except (ForumError, LockHeld) as error:
        # The forum being down (or a step already running elsewhere) must not stop the run:
        # what was queued is delivered next time.
        report.errors.append(f"{name}: {error}")
        log.warning("nightly step %s failed: %s", name, error)


def run_nightly(
    context: Context,
    *,
    today: date | None = None,
    sync: bool = True,
    deliver: bool = True,
    should_stop: Callable[[], bool] = lambda: False,
    max_wait_seconds: float = 120.0,
) -> NightlyReport:
    """Run the whole nightly job once, guarded by a database lock so two workers never both run it."""
    today = today or local_today(context)
    with job_lock(context.store, "nightly") as lease:
        with recorded_run(context.store, "nightly", today) as recorder:
            report = NightlyReport(run_id=recorder.run_id, run_date=today)
            if sync:
                def do_sync(counts: dict) -> None:
                    counts.update(run_sync(context).as_dict())

                _optional_step(recorder, "sync", do_sync, report)
            with recorder.step("match") as counts:
                with context.store.transaction() as session:
                    counts["talked"] = detect_conversations(session)
                    counts["ignored"] = mark_ignored(session, today)
                report.due, report.suggestions, report.messages_queued = compute_and_queue(context, today, recorder.run_id)
                counts.update(due=report.due, suggestions=report.suggestions, queued=report.messages_queued)
            _run_extras(context, recorder, report, today)
            if deliver:
                def do_deliver(counts: dict) -> None:
                    def stop_or_renew() -> bool:
                        lease.renew()
                        return should_stop()

                    delivery = deliver_pending(
                        context.store, context.forum, HANDLERS, should_stop=stop_or_renew, max_wait_seconds=max_wait_seconds
                    )
                    counts.update(delivery.as_dict())
                    report.delivered, report.remaining = delivery.sent, delivery.remaining

                _optional_step(recorder, "deliver", do_deliver, report)
            recorder.counts.update(errors=len(report.errors))
    return report


def _run_extras(context: Context, recorder: RunRecorder, report: NightlyReport, today: date) -> None:
    """Badges and circle reminders, queued through the same outbox."""

    def do_badges(counts: dict) -> None:
        outcome = award_badges(context)
        report.badges = len(outcome.grants)
        counts.update(outcome.counts())

    def do_reminders(counts: dict) -> None:
        outcome = send_due_reminders(context, datetime.now(ZoneInfo("UTC")))
        report.reminders = sum(outcome.values())
        counts.update(outcome)

    _optional_step(recorder, "badges", do_badges, report)
    _optional_step(recorder, "reminders", do_reminders, report)
