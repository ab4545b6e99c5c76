"""The worker: APScheduler running the nightly job, outbox delivery and circle jobs, stoppable between sends."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, date, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from companion.circles.changes import reconcile_departures
from companion.circles.reminders import send_due_reminders
from companion.context import Context
from companion.jobs.catchup import missed_nightly
from companion.jobs.locks import LockHeld, default_holder, job_lock
from companion.meetups.registration import process_meetup_offers
from companion.ops.heartbeat import HEARTBEAT_EVERY_SECONDS, beat
from companion.outbox.delivery import deliver_pending
from companion.outbox.handlers import HANDLERS
from companion.store.db import StoreError
from sync.errors import ForumError

log = logging.getLogger(__name__)

DELIVERY_EVERY_SECONDS = 60
CIRCLE_JOBS_EVERY_MINUTES = 15


class Worker:
    """Schedules the jobs; every job is a plain function guarded by a database lock."""

    def __init__(self, context: Context, *, scheduler: BlockingScheduler | None = None) -> None:
        self.context = context
        self.stopping = threading.Event()
        self.scheduler = scheduler or BlockingScheduler(timezone=context.settings.timezone)
        self.worker_id = default_holder()

    def should_stop(self) -> bool:
        return self.stopping.is_set()

    def heartbeat(self) -> None:
        """Tell /health and `companion status` this worker is alive, with its forum request counters."""
        forum = self.context._forum  # only report a client that exists; building one here could fail
        try:
            beat(
                self.context.store,
                self.worker_id,
                forum_requests=forum.client.requests_made if forum else 0,
                forum_rate_limited=forum.client.rate_limited_count if forum else 0,
            )
        except StoreError as error:
            log.warning("heartbeat not recorded: %s", error)

    def nightly(self, run_date: date | None = None) -> None:
        """The nightly run (for run_date, default today); a second worker finds the lock taken and idles."""
        from companion.jobs.nightly import run_nightly

        try:
            report = run_nightly(self.context, today=run_date, should_stop=self.should_stop)
            log.info(
                "nightly run %s: %s queued, %s delivered, %s remaining",
                report.run_id,
                report.messages_queued,
                report.delivered,
                report.remaining,
            )
        except LockHeld:
            log.info("nightly run is running in another worker; idling")

    def deliver(self) -> None:
        """Send what is due in the outbox (retries, reminders, introductions)."""
        try:
            with job_lock(self.context.store, "deliver") as lease:

                def stop_or_renew() -> bool:
                    lease.renew()
                    return self.should_stop()

                report = deliver_pending(self.context.store, self.context.forum, HANDLERS, should_stop=stop_or_renew)
                if report.sent or report.failed:
                    log.info("delivered %s, failed %s, %s remaining", report.sent, report.failed, report.remaining)
        except LockHeld:
            log.debug("delivery runs elsewhere")
        except ForumError as error:
            log.warning("delivery paused: %s", error)

    def circle_jobs(self) -> None:
        """Reminders, expired meetup offers and departed members."""
        now = datetime.now(UTC)
        try:
            send_due_reminders(self.context, now)
            process_meetup_offers(self.context, now)
            with self.context.store.transaction() as session:
                reconcile_departures(session, now=now, settings=self.context.settings)
        except LockHeld:
            log.debug("circle jobs run elsewhere")

    def schedule(self, *, run_nightly_now: bool = False) -> None:
        """Register the jobs with their triggers in the network's time zone."""
        at = self.context.settings.nightly_at
        zone = self.context.settings.timezone
        self.scheduler.add_job(
            self.nightly,
            CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
            id="nightly",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
        self.scheduler.add_job(
            self.deliver, IntervalTrigger(seconds=DELIVERY_EVERY_SECONDS), id="deliver", max_instances=1, coalesce=True
        )
        self.scheduler.add_job(
            self.circle_jobs,
            IntervalTrigger(minutes=CIRCLE_JOBS_EVERY_MINUTES),
            id="circles",
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.heartbeat,
            IntervalTrigger(seconds=HEARTBEAT_EVERY_SECONDS),
            id="heartbeat",
            max_instances=1,
            coalesce=True,
        )
        missed = missed_nightly(self.context.store, self.context.settings, datetime.now(UTC))
        if run_nightly_now:
            self.scheduler.add_job(self.nightly, id="nightly-now", max_instances=1)
        elif missed is not None:
            log.info("the nightly run of %s was missed while no worker ran: running it now", missed)
            self.scheduler.add_job(self.nightly, id="nightly-catch-up", args=[missed], max_instances=1)

    def stop(self, *_args) -> None:
        """Ask running jobs to finish the current send, then stop the scheduler."""
        log.info("stopping: finishing the current send")
        self.stopping.set()
        threading.Thread(target=lambda: self.scheduler.shutdown(wait=True), daemon=True).start()

    def run(self, *, run_nightly_now: bool = False, install_signals: bool = True) -> None:
        """Schedule and block until stopped (SIGTERM or SIGINT stop cleanly between two sends)."""
        self.schedule(run_nightly_now=run_nightly_now)
        self.heartbeat()
        if install_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        self.scheduler.start()


def next_runs(worker: Worker) -> dict[str, datetime | None]:
    """When each scheduled job runs next (for the CLI's start-up line and tests)."""
    return {job.id: getattr(job, "next_run_time", None) for job in worker.scheduler.get_jobs()}
