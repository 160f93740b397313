"""The one PDF renderer: a Typst template plus JSON data, with the fonts Typst ships."""

import json
from pathlib import Path

import typst


class RenderError(Exception):
    pass


def render_pdf(template: Path, data: dict) -> bytes:
    """Compiles `template`, which reads its data with `json(bytes(sys.inputs.data))`.

    System fonts are ignored so that a PDF is the same on every machine.
    """
    try:
        return typst.compile(
            str(template),
            root=str(template.parent),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            ignore_system_fonts=True,
        )
    except typst.TypstError as error:
        raise RenderError(f"{template.name}: {error}") from error
