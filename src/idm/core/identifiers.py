"""Serial and book identifiers: ISSN check digits, with the message a user needs when one is wrong."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
