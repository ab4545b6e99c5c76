"""`companion demo`: the whole companion on the embedded default, against a seeded sandbox forum."""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler

from companion.context import Context
from companion.demo.formats import FormatsSummary, seed_formats
from companion.messages.templates import DEFAULTS
from companion.settings import Settings
from companion.store import migrate
from companion.store.db import Store

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

    from sandbox.server import SandboxServer

DEMO_CONSENT_SHARE = 0.8
DEMO_SIGNUPS = 48
DEMO_POLICY_VERSION = "demo"


@dataclass
class DemoSummary:
    """What one demo cycle did, with the URLs to open."""

    companion_url: str
    forum_url: str
    members: int = 0
    organisations: int = 0
    consenting: int = 0
    suggestions: int = 0
    suggestion_pms: int = 0
    pms_in_inboxes: int = 0
    circles: int = 0
    circle_members: int = 0
    waiting: int = 0
    badges_granted: int = 0
    badges_in_forum: int = 0
    formats: FormatsSummary | None = None
    example_member: str = ""
    example_admin: str = ""
    report_headline: str = ""
    met_question_to: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass
class DemoServers:
    """The sandbox forum and the companion web app, both served on loopback."""

    forum: SandboxServer
    web: BaseWSGIServer
    context: Context
    worker: object | None = None

    def stop(self) -> None:
        if self.worker is not None:
            stop_worker(self.worker)
        self.web.shutdown()
        self.forum.stop()


def start_worker(context: Context):
    """The worker's own jobs (delivery every minute, circle jobs, the nightly run) in a background thread."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from companion.jobs.worker import Worker

    worker = Worker(context, scheduler=BackgroundScheduler(timezone=context.settings.timezone))
    worker.schedule()
    worker.scheduler.start()
    return worker


def stop_worker(worker) -> None:
    """Let the current send finish, then stop the background jobs."""
    worker.stopping.set()
    worker.scheduler.shutdown(wait=True)


class QuietRequestHandler(WSGIRequestHandler):
    """The werkzeug request log without the forum's webhook calls, which would drown the demo's progress lines."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.path.startswith("/webhooks/"):
            return
        super().log_request(code, size)


def demo_settings(base: Settings, companion_port: int, forum_url: str) -> Settings:
    """Settings for the demo: its own SQLite file and generated secrets, unless the operator set them."""
    instance = Path(base.instance_path).resolve()
    return base.replace(
        database_url=base.values["DATABASE_URL"] or f"sqlite:///{instance / 'demo.sqlite3'}",
        base_url=f"http://127.0.0.1:{companion_port}",
        forum_url=forum_url,
        forum_api_key="sandbox-api-key",
        forum_api_username="system",
        forum_requests_per_minute=100_000,
        forum_headroom=1.0,
        webhook_secret=base.webhook_secret or secrets.token_hex(16),
        connect_secret=base.connect_secret or "sandbox-connect-secret",
        secret_key=base.secret_key or secrets.token_hex(32),
        session_cookie_secure=False,
    )


def start_servers(
    base: Settings, *, members: int, forum_port: int, companion_port: int, fresh: bool = True
) -> DemoServers:
    """Start the seeded sandbox forum and the companion web app on loopback."""
    from werkzeug.serving import make_server

    from companion.web import create_app
    from sandbox import SandboxSettings, run_sandbox_server

    forum_url = f"http://127.0.0.1:{forum_port}"
    settings = demo_settings(base, companion_port, forum_url)
    if fresh and settings.database_url.startswith("sqlite:///"):
        database = Path(settings.database_url[len("sqlite:///") :])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    store = Store(settings.database_url)
    migrate.upgrade(store)
    forum = run_sandbox_server(
        SandboxSettings(
            members=members,
            admin_requests_per_minute=0,
            webhook_url=f"{settings.base_url}/webhooks/discourse",
            webhook_secret=settings.webhook_secret,
            connect_secret=settings.connect_secret,
            seed_reference=datetime.now(UTC).replace(minute=0, second=0, microsecond=0),
        ),
        port=forum_port,
    )
    context = Context(settings=settings, store=store)
    app = create_app(context)
    web = make_server("127.0.0.1", companion_port, app, threaded=True, request_handler=QuietRequestHandler)
    threading.Thread(target=web.serve_forever, daemon=True, name="companion-web").start()
    return DemoServers(forum=forum, web=web, context=context)


def _simulate_consent(context: Context, rng: random.Random) -> int:
    """Demo members opt in to matching and circles the way members would on their profile page."""
    from companion.members.consent import set_consent
    from companion.store.models import Member

    with context.store.transaction() as session:
        members = session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.id)).all()
        chosen = [m for m in members if rng.random() < DEMO_CONSENT_SHARE]
        for member in chosen:
            set_consent(session, member.id, "matching", True, policy_version=DEMO_POLICY_VERSION)
            set_consent(session, member.id, "circles", True, policy_version=DEMO_POLICY_VERSION)
        return len(chosen)


def _example_season(context: Context, rng: random.Random) -> tuple[int, int, int]:
    """Create an open season, sign demo members up, form and publish the circles."""
    from companion.circles.common import season_slots
    from companion.circles.formation import form_season
    from companion.circles.publishing import publish_season
    from companion.circles.seasons import SeasonSpec, create_season
    from companion.circles.signups import SignUpForm, sign_up
    from companion.members.interests import inferred_interests
    from companion.store.models import Member, MemberPreferences

    today = datetime.now(UTC).date()
    with context.store.transaction() as session:
        season = create_season(
            session,
            SeasonSpec(
                name=f"Zirkel-Runde {today.year}/{today.month:02d}",
                signup_opens_on=today - timedelta(days=14),
                signup_closes_on=today,
                first_meeting_on=today + timedelta(days=21),
            ),
            actor="demo",
        )
        slots = [(slot.weekday, slot.block) for slot in season_slots(season)]
        candidates = session.scalars(
            select(Member)
            .join(MemberPreferences, MemberPreferences.member_id == Member.id)
            .where(MemberPreferences.circles_consent.is_(True), Member.suspended.is_(False), Member.silenced.is_(False))
            .order_by(Member.id)
        ).all()
        for member in rng.sample(list(candidates), min(DEMO_SIGNUPS, len(candidates))):
            form = SignUpForm(
                interests=inferred_interests(session, member.id)[:3],
                availability=set(rng.sample(slots, k=min(len(slots), rng.randint(3, 6)))),
                willing_to_host=rng.random() < 0.4,
            )
            sign_up(session, season, member, form, today=today)
        outcome = form_season(session, season, context.settings, actor="demo")
        publish_season(session, season, context.settings, actor="demo")
        placed = sum(len(circle.member_ids) for circle in outcome.formation.circles)
        return len(outcome.formation.circles), placed, len(outcome.formation.waiting)


def run_cycle(
    servers: DemoServers, *, seed: int = 1, progress: Callable[[str], None] = lambda text: None
) -> DemoSummary:
    """One complete nightly cycle: sync, consent, matching with PMs, badges, an example season, delivery."""
    from companion.badges.awarding import award_badges
    from companion.forum.reading import run_sync
    from companion.jobs.nightly import run_nightly
    from companion.outbox.delivery import deliver_pending
    from companion.outbox.handlers import HANDLERS
    from companion.outbox.states import OutboxStatus
    from companion.store.models import Badge, Member, Organisation, OutboxItem, Suggestion

    context = servers.context
    state = servers.forum.state
    rng = random.Random(seed)
    summary = DemoSummary(companion_url=context.settings.base_url, forum_url=context.settings.forum_url)
    progress("Syncing the sandbox forum …")
    sync = run_sync(context, full=True)
    progress(f"  {sync.members} members, {sync.topics} topics, {sync.posts} posts ({sync.requests} requests)")
    summary.consenting = _simulate_consent(context, rng)
    progress(f"  {summary.consenting} members opted in (demo)")
    progress("Forming and publishing an example circle season …")
    summary.circles, summary.circle_members, summary.waiting = _example_season(context, rng)
    progress(f"  {summary.circles} circles with {summary.circle_members} members, {summary.waiting} waiting")
    progress("Seeding the formats: Vorhaben and check-ins, a Lean Coffee, a guest, the camp, the theme component …")
    if not context.settings.sharing_category_id and state.categories:
        # The demo shares write-ups in the sandbox's first category; a real network names its own.
        context.settings = context.settings.replace(sharing_category_id=min(state.categories))
    summary.formats = seed_formats(context, state, rng)
    progress("Running the nightly job: matching, suggestion PMs, badges, delivery …")
    report = run_nightly(context, sync=False, max_wait_seconds=30)
    deliver_pending(context.store, context.forum, HANDLERS, max_wait_seconds=30)
    summary.met_question_to = _example_meeting_check(context)
    # Badge grants need the badges created first; a second pass records their forum ids and grants.
    award_badges(context)
    deliver_pending(context.store, context.forum, HANDLERS, max_wait_seconds=30)
    with context.store.transaction() as session:
        summary.members = session.scalar(select(func.count()).select_from(Member)) or 0
        summary.organisations = session.scalar(select(func.count()).select_from(Organisation)) or 0
        summary.suggestions = session.scalar(select(func.count()).select_from(Suggestion)) or 0
        summary.suggestion_pms = (
            session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.idempotency_key.startswith("suggestions:"), OutboxItem.status == OutboxStatus.SENT)
            )
            or 0
        )
        summary.badges_granted = (
            session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.kind == "badge_grant", OutboxItem.status == OutboxStatus.SENT)
            )
            or 0
        )
        first = session.scalar(select(Suggestion).order_by(Suggestion.id).limit(1))
        summary.example_member = first.member.username if first else ""
        admin = session.scalar(select(Member).where(Member.admin.is_(True)).order_by(Member.id).limit(1))
        summary.example_admin = admin.username if admin else "system"
    # The shipped titles of the suggestion PM in both languages (the demo never edits the template).
    titles = set(DEFAULTS["suggestions"].title.values())
    summary.pms_in_inboxes = sum(
        1
        for user in state.users.values()
        if user.id > 0
        for message in state.inbox(user.username)
        if message.title in titles
    )
    # Count only the companion's badges (the forum grants badges of its own, e.g. for trust levels).
    with context.store.transaction() as session:
        ours = {badge.forum_badge_id for badge in session.scalars(select(Badge)) if badge.forum_badge_id}
    summary.badges_in_forum = sum(
        1
        for user in state.users.values()
        if user.id > 0
        for granted in state.badges_of(user.username)
        if granted.badge.id in ours
    )
    if summary.met_question_to and not any(
        message.title.startswith(("Habt ihr euch getroffen", "Did you meet"))
        for message in state.inbox(summary.met_question_to)
    ):
        summary.met_question_to = ""  # say only what really arrived
    progress(f"  nightly run {report.run_id}: {report.messages_queued} suggestion PMs queued")
    summary.report_headline = _report_once(context)
    return summary


def _example_meeting_check(context: Context) -> str:
    """Introduce the first suggested pair and ask them "did you meet?" as the run after the waiting days would."""
    from companion.outbox.delivery import deliver_pending
    from companion.outbox.handlers import HANDLERS
    from companion.store.models import Suggestion
    from companion.suggestions.feedback import SuggestionWithdrawn, contact
    from companion.suggestions.meeting_checks import ask_whether_met
    from companion.suggestions.planning import network_today

    with context.store.transaction() as session:
        first = session.scalar(select(Suggestion).order_by(Suggestion.id).limit(1))
        if first is None:
            return ""
        try:
            contact(session, first.id, first.member_id, context.settings.base_url)
        except SuggestionWithdrawn:
            return ""
        username = first.member.username
    deliver_pending(context.store, context.forum, HANDLERS, max_wait_seconds=30)
    days = max(context.settings.meeting_check_days, 1)
    with context.store.transaction() as session:
        # The demo cannot wait two weeks: it asks as the run that many days later will.
        ask_whether_met(
            session, network_today(context.settings) + timedelta(days=days), days, context.settings.base_url
        )
    return username


def _report_once(context: Context) -> str:
    """Build this year's report once, as an admin would open it, and say its headline figure."""
    from companion.reports.build import build_report

    today = datetime.now(UTC).date()
    with context.store.session() as session:
        report = build_report(session, today.replace(month=1, day=1), today, context.settings.report_min_group)
    share = "hidden (too few people)" if report.headline.value is None else f"{report.headline.value:.0%}"
    active = "hidden" if report.active.value is None else int(report.active.value)
    return f"{share} of {active} active members have a contact outside their organisation (k={report.k})"


def summary_text(summary: DemoSummary) -> str:
    """The closing summary with what happened and where to look."""
    forum = summary.forum_url
    lines = [
        "",
        "Demo cycle complete",
        f"  members synced:        {summary.members} in {summary.organisations} organisations "
        f"({summary.consenting} opted in)",
        f"  suggestions sent:      {summary.suggestions} suggestions in {summary.suggestion_pms} PMs "
        f"({summary.pms_in_inboxes} found in the sandbox inboxes)",
        f"  circles formed:        {summary.circles} circles, {summary.circle_members} members, "
        f"{summary.waiting} on the waiting list",
        f"  badges granted:        {summary.badges_granted} ({summary.badges_in_forum} shown in the sandbox forum)",
        f"  report (this year):    {summary.report_headline}",
        "",
        "Open:",
        f"  companion pages:       {summary.companion_url}/",
        f"  report (admins):       {summary.companion_url}/admin/report/",
        f"  sandbox forum:         {forum}/sandbox/",
        f"  an inbox:              {forum}/sandbox/inbox/{summary.example_member}",
        f"  badges of a member:    {forum}/sandbox/u/{summary.example_member}",
        *_formats_lines(summary),
        *_meeting_check_lines(summary),
        'Log in to the companion with "Mit dem Forum anmelden": the sandbox forum asks whom to log in as;',
        f"  pick a member (e.g. {summary.example_member}) or an admin (e.g. {summary.example_admin}).",
    ]
    return "\n".join(lines)


def _meeting_check_lines(summary: DemoSummary) -> list[str]:
    asked = summary.met_question_to
    if not asked:
        return []
    return [f'  "did you meet?":      asked of {asked}, see {summary.forum_url}/sandbox/inbox/{asked}']


def _formats_lines(summary: DemoSummary) -> list[str]:
    formats = summary.formats
    if formats is None:
        return []
    base = summary.companion_url
    lines = [f"  Vorhaben of a circle:  {formats.projects} entered, see a circle's page under {base}/circles/"]
    if formats.lean_coffee_id:
        lines.append(f"  Lean Coffee board:     {base}/meetups/{formats.lean_coffee_id}/lean-coffee")
        lines.append(f"  guests' registration:  {base}/meetups/{formats.lean_coffee_id}/guest")
    if formats.camp_id:
        lines.append(f"  camp and its grid:     {base}/camp/{formats.camp_id}")
    lines.append(
        f"  theme component:       {'installed in the sandbox forum' if formats.theme_installed else 'not installed'}"
    )
    return lines
