"""Claim: vote intake in the web app. 600 voters on their phones at once, each voting on the 10
statements of an anyone-with-the-link consultation, on PostgreSQL behind the production server
(gunicorn, as docs/production.md serves idm): the votes a second it sustains, with none lost
(every vote answered with a redirect is counted in the database afterwards, and every voter has
exactly 10 votes) and at most one analysis queued per consultation, however many votes arrive.

Each simulated voter does what a phone does: it opens the voting page (GET: the CSRF token and
the first statement), then for each statement posts its vote (POST: 302 to the same page, the
voter's cookie set on the first one) and follows the redirect (GET: the next statement). So a
vote is two requests, 21 requests a voter. The voters are asyncio tasks of this process with a
bare HTTP/1.1 client (one connection a request, as gunicorn's sync workers close them), on the
same machine as the server and PostgreSQL. Latencies are the votes' POSTs, from connecting to
the end of the response: with 600 voters and a few workers they are mostly the wait in the
server's queue (Little's law: 600 voters / requests a second).

Peers: the same load, same client, same gunicorn (same workers), same PostgreSQL, in the same
run, against two applications defined below whose vote page is the same form and whose vote is
one INSERT into a table with a unique (voter, item) index as idm's Vote has, then the same
redirect to the next statement:
- `django_peer_app`: a minimal Django view through idm's own settings and middleware (sessions,
  CSRF, locale, messages...), a one-line template with the CSRF token, a signed voter cookie and
  one INSERT on Django's persistent connection: what any Django app pays to take a vote.
- `peer_app`: a bare WSGI function (no Django), a static form and one INSERT (psycopg,
  autocommit, one connection per worker kept open): the floor of storing a vote over HTTP.
The ratios say how close idm comes to them. idm does more for each vote: it looks up the
consultation, the voter (signed cookie) and the statement, upserts the vote, locks the
consultation's row to queue at most one analysis, and renders the next statement in the site's
page with the voter's progress: 15 statements to PostgreSQL for a vote's POST (with BEGIN,
COMMIT and savepoints) and 7 for the page's GET, against 1 and 0 for the peers. No worker runs:
the analysis queued by the first vote stays queued, so every later vote finds it waiting.

Run: `.venv/bin/python bench/vote_intake.py [--voters 600] [--rounds 3] [--workers 5]`. Needs
PostgreSQL at 127.0.0.1:5432 (trust auth) and gunicorn importable by the venv's python (`pip
install gunicorn`, as docs/production.md installs it). It creates its own database
`idm_bench_votes` (or the one IDM_BENCH_DATABASE_URL names) and drops it at the end; the
servers' log is kept in a temporary folder whose path is printed.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlencode

BENCH = Path(__file__).resolve().parent
ITEMS = 10
HOST = "127.0.0.1"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM = re.compile(rb'name="item" value="(\d+)"')
PEER_TABLE = "bench_peer_vote"


# ------------------------------------------------------------------------------------ the peer

_peer_connection = None


def _peer_db():
    global _peer_connection
    if _peer_connection is None or _peer_connection.closed:
        import psycopg

        _peer_connection = psycopg.connect(os.environ["IDM_DATABASE_URL"], autocommit=True)
    return _peer_connection


def peer_app(environ, start_response):
    """The peer: /peer/<round>/?item=n shows a static form for statement n (1 to 10); a POST
    inserts the vote (one INSERT) and redirects to the next statement, setting the voter's cookie
    on the first vote, as idm does."""
    path = environ["PATH_INFO"]
    if environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        cookies = dict(part.strip().split("=", 1) for part in environ.get("HTTP_COOKIE", "").split(";")
                       if "=" in part)
        voter = cookies.get("peer-voter") or secrets.token_urlsafe(24)
        item, value = int(form["item"]), int(form["value"])
        _peer_db().execute(f"INSERT INTO {PEER_TABLE} (consultation, voter, item, value) "
                           "VALUES (%s, %s, %s, %s)", [path, voter, item, value])
        headers = [("Location", f"{path}?item={item + 1}"), ("Content-Length", "0")]
        if "peer-voter" not in cookies:
            headers.append(("Set-Cookie", f"peer-voter={voter}; HttpOnly; Path=/; SameSite=Lax"))
        start_response("302 Found", headers)
        return [b""]
    item = int(parse_qs(environ.get("QUERY_STRING", "")).get("item", ["1"])[0])
    if item <= ITEMS:
        body = (f'<!doctype html><title>Vote</title><form method="post">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="peer">'
                f'<input type="hidden" name="item" value="{item}"><p>Statement {item}</p>'
                f'<button name="value" value="1">Agree</button>'
                f'<button name="value" value="-1">Disagree</button>'
                f'<button name="value" value="0">Pass</button></form>').encode()
    else:
        body = b"<!doctype html><title>Vote</title><p>Thank you: you have voted on every statement.</p>"
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(body))), ("Cache-Control", "private, no-store")])
    return [body]


def django_peer_view(request, consultation: str):
    """The Django peer: the same form and redirect as `peer_app`, through idm's settings and
    middleware (sessions, CSRF, locale, messages...), a template, a signed voter cookie and one
    INSERT on Django's persistent connection."""
    from django.db import connection
    from django.http import HttpResponse, HttpResponseRedirect
    from django.template import engines

    if request.method == "POST":
        voter = request.get_signed_cookie("peer-voter", default=None) or secrets.token_urlsafe(24)
        item, value = int(request.POST["item"]), int(request.POST["value"])
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {PEER_TABLE} (consultation, voter, item, value) "
                           "VALUES (%s, %s, %s, %s)", [request.path, voter, item, value])
        response = HttpResponseRedirect(f"{request.path}?item={item + 1}")
        response.set_signed_cookie("peer-voter", voter, httponly=True, samesite="Lax")
        return response
    item = int(request.GET.get("item", "1"))
    template = engines["django"].from_string(
        '<!doctype html><title>Vote</title>{% if item <= items %}<form method="post">{% csrf_token %}'
        '<input type="hidden" name="item" value="{{ item }}"><p>Statement {{ item }}</p>'
        '<button name="value" value="1">Agree</button><button name="value" value="-1">Disagree</button>'
        '<button name="value" value="0">Pass</button></form>{% else %}<p>Thank you.</p>{% endif %}')
    response = HttpResponse(template.render({"item": item, "items": ITEMS}, request))
    response["Cache-Control"] = "private, no-store"
    return response


def _urlpatterns():
    from django.urls import path

    return [path("dpeer/<str:consultation>/", django_peer_view)]


_django_app = None


def django_peer_app(environ, start_response):
    global _django_app, urlpatterns
    if _django_app is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idm.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        urlpatterns = _urlpatterns()
        settings.ROOT_URLCONF = __name__
        _django_app = get_wsgi_application()
    return _django_app(environ, start_response)


# ---------------------------------------------------------------------------------- the client

class Result:
    def __init__(self):
        self.vote_seconds: list[float] = []   # the votes' POSTs answered 302
        self.page_seconds: list[float] = []   # the pages' GETs answered 200
        self.statuses: Counter = Counter()    # every response or failure, by request kind
        self.redirects = 0                    # votes answered 302
        self.wall = 0.0


async def http(port: int, method: str, target: str, cookies: dict, body: bytes = b""):
    """(status, Set-Cookie values, Location, body) of one request on its own connection."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        head = [f"{method} {target} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close",
                "User-Agent: idm-bench-vote-intake"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        data = await reader.read()
    finally:
        writer.close()
    header, _sep, content = data.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    set_cookies, location = [], None
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        if name.lower() == "set-cookie":
            set_cookies.append(value.strip().split(";", 1)[0])
        elif name.lower() == "location":
            location = value.strip()
    return status, set_cookies, location, content


async def voter(port: int, path: str, result: Result, rng: random.Random, start: asyncio.Event):
    cookies: dict[str, str] = {}

    async def call(kind, method, target, body=b""):
        began = time.perf_counter()
        try:
            status, set_cookies, location, content = await http(port, method, target, cookies, body)
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError) as error:
            result.statuses[(kind, type(error).__name__)] += 1
            return None, None, b""
        seconds = time.perf_counter() - began
        result.statuses[(kind, status)] += 1
        for cookie in set_cookies:
            name, _sep, value = cookie.partition("=")
            cookies[name] = value
        if kind == "vote" and status == 302:
            result.vote_seconds.append(seconds)
            result.redirects += 1
        elif kind == "page" and status == 200:
            result.page_seconds.append(seconds)
        return status, location, content

    await start.wait()
    _status, _location, page = await call("page", "GET", path)
    for _ in range(ITEMS):
        token, item = TOKEN.search(page), ITEM.search(page)
        if not (token and item):
            break  # no statement left, or an error page
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "item": item.group(1).decode(),
                          "value": rng.choice(("1", "-1", "0"))}).encode()
        status, location, _content = await call("vote", "POST", path, body)
        # Like a phone: follow the redirect to the next statement (or reload after an error).
        _status, _location, page = await call("page", "GET", location if status == 302 else path)


async def crowd(port: int, path: str, voters: int, seed: int) -> Result:
    result, start = Result(), asyncio.Event()
    rng = random.Random(seed)
    tasks = [asyncio.create_task(voter(port, path, result, random.Random(rng.random()), start))
             for _ in range(voters)]
    await asyncio.sleep(0.1)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    result.wall = time.perf_counter() - began
    return result


# ---------------------------------------------------------------------------------- the servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(app: str, workers: int, env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn as docs/production.md runs it: `gunicorn idm.wsgi --bind ... --workers N`."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    if app.startswith("vote_intake:"):
        command += ["--pythonpath", str(BENCH)]
    process = subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    return process, port


def wait_ready(process: subprocess.Popen, port: int, path: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server stopped (exit {process.returncode}); its log:\n{log.read_text()[-3000:]}")
        try:
            status, *_rest = asyncio.run(http(port, "GET", path, {}))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"The server did not answer {path} in 90 s; its log:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ------------------------------------------------------------------------------------- figures

def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, result: Result, stored: int, complete: int, voters_seen: int,
            analyses: int | None) -> dict:
    failures = {f"{kind} {status}": n for (kind, status), n in sorted(result.statuses.items(), key=str)
                if not ((kind == "vote" and status == 302) or (kind == "page" and status == 200))}
    requests = sum(result.statuses.values())
    return {"name": name, "votes": result.redirects, "wall": result.wall,
            "votes/s": result.redirects / result.wall, "requests/s": requests / result.wall,
            "p50": percentile(result.vote_seconds, 50) * 1000,
            "p95": percentile(result.vote_seconds, 95) * 1000,
            "p99": percentile(result.vote_seconds, 99) * 1000,
            "page p50": percentile(result.page_seconds, 50) * 1000, "errors": failures,
            "stored": stored, "complete": complete, "voters": voters_seen, "analyses": analyses,
            "lost": result.redirects - stored}


def print_rounds(rows: list[dict], voters: int) -> None:
    print(f"{'round':<8}{'votes':>7}{'wall s':>8}{'votes/s':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p99 ms':>8}{'page p50':>9}{'in DB':>7}{'lost':>6}{f'voters w/ {ITEMS}':>14}{'analyses':>10}"
          f"  errors")
    for row in rows:
        analyses = "-" if row["analyses"] is None else str(row["analyses"])
        errors = ", ".join(f"{k}: {n}" for k, n in row["errors"].items()) or "none"
        complete = f"{row['complete']}/{voters}"
        print(f"{row['name']:<8}{row['votes']:>7}{row['wall']:>8.1f}{row['votes/s']:>9.0f}"
              f"{row['requests/s']:>8.0f}{row['p50']:>8.0f}{row['p95']:>8.0f}{row['p99']:>8.0f}"
              f"{row['page p50']:>9.0f}{row['stored']:>7}{row['lost']:>6}"
              f"{complete:>14}{analyses:>10}  {errors}")


# ---------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn workers (default: gunicorn's advice, 2 per core + 1)")
    args = parser.parse_args()
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        sys.exit("gunicorn is needed (pip install gunicorn), as docs/production.md installs it.")

    os.environ.setdefault("IDM_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/idm_bench_votes")
    from _setup import setup_django

    url = setup_django()
    import psycopg
    from django.core.management import call_command
    from django.db import connection, connections

    from idm.consultations import services
    from idm.consultations.models import Consultation, ConsultationAnalysis, Vote, Voter
    from idm.deliberation.models import KeyMessage
    from idm.dialogues.models import Dialogue, Series

    call_command("collectstatic", interactive=False, verbosity=0)  # as docs/production.md installs
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PEER_TABLE} (id bigserial PRIMARY KEY, consultation text NOT NULL, "
                       "voter text NOT NULL, item integer NOT NULL, value smallint NOT NULL, "
                       "cast_at timestamptz NOT NULL DEFAULT now(), UNIQUE (voter, item))")
    series = Series.objects.create(slug="bench", name_en="Bench")
    dialogue = Dialogue.objects.create(series=series, number=1, year=2030, theme_en="Bench")
    key_messages = [KeyMessage.objects.create(dialogue=dialogue, number=n, title=f"Key message {n}",
                                              title_en=f"Key message {n}", status=KeyMessage.Status.DRAFT)
                    for n in range(1, ITEMS + 1)]

    def consultation(title):
        return services.create(dialogue, None, title=title, voters=Consultation.Voters.LINK,
                               key_messages=key_messages)

    logs = Path(tempfile.mkdtemp(prefix="idm-vote-intake-"))
    env = {**os.environ, "IDM_DATABASE_URL": url, "IDM_TASKS_BACKEND": "database",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    warm = consultation("Warm-up")
    # name: (gunicorn application, the warm-up page, the round's page)
    apps = {"idm": ("idm.wsgi", f"/en/consult/{warm.link}/", None),
            "django": ("vote_intake:django_peer_app", "/dpeer/warm-up/", "/dpeer/{number}/"),
            "bare": ("vote_intake:peer_app", "/peer/warm-up/", "/peer/{number}/")}
    servers = {name: start_server(app, args.workers, env, logs / f"{name}-gunicorn.log")
               for name, (app, _warm, _path) in apps.items()}
    rows = []
    try:
        for name, (_app, warm_path, _path) in apps.items():
            process, port = servers[name]
            wait_ready(process, port, warm_path, logs / f"{name}-gunicorn.log")
            # Warm-up: every worker connected to PostgreSQL, templates and translations loaded.
            asyncio.run(crowd(port, warm_path, 4 * args.workers, seed=0))
        for number in range(1, args.rounds + 1):
            this = consultation(f"Round {number}")
            result = asyncio.run(crowd(servers["idm"][1], f"/en/consult/{this.link}/", args.voters,
                                       seed=number))
            votes = Vote.objects.filter(item__consultation=this)
            per_voter = Counter(votes.values_list("voter_id", flat=True))
            rows.append(summary(f"idm {number}", result, votes.count(),
                                sum(1 for n in per_voter.values() if n == ITEMS),
                                Voter.objects.filter(consultation=this).count(),
                                ConsultationAnalysis.objects.filter(consultation=this).count()))
            for name in ("django", "bare"):
                path = apps[name][2].format(number=number)
                result = asyncio.run(crowd(servers[name][1], path, args.voters, seed=number))
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT count(*) FROM {PEER_TABLE} WHERE consultation = %s", [path])
                    stored = cursor.fetchone()[0]
                    cursor.execute(f"SELECT count(*) FILTER (WHERE n = %s), count(*) FROM (SELECT count(*) n "
                                   f"FROM {PEER_TABLE} WHERE consultation = %s GROUP BY voter) v",
                                   [ITEMS, path])
                    complete, voters_seen = cursor.fetchone()
                rows.append(summary(f"{name} {number}", result, stored, complete, voters_seen, None))
    finally:
        for process, _port in servers.values():
            stop_server(process)
        connections.close_all()
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"{args.voters} concurrent voters x {ITEMS} statements (a vote = POST + the redirect's GET), "
          f"gunicorn --workers {args.workers}, PostgreSQL, {args.rounds} rounds")
    print_rounds(rows, args.voters)
    print()
    medians = {}
    for name, label in (("idm", "idm (consultations.views.vote)"),
                        ("django", "peer: minimal Django view, one INSERT"),
                        ("bare", "peer: bare WSGI, one INSERT")):
        group = [r for r in rows if r["name"].split()[0] == name]
        medians[name] = statistics.median(r["votes/s"] for r in group)
        p50, p95, p99 = (statistics.median(r[q] for r in group) for q in ("p50", "p95", "p99"))
        print(f"{label:<40} median {medians[name]:6.0f} votes/s, p50/p95/p99 "
              f"{p50:.0f}/{p95:.0f}/{p99:.0f} ms, lost {sum(r['lost'] for r in group)}, "
              f"errors {sum(sum(r['errors'].values()) for r in group)}, voters with all {ITEMS} votes: "
              f"{min(r['complete'] for r in group)}/{args.voters} at worst")
    idm_rows = [r for r in rows if r["name"].startswith("idm")]
    print(f"analyses queued per consultation: {', '.join(str(r['analyses']) for r in idm_rows)}")
    print(f"ratio idm / minimal Django view throughput: {medians['idm'] / medians['django']:.2f}")
    print(f"ratio idm / bare INSERT throughput: {medians['idm'] / medians['bare']:.2f}")
    tracebacks = (logs / "idm-gunicorn.log").read_text(errors="replace").count("Traceback")
    print(f"server logs: {logs} ({tracebacks} tracebacks in idm's)")
    ok = all(r["lost"] == 0 and r["complete"] == args.voters and not r["errors"] for r in idm_rows)
    if not ok:
        print("NOT CONFIRMED: idm lost votes, left voters incomplete or answered with errors (see above)")
        sys.exit(1)


if __name__ == "__main__":
    main()
