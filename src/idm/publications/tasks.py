"""Report builds started from the web: the task that a worker (`idm worker`) runs, writing its
progress, a heartbeat and its outcome on the BuildJob that the report page shows (services.py
queues and retries builds). The command line builds in the foreground instead."""

from idm.core import jobs
from idm.core.tasks import task
from idm.publications import build as builder
from idm.publications.models import BuildJob


@task(queue_name="reports")
def build_report(job_id: int, attempt: int) -> str:
    """Runs attempt `attempt` of a build; a later attempt (a retry) or a finished one is left
    alone."""

    def work(job: BuildJob, progress: jobs.Progress) -> dict:
        result = builder.build(job.publication, job.languages.split(","),
                               job.formats.split(","), job.created_by, progress,
                               review=job.review)
        return {"built": {lang: v.page_count for lang, v in result.built.items()},
                "versions": {lang: v.number for lang, v in result.built.items()},
                "missing": result.missing, "notices": result.notices}

    return jobs.run(BuildJob, job_id, attempt, work)
