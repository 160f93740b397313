"""ISBN-13 and ISBN-10 check digits, with the test vectors of FACTS.md section 6."""

import pytest
from django.core.exceptions import ValidationError

from idm.core.identifiers import normalize_isbn

pytestmark = pytest.mark.unit

VALID = ["978-92-9068-774-0", "978-92-9068-780-1", "978-92-9068-820-4", "978-92-9068-821-1",
         "978-92-9068-634-7", "978-92-9068-695-8", "978-92-9068-709-2", "978-92-9068-789-4",
         "92-9068-130-6"]


@pytest.mark.parametrize("isbn", VALID)
def test_real_isbns_pass_and_keep_their_hyphenation(isbn):
    assert normalize_isbn(f" {isbn} ") == isbn


def test_a_wrong_check_digit_says_which_was_expected():
    with pytest.raises(ValidationError) as error:
        normalize_isbn("978-92-9068-774-1")
    assert error.value.messages == [
        "ISBN 978-92-9068-774-1 has a wrong check digit: expected 0, found 1."]
    with pytest.raises(ValidationError, match="expected 6, found 5"):
        normalize_isbn("92-9068-130-5")


@pytest.mark.parametrize("value,message", [
    ("978-92-9068-774", "is not an ISBN"), ("977-92-9068-774-0", "does not start with 978"),
    ("ISBN 978-92-9068-774-0", "is not an ISBN"), ("978-92-9068-77X-0", "is not an ISBN")])
def test_malformed_isbns(value, message):
    with pytest.raises(ValidationError, match=message):
        normalize_isbn(value)
