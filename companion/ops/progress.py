"""Progress of long commands: counts, rate and ETA as a bar on a terminal, a log line every so often otherwise."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import click

log = logging.getLogger("companion.progress")

# (stage, done, total or None): the callback the feature functions accept, so they need not know how it is shown.
ProgressCallback = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """The callback for callers that do not want progress."""


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class StageProgress:
    """One stage (e.g. "members"): how many of how many are done, how fast, and when it will be finished."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        interactive: bool,
        every_seconds: float = 30.0,
        every_items: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.interactive = interactive
        self.every_seconds = every_seconds
        self.every_items = every_items
        self.clock = clock
        self.started = clock()
        self._last_line_at = self.started
        self._last_line_done = 0
        self._bar: Any = None
        if interactive:
            self._bar = click.progressbar(
                length=total, label=label, file=sys.stderr, show_eta=True, show_pos=True, show_percent=bool(total)
            )
            self._bar.__enter__()

    def rate(self) -> float:
        """Items per second so far."""
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def eta_seconds(self) -> float | None:
        """Seconds left at the rate so far, when the total is known and some progress was made."""
        rate = self.rate()
        if not self.total or rate <= 0:
            return None
        return max(self.total - self.done, 0) / rate

    def describe(self) -> str:
        """E.g. "members: 200/300 (67 %), 4.1/s, ETA 24 s"."""
        count = f"{self.done}/{self.total} ({100 * self.done / self.total:.0f} %)" if self.total else str(self.done)
        eta = self.eta_seconds()
        return f"{self.label}: {count}, {self.rate():.1f}/s" + (f", ETA {_duration(eta)}" if eta is not None else "")

    def update(self, done: int, total: int | None = None) -> None:
        """Set the number done (and the total once known); shows the bar or logs a line when one is due."""
        if total is not None and total != self.total:
            self.total = total
            if self._bar is not None:
                self._bar.length = total
        step = done - self.done
        self.done = done
        if self._bar is not None:
            if step > 0:
                self._bar.update(step)
            return
        now = self.clock()
        due_by_time = now - self._last_line_at >= self.every_seconds
        due_by_items = self.every_items is not None and done - self._last_line_done >= self.every_items
        if due_by_time or due_by_items:
            self._log()

    def advance(self, step: int = 1) -> None:
        """Count step more items done."""
        self.update(self.done + step)

    def finish(self) -> None:
        """Close the bar, or log the closing line with the count and the time it took."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
            return
        log.info(
            "%s: %s done in %s", self.label, self.done, _duration(self.clock() - self.started), extra=self._extra()
        )

    def _extra(self) -> dict:
        eta = self.eta_seconds()
        return {
            "progress": self.label,
            "done": self.done,
            "total": self.total,
            "rate": round(self.rate(), 2),
            "eta_seconds": None if eta is None else round(eta),
        }

    def _log(self) -> None:
        self._last_line_at = self.clock()
        self._last_line_done = self.done
        log.info("%s", self.describe(), extra=self._extra())


class Progress:
    """A ProgressCallback keeping one StageProgress per stage; a new stage finishes the previous one.

    Use it around the long call: `with Progress() as progress: run_sync(context, progress=progress)`.
    """

    def __init__(
        self,
        *,
        interactive: bool | None = None,
        every_seconds: float = 30.0,
        every_items: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interactive = sys.stderr.isatty() if interactive is None else interactive
        self.every_seconds = every_seconds
        self.every_items = every_items
        self.clock = clock
        self.stage: StageProgress | None = None

    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        if self.stage is None or self.stage.label != stage:
            self.close()
            self.stage = StageProgress(
                stage,
                total,
                interactive=self.interactive,
                every_seconds=self.every_seconds,
                every_items=self.every_items,
                clock=self.clock,
            )
        self.stage.update(done, total)

    def close(self) -> None:
        """Finish the current stage."""
        if self.stage is not None:
            self.stage.finish()
            self.stage = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def progress_for(settings: Any) -> Progress:
    """The progress display a command uses: a bar on a terminal, else a log line every PROGRESS_EVERY_SECONDS."""
    return Progress(every_seconds=settings.progress_every_seconds)
