"""The states of a job run and of its steps, and the changes between them."""

from __future__ import annotations

from enum import StrEnum

from companion.store.states import Lifecycle, table


class RunStatus(StrEnum):
    """A run (or one of its steps) is running until it ends ok or failed."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


_R = RunStatus
# A run record is written once at the end: a finished run or step never changes again.
RUN = Lifecycle("job run", RunStatus, table({_R.RUNNING: (_R.OK, _R.FAILED), _R.OK: (), _R.FAILED: ()}))
STEP = Lifecycle("job step", RunStatus, RUN.allowed)
