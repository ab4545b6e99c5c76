"""Concurrent rules previews in one web process: numba's threading layer is chosen so none of them aborts it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.support.env import REPO

# Four request threads start previews at the same moment, five times each, in a process of their own
# (the threading layer is fixed at the first parallel kernel, so the test process cannot be reused).
SCRIPT = textwrap.dedent(
    """
    import sys, tempfile, threading
    from datetime import date

    import numba

    from companion.context import Context
    from companion.settings import load_settings
    from companion.store import migrate
    from companion.store.db import Store
    from companion.suggestions.rules import preview
    from companion.web import create_app
    from tests.support.suggestions import build_network

    folder = tempfile.mkdtemp()
    store = Store(f"sqlite:///{folder}/companion.sqlite3")
    migrate.upgrade(store)
    with store.transaction() as session:
        build_network(session)
    # The web app as gunicorn builds it: this is where the layer is chosen.
    settings = load_settings({"COMPANION_SECRET_KEY": "x" * 32, "COMPANION_INSTANCE_PATH": folder})
    create_app(Context(settings=settings, store=store))

    barrier = threading.Barrier(4)
    errors = []

    def request_thread():
        barrier.wait()
        try:
            for _ in range(5):
                preview(store, {"suggestions_per_member": "2"}, date(2026, 12, 1))
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=request_thread) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("layer", numba.threading_layer(), "errors", errors)
    sys.exit(1 if errors else 0)
    """
)


def test_concurrent_previews_do_not_abort_the_process():
    # workqueue is numba's fallback where no thread-safe library is found: it aborts on concurrent launches.
    env = {**os.environ, "PYTHONPATH": str(REPO), "NUMBA_THREADING_LAYER": "workqueue"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "layer omp errors []" in result.stdout
