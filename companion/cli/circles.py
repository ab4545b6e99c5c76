"""`companion circles`: create seasons, form and publish circles, list them and queue due reminders."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from companion.circles.states import SEASON_MANUAL
from companion.cli.base import pass_context
from companion.store.types import utcnow

CLI_ACTOR = "cli"


def _day(_ctx, _param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date as YYYY-MM-DD") from None


@click.group()
def circles() -> None:
    """Peer circles ("Zirkel"): seasons, formation preview, publishing, reminders.

    \b
    Example:
      companion circles list
      companion circles set-status "Frühjahr 2025" open
      companion circles form "Frühjahr 2025" --preview
      companion circles publish "Frühjahr 2025"
    """


@circles.command("create-season")
@click.argument("name")
@click.option("--signup-opens", required=True, callback=_day, help="First sign-up day (YYYY-MM-DD).")
@click.option("--signup-closes", required=True, callback=_day, help="Last sign-up day (YYYY-MM-DD).")
@click.option("--first-meeting", required=True, callback=_day, help="Earliest day of the first meeting (YYYY-MM-DD).")
@click.option("--min-size", default=4, show_default=True, help="Smallest circle.")
@click.option("--target-size", default=6, show_default=True, help="Preferred circle size.")
@click.option("--max-size", default=8, show_default=True, help="Largest circle.")
@click.option("--cadence-weeks", default=5, show_default=True, help="Weeks between meetings (4 to 6).")
@click.option("--meetings", "meetings_count", default=6, show_default=True, help="Number of meetings.")
@click.option("--meeting-minutes", default=90, show_default=True, help="Length of one meeting.")
@click.option(
    "--time-blocks",
    default=None,
    help=(
        'JSON list of blocks, e.g. [{"key":"vormittag","start":"09:00","end":"11:30"}]. '
        "Default: morning, midday, afternoon."
    ),
)
@click.option(
    "--school-holidays",
    default="[]",
    show_default=True,
    help='JSON list of [start, end] ISO dates to skip, e.g. [["2025-04-14","2025-04-26"]].',
)
@click.option("--no-skip-school-holidays", is_flag=True, help="Meet during school holidays too.")
@click.option("--draft", is_flag=True, help="Create as a draft that members cannot sign up for yet.")
@pass_context()
def create_season_command(
    context,
    name: str,
    signup_opens,
    signup_closes,
    first_meeting,
    min_size,
    target_size,
    max_size,
    cadence_weeks,
    meetings_count,
    meeting_minutes,
    time_blocks,
    school_holidays,
    no_skip_school_holidays,
    draft,
) -> None:
    """Create a season; overlapping sign-up windows or meeting periods are refused.

    \b
    Example:
      companion circles create-season "Frühjahr 2025" --signup-opens 2025-01-01 \\
        --signup-closes 2025-01-31 --first-meeting 2025-02-03 --cadence-weeks 5 --meetings 6
    """
    from companion.circles.errors import SeasonInvalid
    from companion.circles.seasons import SeasonSpec, create_season
    from companion.circles.states import SeasonStatus

    try:
        blocks = json.loads(time_blocks) if time_blocks else None
        holidays = json.loads(school_holidays)
    except json.JSONDecodeError as error:
        raise SeasonInvalid([f"--time-blocks and --school-holidays must be JSON: {error}"]) from None
    values = dict(
        name=name,
        signup_opens_on=signup_opens,
        signup_closes_on=signup_closes,
        first_meeting_on=first_meeting,
        min_size=min_size,
        target_size=target_size,
        max_size=max_size,
        cadence_weeks=cadence_weeks,
        meetings_count=meetings_count,
        meeting_minutes=meeting_minutes,
        school_holidays=holidays,
        skip_school_holidays=not no_skip_school_holidays,
    )
    if blocks is not None:
        values["time_blocks"] = blocks
    with context.store.transaction() as session:
        season = create_season(
            session, SeasonSpec(**values), actor=CLI_ACTOR, status=SeasonStatus.DRAFT if draft else SeasonStatus.OPEN
        )
        if draft:
            click.echo(f"Open it for sign-ups with: companion circles set-status {season.id} open")
        click.echo(f"Created season {season.id} {season.name!r} ({season.status}).")


@circles.command("list")
@pass_context()
def list_command(context) -> None:
    """List seasons with their status, sign-ups and circles.

    \b
    Example:
      companion circles list
    """
    from companion.circles.seasons import list_seasons

    with context.store.transaction() as session:
        seasons = list_seasons(session)
        if not seasons:
            click.echo("No seasons yet. Create one with: companion circles create-season --help")
        for season in seasons:
            click.echo(
                f"{season.id:>3}  {season.name}  [{season.status}]  "
                f"sign-up {season.signup_opens_on}–{season.signup_closes_on}, "
                f"first meeting {season.first_meeting_on}, {len(season.signups)} sign-ups, "
                f"{len(season.circles)} circles"
            )


@circles.command("set-status")
@click.argument("season")
@click.argument("status", metavar="STATUS", type=click.Choice([s.value for s in SEASON_MANUAL]))
@pass_context()
def set_status_command(context, season: str, status: str) -> None:
    """Open a draft SEASON for sign-ups, put it back to draft, or close it (closing keeps every row).

    Forming and publishing circles are their own commands (form, publish).

    \b
    Example:
      companion circles set-status "Frühjahr 2025" open
      companion circles set-status 3 closed
    """
    from companion.circles.seasons import find_season, set_status

    with context.store.transaction() as session:
        found = find_season(session, season)
        previous = found.status
        new = set_status(session, found, status, actor=CLI_ACTOR)
        click.echo(f"Season {found.id} {found.name!r}: {previous} -> {new}.")


@circles.command("meetings")
@click.argument("season")
@pass_context()
def meetings_command(context, season: str) -> None:
    """List SEASON's meetings with their ids (for move-meeting and cancel-meeting), in local time.

    \b
    Example:
      companion circles meetings "Frühjahr 2025"
    """
    from companion.circles.common import local
    from companion.circles.seasons import find_season

    with context.store.transaction() as session:
        found = find_season(session, season)
        circles_of_season = sorted(found.circles, key=lambda c: c.number)
        if not any(c.meetings for c in circles_of_season):
            click.echo(f"Season {found.name!r} has no meetings yet. Form circles with: companion circles form")
        for circle in circles_of_season:
            for meeting in circle.meetings:
                click.echo(
                    f"{meeting.id:>4}  {circle.name} #{meeting.number}  "
                    f"{local(meeting.starts_at, context.settings):%Y-%m-%d %H:%M}  {meeting.location}"
                    f"  [{meeting.status}]"
                )


def _meeting(session, meeting_id: int):
    from companion.circles.errors import CirclesError
    from companion.store.models import Meeting

    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise CirclesError("no meeting %(id)s (list them with: companion circles meetings SEASON)", id=meeting_id)
    return meeting


@circles.command("move-meeting")
@click.argument("meeting_id", metavar="MEETING", type=int)
@click.option("--to", "to", required=True, help='New start in the network\'s local time, "YYYY-MM-DD HH:MM".')
@click.option("--location", default=None, help="New place (default: keep it).")
@pass_context()
def move_meeting_command(context, meeting_id: int, to: str, location: str | None) -> None:
    """Move MEETING (its id) to a new start, keeping its length; the circle is told once in the forum.

    \b
    Example:
      companion circles move-meeting 17 --to "2025-03-11 16:00"
      companion circles move-meeting 17 --to "2025-03-11 16:00" --location "Rathaus, Raum 2"
    """
    from companion.circles.changes import move_meeting
    from companion.circles.common import zone

    try:
        starts_at = datetime.strptime(to.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone(context.settings))
    except ValueError:
        raise click.BadParameter(f"{to!r} is not a local time as YYYY-MM-DD HH:MM", param_hint="--to") from None
    with context.store.transaction() as session:
        meeting = _meeting(session, meeting_id)
        moved = move_meeting(session, meeting, starts_at, context.settings, actor=CLI_ACTOR, location=location)
    click.echo(f"Meeting {meeting_id} moved to {to}." if moved else f"Meeting {meeting_id} already is at {to}.")


@circles.command("cancel-meeting")
@click.argument("meeting_id", metavar="MEETING", type=int)
@pass_context()
def cancel_meeting_command(context, meeting_id: int) -> None:
    """Cancel MEETING (its id); calendars show it as cancelled and the circle is told once in the forum.

    \b
    Example:
      companion circles cancel-meeting 17
    """
    from companion.circles.changes import cancel_meeting

    with context.store.transaction() as session:
        cancelled = cancel_meeting(session, _meeting(session, meeting_id), context.settings, actor=CLI_ACTOR)
    click.echo(f"Meeting {meeting_id} cancelled." if cancelled else f"Meeting {meeting_id} was already cancelled.")


@circles.command("form")
@click.argument("season")
@click.option("--preview", is_flag=True, help="Store the result as a preview to check before publishing (the default).")
@click.option("--dry-run", is_flag=True, help="Only print the result; store nothing.")
@pass_context()
def form_command(context, season: str, preview: bool, dry_run: bool) -> None:
    """Form circles for SEASON (name or id), print quality figures and store them as a preview.

    Nothing is sent: an admin checks the preview (here or on the admin page)
    and then publishes. Re-forming replaces an earlier preview; a published
    season cannot be re-formed. With --dry-run nothing is stored.

    \b
    Example:
      companion circles form "Frühjahr 2025" --preview
      companion circles form 3 --dry-run
    """
    from companion.circles.formation import form_season, stored_figures
    from companion.circles.seasons import find_season

    session = context.store.session()
    try:
        found = find_season(session, season)
        outcome = form_season(session, found, context.settings, actor=CLI_ACTOR)
        figures = stored_figures(session, found)
        _print_formation(session, found, outcome, figures)
        if dry_run:
            session.rollback()
            click.echo("Preview only: nothing was stored.")
        else:
            session.commit()
            click.echo(f"Stored as preview. Publish with: companion circles publish {found.id}")
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _print_formation(session, season, outcome, figures) -> None:
    from sqlalchemy import select

    from companion.circles.common import slot_label
    from companion.circles.formation import reason_text
    from companion.circles.meeting_reasons import moved_text, unplaced_text
    from companion.store.models import Organisation

    organisations = {o.id: o.name for o in session.scalars(select(Organisation))}
    click.echo(
        f"{figures.circles} circles, {figures.placed} placed, "
        f"{len(outcome.formation.waiting) + len(outcome.excluded)} waiting; "
        f"mean size {figures.mean_size:.1f}, mean similarity {figures.mean_similarity:.2f}, "
        f"organisations per circle {figures.mean_distinct_orgs:.1f} (min {figures.min_distinct_orgs}), "
        f"available at slot {figures.share_available:.0%}"
    )
    for circle in sorted(season.circles, key=lambda c: c.number):
        names = ", ".join(sorted(cm.member.username for cm in circle.members))
        click.echo(f"  {circle.name} – {slot_label(season, circle.slot_weekday, circle.slot_block, 'en')}: {names}")
        for meeting in circle.meetings:
            note = moved_text(meeting.move_reason, meeting.move_params, "en", organisations)
            click.echo(
                f"    {meeting.number}. {meeting.starts_at:%Y-%m-%d %H:%M} UTC  {meeting.location}  {note}".rstrip()
            )
        for unplaced in outcome.unplaced.get(circle.number, []):
            reason = unplaced_text(unplaced.reason_code, unplaced.reason_params, "en", organisations)
            click.echo(f"    ! meeting {unplaced.index + 1}: {reason}")
    for waiting in outcome.formation.waiting:
        reason = reason_text(waiting.reason_code, "en", waiting.reason_params)
        click.echo(f"  waiting: member {waiting.member_id}: {reason}")
    for member_id, reason in outcome.excluded.items():
        click.echo(f"  waiting: member {member_id}: {reason_text(reason, 'en')}")


@circles.command("publish")
@click.argument("season")
@pass_context()
def publish_command(context, season: str) -> None:
    """Publish SEASON's previewed circles: queue forum groups and messages in the outbox.

    Running it again queues nothing twice (every write has an idempotency key).
    The outbox delivery (worker or nightly run) sends the queued writes.

    \b
    Example:
      companion circles publish "Frühjahr 2025"
    """
    from companion.circles.publishing import publish_season
    from companion.circles.seasons import find_season
    from companion.ops.progress import progress_for

    with context.store.transaction() as session, progress_for(context.settings) as progress:
        report = publish_season(
            session, find_season(session, season), context.settings, actor=CLI_ACTOR, progress=progress
        )
    click.echo(
        f"Published {report.circles} circles: {report.queued} forum writes queued, "
        f"{report.already_queued} already queued before (not repeated)."
    )


@circles.command("reminders")
@click.option("--at", "at", default=None, help="Pretend it is this moment (ISO, with offset); default now.")
@pass_context()
def reminders_command(context, at: str | None) -> None:
    """Queue due meeting reminders (7 days and 1 day before) and pass on expired meetup offers.

    \b
    Example:
      companion circles reminders
      companion circles reminders --at 2025-03-04T08:00:00+01:00
    """
    from companion.circles.changes import reconcile_departures
    from companion.circles.reminders import send_due_reminders
    from companion.meetups.registration import process_meetup_offers

    now = datetime.fromisoformat(at) if at else utcnow()
    if now.tzinfo is None:
        raise click.BadParameter("--at needs a UTC offset, e.g. +01:00")
    with context.store.transaction() as session:
        left = reconcile_departures(session, now=now, settings=context.settings)
    counts = send_due_reminders(context, now)
    expired = process_meetup_offers(context, now)
    click.echo(
        f"{counts['queued']} reminders queued ({counts['already_queued']} already queued) for "
        f"{counts['meetings']} meetings; "
        f"{expired} meetup offers expired; {left} departed members taken out of circles."
    )


def register(main: click.Group) -> None:
    """Add `companion circles` to the main command."""
    main.add_command(circles)
