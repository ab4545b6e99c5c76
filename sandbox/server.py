"""Run the sandbox forum over real HTTP: in a background thread for tests, or in the foreground for demos."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import build_state, create_app
from .settings import SandboxSettings
from .state import ForumState


class QuietRequestHandler(WSGIRequestHandler):
    """A request handler that does not log every request (tests run thousands of them)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class SandboxServer:
    """A running sandbox forum: its URL, its state, and stop()."""

    def __init__(self, server: BaseWSGIServer, state: ForumState, thread: threading.Thread | None) -> None:
        self._server = server
        self.state = state
        self._thread = thread
        self.url = _address(server)

    def stop(self) -> None:
        """Shut the server down and stop the webhook thread."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.state.webhooks is not None:
            self.state.webhooks.stop()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _make(
    settings: SandboxSettings, host: str, port: int, state: ForumState | None, quiet: bool = True
) -> tuple[BaseWSGIServer, ForumState]:
    state = state or build_state(settings)
    holder: dict[str, Any] = {}

    def application(environ: Any, start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    server = make_server(host, port, application, threaded=True, request_handler=QuietRequestHandler if quiet else None)
    # The base URL is only known once the port is bound.
    settings.base_url = settings.base_url or _address(server)
    holder["app"] = create_app(settings, state)
    return server, state


def _address(server: BaseWSGIServer) -> str:
    """The server's base URL once its port is bound."""
    host, port = server.server_address[:2]
    return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"


def run_sandbox_server(
    settings: SandboxSettings | None = None, host: str = "127.0.0.1", port: int = 0, state: ForumState | None = None
) -> SandboxServer:
    """Start a threaded sandbox server in a background thread; port 0 picks a free port."""
    settings = settings or (state.settings if state is not None else SandboxSettings())
    server, state = _make(settings, host, port, state)
    thread = threading.Thread(target=server.serve_forever, name="sandbox-forum", daemon=True)
    thread.start()
    return SandboxServer(server, state, thread)


def serve_forever(settings: SandboxSettings | None = None, host: str = "127.0.0.1", port: int = 4200) -> None:
    """Serve the sandbox forum in the foreground until interrupted (for `companion sandbox`)."""
    settings = settings or SandboxSettings()
    server, _state = _make(settings, host, port, None, quiet=False)
    print(
        f"Sandbox-Forum läuft auf / sandbox forum running at {settings.base_url} "
        f"(API key {settings.api_key!r}, user {settings.api_username!r})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
