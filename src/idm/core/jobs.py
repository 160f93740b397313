"""Background jobs that a page follows (core.models.Job): queuing one for a worker, running it with
its progress and heartbeat, retrying a failed one, and failing those whose worker died."""

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from idm.core.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


def enqueue(job: Job, task) -> None:
    """Hands the job to the queue once its row is committed, so that a worker finds it; a queue
    that refuses it (Redis down) leaves the job failed, to retry, not queued forever."""
    model = type(job)

    def hand_over():
        try:
            task.enqueue(job.pk, job.attempt)
        except Exception as error:
            logger.exception("%s %s could not be queued", model.__name__, job.pk)
            model.objects.filter(pk=job.pk, attempt=job.attempt).update(
                status=Job.Status.FAILED, finished_at=timezone.now(),
                message=(model.NOT_QUEUED % {"error": error})[:300])

    transaction.on_commit(hand_over)


def retry(job: Job, task) -> bool:
    """Queues a failed job again as a new attempt; False when the job has not failed."""
    model = type(job)
    retried = model.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, attempt=F("attempt") + 1, progress=0, message=model.WAITING,
        report={}, started_at=None, heartbeat_at=None, finished_at=None)
    if retried:
        job.refresh_from_db()
        enqueue(job, task)
    return bool(retried)


def fail_abandoned(model: type[Job]) -> int:
    """Fails the running jobs whose heartbeat stopped longer ago than the lease: their worker
    was killed or its machine restarted, and nothing else would ever finish them."""
    now = timezone.now()
    return model.objects.filter(
        status=Job.Status.RUNNING,
        heartbeat_at__lt=now - timedelta(seconds=settings.IDM_TASK_LEASE_SECONDS),
    ).update(status=Job.Status.FAILED, message=model.STOPPED, finished_at=now)


def run(model: type[Job], job_id: int, attempt: int, work: Callable[[Job, Progress], dict]) -> str:
    """Runs attempt `attempt` of a job: `work(job, progress)` returns the job's report. A later
    attempt (a retry) or a job already started is left alone; a failure is written on the job
    and raised again for the worker's log."""
    this = model.objects.filter(pk=job_id, attempt=attempt)
    now = timezone.now()
    if not this.filter(status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, message=""):
        return "superseded"
    job = model.objects.get(pk=job_id)

    def progress(fraction: float, message: str) -> None:
        this.update(progress=round(fraction * 100), message=message[:300],
                    heartbeat_at=timezone.now())

    try:
        with _heartbeat(this, f"{model.__name__}-{job_id}"):
            report = work(job, progress)
    except BaseException as error:  # a second Ctrl+C or SIGTERM to the worker too
        stopped = not isinstance(error, Exception)
        this.update(status=Job.Status.FAILED, finished_at=timezone.now(),
                    message=model.STOPPED if stopped else str(error)[:300] or repr(error))
        raise
    this.update(status=Job.Status.DONE, progress=100, finished_at=timezone.now(), report=report)
    return "done"


@contextmanager
def _heartbeat(this, name: str):
    """Writes the job's heartbeat from a thread of its own while it runs, so that a long step
    (a PDF of many pages) does not look like a dead worker."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.IDM_TASK_LEASE_SECONDS / 6):
                try:
                    this.update(heartbeat_at=timezone.now())
                except DatabaseError:  # a busy database: the next beat will do
                    logger.warning("%s: heartbeat not written", name, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=f"{name}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
