"""gunicorn settings of the companion's web container (`gunicorn -c gunicorn.conf.py companion.wsgi:app`)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A rules preview runs matching twice; the first call after a cold start compiled for about 22 s, which
# left no headroom under gunicorn's 30 s default. The image warms numba's cache at build time (about 1 s
# to load then), and 120 s still covers a cold cache on a slow machine plus a preview of a large network.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# SIGTERM: requests in flight may finish (the worker container has its own, longer grace period).
graceful_timeout = 30
keepalive = 5
# Workers are forked before any of them runs a numba kernel: GNU OpenMP must not be started before fork.
preload_app = False
# Heartbeat files in memory, not on the container's overlay filesystem (gunicorn's advice for Docker).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# ProxyFix in the app (COMPANION_TRUSTED_PROXIES) decides which forwarded headers to believe, not gunicorn.
forwarded_allow_ips = "127.0.0.1"
