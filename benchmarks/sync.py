"""Benchmark: requests and wall time of a full member read against the sandbox forum.

Reads all members with their details from a sandbox of 1,000 and 10,000
members, once one request per member and once through the Data Explorer bulk
path, and prints requests per member and 429s received. At the real default
budget (60 requests/minute) 10,000 members take hours, so the admin budget of
both the sandbox and the client's pacer is multiplied by the same --scale
(the proportion, and therefore the pacing behaviour, is unchanged); the
Data Explorer limit of 2 runs per 10 s is kept as is.

    .venv/bin/python benchmarks/sync.py [--members 1000 10000] [--scale 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox import SandboxSettings, run_sandbox_server
from sync.client import ForumClient
from sync.readers import ForumReader

DEFAULT_BUDGET = 60


def measure(members: int, bulk: bool, scale: int) -> dict[str, float]:
    """Run one full member read and return its figures."""
    budget = DEFAULT_BUDGET * scale
    settings = SandboxSettings(members=members, admin_requests_per_minute=budget, data_explorer=bulk)
    with run_sandbox_server(settings) as server:
        client = ForumClient(server.url, settings.api_key, settings.api_username, requests_per_minute=budget)
        reader = ForumReader(client)
        served_before = server.state.request_count
        started = time.perf_counter()
        read, used_bulk = reader.read_members(prefer_bulk=bulk)
        wall = time.perf_counter() - started
        served = server.state.request_count - served_before
        client.close()
    return {
        "members": len(read),
        "used_bulk": used_bulk,
        "requests": client.requests_made,
        "served": served,
        "per_member": client.requests_made / max(1, len(read)),
        "wall_s": wall,
        "client_429": client.rate_limited_count,
        "paced_per_min": client.pacer.paced_per_period,
        "budget_per_min": budget,
    }


def main() -> None:
    """Parse arguments, run every combination and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--scale", type=int, default=100, help="multiply the 60/min admin budget of sandbox and pacer")
    args = parser.parse_args()
    print(
        f"admin budget {DEFAULT_BUDGET}/min x scale {args.scale} = {DEFAULT_BUDGET * args.scale}/min "
        f"(pacer at 80 % of it); Data Explorer runs unscaled at 2 per 10 s"
    )
    header = f"{'members':>8} {'path':>10} {'requests':>9} {'req/member':>11} {'wall s':>8} {'429s':>5} {'target':>8}"
    print(header)
    for members in args.members:
        for bulk in (False, True):
            r = measure(members, bulk, args.scale)
            target = 0.02 if bulk else 1.1
            ok = "ok" if r["per_member"] <= target and r["client_429"] == 0 else "MISSED"
            path = "bulk" if r["used_bulk"] else "per-member"
            print(
                f"{r['members']:>8} {path:>10} {r['requests']:>9} {r['per_member']:>11.4f} "
                f"{r['wall_s']:>8.1f} {r['client_429']:>5} {ok:>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
