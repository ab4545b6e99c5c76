"""`companion worker`: the scheduled jobs in one long-running process."""

from __future__ import annotations

import click

from companion.cli.base import pass_context


@click.command()
@click.option("--run-nightly-now", is_flag=True, help="Also run the nightly job once right after start.")
@pass_context()
def worker(context, run_nightly_now: bool) -> None:
    """Run the nightly job at COMPANION_NIGHTLY_AT, outbox delivery every minute and circle reminders.

    Several workers may run: each job takes a lock in the database, so a
    second worker idles instead of sending twice. SIGTERM (or Ctrl-C) stops
    the worker cleanly between two sends; whatever is left is sent after the
    next start.

    \b
    Examples:
      companion worker
      COMPANION_NIGHTLY_AT=02:30 companion worker --run-nightly-now
    """
    from companion.jobs.worker import Worker

    # Refuse to start (one clear line) when the forum is not configured, instead of failing every minute.
    _ = context.forum
    click.echo(f"worker started: nightly at {context.settings.nightly_at:%H:%M} {context.settings.timezone}")
    Worker(context).run(run_nightly_now=run_nightly_now)
    click.echo("worker stopped")


def register(main: click.Group) -> None:
    main.add_command(worker)
