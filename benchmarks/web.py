"""Latency of the member pages (p50/p95/p99) under 50 concurrent sessions on loopback, with 10,000 members in the store.

Usage: .venv/bin/python benchmarks/web.py [--members 10000] [--sessions 50] [--views 30] [--think 0.5 1.5]
                                          [--workers 2] [--threads 4] [--closed-requests 40] [--database-url URL]

The app runs as in production: gunicorn (companion.wsgi:app, the Dockerfile's 2 workers x 4 threads unless told
otherwise) in a subprocess configured only through COMPANION_* variables, on the benchmark's own store.
The store holds the members with consent, four weekly runs of three suggestions each, forum activity behind the
inferred interests (topics with tags, posts, likes) and published circles with meetings, so every query of the
pages has real rows to find.

Two load models, both with 50 sessions (each a logged-in member with its own cookie and keep-alive connection):
1. realistic: each session is a person who reads a page, thinks for a uniformly random 0.5-1.5 s, then opens the
   next of /, /profile, /suggestions at random (start times are spread over one think time). This is the
   figure for the target p99 < 100 ms.
2. closed loop, no think time: each session fires its next request the moment the previous answer arrives.
   This measures saturation (50 requests always queued on 2 cores), not what a member sees; reported for
   transparency.
The load generator runs in this process (threads), so on a 2-core machine it shares the CPU with the server.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from companion.context import Context  # noqa: E402
from companion.settings import load_settings  # noqa: E402
from companion.store import migrate  # noqa: E402
from companion.store.db import Store  # noqa: E402
from companion.store.models import (  # noqa: E402
    Circle,
    CircleMember,
    Like,
    Meeting,
    Member,
    MemberPreferences,
    Organisation,
    Post,
    Season,
    Suggestion,
    Tag,
    Topic,
    TopicTag,
)
from companion.web import create_app  # noqa: E402

PAGES = ["/", "/profile", "/suggestions"]
TAGS = [
    "ozg",
    "e-akte",
    "lean-coffee",
    "digitalisierung",
    "personal",
    "vergabe",
    "open-data",
    "ki",
    "bauamt",
    "buergerservice",
    "agile",
    "new-work",
    "prozesse",
    "it-sicherheit",
    "datenschutz",
    "kommunikation",
    "nachhaltigkeit",
    "innovation",
]


def fill(store: Store, members: int) -> list[int]:
    """Members with consent, suggestions, forum activity and circles; returns the member ids."""
    rng = random.Random(1)
    now = datetime.now(UTC)
    with store.transaction() as db:
        organisations = [Organisation(key=f"org-{i}", name=f"Verwaltung {i}") for i in range(40)]
        db.add_all(organisations)
        db.flush()
        db.execute(
            Member.__table__.insert(),
            [
                {
                    "forum_user_id": i + 1,
                    "username": f"member{i}",
                    "name": f"Mitglied {i}",
                    "organisation_id": organisations[i % 40].id,
                }
                for i in range(members)
            ],
        )
        ids = list(db.scalars(Member.__table__.select().with_only_columns(Member.id)))
        db.execute(
            MemberPreferences.__table__.insert(),
            [
                {"member_id": i, "matching_consent": True, "circles_consent": i % 3 == 0, "cadence": "weekly"}
                for i in ids
            ],
        )
        suggestions = []
        for week in range(4):
            day = date.today() - timedelta(weeks=week)
            for member_id in ids:
                for rank, other in enumerate(rng.sample(ids, 3), start=1):
                    if other != member_id:
                        suggestions.append(
                            {
                                "run_date": day,
                                "member_id": member_id,
                                "suggested_member_id": other,
                                "rank": rank,
                                "score": 0.5,
                                "shared_terms": ["OZG", "E-Akte"],
                                "status": "new" if week == 0 else "ignored",
                            }
                        )
        insert(db, Suggestion, suggestions)
        fill_forum_activity(db, rng, ids, now)
        fill_circles(db, rng, ids, now)
    return ids


def insert(db, model, rows: list[dict], chunk: int = 20_000) -> None:
    for start in range(0, len(rows), chunk):
        db.execute(model.__table__.insert(), rows[start : start + chunk])


def fill_forum_activity(db, rng: random.Random, ids: list[int], now: datetime) -> None:
    """Two topics per member with two tags each, eight posts and ten likes per member on average."""
    db.execute(Tag.__table__.insert(), [{"id": i + 1, "name": name} for i, name in enumerate(TAGS)])
    topics = len(ids) * 2
    insert(
        db,
        Topic,
        [
            {
                "id": t + 1,
                "title": f"Thema {t}",
                "category_id": 1 + t % 8,
                "member_id": rng.choice(ids),
                "created_at": now,
            }
            for t in range(topics)
        ],
    )
    insert(
        db,
        TopicTag,
        [{"topic_id": t + 1, "tag_id": tag} for t in range(topics) for tag in rng.sample(range(1, len(TAGS) + 1), 2)],
    )
    posts = len(ids) * 8
    insert(
        db,
        Post,
        [
            {
                "id": p + 1,
                "topic_id": rng.randint(1, topics),
                "post_number": 2,
                "member_id": rng.choice(ids),
                "raw": "Beitrag",
                "created_at": now,
            }
            for p in range(posts)
        ],
    )
    likes = {(rng.randint(1, posts), rng.choice(ids)) for _ in range(len(ids) * 10)}
    insert(db, Like, [{"post_id": p, "member_id": m, "created_at": now} for p, m in likes])


def fill_circles(db, rng: random.Random, ids: list[int], now: datetime) -> None:
    """A published season: a third of the members in circles of six with six meetings each."""
    today = now.date()
    season = Season(
        name="Benchmark-Runde",
        signup_opens_on=today - timedelta(days=40),
        signup_closes_on=today - timedelta(days=30),
        first_meeting_on=today - timedelta(days=20),
        status="published",
    )
    db.add(season)
    db.flush()
    placed = [i for i in ids if i % 3 == 0]
    for number, start in enumerate(range(0, len(placed) - 5, 6), start=1):
        circle = Circle(
            season_id=season.id,
            number=number,
            name=f"Zirkel {number}",
            slot_weekday=number % 5,
            slot_block="vormittag",
            forum_group_name=f"zirkel-b-{number}",
            status="published",
        )
        circle.members = [CircleMember(member_id=m) for m in placed[start : start + 6]]
        db.add(circle)
        db.flush()
        first = now - timedelta(days=20) + timedelta(hours=rng.randint(0, 48))
        insert(
            db,
            Meeting,
            [
                {
                    "circle_id": circle.id,
                    "number": n + 1,
                    "uid": f"{uuid.uuid4().hex}@bench",
                    "starts_at": first + timedelta(weeks=5 * n),
                    "ends_at": first + timedelta(weeks=5 * n, minutes=90),
                    "location": "Online",
                    "status": "scheduled",
                    "sequence": 0,
                    "note": "",
                }
                for n in range(6)
            ],
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(environment: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn serving companion.wsgi:app on loopback; returns once /health answers."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            # Idle keep-alive connections must outlive a think time (gunicorn's default is 2 s);
            # browsers keep theirs open too.
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
            "companion.wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=30).status_code == 200:
                return process
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /health within 60 s")


@dataclass
class Results:
    """Latencies in milliseconds per page, and the wall-clock time of the run."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {page: [] for page in PAGES})
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, elapsed_ms: float) -> None:
        with self.lock:
            self.latencies[page].append(elapsed_ms)


def timed_get(http: requests.Session, base: str, page: str, results: Results) -> None:
    started = time.perf_counter()
    response = http.get(base + page, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{page}: HTTP {response.status_code}")
    results.add(page, elapsed)


def run_load(
    sessions: list[requests.Session], base: str, views: int, think: tuple[float, float] | None, seed: int
) -> Results:
    """Every session opens `views` pages; with think=(low, high) it pauses a random time in between."""
    results = Results()

    def person(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        http = sessions[index]
        if think:
            time.sleep(rng.uniform(0, think[1]))  # people do not all arrive in the same millisecond
        for view in range(views):
            page = rng.choice(PAGES) if think else PAGES[view % len(PAGES)]
            timed_get(http, base, page, results)
            if think:
                time.sleep(rng.uniform(*think))

    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        list(pool.map(person, range(len(sessions))))
    results.wall = time.perf_counter() - wall
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report(title: str, results: Results) -> None:
    everything = [v for values in results.latencies.values() for v in values]
    print(f"\n{title}")
    print(f"  {len(everything)} requests in {results.wall:.1f} s = {len(everything) / results.wall:.0f} req/s")
    for page, values in list(results.latencies.items()) + [("all", everything)]:
        print(
            f"  {page:13s} p50 {statistics.median(values):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms   "
            f"p99 {percentile(values, 0.99):7.1f} ms   max {max(values):7.1f} ms   n={len(values)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--views", type=int, default=30, help="page views per session with think time")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("LOW", "HIGH"), help="seconds between views"
    )
    parser.add_argument(
        "--closed-requests", type=int, default=40, help="requests per session without think time (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (production: 2)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (production: 4)")
    parser.add_argument(
        "--database-url", default=None, help="an empty PostgreSQL database (default: SQLite in a temp folder)"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    store = Store(url)
    migrate.upgrade(store)
    started = time.perf_counter()
    ids = fill(store, args.members)
    print(f"store: {store.dialect}, {len(ids)} members, filled in {time.perf_counter() - started:.1f} s")
    store.dispose()

    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(folder)),
        "COMPANION_DATABASE_URL": url,
        "COMPANION_INSTANCE_PATH": str(folder),
        "COMPANION_SECRET_KEY": "bench-secret-key-0123456789",
        "COMPANION_CONNECT_SECRET": "bench-connect-secret",
        "COMPANION_SESSION_COOKIE_SECURE": "false",
        "COMPANION_FORUM_URL": "http://forum.invalid",
        "COMPANION_LOG_LEVEL": "WARNING",
    }
    # Only to sign session cookies with the server's secret key; this app serves nothing.
    signer_app = create_app(Context(settings=load_settings(environment), store=Store(url)))
    serializer = signer_app.session_interface.get_signing_serializer(signer_app)
    port = free_port()
    server = start_gunicorn(environment, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    try:

        def session_for(member_id: int) -> requests.Session:
            http = requests.Session()
            http.cookies.set(
                "companion_session", serializer.dumps({"member_id": member_id, "admin": False}), domain="127.0.0.1"
            )
            return http

        chosen = random.Random(2).sample(ids, args.sessions)
        sessions = [session_for(member_id) for member_id in chosen]
        for http in sessions:  # warm up: every worker loads templates and catalogs, every session connects
            for page in PAGES:
                assert http.get(base + page, timeout=60).status_code == 200

        print(
            f"configuration: gunicorn {args.workers} workers x {args.threads} threads (companion.wsgi:app), "
            f"{store.dialect}, {len(ids)} members, {args.sessions} sessions, {os.cpu_count()} CPUs, loopback, "
            f"load generator in-process"
        )
        low, high = args.think
        report(
            f"1. realistic: {args.sessions} sessions x {args.views} views, think time uniform {low}-{high} s"
            " (target p99 < 100 ms)",
            run_load(sessions, base, args.views, (low, high), seed=3),
        )
        if args.closed_requests:
            report(
                f"2. closed loop, no think time: {args.sessions} sessions x {args.closed_requests} requests"
                " (saturation)",
                run_load(sessions, base, args.closed_requests, None, seed=4),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
