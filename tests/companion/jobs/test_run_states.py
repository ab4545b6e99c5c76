"""The job run lifecycle: a run or step is written once when it ends."""

import pytest

from companion.jobs.runs import RunRecorder, recorded_run
from companion.jobs.states import RUN, STEP, RunStatus
from companion.store.models import JobRun
from companion.store.states import InvalidTransition
from tests.support.lifecycles import transitions


@pytest.mark.parametrize("lifecycle", [RUN, STEP])
def test_the_run_table_allows_exactly_these_changes(lifecycle):
    transitions(lifecycle, {("running", "ok"), ("running", "failed")})


def test_a_finished_run_cannot_be_finished_differently(store):
    with recorded_run(store, "nightly") as recorder:
        with recorder.step("sync") as counts:
            counts["members"] = 3
    with store.transaction() as session:
        run = session.get(JobRun, recorder.run_id)
        assert run.status == "ok" and [s.status for s in run.steps] == ["ok"]
    with pytest.raises(InvalidTransition, match="job run cannot go from 'ok' to 'failed'"):
        recorder.finish(RunStatus.FAILED)
    with store.transaction() as session:
        assert session.get(JobRun, recorder.run_id).status == "ok"


def test_a_failing_step_marks_step_and_run_failed(store):
    recorder = RunRecorder(store, "sync")
    with pytest.raises(RuntimeError), recorder.step("read"):
        raise RuntimeError("forum down")
    recorder.finish(RunStatus.FAILED, RuntimeError("forum down"))
    with store.transaction() as session:
        run = session.get(JobRun, recorder.run_id)
        assert run.status == "failed" and run.steps[0].status == "failed" and "forum down" in run.error
