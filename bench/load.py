"""Load test: public agenda, search, votes and registrations under 600 users, nothing accepted lost.

What it runs, as docs/production.md deploys idm: a fresh PostgreSQL database (`idm migrate`, then
the IDM 2018 demo, `idm demo --no-serve`), gunicorn with several workers (`gunicorn idm.wsgi`),
and two task workers (`idm worker`, the database queue) with production settings (IDM_DEBUG=false,
a secret key, allowed hosts, the login rate limit on). Both workshops of the demo are opened for
registration with room for everyone, and an anyone-with-the-link consultation on the demo's key
messages and recommendations (14 statements) is opened for the voters.

The load is locust (bench/load_locustfile.py), headless, on the same machine: the users, each
waiting 1 to 3 s between actions as a person does, are split 5:5:7:3 between readers of a
workshop's public agenda, searchers (real queries, now and then the second page), voters (the
phone page: GET a statement, POST a vote with its CSRF token, follow the redirect; a new voter
after the 14th) and registrants (GET the form, POST a new participant, land on the private page).
Locust writes down every vote and registration the server accepted (the redirect that means
"taken"); afterwards each one is looked for in the database and the figures are printed: requests
a second, latency percentiles per endpoint, errors, then "votes accepted N, stored N, lost 0" and
the same for registrations, and the status of every task and job the load queued.

`--fault`: in the middle of the load a report build is queued (as the secretariat's report page
does, by its service), and once a task worker runs it, that worker is killed (SIGKILL), and so is
one gunicorn worker (not the master, which starts another); 5 s later the task worker is started
again, as systemd's `Restart=always` would. Afterwards: nothing accepted may be lost, and every
task and job must end done, or failed and retryable: the killed build shows failed once its
heartbeat is older than the lease (IDM_TASK_LEASE_SECONDS, 15 s here instead of 60 so that the run
is short), and the secretariat's Retry then builds it.

Run: `.venv/bin/python bench/load.py [--users 600] [--seconds 60] [--fault]`. Needs PostgreSQL at
127.0.0.1:5432 (trust auth; IDM_LOAD_DATABASE_URL names another server or database), gunicorn and
locust in the venv. It creates the database `idm_load` and drops it at the end, whatever happens;
the logs (gunicorn's, the workers', locust's) stay in a temporary folder whose path is printed.
"""

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEFAULT_URL = "postgres://root@127.0.0.1:5432/idm_load"
WORKSHOPS = ["2018-new-york", "2018-geneva"]
LEASE_SECONDS = 15
RESTART_SECONDS = 5  # systemd's RestartSec in docs/production.md's unit
# The fitted tag suggester, kept between runs (the demo queues tag suggestions; fitting takes
# about a minute, which no deployment pays twice).
CACHE = ROOT / "var" / "load-cache"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ENDPOINTS = ["agenda GET", "search GET", "vote page GET", "vote POST", "register form GET",
             "register POST", "registration page GET"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Processes:
    """Every process this script starts, each in a session of its own, so that stopping one stops
    its children too (gunicorn's workers) and nothing outlives the script."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.started = env, logs, []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=ROOT)
        self.started.append(process)
        return process

    def run(self, name: str, command: list[str], timeout: float = 900) -> None:
        process = self.start(name, command)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop(process)
            raise SystemExit(f"{name} took more than {timeout:.0f} s") from None
        if code:
            tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"{' '.join(command)} failed (exit {code}):\n{tail}")

    @staticmethod
    def stop(process: subprocess.Popen, grace: float = 20) -> None:
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for process in reversed(self.started):
            self.stop(process)
        # A session whose leader is gone may still hold children (a gunicorn worker whose master
        # was killed): end every process left in the sessions started here.
        sessions = {p.pid for p in self.started}
        for leftover in psutil.process_iter(["pid"]):
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(leftover.pid) in sessions:
                    leftover.kill()


# ------------------------------------------------------------------------------- the database

def create_database(url: str) -> None:
    import psycopg

    name, server = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is needed at {server}: {error}") from None


def drop_database(url: str) -> None:
    import psycopg

    name, server = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    with contextlib.suppress(psycopg.Error), psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare() -> dict:
    """Opens both workshops for registration with room for everyone, and opens a consultation for
    anyone with its link on the demo's key messages and recommendations."""
    from idm.consultations import services
    from idm.consultations.models import Consultation
    from idm.dialogues.models import Dialogue, Workshop

    # A capacity (not none) so that each registration counts the seats, as a real one does.
    Workshop.objects.filter(slug__in=WORKSHOPS).update(
        registration=Workshop.Registration.OPEN, capacity=100_000)
    dialogue = Dialogue.objects.get(number=28)
    consultation = services.create(
        dialogue, None, title="Load test: the key messages and recommendations of IDM 2018",
        voters=Consultation.Voters.LINK, submissions=False,
        key_messages=dialogue.key_messages.order_by("number"),
        recommendations=dialogue.recommendations.order_by("pk"))
    return {"pk": consultation.pk, "link": consultation.link,
            "items": consultation.items.count()}


# ---------------------------------------------------------------------------------- the fault

class Secretariat:
    """The demo's secretariat account in a browser-like session: reads a build's status (the page
    fails a build whose worker died) and retries it, as the report page does."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def _token(self, path: str) -> str:
        page = self.session.get(self.base + path, timeout=120)
        page.raise_for_status()
        return TOKEN.search(page.text).group(1)

    def login(self) -> None:
        token = self._token("/en/accounts/login/")
        answer = self.session.post(self.base + "/en/accounts/login/", timeout=120, data={
            "csrfmiddlewaretoken": token, "username": "secretariat", "password": "idm-secretariat"},
            allow_redirects=False)
        if answer.status_code != 302:
            raise RuntimeError(f"secretariat login answered {answer.status_code}")

    def build_status(self, pk: int) -> dict:
        return self.session.get(f"{self.base}/en/manage/report-builds/{pk}/", timeout=120).json()

    def retry(self, pk: int) -> int:
        token = self._token("/en/manage/dialogues/28/report/")
        return self.session.post(f"{self.base}/en/manage/report-builds/{pk}/retry/", timeout=120,
                                 data={"csrfmiddlewaretoken": token},
                                 allow_redirects=False).status_code

    def results_page(self, consultation: int) -> int:
        return self.session.get(f"{self.base}/en/manage/consultations/{consultation}/results/",
                                timeout=120).status_code


def _worker_running(pids: list[int], table: str) -> int | None:
    """Which task worker runs a job of `table` now: the one holding the PostgreSQL connection
    whose latest statement wrote that job's row (its start, progress or heartbeat)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT client_port FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "AND query ILIKE %s AND query ILIKE 'UPDATE%%'", [f'%"{table}"%'])
        ports = {port for (port,) in cursor.fetchall()}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            if any(c.laddr and c.laddr.port in ports
                   for c in psutil.Process(pid).net_connections(kind="tcp")):
                return pid
    return None


class Fault(threading.Thread):
    """In the middle of the load: queues a report build, waits for a task worker to run it, then
    kills that worker and one gunicorn worker; starts the task worker again 5 s later."""

    def __init__(self, seconds: float, base: str, gunicorn: subprocess.Popen, workers: list,
                 restart):
        super().__init__(name="fault", daemon=True)
        self.seconds, self.base, self.gunicorn, self.workers = seconds, base, gunicorn, workers
        self.restart, self.events, self.build = restart, [], None
        self.killed_worker_at: float | None = None
        self.began = time.monotonic()

    def note(self, text: str) -> None:
        self.events.append(f"{time.monotonic() - self.began:5.1f} s  {text}")

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connections
        from django.utils import timezone

        from idm.core.models import Job
        from idm.publications import services
        from idm.publications.models import BuildJob, Publication

        try:
            time.sleep(max(0.0, 0.4 * self.seconds - (time.monotonic() - self.began)))
            # What the report page's form calls, called here: through the saturated server the
            # secretariat's four requests would take a minute, and the build would come too late.
            self.build = services.start_build(
                Publication.objects.get(dialogue__number=28), ["en", "fr", "es"],
                ["pdf", "docx", "epub", "html"], False,
                get_user_model().objects.get(username="secretariat"))
            self.note(f"report build {self.build.pk} queued as the secretariat "
                      "(en, fr, es; PDF, DOCX, EPUB, HTML)")
            deadline = self.began + 0.9 * self.seconds
            victim = None
            while time.monotonic() < deadline:
                status, progress, started = BuildJob.objects.values_list(
                    "status", "progress", "started_at").get(pk=self.build.pk)
                if status in (Job.Status.DONE, Job.Status.FAILED):
                    break
                # Into the build (past its first language's assembly, or 3 s in), not at its start.
                if status == Job.Status.RUNNING and (
                        progress >= 5 or timezone.now() - started > timedelta(seconds=3)):
                    victim = _worker_running([p.pid for p in self.workers if p.poll() is None],
                                             "publications_buildjob")
                    if victim:
                        break
                time.sleep(0.1)
            if victim is None:
                self.note("no task worker was seen running the build: no task worker killed")
            else:
                progress = BuildJob.objects.filter(pk=self.build.pk).values_list(
                    "progress", flat=True)[0]
                os.kill(victim, signal.SIGKILL)
                self.killed_worker_at = time.monotonic()
                self.note(f"SIGKILL to task worker pid {victim}, running build {self.build.pk} "
                          f"({progress} % done)")
            web = psutil.Process(self.gunicorn.pid).children()
            if web:
                chosen = random.choice(web)
                os.kill(chosen.pid, signal.SIGKILL)
                self.note(f"SIGKILL to gunicorn worker pid {chosen.pid} (of {len(web)}; the master "
                          "starts another)")
            if victim is not None:
                time.sleep(RESTART_SECONDS)
                index = next(i for i, p in enumerate(self.workers) if p.pid == victim)
                self.workers[index] = self.restart(index)
                self.note(f"task worker started again, pid {self.workers[index].pid} "
                          f"({RESTART_SECONDS} s later, as systemd's Restart=always)")
        except Exception as error:  # noqa: BLE001 - the report says what went wrong
            self.note(f"the fault could not be injected: {error!r}")
        finally:
            connections.close_all()


# -------------------------------------------------------------------------------- the figures

class CpuSampler(threading.Thread):
    """CPU seconds used during the load by gunicorn, the task workers, PostgreSQL and locust,
    and by the whole machine: the machine is shared (the load generator, other work), so the
    figures say who had the cores. Sampled every second; a process that ends keeps its last
    sample (a killed worker's seconds stay counted)."""

    def __init__(self, groups):
        super().__init__(name="cpu", daemon=True)
        self.groups, self.first, self.last = groups, {}, {}
        self.stop = threading.Event()
        self.machine = [psutil.cpu_times(), None]
        self.wall = [time.monotonic(), None]
        self.sample()
        self.seen_before = set(self.first)

    def sample(self) -> None:
        try:
            groups = self.groups()
        except Exception:  # noqa: BLE001 - a sample missed (the database going away at the end)
            return
        for group, pids in groups.items():
            for pid in pids:
                with contextlib.suppress(psutil.Error):
                    times = psutil.Process(pid).cpu_times()
                    used = times.user + times.system
                    self.first.setdefault((group, pid), used)
                    self.last[(group, pid)] = used

    def run(self) -> None:
        while not self.stop.wait(1):
            self.sample()

    def finish(self) -> None:
        self.sample()
        self.stop.set()
        self.machine[1], self.wall[1] = psutil.cpu_times(), time.monotonic()

    def used(self) -> Counter:
        used = Counter()
        for key, last in self.last.items():
            # A process started during the load counts from 0; one there before, from its start.
            used[key[0]] += last - self.first[key] if key in self.seen_before else last
        return used

    def report(self) -> str:
        used = self.used()
        before, after = self.machine
        busy = sum((getattr(after, f) - getattr(before, f)) for f in after._fields
                   if f not in ("idle", "iowait", "guest", "guest_nice"))
        cores = (self.wall[1] - self.wall[0]) * (os.cpu_count() or 1)
        ours = sum(used.values())
        parts = ", ".join(f"{group} {seconds:.0f}" for group, seconds in used.items())
        return (f"CPU seconds during the load: {parts}, anything else {max(0.0, busy - ours):.0f}; "
                f"machine busy {busy:.0f} of {cores:.0f} ({100 * busy / cores:.0f} %)")



def print_stats(stats: dict) -> None:
    print(f"{'endpoint':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'max ms':>8}{'errors':>8}")
    named = [(name, stats["endpoints"][name]) for name in ENDPOINTS if name in stats["endpoints"]]
    for name, row in [*named, ("all", stats["all"])]:
        print(f"{name:<24}{row['requests']:>9}{row['rps']:>8.1f}{row['p50']:>8.0f}"
              f"{row['p95']:>8.0f}{row['p99']:>8.0f}{row['max']:>8.0f}{row['failures']:>8}")


def accepted_records(out: Path) -> tuple[list, list, list]:
    def lines(name):
        path = out / name
        return [line.rstrip("\n") for line in path.open()] if path.exists() else []

    votes = [tuple(line.split("\t")) for line in lines("votes.tsv") if line]
    return votes, [line for line in lines("registrations.txt") if line], \
        [line.split("\t") for line in lines("doubtful.tsv") if line]


def wait_for_queue(since, timeout: float) -> float:
    """Waits until no task is ready to run and no job is queued or running with a live
    heartbeat; returns the seconds it took."""
    from django.db.models import Q
    from django.utils import timezone

    from idm.consultations.models import ConsultationAnalysis
    from idm.core.models import Job
    from idm.deliberation.models import SynthesisRun
    from idm.publications.models import BuildJob

    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return 0.0
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        ready = DBTaskResult.objects.ready().count()
        fresh = timezone.now() - timedelta(seconds=LEASE_SECONDS)
        # A running job whose heartbeat stopped lost its worker: nothing will finish it.
        live = sum(model.objects.filter(created_at__gte=since).filter(
            Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, heartbeat_at__gte=fresh))
            .count() for model in (BuildJob, ConsultationAnalysis, SynthesisRun))
        if not ready and not live:
            break
        time.sleep(1)
    return time.monotonic() - began


def task_statuses(since) -> tuple[list[str], int, int]:
    """Lines to print, the jobs neither done nor failed, the task rows left running."""
    from django.db.models import Count

    from idm.consultations.models import ConsultationAnalysis
    from idm.deliberation.models import SynthesisRun
    from idm.publications.models import BuildJob

    lines, unfinished, orphans = [], 0, 0
    with contextlib.suppress(ImportError):
        from django_tasks_db.models import DBTaskResult

        counts = Counter()
        for row in (DBTaskResult.objects.filter(enqueued_at__gte=since)
                    .values("task_path", "status").annotate(n=Count("id"))):
            counts[(row["task_path"].rsplit(".", 1)[-1], row["status"])] += row["n"]
        lines.append("tasks (django-tasks-db DBTaskResult rows queued during the run): " + (
            ", ".join(f"{task} {status} {n}" for (task, status), n in sorted(counts.items()))
            or "none"))
        for row in DBTaskResult.objects.filter(enqueued_at__gte=since, status="RUNNING"):
            orphans += 1
            lines.append(f"  task {row.id} ({row.task_path.rsplit('.', 1)[-1]} {row.args_kwargs}) "
                         f"still RUNNING, started {row.started_at:%H:%M:%S}: its worker is gone, "
                         "and django-tasks-db neither fails nor runs again such a row")
    for model in (ConsultationAnalysis, BuildJob, SynthesisRun):
        counts = Counter(model.objects.filter(created_at__gte=since)
                         .values_list("status", flat=True))
        kept = " (the latest 5 kept: older ones are deleted as superseded)" if (
            model is ConsultationAnalysis) else ""
        lines.append(f"jobs {model.__name__}: " + (
            ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none") + kept)
        unfinished += sum(n for status, n in counts.items() if status not in ("done", "failed"))
    return lines, unfinished, orphans


def server_errors(log: Path) -> tuple[int, str]:
    text = log.read_text(errors="replace") if log.exists() else ""
    tracebacks = text.count("Traceback (most recent call last)")
    first = ""
    if tracebacks:
        start = text.find("Traceback (most recent call last)")
        first = text[max(0, text.rfind("\n", 0, max(0, start - 300))):start + 4000]
    return tracebacks, first


# ---------------------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=50, help="users started a second")
    parser.add_argument("--workers", type=int, default=4,
                        help="gunicorn workers (default 4 on 2 cores shared with the load)")
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--think", default="1,3", metavar="MIN,MAX",
                        help="seconds each user waits between actions (default 1,3)")
    parser.add_argument("--fault", action="store_true",
                        help="kill a gunicorn worker and a task worker running a build mid-load")
    args = parser.parse_args()
    think = [part.strip() for part in args.think.split(",")]
    if len(think) != 2:
        parser.error("--think takes MIN,MAX seconds, e.g. 1,3")

    # `kill` as Ctrl+C: through the `finally` below, which stops every process and drops the
    # database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started_at = time.strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()
    url = os.environ.get("IDM_LOAD_DATABASE_URL", DEFAULT_URL)
    temp = Path(tempfile.mkdtemp(prefix="idm-load-"))
    data, logs, out = temp / "data", temp / "logs", temp / "accepted"
    for folder in (data, logs, out, CACHE):
        folder.mkdir(parents=True, exist_ok=True)
    (data / "cache").symlink_to(CACHE, target_is_directory=True)
    port = free_port()
    base = f"http://{HOST}:{port}"
    run_id = secrets.token_hex(4)
    env = {**os.environ, "IDM_DATABASE_URL": url, "IDM_DATA_DIR": str(data), "IDM_DEBUG": "false",
           "IDM_SECRET_KEY": secrets.token_urlsafe(50), "IDM_ALLOWED_HOSTS": f"{HOST},localhost",
           "IDM_BASE_URL": base, "IDM_TASKS_BACKEND": "database", "IDM_LOG_LEVEL": "WARNING",
           "IDM_TASK_LEASE_SECONDS": str(LEASE_SECONDS), "DJANGO_SETTINGS_MODULE": "idm.settings",
           # One BLAS thread per process: several processes already share the 2 cores.
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    os.environ.update(env)
    processes = Processes(env, logs)
    idm = [sys.executable, "-m", "idm.cli"]
    code, monitor, cpu = 1, None, None
    try:
        create_database(url)
        processes.run("migrate", [*idm, "migrate", "--verbosity", "0"])
        processes.run("demo", [*idm, "demo", "--no-serve"])
        processes.run("collectstatic", [*idm, "collectstatic", "--noinput", "--verbosity", "0"])
        import django

        django.setup()
        from django.db import connections
        from django.utils import timezone

        consultation = prepare()
        # What the demo queued (its tag suggestions) runs first, as on a site up for a while.
        processes.run("worker-batch", [*idm, "worker", "--batch"])
        connections.close_all()

        gunicorn = processes.start("gunicorn", [
            sys.executable, "-m", "gunicorn", "idm.wsgi", "--bind", f"{HOST}:{port}",
            "--workers", str(args.workers)])

        def task_worker(index: int) -> subprocess.Popen:
            return processes.start(f"worker-{index + 1}", [*idm, "worker"])

        workers = [task_worker(i) for i in range(args.task_workers)]
        deadline = time.monotonic() + 120
        while True:
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {logs / 'gunicorn.log'}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/en/workshops/{WORKSHOPS[0]}/", timeout=5).ok:
                    break
            time.sleep(0.3)
        # Warm-up: every gunicorn worker connected, templates and translations loaded.
        path = f"/en/consult/{consultation['link']}/"
        for _ in range(3 * args.workers):
            for page in (f"/en/workshops/{WORKSHOPS[0]}/", f"/en/workshops/{WORKSHOPS[1]}/",
                         "/en/search/?q=migration", path,
                         f"/en/workshops/{WORKSHOPS[1]}/register/"):
                requests.get(base + page, timeout=30)

        env.update({"IDM_LOAD_CONSULTATION": path,
                    "IDM_LOAD_VOTER_COOKIE": f"idm-voter-{consultation['pk']}",
                    "IDM_LOAD_WORKSHOPS": ",".join(WORKSHOPS), "IDM_LOAD_OUT": str(out),
                    "IDM_LOAD_RUN": run_id, "IDM_LOAD_THINK_MIN": think[0],
                    "IDM_LOAD_THINK_MAX": think[1]})
        load_at_start = os.getloadavg()
        since = timezone.now()
        running = {}

        def groups() -> dict:
            web = [gunicorn.pid]
            with contextlib.suppress(psutil.Error):
                web += [child.pid for child in psutil.Process(gunicorn.pid).children()]
            # The server's processes for this database only: other work may use PostgreSQL too.
            database = [pid for (pid,) in monitor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()").fetchall()]
            return {"gunicorn": web, "task workers": [p.pid for p in workers],
                    "PostgreSQL": database, "locust": list(running.values())}

        import psycopg

        monitor = psycopg.connect(url, autocommit=True)
        cpu = CpuSampler(groups)
        cpu.start()
        locust = processes.start("locust", [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_locustfile.py"),
            "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", f"{args.seconds}s", "--host", base, "--csv", str(logs / "locust"),
            "--stop-timeout", "30", "--only-summary", "--exit-code-on-error", "0",
            "--loglevel", "WARNING"])
        running["locust"] = locust.pid
        fault = None
        if args.fault:
            fault = Fault(args.seconds, base, gunicorn, workers, task_worker)
            fault.start()
        while locust.poll() is None:
            if time.monotonic() - cpu.wall[0] > args.seconds + 180:
                raise SystemExit("locust did not stop")
            time.sleep(0.5)
            # The last sample of locust before it exits: its CPU seconds are gone after.
            if time.monotonic() - cpu.wall[0] > args.seconds:
                cpu.sample()
        cpu.finish()
        load_at_end = os.getloadavg()
        if fault is not None:
            fault.join(60)

        secretariat = Secretariat(base)
        drained = wait_for_queue(since, timeout=300)
        retried = None
        if fault is not None and fault.build is not None and fault.killed_worker_at is not None:
            # The killed build fails once its heartbeat is older than the lease: the report page
            # (here its status, which the page polls) is what fails it, as in production.
            wait = fault.killed_worker_at + LEASE_SECONDS + 2 - time.monotonic()
            time.sleep(max(0.0, wait))
            secretariat.login()
            seen = secretariat.build_status(fault.build.pk)
            fault.note(f"after the lease: build {fault.build.pk} {seen['status']}, "
                       f"\"{seen['message']}\"")
            if seen["status"] == "failed":
                answer = secretariat.retry(fault.build.pk)
                for _ in range(300):
                    seen = secretariat.build_status(fault.build.pk)
                    if seen["status"] in ("done", "failed"):
                        break
                    time.sleep(1)
                retried = seen
                fault.note(f"Retry (answer {answer}): build {fault.build.pk} {seen['status']}, "
                           f"{seen['progress']} %, \"{seen['message']}\"")
            drained += wait_for_queue(since, timeout=120)
        with contextlib.suppress(Exception):
            # The results page fails any analysis whose worker died, as the report page does.
            secretariat.login()
            secretariat.results_page(consultation["pk"])

        # ---------------------------------------------------------------- the count afterwards
        from idm.consultations.models import Vote, Voter
        from idm.dialogues.models import Registration

        stats = json.loads((out / "stats.json").read_text())
        votes, registrations, doubtful = accepted_records(out)
        stored_votes = set(Vote.objects.filter(item__consultation_id=consultation["pk"])
                           .values_list("voter__key", "item_id"))
        stored_votes = {(key, str(item)) for key, item in stored_votes}
        accepted_votes = set(votes)
        lost_votes = accepted_votes - stored_votes
        extra_votes = stored_votes - accepted_votes
        voters = Voter.objects.filter(consultation_id=consultation["pk"])
        new_registrations = Registration.objects.filter(email__startswith=f"load-{run_id}-")
        stored_registrations = set(new_registrations.values_list("email", flat=True))
        accepted_registrations = set(registrations)
        lost_registrations = accepted_registrations - stored_registrations
        extra_registrations = stored_registrations - accepted_registrations
        mail = Counter(new_registrations.values_list("mail_status", flat=True))
        statuses, unfinished, orphans = task_statuses(since)
        tracebacks, first = server_errors(logs / "gunicorn.log")
        worker_tracebacks = sum(server_errors(log)[0] for log in logs.glob("worker-*.log"))

        users = {"agenda": 5, "search": 5, "voters": 7, "registrants": 3}
        split = ", ".join(f"{name} {round(args.users * w / 20)}" for name, w in users.items())
        fault_note = ", FAULT: a gunicorn worker and a task worker killed mid-load"
        print(f"idm under load, {started_at}: {args.users} users ({split}), "
              f"{think[0]}-{think[1]} s between actions, {args.seconds} s "
              f"(started at {args.spawn_rate:g} a second)"
              f"{fault_note if args.fault else ''}")
        print(f"gunicorn idm.wsgi --workers {args.workers}, {args.task_workers} x idm worker "
              f"(database queue), PostgreSQL, locust on the same {os.cpu_count()} cores")
        print("load average (1, 5, 15 min): before setup {:.2f} {:.2f} {:.2f}; at the start of the "
              "load {:.2f} {:.2f} {:.2f}; at its end {:.2f} {:.2f} {:.2f}".format(
                  *load_before, *load_at_start, *load_at_end))
        print(cpu.report())
        print(f"locust measured {stats['seconds']:.1f} s (from the first user to the last answer)")
        # The cost of a request whatever else the machine runs: what 2 free cores would serve.
        per_request = {group: 1000 * seconds / max(1, stats["all"]["requests"])
                       for group, seconds in cpu.used().items()}
        print("CPU ms per request: " + ", ".join(
            f"{group} {ms:.1f}" for group, ms in per_request.items())
            + f"; at that cost {os.cpu_count()} free cores serve about "
            f"{1000 * (os.cpu_count() or 1) / max(1e-9, sum(per_request.values())):.0f} requests/s")
        print_stats(stats)
        if stats["errors"]:
            print("errors:")
            for row in stats["errors"]:
                print(f"  {row['occurrences']:>5} x {row['method']} {row['name']}: {row['error']}")
        else:
            print("errors: none")
        print("  (locust's client sends a GET again, once, when the server closes the connection "
              "without an answer, as browsers do; never a POST)")
        seconds = stats["seconds"] or args.seconds
        print(f"votes accepted {len(accepted_votes)}, stored {len(accepted_votes & stored_votes)}, "
              f"lost {len(lost_votes)} ({len(accepted_votes) / seconds:.0f} a second; in the "
              f"database {len(stored_votes)} votes of {voters.count()} voters; stored but never "
              f"answered: {len(extra_votes)})")
        print(f"registrations accepted {len(accepted_registrations)}, stored "
              f"{len(accepted_registrations & stored_registrations)}, "
              f"lost {len(lost_registrations)} "
              f"({len(accepted_registrations) / seconds:.1f} a second; stored but never answered: "
              f"{len(extra_registrations)}); their e-mails: "
              + ", ".join(f"{status or 'none'} {n}" for status, n in sorted(mail.items())))
        if len(votes) != len(accepted_votes):
            print(f"  ({len(votes) - len(accepted_votes)} votes accepted twice for the same "
                  "statement: a change of mind, one row)")
        doubt = Counter((kind, reason) for kind, reason, *_rest in doubtful)
        print("writes sent without an answer (stored or not, both are right): "
              + (", ".join(f"{kind} {reason} {n}" for (kind, reason), n in sorted(doubt.items()))
                 or "none"))
        for line in statuses:
            print(line)
        print(f"queue drained {drained:.0f} s after the load")
        if fault is not None:
            print("fault:")
            for line in fault.events:
                print(f"  {line}")
        print(f"server logs: {logs} ({tracebacks} tracebacks in gunicorn's, "
              f"{worker_tracebacks} in the task workers')")
        if first:
            print("first traceback in gunicorn's log:")
            print(first)
        kept_all = not lost_votes and not lost_registrations
        retry_note = ""
        if fault is not None and fault.build is not None:
            retry_note = (f" (killed build {fault.build.pk}: failed, then done on Retry)"
                          if retried is not None and retried["status"] == "done"
                          else f" (killed build {fault.build.pk}: NOT failed-then-done)")
        jobs_ok = not unfinished and (fault is None or fault.build is None or (
            retried is not None and retried["status"] == "done"))
        print(f"verdict: nothing accepted lost: {'yes' if kept_all else 'NO'}; idm's jobs all done "
              f"or failed-and-retryable: {'yes' if jobs_ok else 'NO'}{retry_note}; "
              f"django-tasks-db task rows all finished: "
              f"{'yes' if not orphans else f'NO, {orphans} left RUNNING by a killed worker'}")
        code = 0 if kept_all and jobs_ok else 1
    finally:
        if cpu is not None:
            cpu.stop.set()
        if monitor is not None:
            monitor.close()
        processes.stop_all()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_database(url)
        shutil.rmtree(data, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
