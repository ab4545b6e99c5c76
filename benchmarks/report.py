"""Benchmark: the report of one year over a synthetic SQLite store (default 10,000 members, 100,000 posts).

Prints the seconds to compute and anonymise the figures, and to render HTML, CSV and PDF.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Run as a script, this folder comes first on sys.path and its matching.py would shadow the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from companion.reports.build import build_report
from companion.reports.rendering import render_csv, render_document, render_pdf
from companion.store import migrate
from companion.store.db import Store
from companion.store.models import (
    Badge,
    BadgeGrant,
    Circle,
    CircleMember,
    Like,
    Meeting,
    Member,
    Organisation,
    Post,
    PrivateContact,
    Rsvp,
    Season,
    Suggestion,
    Topic,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


def moment(rng: random.Random) -> datetime:
    return START + timedelta(minutes=rng.randrange(365 * 24 * 60))


def seed(store: Store, members: int, posts: int, seed_value: int) -> None:
    """Members in Zipf-sized organisations (some smaller than k), posts, likes, contacts, circles and badges."""
    rng = random.Random(seed_value)
    orgs = 60
    weights = [1 / (i + 1) ** 1.1 for i in range(orgs)]
    with store.transaction() as db:
        db.execute(
            insert(Organisation), [{"id": i + 1, "key": f"o{i}", "name": f"Verwaltung {i}"} for i in range(orgs)]
        )
        org_of = [rng.choices(range(1, orgs + 1), weights)[0] for _ in range(members)]
        db.execute(
            insert(Member),
            [
                {
                    "id": m + 1,
                    "forum_user_id": m + 1,
                    "username": f"u{m}",
                    "organisation_id": org_of[m],
                    "forum_created_at": START - timedelta(days=rng.randrange(400)),
                }
                for m in range(members)
            ],
        )
        db.execute(insert(Topic), [{"id": t + 1, "title": f"T{t}"} for t in range(posts // 10)])
        db.execute(
            insert(Post),
            [
                {
                    "id": p + 1,
                    "topic_id": p // 10 + 1,
                    "member_id": rng.randrange(members) + 1,
                    "created_at": moment(rng),
                }
                for p in range(posts)
            ],
        )
        likes = {(rng.randrange(posts) + 1, rng.randrange(members) + 1) for _ in range(posts)}
        db.execute(insert(Like), [{"post_id": p, "member_id": m, "created_at": moment(rng)} for p, m in likes])
        pairs = {(rng.randrange(members) + 1, rng.randrange(members) + 1) for _ in range(members * 2)}
        db.execute(
            insert(PrivateContact),
            [{"member_id": a, "other_member_id": b, "first_at": moment(rng)} for a, b in pairs if a != b],
        )
        db.execute(
            insert(Suggestion),
            [
                {
                    "run_date": moment(rng).date(),
                    "member_id": rng.randrange(members) + 1,
                    "suggested_member_id": rng.randrange(members) + 1,
                    "rank": 1,
                    "score": 0.5,
                    "status": rng.choice(["new", "contacted", "rejected", "talked", "ignored"]),
                    "feedback_at": moment(rng),
                }
                for _ in range(members * 4)
            ],
        )
        season = Season(
            name="S",
            signup_opens_on=date(2026, 1, 1),
            signup_closes_on=date(2026, 2, 1),
            first_meeting_on=date(2026, 3, 1),
        )
        db.add(season)
        db.flush()
        circles = members // 30
        db.execute(
            insert(Circle),
            [
                {
                    "id": c + 1,
                    "season_id": season.id,
                    "number": c + 1,
                    "name": f"Z{c}",
                    "slot_weekday": 1,
                    "slot_block": "morning",
                    "status": "published",
                }
                for c in range(circles)
            ],
        )
        chosen = rng.sample(range(1, members + 1), circles * 6)
        db.execute(
            insert(CircleMember),
            [
                {"circle_id": i // 6 + 1, "member_id": m, "joined_at": START + timedelta(days=50)}
                for i, m in enumerate(chosen)
            ],
        )
        meetings = [
            {
                "id": c * 6 + n + 1,
                "circle_id": c + 1,
                "number": n + 1,
                "uid": f"m{c}-{n}",
                "starts_at": START + timedelta(days=60 + 35 * n),
                "ends_at": START + timedelta(days=60 + 35 * n, hours=2),
            }
            for c in range(circles)
            for n in range(6)
        ]
        db.execute(insert(Meeting), meetings)
        db.execute(
            insert(Rsvp),
            [
                {
                    "meeting_id": mt["id"],
                    "member_id": chosen[(mt["circle_id"] - 1) * 6 + i],
                    "answer": "yes",
                    "at": mt["starts_at"] - timedelta(days=2),
                    "attended": rng.random() < 0.8,
                }
                for mt in meetings
                for i in range(6)
                if rng.random() < 0.7
            ],
        )
        badge = Badge(key="bridge", name_de="Brückenbauer*in", name_en="Bridge builder", rule="r")
        db.add(badge)
        db.flush()
        db.execute(
            insert(BadgeGrant),
            [
                {"badge_id": badge.id, "member_id": m, "granted_at": moment(rng)}
                for m in rng.sample(range(1, members + 1), members // 2)
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{os.path.join(folder, 'report.sqlite3')}")
        migrate.upgrade(store)
        began = time.perf_counter()
        seed(store, args.members, args.posts, args.seed)
        print(f"seeded {args.members} members, {args.posts} posts in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        with store.session() as db:
            report = build_report(db, date(2026, 1, 1), date(2026, 12, 31), 5)
        print(f"figures + anonymity: {time.perf_counter() - began:.2f} s ({report.hidden_count} figures hidden)")
        for name, render in (("html", render_document), ("csv", render_csv), ("pdf", render_pdf)):
            began = time.perf_counter()
            out = render(report, "de")
            print(f"render {name}: {time.perf_counter() - began:.2f} s, {len(out):,} bytes")
        print(f"load average: {os.getloadavg()[0]:.1f}")
        store.dispose()


if __name__ == "__main__":
    main()
