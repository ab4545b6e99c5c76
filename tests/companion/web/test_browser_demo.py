"""In a real browser: `companion demo` serves the pages it prints, a member sees suggestions, Ctrl-C stops it."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.support.env import checkout_env, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUGGESTION_PM_TITLE = "Finde deine Mitrebell*innen: neue Vorschläge"
READY_LINE = "Serving until Ctrl-C."
DELIVERY_WAIT = 150
START_TIMEOUT = 600
REPO = Path(__file__).resolve().parents[3]


def read_lines(stream, lines: queue.Queue) -> None:
    """Copy the process's output line by line into a queue (None at the end), so waiting never blocks forever."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def wait_for_ready(process: subprocess.Popen, lines: queue.Queue) -> str:
    """Everything the demo printed up to the line saying it keeps serving."""
    output: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=5)
        except queue.Empty:
            continue
        if line is None:
            raise AssertionError(f"demo exited with {process.wait()} before serving:\n" + "".join(output)[-4000:])
        output.append(line)
        if READY_LINE in line:
            return "".join(output)
    raise AssertionError("demo did not start serving in time:\n" + "".join(output)[-4000:])


def printed_url(output: str, label: str) -> str:
    match = re.search(rf"^\s*{re.escape(label)}:\s+(http://\S+)\s*$", output, re.MULTILINE)
    assert match, f"{label!r} not in the summary:\n{output}"
    return match.group(1)


@pytest.fixture
def demo_process(tmp_path):
    """`python -m companion demo` on free ports in a fresh folder, without any COMPANION_* settings."""
    if not __import__("os").path.exists("/usr/bin/chromium"):
        from tests.support.browser import skip_or_fail

        skip_or_fail("/usr/bin/chromium is missing: install Debian's chromium (apt-get install chromium)")
    port, forum_port = free_port(), free_port()
    # -u: the summary must reach the pipe line by line, not when a block buffer fills.
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "companion",
            "demo",
            "--members",
            "80",
            "--port",
            str(port),
            "--forum-port",
            str(forum_port),
        ],
        cwd=tmp_path,
        env=checkout_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    try:
        yield process, lines, port, forum_port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_demo_serves_the_printed_pages_and_stops_on_ctrl_c(demo_process, page, artifacts):
    process, lines, port, forum_port = demo_process
    output = wait_for_ready(process, lines)
    companion_url = printed_url(output, "companion pages")
    forum_url = printed_url(output, "sandbox forum")
    inbox_url = printed_url(output, "an inbox")
    badges_url = printed_url(output, "badges of a member")
    assert companion_url.startswith(f"http://127.0.0.1:{port}") or companion_url.startswith(f"http://localhost:{port}")
    assert f":{forum_port}/" in forum_url
    member = inbox_url.rstrip("/").rsplit("/", 1)[1]
    assert member and badges_url.rstrip("/").endswith("/" + member)
    assert f"e.g. {member})" in output

    response = page.goto(companion_url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Finde deine Mitrebellinnen und Mitrebellen"
    page.screenshot(path=str(artifacts / "demo-01-companion-home.png"), full_page=True)

    response = page.goto(forum_url)
    assert response.status == 200
    assert page.locator("body").inner_text().strip()
    page.screenshot(path=str(artifacts / "demo-02-sandbox-forum.png"), full_page=True)

    response = page.goto(inbox_url)
    assert response.status == 200
    assert page.get_by_text(SUGGESTION_PM_TITLE).count() >= 1
    page.screenshot(path=str(artifacts / "demo-03-inbox.png"), full_page=True)

    response = page.goto(badges_url)
    assert response.status == 200
    assert member in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "demo-04-member-badges.png"), full_page=True)

    page.goto(companion_url)
    page.get_by_role("link", name=re.compile("anmelden", re.IGNORECASE)).first.click()
    # The sandbox's log-in-as page lists only the first members, so choose one by name with its ?as= parameter.
    # (Its typed-username form re-posts the base64 payload with CR LF line breaks and fails the signature check.)
    page.wait_for_url(re.compile(r".*/session/sso_provider\?.*"))
    page.screenshot(path=str(artifacts / "demo-05-log-in-as.png"), full_page=True)
    page.goto(page.url + "&as=" + member)
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "demo-06-logged-in.png"), full_page=True)
    assert page.url.startswith(companion_url.rstrip("/")), page.url
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    page.get_by_role("link", name="Meine Vorschläge").click()
    assert page.locator("h1").inner_text() == "Meine Vorschläge"
    current = page.locator("section[aria-labelledby=current-heading] li.card")
    assert current.count() >= 1
    assert page.get_by_role("button", name="Kontakt aufnehmen").count() == current.count()
    page.screenshot(path=str(artifacts / "demo-07-my-suggestions.png"), full_page=True)

    # "Kontakt aufnehmen" says the introduction goes out shortly: the running demo's worker delivers it
    # within its one-minute delivery interval, without anyone running `companion deliver`.
    colleague = current.first.locator("h3 .hint").inner_text().lstrip("@")
    current.first.get_by_role("button", name="Kontakt aufnehmen").click()
    expect(page.get_by_text("Der Begleitdienst stellt euch beide")).to_be_visible()
    deadline = time.monotonic() + DELIVERY_WAIT
    delivered = False
    while time.monotonic() < deadline and not delivered:
        time.sleep(5)
        inbox = requests.get(f"{forum_url.rstrip('/').rsplit('/sandbox', 1)[0]}/sandbox/inbox/{colleague}", timeout=10)
        delivered = member in inbox.text and "Darf ich vorstellen" in inbox.text
    assert delivered, f"the introduction to {colleague} did not arrive within {DELIVERY_WAIT} s"
    # The demo ran the report once and prints where admins find it.
    report_url = printed_url(output, "report (admins)")
    assert re.search(r"report \(this year\):\s+(\d+%|hidden \(too few people\)) of \S+ active members", output)
    admin = re.search(r"or an admin \(e\.g\. (\S+)\)", output).group(1)
    page.context.clear_cookies()
    page.goto(report_url)
    page.wait_for_url(re.compile(r".*/session/sso_provider\?.*"))
    page.goto(page.url + "&as=" + admin)
    page.wait_for_load_state()
    assert page.url.startswith(report_url), page.url
    expect(page.locator("h1")).to_have_text("Bericht: was das Netzwerk bewirkt")
    assert page.locator("svg.chart").count() >= 4
    page.screenshot(path=str(artifacts / "demo-08-admin-report.png"), full_page=True)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) is not None
    rest = []
    while (line := lines.get(timeout=10)) is not None:
        rest.append(line)
    assert "Stopped." in "".join(rest)
