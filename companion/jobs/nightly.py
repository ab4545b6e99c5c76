"""The nightly run: sync, match, queue one suggestion PM per due member, award badges, deliver."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from companion.badges.awarding import award_badges
from companion.circles.reminders import send_due_reminders
from companion.context import Context
from companion.forum.reading import run_sync
from companion.jobs.locks import LockHeld, job_lock
from companion.jobs.runs import RunRecorder, recorded_run
from companion.ops.progress import Progress, ProgressCallback
from companion.outbox.delivery import count_open, deliver_pending
from companion.outbox.handlers import HANDLERS
from companion.suggestions.batch import queue_suggestions
from companion.suggestions.feedback import detect_conversations
from companion.suggestions.meeting_checks import ask_whether_met
from companion.suggestions.pausing import pause_unresponsive
from companion.suggestions.planning import mark_ignored, network_today
from sync.errors import ForumError

log = logging.getLogger(__name__)


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
    progress: ProgressCallback | None = None,
) -> NightlyReport:
    """Run the whole nightly job once, guarded by a database lock so two workers never both run it."""
    today = today or network_today(context.settings)
    with (
        job_lock(context.store, "nightly") as lease,
        recorded_run(context.store, "nightly", today) as recorder,
        # The worker has no terminal: log lines every PROGRESS_EVERY_SECONDS unless the caller shows a bar.
        _progress_or_log_lines(context, progress) as progress,
    ):
        report = NightlyReport(run_id=recorder.run_id, run_date=today)
        if sync:

            def do_sync(counts: dict) -> None:
                counts.update(run_sync(context, progress=progress).as_dict())

            _optional_step(recorder, "sync", do_sync, report)
        with recorder.step("match") as counts:
            with context.store.transaction() as session:
                counts["talked"] = detect_conversations(session)
                counts["ignored"] = mark_ignored(session, today)
                counts["paused"] = len(
                    pause_unresponsive(session, context.settings.base_url, context.settings.default_locale)
                )
                counts["met_questions"] = ask_whether_met(
                    session, today, context.settings.meeting_check_days, context.settings.base_url
                )
            report.due, report.suggestions, report.messages_queued = queue_suggestions(
                context, today, recorder.run_id, progress=progress
            )
            counts.update(due=report.due, suggestions=report.suggestions, queued=report.messages_queued)
        _run_extras(context, recorder, report, today, progress)
        if deliver:

            def do_deliver(counts: dict) -> None:
                def stop_or_renew() -> bool:
                    lease.renew()
                    return should_stop()

                delivery = deliver_pending(
                    context.store,
                    context.forum,
                    HANDLERS,
                    should_stop=stop_or_renew,
                    max_wait_seconds=max_wait_seconds,
                    progress=progress,
                )
                counts.update(delivery.as_dict())
                report.delivered, report.remaining = delivery.sent, delivery.remaining

            _optional_step(recorder, "deliver", do_deliver, report)
        else:
            # Nothing was sent, so everything queued (tonight's and older) still waits: say how much.
            report.remaining = count_open(context.store)
        recorder.counts.update(errors=len(report.errors))
    return report


@contextmanager
def _progress_or_log_lines(context: Context, progress: ProgressCallback | None) -> Iterator[ProgressCallback]:
    if progress is not None:
        yield progress
        return
    with Progress(interactive=False, every_seconds=context.settings.progress_every_seconds) as own:
        yield own


def _run_extras(
    context: Context, recorder: RunRecorder, report: NightlyReport, today: date, progress: ProgressCallback
) -> None:
    """Badges and circle reminders, queued through the same outbox."""

    def do_badges(counts: dict) -> None:
        outcome = award_badges(context, progress=progress)
        report.badges = len(outcome.grants)
        counts.update(outcome.counts())

    def do_reminders(counts: dict) -> None:
        outcome = send_due_reminders(context, datetime.now(ZoneInfo("UTC")))
        report.reminders = sum(outcome.values())
        counts.update(outcome)

    _optional_step(recorder, "badges", do_badges, report)
    _optional_step(recorder, "reminders", do_reminders, report)
