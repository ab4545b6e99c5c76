"""Admin page for job runs: steps, counts, durations and errors, the open outbox, and retrying failed items."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext, lazy_pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from companion.audit import entries as audit
from companion.jobs.states import RunStatus
from companion.outbox.delivery import retry_failed
from companion.outbox.states import OPEN, OutboxStatus
from companion.store.models import JobRun, OutboxItem
from companion.web import get_store
from companion.web.admin.audit import actor
from companion.web.auth import admin_required

bp = Blueprint("admin_runs", __name__, url_prefix="/admin/runs")

# Outbox items and runs share "failed"; one label serves both.
STATUS_LABELS = {
    OutboxStatus.PENDING: lazy_gettext("queued"),
    OutboxStatus.SENDING: lazy_gettext("being sent"),
    OutboxStatus.UNCERTAIN: lazy_gettext("checked with the forum before sending again"),
    OutboxStatus.SENT: lazy_gettext("sent"),
    OutboxStatus.FAILED: lazy_gettext("failed"),
    OutboxStatus.CANCELLED: lazy_pgettext("job status", "cancelled"),
    RunStatus.RUNNING: lazy_gettext("running"),
    RunStatus.OK: lazy_gettext("done"),
    "done": lazy_gettext("done"),
    "succeeded": lazy_gettext("done"),
    "skipped": lazy_gettext("skipped"),
}
# The queue figures at the top of the page, in this order.
QUEUE_FIGURES = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED, OutboxStatus.SENT)
RUNS_SHOWN = 30
OUTBOX_SHOWN = 100


def duration_seconds(started, finished) -> float | None:
    """Seconds between start and finish, or None while still running."""
    return (finished - started).total_seconds() if started and finished else None


@bp.get("/")
@admin_required
def index():
    """The latest runs with their steps, and what is still queued or failed in the outbox."""
    with get_store().session() as db:
        runs = list(
            db.scalars(
                select(JobRun)
                .options(selectinload(JobRun.steps))
                .order_by(JobRun.started_at.desc(), JobRun.id.desc())
                .limit(RUNS_SHOWN)
            )
        )
        queue_counts = dict(db.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status)).all())
        open_items = list(
            db.scalars(
                select(OutboxItem)
                .where(OutboxItem.status.in_((*OPEN, OutboxStatus.FAILED)))
                .order_by(OutboxItem.status, OutboxItem.next_attempt_at)
                .limit(OUTBOX_SHOWN)
            )
        )
    return render_template(
        "admin/runs.html",
        runs=runs,
        queue_counts=queue_counts,
        queue_figures=QUEUE_FIGURES,
        open_items=open_items,
        duration=duration_seconds,
        status_label=lambda status: STATUS_LABELS.get(status, status),
    )


@bp.post("/outbox/<int:item_id>/retry")
@admin_required
def retry(item_id: int):
    """Queue a failed forum write again."""
    if retry_failed(get_store(), item_id):
        with get_store().transaction() as db:
            audit.record(db, actor(), "outbox.retry", f"outbox item {item_id}")
        flash(_("The item is queued again."), "success")
    else:
        flash(_("Only failed items can be retried."), "error")
    return redirect(url_for("admin_runs.index"))
