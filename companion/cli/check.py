"""`companion check`: diagnose configuration, database and forum connection."""

from __future__ import annotations

import click

from companion.ops.diagnostics import run_checks


@click.command()
def check() -> None:
    """Diagnose the configuration and, when a forum URL is set, what works in the forum.

    Each line says OK, WARN or FAIL with what to do. Exits non-zero when
    anything failed.

    \b
    Example:
      COMPANION_FORUM_URL=https://forum.example.org COMPANION_FORUM_API_KEY=... companion check
    """
    results = run_checks()
    for result in results:
        click.echo(f"[{result.status:<4}] {result.name}: {result.detail}")
    if any(result.status == "FAIL" for result in results):
        raise SystemExit(1)
