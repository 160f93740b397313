"""Claim: the database task queue (django-tasks-db) on PostgreSQL runs enough tasks per second
with 2 workers that idm's background work (an e-mail per registration, a report build now and
then) never waits on the queue itself; docs/production.md says when to move to Redis (RQ).

Peer: the task framework's immediate backend, same task, same enqueue call: the task runs in
place, with no queue, no row, no worker, so it is the floor of what any queue can add.
The task does nothing, so that what is timed is the queue, not the work.
Measured: N tasks are queued in one transaction while 2 `idm worker` processes wait, and timed
from the commit until the last one has finished (the workers' own start-up is left out); the
web side's cost, queuing N tasks one by one, is timed too.
Run: `.venv/bin/python bench/tasks_throughput.py [--tasks 2000] [--workers 2]` (needs PostgreSQL at
127.0.0.1:5432); medians of 3 runs.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from _setup import setup_django

BENCH = Path(__file__).resolve().parent
RUNS = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    count, workers_count = arguments.tasks, arguments.workers
    os.environ["IDM_TASKS_BACKEND"] = "database"
    setup_django()
    from _noop_task import noop
    from django.db import transaction
    from django.test.utils import override_settings
    from django_tasks_db.models import DBTaskResult

    data = Path(os.environ["IDM_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")])}
    logs = [data / f"worker-{number}.log" for number in range(workers_count)]
    with ExitStack() as files:
        workers = [subprocess.Popen(
            [sys.executable, "-m", "idm.cli", "worker", "--queue", "default", "--interval", "0.05"],
            env=env, stdout=files.enter_context(log.open("w")), stderr=subprocess.STDOUT)
            for log in logs]
    try:
        deadline = time.monotonic() + 60
        while not all("Starting worker" in log.read_text() for log in logs):
            if time.monotonic() > deadline:
                sys.exit("the workers did not start")
            time.sleep(0.1)

        queued, enqueue = [], []
        for _ in range(RUNS):
            DBTaskResult.objects.all().delete()
            start = time.perf_counter()
            with transaction.atomic():
                for number in range(count):
                    noop.enqueue(number)
                enqueued = time.perf_counter()
            committed = time.perf_counter()
            while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists():
                time.sleep(0.01)
            done = time.perf_counter()
            assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == count
            enqueue.append(enqueued - start)
            queued.append(done - committed)
        per_worker = DBTaskResult.objects.values_list("worker_ids", flat=True)
        shares = sorted({ids[0] for ids in per_worker})

        immediate = []
        with override_settings(TASKS={"default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["default"]}}):
            for _ in range(RUNS):
                start = time.perf_counter()
                for number in range(count):
                    noop.enqueue(number)
                immediate.append(time.perf_counter() - start)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)

    queue_rate = count / statistics.median(queued)
    enqueue_rate = count / statistics.median(enqueue)
    immediate_rate = count / statistics.median(immediate)
    print(f"{count} no-op tasks, PostgreSQL, median of {RUNS} runs")
    print(f"database queue, workers: {workers_count} ({len(shares)} took tasks):   "
          f"{queue_rate:8.0f} tasks/s run")
    print(f"queuing them (the web side, one by one):   {enqueue_rate:8.0f} tasks/s queued")
    print(f"immediate backend (no queue, in place):    {immediate_rate:8.0f} tasks/s run")
    print(f"ratio database queue / immediate throughput: {queue_rate / immediate_rate:.3f}")


if __name__ == "__main__":
    main()
