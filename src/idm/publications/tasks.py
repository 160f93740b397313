"""Report builds started from the web: the task that a worker (`idm worker`) runs, writing its
progress, a heartbeat and its outcome on the BuildJob that the report page shows (services.py
queues, retries and fails builds). The command line builds in the foreground instead."""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from idm.core.tasks import task
from idm.publications import build as builder
from idm.publications.models import BuildJob
from idm.publications.services import WORKER_STOPPED

logger = logging.getLogger(__name__)

@task(queue_name="reports")
def build_report(job_id: int, attempt: int) -> str:
    """Runs attempt `attempt` of a build; a later attempt (a retry) or a finished one is left
    alone."""
    this = BuildJob.objects.filter(pk=job_id, attempt=attempt)
    now = timezone.now()
    if not this.filter(status=BuildJob.Status.QUEUED).update(
            status=BuildJob.Status.RUNNING, started_at=now, heartbeat_at=now, message=""):
        return "superseded"
    job = BuildJob.objects.select_related("publication", "created_by").get(pk=job_id)

    def progress(fraction: float, message: str) -> None:
        this.update(progress=round(fraction * 100), message=message[:300],
                    heartbeat_at=timezone.now())

    try:
        with _heartbeat(job_id, attempt):
            result = builder.build(job.publication, job.languages.split(","),
                                   job.formats.split(","), job.created_by, progress,
                                   review=job.review)
    except BaseException as error:  # a second Ctrl+C or SIGTERM to the worker too
        stopped = not isinstance(error, Exception)
        this.update(status=BuildJob.Status.FAILED, finished_at=timezone.now(),
                    message=WORKER_STOPPED if stopped else str(error)[:300] or repr(error))
        raise
    this.update(status=BuildJob.Status.DONE, progress=100, finished_at=timezone.now(),
                report={"built": {lang: v.page_count for lang, v in result.built.items()},
                        "versions": {lang: v.number for lang, v in result.built.items()},
                        "missing": result.missing, "notices": result.notices})
    return "done"


@contextmanager
def _heartbeat(job_id: int, attempt: int):
    """Writes the build's heartbeat from a thread of its own while the build runs, so that a long
    step (a PDF of many pages) does not look like a dead worker."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.IDM_TASK_LEASE_SECONDS / 6):
                try:
                    BuildJob.objects.filter(pk=job_id, attempt=attempt).update(
                        heartbeat_at=timezone.now())
                except DatabaseError:  # a busy database: the next beat will do
                    logger.warning("Report build %s: heartbeat not written", job_id,
                                   exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=f"report-build-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
