"""`companion theme build`: the forum theme component as a zip to import in Discourse's admin."""

from __future__ import annotations

from pathlib import Path

import click

from companion.settings import load_settings
from companion.theme.bundle import build_zip, component_name


@click.group("theme")
def theme() -> None:
    """The forum theme component: a sidebar section and a sign-up banner linking to the companion.

    \b
    Example:
      companion theme build -o companion-theme.zip
    """


@theme.command("build")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("companion-theme.zip"))
@click.option("--url", help="The companion's public address (default: COMPANION_BASE_URL).")
def build(output: Path, url: str | None) -> None:
    """Write the theme component's zip with the companion's address.

    Import it in the forum's admin: Customize → Themes → Install → From your device,
    then add it to the active theme.

    \b
    Examples:
      companion theme build
      companion theme build --url https://companion.example.org -o theme.zip
    """
    address = url or load_settings().base_url
    try:
        written = build_zip(address, output)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {written} (“{component_name()}” pointing at {address.rstrip('/')})")


def register(main: click.Group) -> None:
    main.add_command(theme)
