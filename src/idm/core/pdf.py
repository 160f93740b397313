"""The one PDF renderer: a Typst template plus JSON data, with the fonts Typst ships."""

import json
import re
from pathlib import Path

import typst

from idm.core.validators import CONTROL

# Templates may import one another across apps ("/dialogues/typst/agenda-days.typ"): Typst reads
# files under its root only, so the root is the package.
PACKAGE = Path(__file__).resolve().parent.parent
# Explicit bidirectional formatting: embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069); the marks (U+200E, U+200F) stay.
BIDI_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069]")


class RenderError(Exception):
    pass


def render_pdf(template: Path, data: dict, *, standard: str | None = None) -> bytes:
    """Compiles `template`, which reads its data with `json(bytes(sys.inputs.data))`; with
    `standard` ("ua-1", say), Typst checks the document against it and declares it.

    System fonts are ignored so that a PDF is the same on every machine.
    """
    try:
        return typst.compile(
            str(template),
            root=str(PACKAGE),
            sys_inputs={"data": json.dumps(_printable(data), ensure_ascii=False, default=str)},
            ignore_system_fonts=True,
            **({"pdf_standards": [standard]} if standard else {}),
        )
    except typst.TypstError as error:
        raise RenderError(f"{template.name}: {error}") from error


def _printable(value):
    """`value` with its texts made fit to print. Control characters are taken out: no font has
    a glyph for them, and a PDF/UA build refuses text it cannot display, so one pasted into a
    field (a vertical tab from a word processor) would stop every PDF that prints the field.
    Explicit bidirectional formatting is taken out too: it acts on the text printed after it, so a
    right-to-left override at the end of a name would turn round the speaker's title beside it;
    Arabic and Hebrew words are ordered right without it."""
    if isinstance(value, str):
        return BIDI_FORMATTING.sub("", CONTROL.sub("", value))
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value
