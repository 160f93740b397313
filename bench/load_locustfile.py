"""Locust users for bench/load.py: readers of the public agenda, searchers, voters and registrants.

bench/load.py starts locust on this file and tells it, in IDM_LOAD_* environment variables, where
the consultation and the workshops are and in which folder to write what the server accepted:
`votes.tsv` (voter key and statement of every vote answered with the redirect that means "taken"),
`registrations.txt` (the e-mail of every registration answered with the redirect to its private
page) and `doubtful.tsv` (the writes that got no answer: a connection cut, a 5xx, or a user
stopped by locust at the end while waiting; the server may or may not have kept them). After the
run load.py looks for each of them in the database.
"""

import json
import os
import random
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from gevent import GreenletExit
from locust import FastHttpUser, between, events, task

CONSULTATION = os.environ.get("IDM_LOAD_CONSULTATION", "/en/consult/unset/")
VOTER_COOKIE = os.environ.get("IDM_LOAD_VOTER_COOKIE", "idm-voter-0")
WORKSHOPS = os.environ.get("IDM_LOAD_WORKSHOPS", "2018-new-york,2018-geneva").split(",")
OUT = Path(os.environ.get("IDM_LOAD_OUT", "."))
RUN = os.environ.get("IDM_LOAD_RUN", uuid.uuid4().hex[:8])
# A participant on a phone reads the statement (or the agenda) before the next tap.
THINK = between(float(os.environ.get("IDM_LOAD_THINK_MIN", 1)),
                float(os.environ.get("IDM_LOAD_THINK_MAX", 3)))

# What people search the IDM 2018 statements for: words common and rare, and phrases, as the
# search form sends them.
QUERIES = ["migration", "climate change", "trafficking", '"global compact"', "remittances",
           "diaspora", "partnerships", "human rights", "refugees", "safe orderly regular",
           "labour mobility", "cities", "youth", "data", "xenophobia", "return and reintegration",
           "development", "private sector", "smuggling", "resilience"]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM = re.compile(r'name="item" value="(\d+)"')
PRIVATE_PAGE = re.compile(r"^/[a-z]{2}/registrations/[^/]+/$")


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    return re.findall(r'value="(\d+)"', select.group(0)) if select else []


class _Record:
    """Appends what the server accepted, one line each, flushed when locust stops: locust runs
    its users as greenlets of one thread, so the writes never interleave."""

    def __init__(self):
        OUT.mkdir(parents=True, exist_ok=True)
        self.votes = open(OUT / "votes.tsv", "a", encoding="utf-8")  # noqa: SIM115
        self.registrations = open(OUT / "registrations.txt", "a", encoding="utf-8")  # noqa: SIM115
        self.doubtful = open(OUT / "doubtful.tsv", "a", encoding="utf-8")  # noqa: SIM115

    def close(self):
        for f in (self.votes, self.registrations, self.doubtful):
            f.close()


record = _Record()


@events.quitting.add_listener
def _final(environment, **_kwargs):
    """The final figures, once every user has stopped: locust's CSV files are written every
    second and may miss the last one."""
    record.close()
    stats = environment.stats

    def figures(entry):
        return {"requests": entry.num_requests, "failures": entry.num_failures,
                "rps": entry.total_rps, "max": entry.max_response_time,
                **{f"p{round(q * 100)}": entry.get_response_time_percentile(q)
                   for q in (0.5, 0.95, 0.99)}}

    final = {"endpoints": {name: figures(entry)
                           for (name, _method), entry in stats.entries.items()},
             "all": figures(stats.total),
             "seconds": (stats.last_request_timestamp or 0) - (stats.start_time or 0),
             "errors": [error.to_dict() for error in stats.errors.values()]}
    (OUT / "stats.json").write_text(json.dumps(final, indent=1))


def _set_cookies(response) -> dict[str, str]:
    """The cookies this response sets (not the whole jar): name -> value."""
    found = {}
    for name, value in (response.headers or {}).items():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _sep, cookie = pair.partition("=")
            found[key.strip()] = cookie.strip().strip('"')
    return found


def _doubtful(kind: str, response, what: str) -> None:
    # No answer (a worker killed mid-request, a timeout) or a server error: it may have been kept.
    if response.status_code == 0 or response.status_code >= 500:
        record.doubtful.write(f"{kind}\tstatus {response.status_code}\t{what}\n")


@contextmanager
def _cut(kind: str, what: str):
    """Notes a write whose answer never came because locust stopped its user meanwhile (at the
    end of the run, once --stop-timeout is over): the server may have kept it."""
    try:
        yield
    except GreenletExit:
        record.doubtful.write(f"{kind}\tcut by locust's stop\t{what}\n")
        raise


class AgendaReader(FastHttpUser):
    """Someone reading a workshop's public agenda."""

    weight = 5
    wait_time = THINK

    @task
    def agenda(self):
        self.client.get(f"/en/workshops/{random.choice(WORKSHOPS)}/", name="agenda GET")


class Searcher(FastHttpUser):
    """Someone searching what was said, now and then turning to the second page."""

    weight = 5
    wait_time = THINK

    @task
    def search(self):
        query = random.choice(QUERIES)
        page = "&page=2" if random.random() < 0.2 else ""
        self.client.get(f"/en/search/?{urlencode({'q': query})}{page}", name="search GET")


class Voter(FastHttpUser):
    """A participant on a phone voting on an anyone-with-the-link consultation, one statement at
    a time; having voted on all of them, the next participant (a new voter, no cookie) takes the
    phone."""

    weight = 7
    wait_time = THINK

    def on_start(self):
        self.page = ""
        self.fresh_voter()

    def fresh_voter(self):
        self.client.cookiejar.clear()
        self.page = self.client.get(CONSULTATION, name="vote page GET").text or ""

    @task
    def vote(self):
        token, item = TOKEN.search(self.page), ITEM.search(self.page)
        if not item:
            # Every statement voted on (or an error page): the next voter.
            self.fresh_voter()
            return
        if not token:
            self.page = self.client.get(CONSULTATION, name="vote page GET").text or ""
            return
        data = {"csrfmiddlewaretoken": token.group(1), "item": item.group(1),
                "value": random.choice(("1", "1", "-1", "0"))}
        with _cut("vote", item.group(1)), self.client.post(
                CONSULTATION, data=data, name="vote POST", allow_redirects=False,
                catch_response=True) as response:
            cookies = _set_cookies(response)
            if response.status_code == 302 and not cookies.get("messages"):
                # 302 with no message: views.vote took it (a refusal adds an error message).
                key = cookies.get(VOTER_COOKIE, "").rsplit(":", 2)[0]
                record.votes.write(f"{key}\t{item.group(1)}\n")
                response.success()
                location = (response.headers or {}).get("location") or CONSULTATION
            else:
                _doubtful("vote", response, item.group(1))
                reason = "refused with a message" if response.status_code == 302 else (
                    f"status {response.status_code}")
                response.failure(f"vote not taken: {reason}")
                location = CONSULTATION
        # As the phone does: follow the redirect to the next statement.
        self.page = self.client.get(location, name="vote page GET").text or ""


class Registrant(FastHttpUser):
    """A participant registering for a workshop on the public form, each time as a new person."""

    weight = 3
    wait_time = THINK
    choices: dict[str, list[str]] = {}

    @task
    def register(self):
        slug = random.choice(WORKSHOPS)
        address = f"/en/workshops/{slug}/register/"
        form = self.client.get(address, name="register form GET")
        token = TOKEN.search(form.text or "")
        if not token:
            return
        if not Registrant.choices:
            Registrant.choices = {name: _options(form.text, name)
                                  for name in ("category", "organization", "country")}
        choices = Registrant.choices
        email = f"load-{RUN}-{uuid.uuid4().hex[:16]}@example.org"
        data = {"csrfmiddlewaretoken": token.group(1), "given_name": "Load",
                "family_name": f"Tester {uuid.uuid4().hex[:6]}", "email": email,
                "category": random.choice(choices["category"]),
                "country": random.choice(choices["country"]), "role": "participant"}
        if random.random() < 0.8:
            data["organization"] = random.choice(choices["organization"])
        else:
            data["proposed_organization"] = f"Load test association {uuid.uuid4().hex[:6]}"
        with _cut("registration", email), self.client.post(
                address, data=data, name="register POST", allow_redirects=False,
                catch_response=True) as response:
            location = (response.headers or {}).get("location") or ""
            if response.status_code == 302 and PRIVATE_PAGE.match(location):
                record.registrations.write(email + "\n")
                response.success()
            else:
                _doubtful("registration", response, email)
                response.failure(f"registration not taken: status {response.status_code}")
                return
        # The participant lands on the private page the redirect names.
        self.client.get(location, name="registration page GET")
