"""The OpenAPI schema is valid and complete (drf-spectacular's own validation, warnings as
errors), and the API keeps to it: a bounded, deterministic Schemathesis run over every operation,
anonymous and with a secretariat token, finds no server error and no answer outside the schema.
bench/api_schemathesis.py runs the longer version."""

import io
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from idm.api.scopes import SCOPES
from tests.api.conftest import make_token

pytestmark = pytest.mark.integration

OPERATIONS = 35


def test_the_schema_validates_without_a_warning(tmp_path):
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    operations = [(path, method) for path, item in schema["paths"].items() for method in item]
    assert len(operations) == OPERATIONS
    # Every operation says which errors it may answer with, and takes ?lang=.
    for path, method in operations:
        operation = schema["paths"][path][method]
        assert {"400", "401", "404"} <= set(operation["responses"]), (path, method)
        assert any(p["name"] == "lang" for p in operation["parameters"]), (path, method)
    # The command CI runs: a warning (an untyped field, a clash of enum names) fails it.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file",
                 str(tmp_path / "schema.yaml"), stderr=io.StringIO())


def run_schemathesis(headers: dict, max_examples: int) -> dict:
    """Every operation of the schema, `max_examples` generated requests each (valid ones, then
    ones the schema says are invalid); what each check found. Deterministic: the examples are
    derived from the schema, not from a random seed."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_headers_conformance, response_schema_conformance]
    with django_requests_in_this_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/schema", get_wsgi_application())
        # Each run is what it says: anonymous, or with the token; no made-up credentials.
        schema.config.generation.update(with_security_parameters=False)
        return _run(schema, headers, max_examples, checks)


def _run(schema, headers, max_examples, checks) -> dict:
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import negative_data_rejection

    stats = {"operations": 0, "requests": 0, "failures": []}
    for result in schema.get_all_operations():
        operation = result.ok()
        stats["operations"] += 1
        for mode, extra in ((GenerationMode.POSITIVE, []),
                            (GenerationMode.NEGATIVE, [negative_data_rejection])):
            test = _test(operation.as_strategy(generation_mode=mode), headers, checks + extra,
                         max_examples, stats)
            try:
                test()
            except (Exception, BaseExceptionGroup) as failure:  # kept for the report
                stats["failures"].append(f"{operation.label} ({mode.value}): {failure}")
    return stats


def _test(strategy, headers: dict, checks: list, max_examples: int, stats: dict):
    """A Hypothesis test of one operation: its first failure (not shrunk: it is reported, and
    bench/api_schemathesis.py shrinks) fails it."""
    from hypothesis import HealthCheck, Phase, given, settings

    @given(case=strategy)
    @settings(max_examples=max_examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def call(case):
        stats["requests"] += 1
        case.call_and_validate(headers=headers, checks=checks)

    return call


@contextmanager
def django_requests_in_this_transaction():
    """The WSGI application in the test's own transaction: Django closes the connection at each
    request's end, unless told otherwise as its test client tells it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(demo, said, messages, practices, publication, participants):
    """The demo's agendas, and statements, drafts and files of every kind to read."""


def test_schemathesis_finds_no_server_error_nor_answer_outside_the_schema(api_data,
                                                                           secretariat):
    started = time.monotonic()
    anonymous = run_schemathesis({}, max_examples=6)
    key = make_token(secretariat, *SCOPES).key
    staff = run_schemathesis({"Authorization": f"Bearer {key}"}, max_examples=6)
    assert anonymous["operations"] == staff["operations"] == OPERATIONS
    assert anonymous["failures"] == [] and staff["failures"] == [], "\n\n".join(
        anonymous["failures"] + staff["failures"])
    # Bounded: about 800 requests, well under a minute on two cores.
    assert anonymous["requests"] + staff["requests"] > 2 * OPERATIONS * 6
    assert time.monotonic() - started < 90
