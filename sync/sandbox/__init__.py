"""Sandbox forum: a small Flask app with in-memory state that speaks the Discourse API subset the companion uses."""

from .settings import SandboxSettings
from .state import ForumState

__all__ = ["SandboxSettings", "ForumState", "create_app", "run_sandbox_server", "SandboxServer", "serve_forever"]


def __getattr__(name: str):
    # Flask and werkzeug load only when the app or the server is actually used.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("run_sandbox_server", "SandboxServer", "serve_forever"):
        from . import server

        return getattr(server, name)
    raise AttributeError(name)
