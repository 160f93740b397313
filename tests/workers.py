"""Real `idm worker` processes for the tests that need one, working on the test database: such a
test commits what the worker must see (django_db(transaction=True)) and queues its tasks in the
database (use_the_database_queue)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection


def use_the_database_queue(settings) -> None:
    settings.TASKS = {"default": {**settings.TASKS["default"],
                                  "BACKEND": settings.TASK_BACKENDS["database"]}}


def database_url() -> str:
    """The test database (not the one the settings name) as IDM_DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return (f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST']}"
            f"{port}/{db['NAME']}")


class Worker:
    """`idm worker ARGS` in a process of its own, its output kept in a file for the assertions."""

    def __init__(self, data_dir: Path, *args: str, **env: str):
        self.log = data_dir / f"worker-{time.monotonic_ns()}.log"
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("IDM_TASKS_BACKEND", "IDM_EMAIL_HOST")}
        environment.update({"IDM_DATA_DIR": str(data_dir), "IDM_DATABASE_URL": database_url(),
                            "PYTHONUNBUFFERED": "1", **env})
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "idm.cli", "worker", "--interval", "0.2", *args],
                env=environment, stdout=log, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        return self.log.read_text()

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"the worker did not stop:\n{self.output}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_for(condition, timeout: float = 120, every: float = 0.05, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s")
