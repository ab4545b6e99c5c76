"""`companion serve` and `companion sandbox`: the web pages and the sandbox forum on their own."""

from __future__ import annotations

import click

from companion.cli.base import pass_context


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@pass_context()
def serve(context, host: str, port: int) -> None:
    """Serve the web pages with Flask's development server (production: gunicorn "companion.wsgi:app").

    \b
    Example:
      COMPANION_SECRET_KEY=... companion serve --port 5000
    """
    from companion.web import create_app

    create_app(context).run(host=host, port=port, threaded=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4200, show_default=True)
@click.option("--members", default=300, show_default=True, help="Size of the seeded network.")
@click.option("--seed", default=1, show_default=True, help="Seed of the generated network.")
@click.option(
    "--webhook-url", help="Where the sandbox sends signed webhooks (e.g. http://127.0.0.1:5000/webhooks/discourse)."
)
@click.option("--webhook-secret", envvar="COMPANION_WEBHOOK_SECRET", help="Secret that signs the webhooks.")
@click.option(
    "--connect-secret", envvar="COMPANION_CONNECT_SECRET", default="sandbox-connect-secret", show_default=True
)
@click.option("--data-explorer/--no-data-explorer", default=False, help="Offer the Data Explorer bulk path.")
@click.option("--requests-per-minute", default=60, show_default=True, help="Admin API budget (0 = unlimited).")
def sandbox(
    host, port, members, seed, webhook_url, webhook_secret, connect_secret, data_explorer, requests_per_minute
) -> None:
    """Serve the sandbox forum alone: a small Discourse stand-in with a seeded network.

    Its API key is "sandbox-api-key" for user "system". Pages: /sandbox/
    (members, inboxes, badges) and /session/sso_provider (log in as).

    \b
    Example:
      companion sandbox --members 500 --webhook-url http://127.0.0.1:5000/webhooks/discourse
    """
    from sandbox import SandboxSettings, serve_forever

    settings = SandboxSettings(
        members=members,
        seed=seed,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        connect_secret=connect_secret,
        data_explorer=data_explorer,
        admin_requests_per_minute=requests_per_minute,
    )
    click.echo(f"sandbox forum on http://{host}:{port}/sandbox/ (API key sandbox-api-key, user system)")
    serve_forever(settings, host=host, port=port)


def register(main: click.Group) -> None:
    main.add_command(serve)
    main.add_command(sandbox)
