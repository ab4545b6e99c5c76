"""numba in a long-running web process: an explicitly chosen, thread-safe threading layer, and a compile warm-up."""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger(__name__)

# numba's fallback "workqueue" layer aborts the whole process (exit 134) when two requests run a parallel
# kernel at the same time. OpenMP (libgomp) is thread-safe; it is not fork-safe, which is fine because
# gunicorn forks its workers before any of them runs a kernel (no preload_app). TBB is safe for both,
# so an operator who installs it may choose it with NUMBA_THREADING_LAYER=tbb.
THREAD_SAFE_LAYERS = ("omp", "tbb")
DEFAULT_LAYER = "omp"


def configure_numba() -> str:
    """Choose the threading layer before the first parallel kernel runs; returns the layer chosen."""
    import numba

    requested = os.environ.get("NUMBA_THREADING_LAYER", "").strip().lower()
    layer = requested if requested in THREAD_SAFE_LAYERS else DEFAULT_LAYER
    if requested and requested != layer:
        log.warning("NUMBA_THREADING_LAYER=%s is not safe under concurrent requests; using %s", requested, layer)
    numba.config.THREADING_LAYER = layer  # type: ignore[attr-defined]
    return layer


def warm_up(members: int = 200) -> float:
    """Compile (or load from NUMBA_CACHE_DIR) every matching kernel once on a small synthetic network; seconds taken."""
    from matching.suggestions.engine import run_matching
    from matching.suggestions.rules import default_rules
    from matching.suggestions.synthetic import generate_network

    configure_numba()
    started = time.monotonic()
    network = generate_network(members, seed=1)
    run_matching(network.profiles, network.statuses, default_rules(), network.history, network.today, seed=1)
    return time.monotonic() - started
