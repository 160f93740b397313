"""Checks that fields of several apps share."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 control characters but tab, line feed and carriage return, and DEL: XML (GraphML, XLIFF,
# DOCX, EPUB) cannot hold them and PostgreSQL refuses NUL, so a text that has one is refused
# where it comes in rather than breaking a file built later for everyone.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(value) -> None:
    found = CONTROL.search(value) if isinstance(value, str) else None
    if found:
        raise ValidationError(
            _("The text holds a control character (U+%(code)s) that no document can show: "
              "remove it."), code="control_character",
            params={"code": f"{ord(found.group()):04X}"})


def without_control_characters(value: str) -> str:
    """`value` with its control characters taken out, for text written to XML."""
    return CONTROL.sub("", value)
