"""Synthesis runs started from the workbench: the task a worker (`idm worker`) runs, writing the
run's progress and, at the end, its themes (workbench.py works them out)."""

from idm.core import jobs
from idm.core.tasks import task
from idm.deliberation import workbench
from idm.deliberation.models import SynthesisRun


@task(queue_name="synthesis")
def synthesize(run_id: int, attempt: int) -> str:
    def work(run: SynthesisRun, progress: jobs.Progress) -> dict:
        return workbench.result(run, progress)

    return jobs.run(SynthesisRun, run_id, attempt, work)
