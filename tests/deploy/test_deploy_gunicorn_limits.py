"""A real gunicorn with two workers (gunicorn.conf.py) behind a simulated proxy counts logins per client in Redis."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from companion.store import migrate
from companion.store.db import Store
from tests.support.env import REPO, free_port, redis_test_url

pytestmark = pytest.mark.slow


@pytest.fixture
def gunicorn_server(tmp_path):
    redis_url = redis_test_url()
    store = Store(f"sqlite:///{tmp_path / 'companion.sqlite3'}")
    migrate.upgrade(store)
    store.dispose()
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "COMPANION_INSTANCE_PATH": str(tmp_path),
        "COMPANION_DATABASE_URL": f"sqlite:///{tmp_path / 'companion.sqlite3'}",
        "COMPANION_SECRET_KEY": "gunicorn-test-secret-key-0123456789",
        "COMPANION_CONNECT_SECRET": "gunicorn-test-connect-secret",
        "COMPANION_FORUM_URL": "http://forum.invalid",
        "COMPANION_SESSION_COOKIE_SECURE": "false",
        "COMPANION_TRUSTED_PROXIES": "1",
        "COMPANION_RATELIMIT_STORAGE_URL": redis_url,
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "companion.wsgi:app"],
        cwd=REPO,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
            try:
                requests.get(f"{url}/health", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):
                # Workers still booting (numba, the app) may accept the connection but not answer yet.
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_gunicorn_workers_count_one_client_together(gunicorn_server):
    base = f"10.{random.randrange(10, 250)}.{random.randrange(256)}"

    def login(address: str) -> int:
        # A new connection each time, so both workers take requests; the proxy puts the client in the header.
        with requests.Session() as session:
            response = session.get(
                f"{gunicorn_server}/login",
                headers={"X-Forwarded-For": address, "Connection": "close"},
                allow_redirects=False,
                timeout=10,
            )
        return response.status_code

    statuses = [login(f"{base}.1") for _ in range(21)]
    assert statuses == [302] * 20 + [429]
    assert login(f"{base}.2") == 302
