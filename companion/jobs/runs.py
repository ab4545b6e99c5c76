"""Run records: each job run with its steps, counts, durations and errors."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from companion.jobs.states import RUN, STEP, RunStatus
from companion.ops.logs import run_id_scope
from companion.store.db import Store
from companion.store.models import JobRun, JobStep
from companion.store.types import utcnow

log = logging.getLogger(__name__)


class RunRecorder:
    """Records one job run and its steps in the store as they happen."""

    def __init__(self, store: Store, job: str, run_date: date | None = None) -> None:
        self.store = store
        with store.transaction() as session:
            run = JobRun(job=job, run_date=run_date, status=RunStatus.RUNNING, counts={})
            session.add(run)
            session.flush()
            self.run_id = run.id
        self.counts: dict[str, Any] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        """Record a step; the block fills the yielded dict with counts."""
        with self.store.transaction() as session:
            step = JobStep(run_id=self.run_id, name=name, status=RunStatus.RUNNING, counts={})
            session.add(step)
            session.flush()
            step_id = step.id
        counts: dict[str, Any] = {}
        try:
            yield counts
        except Exception as error:
            self._finish_step(step_id, RunStatus.FAILED, counts, _describe(error))
            raise
        self._finish_step(step_id, RunStatus.OK, counts, None)
        self.counts.update({f"{name}.{key}": value for key, value in counts.items()})

    def _finish_step(self, step_id: int, status: RunStatus, counts: dict[str, Any], error: str | None) -> None:
        with self.store.transaction() as session:
            step = session.get(JobStep, step_id)
            if step is None:
                raise LookupError(f"job step {step_id} of run {self.run_id} is gone from the store")
            STEP.move(step, status)
            step.counts = dict(counts)
            step.error = error
            step.finished_at = utcnow()

    def finish(self, status: RunStatus = RunStatus.OK, error: BaseException | None = None) -> None:
        """Close the run with its status, counts and error."""
        with self.store.transaction() as session:
            run = session.get(JobRun, self.run_id)
            if run is None:
                raise LookupError(f"job run {self.run_id} is gone from the store")
            RUN.move(run, status)
            run.counts = dict(self.counts)
            run.error = _describe(error) if error else None
            run.finished_at = utcnow()


def _describe(error: BaseException) -> str:
    lines = traceback.format_exception_only(type(error), error)
    return "".join(lines).strip()


@contextmanager
def recorded_run(store: Store, job: str, run_date: date | None = None) -> Iterator[RunRecorder]:
    """Record a whole job run, marking it failed (and re-raising) when the block raises."""
    recorder = RunRecorder(store, job, run_date)
    # Every log line written during the run carries its id, so one run's lines can be found in the container log.
    with run_id_scope(recorder.run_id):
        try:
            yield recorder
        except BaseException as error:
            recorder.finish(RunStatus.FAILED, error)
            raise
        recorder.finish(RunStatus.OK)
