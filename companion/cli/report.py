"""`companion report`: the report of what the network achieves, as HTML, PDF or CSV."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from companion.cli.base import pass_context


@click.command("report")
@click.option("--from", "start", metavar="DATE", help="First day, YYYY-MM-DD (default: 1 January of this year).")
@click.option("--to", "end", metavar="DATE", help="Last day, YYYY-MM-DD (default: today).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "csv"]), default="html", show_default=True)
@click.option(
    "--locale", type=click.Choice(["de", "en"]), default=None, help="Language (default: COMPANION_DEFAULT_LOCALE)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: standard output; required for PDF on a terminal).",
)
@pass_context()
def report(context, start: str | None, end: str | None, fmt: str, locale: str | None, output: Path | None) -> None:
    """Write the report of a period: members, contacts across organisations, circles, meetups, badges.

    The report names no members, pools organisations smaller than
    COMPANION_REPORT_MIN_GROUP and hides every figure about fewer people.

    \b
    Examples:
      companion report --from 2026-01-01 --to 2026-06-30 --format pdf --output bericht.pdf
      companion report --format csv > bericht.csv
    """
    from companion.reports.build import build_report, parse_period
    from companion.reports.rendering import render_csv, render_document, render_pdf

    first, last = parse_period(start, end, today=date.today())
    locale = locale or context.settings.default_locale
    with context.store.session() as db:
        published = build_report(db, first, last, context.settings.report_min_group, timezone=context.settings.timezone)
    if fmt == "pdf":
        body: str | bytes = render_pdf(published, locale)
    elif fmt == "csv":
        body = render_csv(published, locale)
    else:
        body = render_document(published, locale)
    if output is not None:
        if isinstance(body, bytes):
            output.write_bytes(body)
        else:
            output.write_text(body, encoding="utf-8", newline="")
        click.echo(f"report {first}..{last} ({fmt}, {locale}) written to {output}", err=True)
    elif isinstance(body, bytes):
        if sys.stdout.isatty():
            raise click.UsageError("a PDF is not for the terminal: give --output FILE or redirect the output")
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        click.echo(body, nl=False)


def register(main: click.Group) -> None:
    """Add the report command to the `companion` group."""
    main.add_command(report)
