"""The `companion` command: one entry point with a subcommand per job."""

from __future__ import annotations

import sys

import click

from companion import __version__
from companion.cli import badges, circles, demo, nightly, report, rules, serve, status, sync, theme, warmup, worker
from companion.cli import check as check_commands
from companion.cli import db as db_commands
from companion.cli import settings as settings_commands
from companion.cli.base import CompanionGroup


@click.group(cls=CompanionGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="companion", message="%(prog)s %(version)s")
def main() -> None:
    """Companion service for a Discourse network of organisations.

    Interest-based matching ("find your fellow rebel"), peer circles and
    cross-organisation badges beside an unmodified Discourse forum. Settings
    come from COMPANION_* environment variables (see `companion settings`).

    \b
    Examples:
      companion demo --once        run one complete cycle against the sandbox forum
      companion db upgrade         create or update the database schema
      companion check              diagnose configuration and the forum connection
    """


main.add_command(settings_commands.settings)
main.add_command(db_commands.db)
main.add_command(check_commands.check)
for _area in (sync, rules, nightly, circles, badges, report, serve, demo, worker, status, warmup, theme):
    _area.register(main)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
