"""`companion deliver` keeps its lease while it sends, so no second deliverer starts halfway."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select, update

import companion.jobs.locks as locks
from companion.cli import main
from companion.outbox import delivery
from companion.outbox.delivery import DeliveryReport
from companion.store.models import JobLock
from companion.store.types import utcnow


def test_deliver_renews_its_lease_while_it_sends(sqlite_store, settings, monkeypatch):
    monkeypatch.setenv("COMPANION_DATABASE_URL", sqlite_store.url)
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(settings.instance_path))
    monkeypatch.setenv("COMPANION_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("COMPANION_FORUM_URL", "http://forum.invalid")
    monkeypatch.setenv("COMPANION_FORUM_API_KEY", "k")
    seen = {}

    def long_delivery(store, forum, handlers, *, should_stop=lambda: False, **kwargs):
        # The lease is about to run out, and ten minutes have passed since it was taken.
        with store.engine.begin() as connection:
            connection.execute(update(JobLock).values(expires_at=utcnow() + timedelta(minutes=1)))
        monkeypatch.setattr(locks, "utcnow", lambda: utcnow() + timedelta(minutes=10))
        should_stop()
        with store.engine.begin() as connection:
            seen["expires"] = connection.scalar(select(JobLock.expires_at).where(JobLock.name == "deliver"))
        return DeliveryReport()

    monkeypatch.setattr(delivery, "deliver_pending", long_delivery)
    result = CliRunner().invoke(main, ["deliver"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen["expires"] > utcnow() + timedelta(minutes=10)
