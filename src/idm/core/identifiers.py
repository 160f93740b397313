"""Identifiers checked as users give them: row ids in forms and addresses, ISSN and ISBN."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Ids are positive 64-bit integers; a number outside them is refused before it reaches the
# database, which fails on an integer it cannot hold instead of finding nothing.
IDS = range(1, 2 ** 63)


def is_id(value) -> bool:
    try:
        return int(value) in IDS
    except (TypeError, ValueError):
        return False

ISSN_PATTERN = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")


def issn_check_digit(first_seven: str) -> str:
    """Weights 8..2 on the first seven digits; (11 - sum mod 11) mod 11, with 10 written X."""
    total = sum(int(d) * w for d, w in zip(first_seven, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalize_issn(value: str) -> str:
    """'17262224' or '1726-2224' -> '1726-2224'; raises ValidationError naming the problem."""
    match = ISSN_PATTERN.match(value.strip())
    if not match:
        raise ValidationError(
            _("'%(value)s' is not an ISSN: write eight characters as 1234-567X."),
            code="issn_format", params={"value": value},
        )
    digits = (match[1] + match[2]).upper()
    expected = issn_check_digit(digits[:7])
    if digits[7] != expected:
        raise ValidationError(
            _("ISSN %(value)s has a wrong check digit: expected %(expected)s, found %(found)s."),
            code="issn_check_digit",
            params={"value": value, "expected": expected, "found": digits[7]},
        )
    return f"{digits[:4]}-{digits[4:]}"


def validate_issn(value: str) -> None:
    if value:
        normalize_issn(value)


ISBN_CHARACTERS = re.compile(r"^[\dXx\- ]+$")


def isbn13_check_digit(first_twelve: str) -> str:
    """Weights 1, 3, 1, 3 ... from the left; (10 - sum mod 10) mod 10."""
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def isbn10_check_digit(first_nine: str) -> str:
    """Weights 10 down to 2; (11 - sum mod 11) mod 11, with 10 written X."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalize_isbn(value: str) -> str:
    """Checks an ISBN-13 or ISBN-10 and returns it as written, hyphens kept (trimmed, X upper)."""
    written = value.strip().upper()
    digits = written.replace("-", "").replace(" ", "")
    if not ISBN_CHARACTERS.match(written) or len(digits) not in (10, 13) or (
            "X" in digits[:-1]) or (len(digits) == 13 and "X" in digits):
        raise ValidationError(
            _("'%(value)s' is not an ISBN: write 13 digits (978-...) or, for an older book, 10."),
            code="isbn_format", params={"value": value})
    if len(digits) == 13:
        if not digits.startswith(("978", "979")):
            raise ValidationError(_("ISBN %(value)s does not start with 978 or 979."),
                                  code="isbn_prefix", params={"value": value})
        expected = isbn13_check_digit(digits[:12])
    else:
        expected = isbn10_check_digit(digits[:9])
    if digits[-1] != expected:
        raise ValidationError(
            _("ISBN %(value)s has a wrong check digit: expected %(expected)s, found %(found)s."),
            code="isbn_check_digit",
            params={"value": value, "expected": expected, "found": digits[-1]})
    return written


def validate_isbn(value: str) -> None:
    if value:
        normalize_isbn(value)
