"""Latency of the member pages (p50/p99) under 50 concurrent sessions on loopback, with 10,000 members in the store.

Usage: .venv/bin/python benchmarks/web.py [--members 10000] [--sessions 50] [--requests 40] [--database-url URL]
Serves the app with gunicorn-like threading (werkzeug, threaded) on 127.0.0.1; target p99 < 100 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from companion.context import Context  # noqa: E402
from companion.settings import load_settings  # noqa: E402
from companion.store import migrate  # noqa: E402
from companion.store.db import Store  # noqa: E402
from companion.store.models import Member, MemberPreferences, Organisation, Suggestion  # noqa: E402
from companion.web import create_app  # noqa: E402

PAGES = ["/", "/profile", "/suggestions"]


class QuietHandler(WSGIRequestHandler):
    """No access log: printing 2,000 lines would be measured too."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def fill(store: Store, members: int) -> list[int]:
    """Organisations, members with consent and three suggestions each for the last four weeks."""
    rng = random.Random(1)
    with store.transaction() as db:
        organisations = [Organisation(key=f"org-{i}", name=f"Verwaltung {i}") for i in range(40)]
        db.add_all(organisations)
        db.flush()
        rows = [
            {"forum_user_id": i + 1, "username": f"member{i}", "name": f"Mitglied {i}", "organisation_id": organisations[i % 40].id}
            for i in range(members)
        ]
        db.execute(Member.__table__.insert(), rows)
        ids = list(db.scalars(Member.__table__.select().with_only_columns(Member.id)))
        db.execute(MemberPreferences.__table__.insert(), [{"member_id": i, "matching_consent": True, "circles_consent": False, "cadence": "weekly"} for i in ids])
        suggestions = []
        for week in range(4):
            day = date.today() - timedelta(weeks=week)
            for member_id in ids:
                for rank, other in enumerate(rng.sample(ids, 3), start=1):
                    if other != member_id:
                        suggestions.append({"run_date": day, "member_id": member_id, "suggested_member_id": other, "rank": rank, "score": 0.5, "shared_terms": ["OZG", "E-Akte"], "status": "new" if week == 0 else "ignored"})
        for start in range(0, len(suggestions), 20_000):
            db.execute(Suggestion.__table__.insert(), suggestions[start : start + 20_000])
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="requests per session")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite in a temp folder)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    store = Store(url)
    migrate.upgrade(store)
    started = time.perf_counter()
    ids = fill(store, args.members)
    print(f"store: {store.dialect}, {len(ids)} members, filled in {time.perf_counter() - started:.1f} s")

    settings = load_settings({
        "COMPANION_INSTANCE_PATH": str(folder), "COMPANION_SECRET_KEY": "bench-secret-key-0123456789",
        "COMPANION_CONNECT_SECRET": "bench-connect-secret", "COMPANION_SESSION_COOKIE_SECURE": "false",
        "COMPANION_FORUM_URL": "http://forum.invalid",
    })
    app = create_app(Context(settings=settings, store=store))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    serializer = app.session_interface.get_signing_serializer(app)

    def session_for(member_id: int) -> requests.Session:
        http = requests.Session()
        http.cookies.set("companion_session", serializer.dumps({"member_id": member_id, "admin": False}), domain="127.0.0.1")
        return http

    chosen = random.Random(2).sample(ids, args.sessions)
    sessions = [session_for(member_id) for member_id in chosen]
    for http in sessions[:3]:  # warm up templates and connection pools
        for page in PAGES:
            assert http.get(base + page, timeout=30).status_code == 200

    latencies: dict[str, list[float]] = {page: [] for page in PAGES}
    lock = threading.Lock()

    def run(http: requests.Session) -> None:
        for i in range(args.requests):
            page = PAGES[i % len(PAGES)]
            t0 = time.perf_counter()
            response = http.get(base + page, timeout=30)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{page}: HTTP {response.status_code}")
            with lock:
                latencies[page].append(elapsed)

    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        list(pool.map(run, sessions))
    wall = time.perf_counter() - wall
    server.shutdown()

    everything = sorted(v for values in latencies.values() for v in values)
    print(f"{args.sessions} concurrent sessions x {args.requests} requests, {len(everything)} requests in {wall:.1f} s ({len(everything) / wall:.0f} req/s)")
    for page, values in list(latencies.items()) + [("all", everything)]:
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{page:14s} p50 {statistics.median(values):7.1f} ms   p99 {p99:7.1f} ms   n={len(values)}")


if __name__ == "__main__":
    main()
