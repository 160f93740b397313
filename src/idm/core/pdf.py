"""The one PDF renderer: a Typst template plus JSON data, with the fonts Typst ships."""

import json
from pathlib import Path

import typst

# Templates may import one another across apps ("/dialogues/typst/agenda-days.typ"): Typst reads
# files under its root only, so the root is the package.
PACKAGE = Path(__file__).resolve().parent.parent


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
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            ignore_system_fonts=True,
            **({"pdf_standards": [standard]} if standard else {}),
        )
    except typst.TypstError as error:
        raise RenderError(f"{template.name}: {error}") from error
