"""Catch-up: find the nightly run a stopped worker missed, so it runs once when the worker is back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from companion.settings import Settings
from companion.store.db import Store
from companion.store.models import JobRun


def last_scheduled_date(settings: Settings, now: datetime) -> date:
    """The network date of the newest nightly moment (COMPANION_NIGHTLY_AT) at or before now."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    at = settings.nightly_at
    scheduled = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return scheduled.date() if scheduled <= local else scheduled.date() - timedelta(days=1)


def missed_nightly(store: Store, settings: Settings, now: datetime) -> date | None:
    """The date of the newest nightly run that should have happened and did not, or None.

    Only the newest one: a worker that was down for a week sends one day's suggestions, not seven.
    A fresh installation (no nightly run ever) has missed nothing; its first run is the scheduled one.
    """
    due = last_scheduled_date(settings, now)
    with store.session() as session:
        newest = session.scalar(select(func.max(JobRun.run_date)).where(JobRun.job == "nightly"))
    if newest is None or newest >= due:
        return None
    return due
