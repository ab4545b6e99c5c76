"""`companion run-nightly`, `companion match` and `companion deliver`."""

from __future__ import annotations

import click

from companion.cli.base import pass_context


@click.command("run-nightly")
@click.option("--date", "run_date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as if today were this date.")
@click.option("--no-sync", is_flag=True, help="Skip the forum sync; use what the store holds.")
@click.option("--no-deliver", is_flag=True, help="Queue messages but do not send them.")
@pass_context()
def run_nightly_command(context, run_date, no_sync: bool, no_deliver: bool) -> None:
    """Run the nightly job once: sync, match, queue suggestion PMs, badges, reminders, deliver.

    Safe to repeat: members who already got this run's message get nothing
    new, and a run that was killed halfway resumes its deliveries. A second
    process finds the database lock taken and stops.

    \b
    Examples:
      companion run-nightly
      companion run-nightly --no-deliver       compute and queue only
      companion run-nightly --date 2026-12-01
    """
    from companion.jobs.locks import LockHeld
    from companion.jobs.nightly import run_nightly
    from companion.ops.progress import progress_for

    # A damaged database file must stop the run before it starts, not halfway with a traceback.
    context.store.check_integrity()
    try:
        with progress_for(context.settings) as progress:
            report = run_nightly(
                context,
                today=run_date.date() if run_date else None,
                sync=not no_sync,
                deliver=not no_deliver,
                progress=progress,
            )
    except LockHeld as error:
        click.echo(f"Not started: {error}.", err=True)
        raise SystemExit(3) from None
    click.echo(
        f"nightly run {report.run_id} for {report.run_date}: {report.due} members due, "
        f"{report.suggestions} suggestions, "
        f"{report.messages_queued} messages queued, {report.delivered} delivered, {report.remaining} still queued, "
        f"{report.badges} badges, {report.reminders} reminders"
    )
    for problem in report.errors:
        click.echo(f"  problem: {problem}", err=True)


@click.command("match")
@click.option("--dry-run", is_flag=True, help="Show suggestions without storing or sending anything.")
@click.option("--member", "member_name", help="Only show the suggestions for this forum username.")
@click.option("--date", "run_date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Match as of this date.")
@pass_context()
def match_command(context, dry_run: bool, member_name: str | None, run_date) -> None:
    """Compute suggestions under the current rules and show each with why.

    Without --dry-run the suggestions are stored and their messages queued
    (as the nightly run does, without syncing or delivering).

    \b
    Examples:
      companion match --dry-run
      companion match --dry-run --member anna.schmidt
    """
    from companion.suggestions.batch import queue_suggestions
    from companion.suggestions.calibration import describe
    from companion.suggestions.exclusions import exclusion_text
    from companion.suggestions.planning import network_today, plan_for_day
    from companion.suggestions.rules import current_rules, figures
    from companion.suggestions.wording import explanation_text

    today = run_date.date() if run_date else network_today(context.settings)
    if not dry_run:
        due, written, queued = queue_suggestions(context, today)
        click.echo(f"{due} members due, {written} suggestions stored, {queued} messages queued")
        return
    with context.store.transaction() as session:
        _, rules = current_rules(session)
        inputs, result = plan_for_day(session, rules, today)
    names = inputs.usernames
    wanted = None
    if member_name:
        wanted = next((i for i, n in names.items() if n.lower() == member_name.lower()), None)
        if wanted is None:
            raise click.ClickException(f"no member named {member_name!r} in the store")
        if wanted in result.excluded:
            click.echo(f"{member_name} takes no part: {exclusion_text(result.excluded[wanted], 'en')}")
            return
    by_member = result.by_member()
    for member_id, picks in sorted(by_member.items(), key=lambda item: names[item[0]]):
        if wanted is not None and member_id != wanted:
            continue
        click.echo(names[member_id])
        for pick in sorted(picks, key=lambda p: p.rank):
            explanation = explanation_text(list(pick.shared_terms), "en")
            click.echo(f"  {pick.rank}. {names[pick.suggested_id]} ({pick.score:.2f}) – {explanation}")
    if wanted is not None and wanted not in by_member:
        click.echo(f"{member_name} takes part but has no candidate under these rules today")
        return
    members, share, exposure = figures(result)
    if result.calibration is not None:
        click.echo(describe(result.calibration))
    else:
        click.echo("calibration: off (rule 'calibration'); the weights in force apply")
    click.echo(
        f"{members} members get suggestions; {share:.0%} cross-organisation; "
        f"top-exposed member suggested {exposure} times"
    )
    if wanted is None:
        for line in no_suggestion_reasons(result):
            click.echo(f"  {line}")


def no_suggestion_reasons(result) -> list[str]:
    """Why the other members get no suggestion, most common reason first (e.g. "231 not seen in the forum recently")."""
    from collections import Counter

    from companion.suggestions.exclusions import excluded_count_text, without_candidate_count_text

    reasons = Counter(result.excluded.values())
    lines = [
        excluded_count_text(code, count, "en")
        for code, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    ]
    without = len(set(result.eligible_ids) - set(result.by_member()))
    if without:
        lines.append(without_candidate_count_text(without, "en"))
    return lines


@click.command("deliver")
@click.option("--limit", type=int, help="Send at most this many items.")
@pass_context()
def deliver_command(context, limit: int | None) -> None:
    """Send what waits in the outbox, paced under the forum's rate limit.

    \b
    Example:
      companion deliver --limit 50
    """
    from companion.jobs.locks import job_lock
    from companion.ops.progress import progress_for
    from companion.outbox.delivery import deliver_pending
    from companion.outbox.handlers import HANDLERS

    with job_lock(context.store, "deliver") as lease, progress_for(context.settings) as progress:

        def renew() -> bool:
            # A long delivery keeps its lease; LockHeld ends it if another process took the lease over.
            lease.renew()
            return False

        report = deliver_pending(
            context.store,
            context.forum,
            HANDLERS,
            limit=limit,
            max_wait_seconds=120,
            should_stop=renew,
            progress=progress,
        )
    click.echo(f"sent {report.sent}, retried {report.retried}, failed {report.failed}, {report.remaining} still queued")


def register(main: click.Group) -> None:
    main.add_command(run_nightly_command)
    main.add_command(match_command)
    main.add_command(deliver_command)
