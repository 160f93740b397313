"""Charts as SVG, drawn by matplotlib (bar charts, the opinion map): the same file serves the web page
and the printed report."""

import io
import re
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")  # no screen: draw to files only

import matplotlib.pyplot as plt  # noqa: E402

BRAND = "#0033a0"
SECOND = "#d9b44a"
INK = "#1b1f24"
DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*")
PATH_WITHOUT_D = re.compile(r"<path(?=[\s/>])(?![^>]*\sd=)")
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>\*\{([^}]*)\}</style>\s*")
# Fixed ids and text drawn as paths: the same input gives the same file, shown the same everywhere.
# Text is drawn as typed: matplotlib would read "$...$" in a name as TeX, and fail on TeX it
# cannot parse ("$\\frac{$").
STYLE = {"svg.hashsalt": "idm", "svg.fonttype": "path", "font.size": 9,
         "font.family": "DejaVu Sans", "text.parse_math": False}


def bar_chart_png(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """The same chart as a PNG, for formats that cannot show SVG everywhere (DOCX)."""
    return _draw(title, labels, series, "png")


def bar_chart_svg(title: str, labels: list[str], series: list[tuple[str, list[int]]],
                  *, description: str = "") -> str:
    """Horizontal bars, one group per label, one bar per series; text drawn as paths so that
    every renderer (browser, Typst) shows the same picture. Deterministic for the same input."""
    return accessible(_draw(title, labels, series, "svg").decode(), title, description)


def opinion_map_svg(title: str, points: list[tuple[float, float, int | None]], legend: dict[int, str],
                    *, description: str = "") -> str:
    """Participants as dots on the two axes of their votes, one colour per opinion group, grey for
    those not in a group; `legend` names each group."""
    plt.rcParams.update(STYLE)
    figure, axes = plt.subplots(figsize=(5.5, 4.6), dpi=72)
    try:
        colours = [BRAND, SECOND, "#5a8f29", "#8c2d19", "#6b3fa0"]
        outside = [(x, y) for x, y, g in points if g is None]
        if outside:
            axes.scatter(*zip(*outside, strict=True), s=14, color="#b8bec7", label=legend.get(-1, ""))
        for group, name in legend.items():
            if group < 0:
                continue
            chosen = [(x, y) for x, y, g in points if g == group]
            if chosen:
                axes.scatter(*zip(*chosen, strict=True), s=22, color=colours[group % len(colours)],
                             label=name)
        axes.set_title(title, loc="left", fontsize=10, color=INK, fontweight="bold")
        axes.set_xticks([])
        axes.set_yticks([])
        axes.axhline(0, color="#e4e8ef", linewidth=0.8, zorder=0)
        axes.axvline(0, color="#e4e8ef", linewidth=0.8, zorder=0)
        axes.spines[["top", "right", "left", "bottom"]].set_visible(False)
        if points:
            axes.legend(frameon=False, loc="best", fontsize=8)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "idm"})
    finally:
        plt.close(figure)
    return accessible(out.getvalue().decode(), title, description)


def accessible(svg: str, title: str, description: str) -> str:
    """What e-book checkers refuse (EPUBCheck) taken out: the DOCTYPE's external DTD, and the glyph
    of a space, a path without `d` (an empty `d` draws the same nothing and is valid); a title and a
    description added for screen readers (the page shows the same figures as a table). Styles
    become presentation attributes, which a Content Security Policy without 'unsafe-inline' lets
    a page show inline, where it refuses style attributes and style elements."""
    svg = DOCTYPE.sub("", svg, count=1)
    svg = PATH_WITHOUT_D.sub('<path d=""', svg)
    root_style = STYLE_ELEMENT.search(svg)
    svg = STYLE_ELEMENT.sub("", svg)
    svg = STYLE_ATTRIBUTE.sub(lambda match: _presentation(match.group(1)), svg)
    accessible = (f'<title>{escape(title)}</title>'
                  f'<desc>{escape(description or title)}</desc>')
    start = svg.index("<svg")
    end = svg.index(">", start)
    # matplotlib's one style rule (line joins and caps for every element) is inherited from the root.
    root = _presentation(root_style.group(1)) if root_style else ""
    return svg[:end] + root + ">" + accessible + svg[end + 1:]


def _presentation(style: str) -> str:
    """`fill: #fff; stroke-width: 0.8` as ` fill="#fff" stroke-width="0.8"`: every property
    matplotlib writes has a presentation attribute of the same name."""
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return "".join(f' {name.strip()}="{escape(value.strip(), {chr(34): "&quot;"})}"'
                   for name, value in pairs)


def _draw(title: str, labels: list[str], series: list[tuple[str, list[int]]], fmt: str) -> bytes:
    height = 0.9 + 0.42 * max(1, len(labels)) * max(1, len(series)) ** 0.5
    plt.rcParams.update(STYLE)
    figure, axes = plt.subplots(figsize=(7.0, height), dpi=72)
    try:
        positions = range(len(labels))
        bar_height = 0.8 / max(1, len(series))
        colours = [BRAND, SECOND, "#5a8f29", "#8c2d19"]
        for index, (name, values) in enumerate(series):
            offsets = [p - 0.4 + bar_height * (index + 0.5) for p in positions]
            bars = axes.barh(offsets, values, height=bar_height * 0.92, label=name,
                             color=colours[index % len(colours)])
            axes.bar_label(bars, padding=3, fontsize=8, color=INK)
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
        axes.set_title(title, loc="left", fontsize=10, color=INK, fontweight="bold")
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(colors=INK)
        axes.margins(x=0.12)
        if len(series) > 1:
            axes.legend(frameon=False, loc="lower right", fontsize=8)
        figure.tight_layout()
        out = io.BytesIO()
        metadata = {"Date": None, "Creator": "idm"} if fmt == "svg" else {"Software": "idm"}
        figure.savefig(out, format=fmt, metadata=metadata, dpi=150 if fmt == "png" else 72)
    finally:
        plt.close(figure)
    return out.getvalue()
