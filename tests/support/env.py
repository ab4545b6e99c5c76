"""Test environment: strict mode, the shared contract folder, PostgreSQL, live servers and contexts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from companion.settings import Settings
from companion.store.db import Store

REPO = Path(__file__).resolve().parents[2]


SHARED = REPO.parent / "shared"


PG_ENV = "COMPANION_TEST_DATABASE_URL"


PG_SKIP_REASON = f"{PG_ENV} is not set: PostgreSQL tests need a server (.ci/run sets it)"


STRICT = os.environ.get("COMPANION_TEST_STRICT") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with the reason, or fail in CI (COMPANION_TEST_STRICT=1) where every test must run."""
    if STRICT:
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, skipping the test with a reason when that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared Discourse contract is not beside this checkout")
    return path


def postgres_base_url() -> str | None:
    """The PostgreSQL URL for tests, normalised to the psycopg 3 driver, or None."""
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A WSGI app served by werkzeug in a background thread on loopback."""

    def __init__(self, app, port: int | None = None) -> None:
        import threading

        from werkzeug.serving import make_server

        self.port = port or free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def companion_context(settings: Settings, store: Store, forum_url: str, **overrides):
    """A Context for tests whose forum client talks to forum_url without pacing delays."""
    from companion.context import Context
    from companion.forum.connection import forum_from_client
    from sync.client import ForumClient

    settings = settings.replace(forum_url=forum_url, forum_api_key="sandbox-api-key", **overrides)
    context = Context(settings=settings, store=store)
    context.forum = forum_from_client(
        ForumClient(forum_url, "sandbox-api-key", "system", requests_per_minute=100_000, headroom=1.0, timeout=10)
    )
    return context


def companion_subprocess_env(store: Store, settings: Settings, forum_url: str, requests_per_minute: int = 240) -> dict:
    """Environment for a `python -m companion ...` subprocess sharing the test's store and sandbox forum."""
    return {
        **os.environ,
        "COMPANION_DATABASE_URL": store.url,
        "COMPANION_INSTANCE_PATH": str(settings.instance_path),
        "COMPANION_FORUM_URL": forum_url,
        "COMPANION_FORUM_API_KEY": "sandbox-api-key",
        "COMPANION_FORUM_REQUESTS_PER_MINUTE": str(requests_per_minute),
        "COMPANION_FORUM_HEADROOM": "1.0",
    }


REDIS_ENV = "COMPANION_TEST_REDIS_URL"


def redis_test_url() -> str:
    """The Redis URL for tests (.ci/run sets it), skipping (or failing in CI) when it is not set or not answering."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        skip_or_fail(f"{REDIS_ENV} is not set: shared rate-limit tests need Redis (.ci/run sets it)")
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis at {url} does not answer: {error}")
    return url


def checkout_env(home) -> dict[str, str]:
    """A bare environment for `python -m companion` that runs this checkout's code (not whichever is installed)."""
    from pathlib import Path

    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
