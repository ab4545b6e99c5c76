"""`companion sync`: pull members and activity from the forum into the store."""

from __future__ import annotations

import sys

import click

from companion.cli.base import pass_context


def _progress_printer():
    interactive = sys.stderr.isatty()

    def show(stage: str, done: int, total: int | None) -> None:
        if not interactive and stage not in ("reading", "done"):
            return
        text = f"{stage}: {done}" + (f"/{total}" if total else "")
        click.echo(("\r" if interactive else "") + text.ljust(40), err=True, nl=not interactive or stage == "done")

    return show


@click.command()
@click.option("--full", is_flag=True, help="Read everything again instead of only what changed.")
@pass_context()
def sync(context, full: bool) -> None:
    """Sync members, groups and activity from the forum into the store.

    The first sync is full; later ones read only posts and members that are
    new since the last run (webhooks deliver edits, likes and deletions).
    Requests are paced under the forum's admin API budget.

    \b
    Examples:
      companion sync            incremental (full the first time)
      companion sync --full     read all members and activity again
    """
    from companion.forum.reading import run_sync

    summary = run_sync(context, full=full or None, progress=_progress_printer())
    kind = "full" if summary.full else "incremental"
    path = " (bulk path)" if summary.used_bulk_path else ""
    click.echo(
        f"{kind} sync{path}: {summary.members} members, {summary.topics} topics, {summary.posts} posts, "
        f"{summary.likes} likes; {summary.requests} requests ({summary.rate_limited} rate-limited) "
        f"in {summary.seconds:.1f} s"
    )


def register(main: click.Group) -> None:
    main.add_command(sync)
