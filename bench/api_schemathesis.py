"""Claim: the REST API keeps to its own OpenAPI schema and never answers with a server error.
Peer: the schema itself (drf-spectacular's, served at /api/schema), read by Schemathesis, which
generates requests for every operation from it, valid ones and ones the schema says are invalid,
anonymously and with a secretariat token of every scope, and checks each answer: no 5xx, a
documented status code, content type and headers, a body that matches the schema, invalid input
refused. tests/api/test_schema.py runs the same with a few examples per operation; this runs
many more (--examples, 100 by default) on the whole demo on PostgreSQL, writes included.

Prints the operations tested, the requests made, the failures found and the time taken; exits
1 when there is a failure.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# A scratch database of its own: the other benchmarks recreate theirs as they start.
os.environ.setdefault("IDM_BENCH_DATABASE_URL",
                      "postgres://postgres@127.0.0.1:5432/idm_bench_api")

from _setup import setup_django  # noqa: E402


def load_data():
    """The demo dialogue with participants, statements, key messages, a consultation with its
    votes, practices and a published edition; a secretariat user with a token of every scope."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from idm.api import services as api_services
    from idm.api.scopes import SCOPES
    from idm.core import roles
    from idm.publications import services as publications
    from idm.publications.demo import create_publication, load_demo_dialogue

    dialogue = load_demo_dialogue()
    publication = create_publication(dialogue)
    version = publications.save_version(publication, "en", {"sections": []},
                                        {"html": b"<p>The report.</p>"}, "bench")
    publications.publish(version, "bench")
    user = get_user_model().objects.create_user("bench-secretariat", password=None)
    user.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    return api_services.create_token(user, "bench", name="bench", scopes=list(SCOPES)).key


def run(headers: dict, max_examples: int, seed: int) -> dict:
    import hypothesis
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_headers_conformance, response_schema_conformance]
    schema = schemathesis.openapi.from_wsgi("/api/schema", get_wsgi_application())
    # Each run is what it says: anonymous, or with the token; no made-up credentials.
    schema.config.generation.update(with_security_parameters=False)
    stats = {"operations": 0, "requests": 0, "failures": [], "statuses": Counter()}
    for result in schema.get_all_operations():
        operation = result.ok()
        stats["operations"] += 1
        for mode, extra in ((GenerationMode.POSITIVE, []),
                            (GenerationMode.NEGATIVE, [negative_data_rejection])):
            test = _test(operation.as_strategy(generation_mode=mode), headers, checks + extra,
                         max_examples, stats)
            try:
                # Seeded, so that a run can be repeated exactly.
                hypothesis.seed(seed)(test)()
            except (Exception, BaseExceptionGroup) as failure:  # kept for the report
                stats["failures"].append(f"{operation.label} ({mode.value}):\n{failure}")
    return stats


def _test(strategy, headers: dict, checks: list, max_examples: int, stats: dict):
    """A Hypothesis test of one operation; its first failure, shrunk, fails it."""
    from hypothesis import HealthCheck, Phase, given, settings

    @given(case=strategy)
    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.shrink])
    def call(case):
        stats["requests"] += 1
        response = case.call(headers=headers)
        stats["statuses"][response.status_code] += 1
        case.validate_response(response, checks=checks, headers=headers)

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100,
                        help="generated requests per operation and mode (default 100)")
    parser.add_argument("--seed", type=int, default=2018)
    options = parser.parse_args()
    setup_django()
    import schemathesis

    key = load_data()
    started = time.perf_counter()
    results = {"anonymous": run({}, options.examples, options.seed),
               "secretariat token": run({"Authorization": f"Bearer {key}"}, options.examples,
                                        options.seed)}
    seconds = time.perf_counter() - started
    print(f"Schemathesis {schemathesis.__version__}, {options.examples} examples "
          f"per operation and mode (valid and invalid input), seed {options.seed}")
    failures = []
    for who, stats in results.items():
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(stats["statuses"].items()))
        print(f"{who:18} operations tested {stats['operations']}, requests made "
              f"{stats['requests']}, failures found {len(stats['failures'])} ({statuses})")
        failures += [f"[{who}] {failure}" for failure in stats["failures"]]
    requests = sum(stats["requests"] for stats in results.values())
    print(f"{'total':18} requests made {requests}, failures found {len(failures)}, "
          f"time {seconds:.1f} s ({requests / seconds:.0f} requests/s)")
    for failure in failures:
        print("\n" + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
