"""Requests the database cannot take: a busy database answers "try again in a moment" (503),
an address with a NUL character "not found", never a server error."""

from django.db import OperationalError
from django.http import Http404
from django.shortcuts import render

# PostgreSQL's codes for a lock not granted in time, a deadlock and a serialization failure.
BUSY_CODES = {"55P03", "40P01", "40001"}
RETRY_AFTER_SECONDS = 5


def database_busy(error: Exception) -> bool:
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in BUSY_CODES:
        return True
    # SQLite has no codes for it: its messages are stable.
    message = str(error).lower()
    return "database is locked" in message or "database table is locked" in message


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class NulInAddressMiddleware:
    """No page has a NUL in its address, and PostgreSQL refuses one in any text it compares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if any("\x00" in str(value) for value in (*args, *kwargs.values())):
            raise Http404
