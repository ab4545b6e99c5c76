"""`companion status`: the worker heartbeat, the outbox and the last runs, as /health reports them."""

from __future__ import annotations

import json
import socket
import sys

import click

from companion.cli.base import pass_context


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /health.")
@click.option(
    "--this-host", is_flag=True, help="Judge only workers on this host (the worker container's own health check)."
)
@pass_context()
def status(context, as_json: bool, this_host: bool) -> None:
    """Show whether the worker is alive, the outbox by state and when the last nightly run and sync were.

    Exits with 1 when the worker is silent (as /health answers 503), so it can
    serve as a health check.

    \b
    Examples:
      companion status
      companion status --json
      companion status --this-host     exit 1 unless a worker on this host is alive
    """
    from companion.ops.status import collect_status
    from companion.store.types import utcnow

    now = utcnow()
    host = socket.gethostname() if this_host else None
    report = collect_status(context.store, context.settings, now, host=host)
    if as_json:
        click.echo(json.dumps({"status": "ok" if report.healthy else "unavailable", **report.as_dict()}, indent=2))
    else:
        worker = report.worker
        click.echo(
            f"worker: {worker.status}"
            + (f" ({worker.worker_id}, {_age(worker.age_seconds)})" if worker.worker_id else "")
        )
        click.echo("outbox: " + ", ".join(f"{state} {number}" for state, number in report.outbox.items()))
        click.echo(f"oldest pending: {_age(report.oldest_pending_seconds).replace(' ago', ' old')}")
        click.echo(f"sent in the last minute: {report.sent_last_minute}")
        nightly = (now - report.last_nightly_ok).total_seconds() if report.last_nightly_ok else None
        click.echo(f"last successful nightly run: {_age(nightly)}")
        click.echo(f"last sync: {_age(report.sync_lag_seconds)}")
        click.echo(f"forum requests: {report.forum_requests} ({report.forum_rate_limited} rate-limited)")
    if not report.healthy:
        sys.exit(1)


def register(main: click.Group) -> None:
    main.add_command(status)
