"""Every address of the site, given hostile values for its parameters, answers 4xx, never 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, SlugConverter, StringConverter

pytestmark = pytest.mark.integration

# Beyond a 64-bit integer, at its edge, a word where a number goes, non-ASCII, a NUL.
HOSTILE = {
    IntConverter: ["9223372036854775808", "18446744073709551616", "9223372036854775807", "0"],
    SlugConverter: ["x" * 300, "2018-geneva-" + "9" * 30],
    StringConverter: ["%C3%A9t%C3%A9", "%00", "x" * 300, "9223372036854775808", "..",
                      "not-a-number"],
}
QUERY = ("?page=9223372036854775808&session=9223372036854775808&workshop=18446744073709551616"
         "&q=%22unterminated%00&invitation=%C3%A9t%C3%A9%F0%9F%98%80"
         "&tag=gcm:99999999999999999999&category=-1&format=json")


def _routes(resolver=None, prefix=""):
    """(pattern text, {parameter: converter}) of every address, through the includes."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            yield from _routes(item, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            yield prefix + str(item.pattern), item.pattern.converters


def _valid(pattern: str, converter) -> str:
    """A value that leads somewhere in the demo, so that the other parameter is reached."""
    if isinstance(converter, IntConverter):
        return "28"
    if isinstance(converter, SlugConverter):
        return "idm-28" if "publications/" in pattern else "2018-geneva"
    return "en"


# Parameters the walk cannot reach on its own: a valid first part, a hostile second.
DEEPER = ["/en/manage/statistics/dialogue/not-a-number/", "/en/manage/statistics/dialogue/%C2%B2/",
          "/en/manage/statistics/dialogue/99999999999999999999999/",
          "/en/manage/statistics/dialogue/28/%00.svg", "/en/manage/statistics/workshop/%00/",
          "/en/workshops/2018-geneva/register/?invitation=%C3%A9t%C3%A9%F0%9F%98%80"]


def _urls():
    urls = list(DEEPER)
    for pattern, converters in _routes():
        if "^" in pattern or "admin/" in pattern:
            # The admin is Django's own, tested there; regular expressions are the API's
            # routes, which schemathesis walks with hostile values (tests/api/test_schema.py).
            continue
        base = "/" + pattern  # the language prefix is part of the pattern: en/
        for name, converter in converters.items():
            for value in HOSTILE[type(converter)] + [_valid(pattern, converter)]:
                url = base
                for other, other_converter in converters.items():
                    filler = value if other == name else _valid(pattern, other_converter)
                    url = url.replace(f"<{_kind(other_converter)}:{other}>", filler)
                urls.append(url)
        if not converters:
            urls.append(base)
    return sorted(set(urls))


def _kind(converter) -> str:
    return {IntConverter: "int", SlugConverter: "slug", StringConverter: "str"}[type(converter)]


@pytest.fixture
def clients(demo, secretariat):
    from django.test import Client

    # A crash must come back as the 500 a visitor would get, not as an exception here.
    staff = Client(raise_request_exception=False)
    staff.force_login(secretariat)
    return {"anonymous": Client(raise_request_exception=False), "secretariat": staff}


def test_the_walk_covers_the_site():
    urls = _urls()
    assert len(urls) > 60
    assert "/en/statements/9223372036854775808/" in urls
    assert not [u for u in urls if "<" in u]


def test_no_address_gives_a_server_error(clients):
    failures = []
    for url in _urls():
        for who, client in clients.items():
            for method, address in (("GET", url), ("GET", url + QUERY), ("POST", url)):
                response = client.generic(method, address)
                if response.status_code >= 500:
                    failures.append(f"{method} {address} as {who}: {response.status_code}")
    assert not failures, "\n".join(failures[:400])
