"""`idm demo`: creates the database, loads the IDM 2018 demo and serves it, with a worker
(`idm worker`) beside the web server for the background work (report builds, e-mails).

It lives in the last app because it loads every app's part of the demo, in dependency order.
"""

import contextlib
import signal
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from idm.core import roles
from idm.core.tasks import default_task_backend
from idm.publications.demo import build_demo_publication, load_demo_dialogue

# Demo accounts only: printed on the terminal, never for production.
DEMO_USERS = [
    ("secretariat", "idm-secretariat", roles.SECRETARIAT),
    ("rapporteur", "idm-rapporteur", roles.RAPPORTEUR),
    ("participant", "idm-participant", roles.PARTICIPANT),
]


def create_demo_users() -> None:
    User = get_user_model()
    for username, password, role in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
        user.is_staff = role == roles.SECRETARIAT
        user.save()
        user.groups.add(Group.objects.get(name=role))


class Command(BaseCommand):
    help = "Loads the IDM 2018 demo into the database and serves it at http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo, then stop")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument("--no-worker", action="store_true",
                            help="serve without a worker (run `idm worker` yourself)")

    def handle(self, *args, no_serve=False, addr="127.0.0.1:8000", no_worker=False, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        dialogue = load_demo_dialogue()
        report = build_demo_publication(dialogue)
        create_demo_users()
        workshops = ", ".join(w.slug for w in dialogue.workshops.all())
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: Dialogue No. {dialogue.number} ({dialogue.year}), workshops {workshops}."))
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        for language, edition in report.built.items():
            self.stdout.write(f"Report No. {dialogue.number} ({language}): {edition.page_count} "
                              f"pages, {edition.pdf.path}")
        for language, missing in report.missing.items():
            self.stdout.write(f"Report No. {dialogue.number} ({language}): not built, "
                              f"{len(missing)} translations missing (idm report check "
                              f"--dialogue {dialogue.number} --lang {language})")
        if no_serve:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Open http://{addr}/"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {password:<18} {role}")
        self.stdout.write("Stop with Ctrl+C.")
        worker = None if no_worker else self._start_worker()
        # `kill` stops the worker too, as Ctrl+C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addr, use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen | None:
        if not default_task_backend.supports_get_result:
            self.stdout.write(f"IDM_TASKS_BACKEND={settings.IDM_TASKS_BACKEND}: background work "
                              "runs in the web server, no worker.")
            return None
        self.stdout.write("Background work (report builds, e-mails): one worker, idm worker.")
        return subprocess.Popen([sys.executable, "-m", "idm.cli", "worker"])

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        """Stops the worker: at once when idle; when busy, a second signal cuts its task short
        (a build then shows failed, ready to retry) rather than keep the terminal waiting."""
        for seconds in (2, 10):
            if worker.poll() is None:
                worker.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.wait(seconds)
        if worker.poll() is None:
            worker.kill()
            worker.wait()
