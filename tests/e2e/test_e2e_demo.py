"""The README's first command: `companion demo --once` shows a consistent, non-empty cycle."""

import re
import subprocess
import sys

import pytest

from tests.support.env import checkout_env, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def figure(output: str, pattern: str) -> tuple[int, ...]:
    match = re.search(pattern, output)
    assert match, f"{pattern!r} not in:\n{output}"
    return tuple(int(group) for group in match.groups())


def test_demo_once_prints_a_consistent_summary(tmp_path):
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "companion",
            "demo",
            "--once",
            "--members",
            "120",
            "--port",
            str(free_port()),
            "--forum-port",
            str(free_port()),
        ],
        cwd=tmp_path,
        env=checkout_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    out = process.stdout
    members, organisations, opted_in = figure(out, r"members synced:\s+(\d+) in (\d+) organisations \((\d+) opted in\)")
    suggestions, pms, in_inboxes = figure(out, r"suggestions sent:\s+(\d+) suggestions in (\d+) PMs \((\d+) found")
    circles, placed, _waiting = figure(out, r"circles formed:\s+(\d+) circles, (\d+) members, (\d+) on")
    granted, shown = figure(out, r"badges granted:\s+(\d+) \((\d+) shown")
    assert members > 100 and organisations == 12 and 0 < opted_in <= members
    assert suggestions >= pms > 0 and pms == in_inboxes
    assert circles > 0 and placed >= 4 * circles
    assert granted > 0 and granted == shown
    assert (tmp_path / "instance" / "demo.sqlite3").exists()
    assert "/sandbox/inbox/" in out and "Mit dem Forum anmelden" in out
    # Every format has its example, and the theme component is installed in the sandbox forum.
    assert re.search(r"Vorhaben of a circle:\s+[1-9]\d* entered", out)
    assert re.search(r"Lean Coffee board:\s+http://127\.0\.0\.1:\d+/meetups/\d+/lean-coffee", out)
    assert re.search(r"camp and its grid:\s+http://127\.0\.0\.1:\d+/camp/\d+", out)
    assert "theme component:       installed in the sandbox forum" in out
    assert re.search(r'"did you meet\?":\s+asked of \S+, see http://127\.0\.0\.1:\d+/sandbox/inbox/\S+', out)
