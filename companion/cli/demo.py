"""`companion demo`: see the whole companion working within minutes."""

from __future__ import annotations

import time

import click

from companion.settings import load_settings


@click.command()
@click.option("--once", is_flag=True, help="Run one cycle, print the summary and exit (for scripts and CI).")
@click.option("--members", default=300, show_default=True, help="Size of the seeded sandbox network.")
@click.option("--port", default=5000, show_default=True, help="Port of the companion's web pages.")
@click.option("--forum-port", default=4200, show_default=True, help="Port of the sandbox forum.")
def demo(once: bool, members: int, port: int, forum_port: int) -> None:
    """Run the companion against a seeded sandbox forum on this machine.

    Starts the sandbox forum (a realistic network of ~300 members in 12 NRW
    administrations) and the companion on localhost, runs one complete
    nightly cycle (sync, matching, suggestion PMs, badges, an example circle
    season), prints what happened and the URLs to open, and keeps serving
    until Ctrl-C. Uses its own SQLite file (instance/demo.sqlite3), created
    anew on each start, and generated secrets.

    \b
    Examples:
      companion demo               run, then keep serving on http://127.0.0.1:5000
      companion demo --once        run one cycle, print the summary, exit
    """
    from companion.demo.cycle import run_cycle, start_servers, start_worker, summary_text

    settings = load_settings()
    click.echo(f"Starting the sandbox forum on :{forum_port} and the companion on :{port} …")
    servers = start_servers(settings, members=members, forum_port=forum_port, companion_port=port)
    try:
        summary = run_cycle(servers, progress=click.echo)
        click.echo(summary_text(summary))
        if once:
            return
        # From now on the demo behaves like a running installation: the worker's jobs deliver what members
        # queue ("Kontakt aufnehmen", RSVPs, reminders) every minute.
        servers.worker = start_worker(servers.context)
        click.echo("\nThe worker's jobs run in the background: queued messages go out within a minute.")
        click.echo("\nServing until Ctrl-C.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("\nStopped.")
    finally:
        servers.stop()


def register(main: click.Group) -> None:
    main.add_command(demo)
