"""Report builds started from the web: a task that a worker (`idm worker`) runs, writing its
progress, a heartbeat and its outcome on the BuildJob that the report page shows; a failed or
abandoned build is retried from the page. The command line builds in the foreground instead."""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.core.tasks import task
from idm.publications import build as builder
from idm.publications.models import BuildJob, Publication

logger = logging.getLogger(__name__)

# Kept in English in the database, translated on the page.
WAITING = gettext_noop("Waiting for a worker.")
WORKER_STOPPED = gettext_noop("The worker stopped during the build (stopped or restarted): retry "
                              "the build.")
NOT_QUEUED = gettext_noop("The build could not be queued: %(error)s")


class BuildError(Exception):
    pass


def start_build(publication: Publication, languages: list[str], formats: list[str],
                review: bool, actor) -> BuildJob:
    """A new build of the report, queued for a worker."""
    job = BuildJob.objects.create(publication=publication, languages=",".join(languages),
                                  formats=",".join(formats), review=review, created_by=actor,
                                  message=WAITING)
    _enqueue(job)
    return job


def retry_build(job: BuildJob) -> BuildJob:
    """Queues a failed build again, with the same languages and formats."""
    retried = BuildJob.objects.filter(pk=job.pk, status=BuildJob.Status.FAILED).update(
        status=BuildJob.Status.QUEUED, attempt=F("attempt") + 1, progress=0, message=WAITING,
        report={}, started_at=None, heartbeat_at=None, finished_at=None)
    if not retried:
        raise BuildError(_("Only a failed build can be retried."))
    job.refresh_from_db()
    _enqueue(job)
    return job


def _enqueue(job: BuildJob) -> None:
    """Hands the build to the queue once the job's row is committed, so that a worker finds it;
    a queue that refuses it (Redis down) leaves the build failed, to retry, not queued forever."""
    def enqueue():
        try:
            build_report.enqueue(job.pk, job.attempt)
        except Exception as error:
            logger.exception("Report build %s could not be queued", job.pk)
            BuildJob.objects.filter(pk=job.pk, attempt=job.attempt).update(
                status=BuildJob.Status.FAILED, finished_at=timezone.now(),
                message=(NOT_QUEUED % {"error": error})[:300])

    transaction.on_commit(enqueue)


def fail_abandoned_builds() -> int:
    """Fails the running builds whose heartbeat stopped longer ago than the lease: their worker
    was killed or its machine restarted, and nothing else would ever finish them."""
    now = timezone.now()
    return BuildJob.objects.filter(
        status=BuildJob.Status.RUNNING,
        heartbeat_at__lt=now - timedelta(seconds=settings.IDM_TASK_LEASE_SECONDS),
    ).update(status=BuildJob.Status.FAILED, message=WORKER_STOPPED, finished_at=now)


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
