"""Sandbox forum: a small Flask app with in-memory state that speaks the Discourse API subset the companion uses.

Usage in tests::

    with run_sandbox_server(SandboxSettings(members=300, webhook_url=..., webhook_secret=...)) as forum:
        client = ForumClient(forum.url, "sandbox-api-key", "system")
        forum.state.faults.rate_limit_next(1, shape="text")
        forum.state.inbox("anna.mueller")

HTML views for demos: /sandbox/ (members), /sandbox/inbox/<username>, /sandbox/u/<username> (badges);
control surface: POST /sandbox/faults, GET /sandbox/state.json, GET /sandbox/webhooks.json.
"""

from .settings import SandboxSettings
from .state import ForumState

__all__ = ["ForumState", "SandboxServer", "SandboxSettings", "create_app", "run_sandbox_server", "serve_forever"]


def __getattr__(name: str):
    # Flask and werkzeug load only when the app or the server is actually used.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("run_sandbox_server", "SandboxServer", "serve_forever"):
        from . import server

        return getattr(server, name)
    raise AttributeError(name)
