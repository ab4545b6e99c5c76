"""`companion settings`: every setting with its value, source and help."""

from __future__ import annotations

import click

from companion.settings import SETTINGS, load_settings


@click.command()
def settings() -> None:
    """Show every setting, its value, where the value came from and what it does.

    Secrets (API key, webhook secret, DiscourseConnect secret, session key) are
    shown only as set or not set.

    \b
    Example:
      COMPANION_NIGHTLY_AT=02:30 companion settings
    """
    loaded = load_settings()
    for setting in SETTINGS:
        click.echo(f"{setting.env_name} = {loaded.display_value(setting.name)}  [{loaded.sources[setting.name]}]")
        click.echo(f"    {setting.help} (default: {setting.default or '(empty)'})")
