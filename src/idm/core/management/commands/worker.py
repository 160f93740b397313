"""`idm worker`: runs the background work the web servers queue (report builds, e-mails) with the
worker of the configured task backend: the database queue's by default, RQ's with
IDM_TASKS_BACKEND=rq. SIGTERM or Ctrl+C stops it once the task in hand is done; a second one
stops it at once (a build it was running then shows failed, ready to retry). A worker also puts
back in the queue the e-mails and tag suggestions that a killed worker left half done."""

import threading
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from idm.core.tasks import default_task_backend

# Queues whose tasks may run twice: an e-mail sent twice is better than one never sent, and a
# tag suggestion comes out the same each time. Report builds, syntheses and analyses are not run
# again on their own: their pages show them failed after IDM_TASK_LEASE_SECONDS, with Retry.
RERUNNABLE_QUEUES = ("mail", "tags")


def requeue_abandoned() -> int:
    """Tasks of the rerunnable queues that a worker started longer ago than
    IDM_TASK_ABANDONED_SECONDS and never finished, back in the queue: the database queue leaves
    the task of a worker killed outright (SIGKILL, out of memory, the machine stopped) running
    for ever, and its e-mail would never go."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.IDM_TASK_ABANDONED_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, queue_name__in=RERUNNABLE_QUEUES,
        started_at__lt=cutoff).update(status=TaskResultStatus.READY, started_at=None,
                                      run_after=now)


def _keep_requeuing(stop: threading.Event) -> None:
    while not stop.wait(settings.IDM_TASK_ABANDONED_SECONDS / 4):
        try:
            requeue_abandoned()
        finally:
            close_old_connections()
    connection.close()


def _positive(kind):
    def parse(value: str):
        number = kind(value)
        if number <= 0:
            raise ValueError(value)
        return number
    parse.__name__ = kind.__name__
    return parse


class Command(BaseCommand):
    help = ("Runs queued background work (report builds, e-mails) until stopped: several "
            "workers may run at once, on one machine or several.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", default="", metavar="NAMES",
            help=f"only these queues, comma-separated: {', '.join(settings.TASK_QUEUES)} "
                 "(default: all; e.g. a worker kept for e-mails: --queue mail,default)")
        parser.add_argument("--interval", type=_positive(float), default=1.0, metavar="SECONDS",
                            help="how often an idle worker looks for new work (default: 1)")
        parser.add_argument("--batch", action="store_true",
                            help="run the work that is ready, then stop")
        parser.add_argument("--max-tasks", type=_positive(int), metavar="N",
                            help="stop after N tasks (a supervisor starts a fresh worker)")

    def handle(self, *args, queue, interval, batch, max_tasks, **options):
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        unknown = [name for name in queues if name not in settings.TASK_QUEUES]
        if unknown:
            raise CommandError(f"unknown queue {', '.join(unknown)}; the queues are "
                               f"{', '.join(settings.TASK_QUEUES)}")
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_db.DatabaseBackend":
            return self._database_worker(queues, interval, batch, max_tasks, options)
        if backend == "django_tasks_rq.RQBackend":
            # The scheduler runs the tasks that wait for a time (an e-mail's next try).
            rq_options = {"job_class": "django_tasks_rq.Job", "burst": batch,
                          "with_scheduler": True, "verbosity": options["verbosity"]}
            if max_tasks:
                rq_options["max_jobs"] = max_tasks
            return call_command("rqworker", *(queues or settings.TASK_QUEUES), **rq_options)
        if not default_task_backend.supports_get_result:
            raise CommandError(f"IDM_TASKS_BACKEND={settings.IDM_TASKS_BACKEND} runs each task "
                               "where it is queued: there is no worker to start")
        raise CommandError(f"{backend} has a worker of its own: start it as its documentation "
                           "says")

    def _database_worker(self, queues, interval, batch, max_tasks, options) -> None:
        arguments = ["--queue-name", ",".join(queues) or "*", "--interval", str(interval),
                     "--no-reload"]
        if batch:
            arguments += ["--batch", "--no-startup-delay"]
        if max_tasks:
            arguments += ["--max-tasks", str(max_tasks)]
        requeued = requeue_abandoned()
        if requeued and options["verbosity"]:
            self.stdout.write(f"{requeued} task(s) of a stopped worker put back in the queue")
        stop = threading.Event()
        if not batch:
            threading.Thread(target=_keep_requeuing, args=(stop,), daemon=True).start()
        try:
            call_command("db_worker", *arguments, verbosity=options["verbosity"])
        finally:
            stop.set()
