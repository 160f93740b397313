"""The task bench/tasks_throughput.py queues: it does nothing, so that what is timed is the queue
(an importable module: the worker processes find the task by its path)."""

from idm.core.tasks import task


@task()
def noop(number: int) -> int:
    return number
