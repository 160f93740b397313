"""The deliberation's background work for a worker (`idm worker`): synthesis runs started from the
workbench, writing the run's progress and, at the end, its themes (workbench.py works them out);
and statements' tag suggestions (tag_suggestions.py)."""

from idm.core import jobs
from idm.core.tasks import task
from idm.deliberation import tag_suggestions, workbench
from idm.deliberation.models import SynthesisRun


@task(queue_name="synthesis")
def synthesize(run_id: int, attempt: int) -> str:
    def work(run: SynthesisRun, progress: jobs.Progress) -> dict:
        return workbench.result(run, progress)

    return jobs.run(SynthesisRun, run_id, attempt, work)


@task(queue_name="tags")
def suggest_tags(statement_ids: list[int]) -> int:
    return tag_suggestions.suggest(statement_ids)

