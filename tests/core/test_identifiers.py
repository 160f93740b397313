"""ISSN check digits, with the test vectors of shared/reference/FACTS.md section 6.2."""

import pytest
from django.core.exceptions import ValidationError

from idm.core.identifiers import normalize_issn

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("issn", ["1726-2224", "1726-4030", "1561-5502", "2223-5248",
                                  "1607-338X", "0317-8471", "1050-124X"])
def test_valid_issns_pass_and_keep_their_hyphen(issn):
    assert normalize_issn(issn) == issn
    assert normalize_issn(issn.replace("-", "")) == issn


def test_lower_case_x_is_accepted():
    assert normalize_issn("1607-338x") == "1607-338X"


def test_a_wrong_check_digit_names_the_expected_digit():
    with pytest.raises(ValidationError) as error:
        normalize_issn("1726-2225")
    message = error.value.messages[0]
    assert "1726-2225" in message and "expected 4" in message and "found 5" in message


@pytest.mark.parametrize("value", ["1726-222", "ISSN 1726-2224", "1726_2224", ""])
def test_malformed_issns_are_refused(value):
    with pytest.raises(ValidationError, match="is not an ISSN"):
        normalize_issn(value)
