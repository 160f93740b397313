"""Rebuilds reference.docx, the DOCX stylesheet pandoc applies to the report: pandoc's own
reference document with the report's identity (serif text, IOM-blue headings).

Run: `.venv/bin/python src/idm/publications/styles/make_reference_docx.py`.
"""

import io
import subprocess
from pathlib import Path

import docx
import pypandoc
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent
BRAND = RGBColor(0x00, 0x33, 0xA0)


def main() -> None:
    default = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file",  # noqa: S603
                              "reference.docx"], capture_output=True, check=True).stdout
    document = docx.Document(io.BytesIO(default))
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Block Text"):
        if name in [s.name for s in styles]:
            font = styles[name].font
            font.name, font.size = "Georgia", Pt(10.5)
    for name, size in (("Title", 26), ("Subtitle", 15), ("Heading 1", 20), ("Heading 2", 16),
                       ("Heading 3", 12)):
        font = styles[name].font
        font.name, font.size, font.color.rgb = "Georgia", Pt(size), BRAND
    document.save(HERE / "reference.docx")
    print(f"wrote {HERE / 'reference.docx'}")


if __name__ == "__main__":
    main()
