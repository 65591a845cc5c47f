"""What the pictures share: the chart they return, escaping, the SVG frame and the CSV.

Every picture is plain SVG written here, with no script: it shows in a page, in a feed
reader or opened on its own. The site's policy allows no inline style, so every colour and
size is a presentation attribute. All text goes through `text`: a name with markup in it
is shown as written and never read as markup.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from coercionwatch.publish.bulk import defuse_formula

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#1a1a1a"
MUTED = "#595959"  # 7:1 on white: small print stays readable
CHAR_WIDTH = 0.56  # an average glyph's width in ems, to lay out text without measuring it

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Chart:
    """A picture and its two equivalents: words for those who cannot see it, and the data."""

    svg: str
    """SVG markup, without an XML declaration: inline in HTML, or a file on its own."""
    alt: str
    """What the picture shows, in sentences (also its `<desc>`)."""
    csv: str
    """Exactly what the picture shows: a header, then one row per mark."""


def text(value: object) -> str:
    """Text or an attribute value for SVG: escaped, and without characters XML forbids."""
    return escape(_NOT_IN_XML.sub("", str(value)), {'"': "&quot;", "'": "&#39;"})


def chart_id(kind: str, *parts: object) -> str:
    """An id for the chart's inner references that two charts in one page do not share."""
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"cw-{kind}-{digest}"


def text_width(value: str, size: float) -> float:
    return len(value) * size * CHAR_WIDTH


def wrap(value: str, size: float, width: float, lines: int = 2) -> list[str]:
    """Lines that fit `width`, at most `lines` of them (the last shortened with an ellipsis)."""
    columns = max(8, int(width / (size * CHAR_WIDTH)))
    return textwrap.wrap(value, columns, max_lines=lines, placeholder=" …") or [""]


def text_lines(lines: Sequence[str], x: float, y: float, size: float, **attrs: object) -> str:
    """One `<text>` with a `<tspan>` a line."""
    extra = "".join(f' {name.replace("_", "-")}="{text(v)}"' for name, v in attrs.items())
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if i == 0 else size * 1.25:g}">{text(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:g}" y="{y:g}" font-size="{size:g}"{extra}>{spans}</text>'


def svg_document(
    ident: str,
    width: float,
    height: float,
    *,
    title: str,
    alt: str,
    body: Iterable[str],
    kind: str,
    role: str = "img",
) -> str:
    """The frame: a named, described SVG that scales with the page (viewBox) and keeps its
    own size on its own (width, height)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{ident}"'
        f' viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}"'
        f' role="{role}" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc"'
        f' font-family="{text(FONT)}" fill="{INK}">'
        f'<title id="{ident}-title">{text(title)}</title>'
        f'<desc id="{ident}-desc">{text(alt)}</desc>' + "".join(body) + "</svg>"
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV as the bulk exports write it: numbers as numbers, text safe from formulas."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(header)
    out.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


@functools.lru_cache(maxsize=8192)
def csv_row(row: tuple[object, ...]) -> str:
    """One row as `csv_text` writes it, kept: a map's rows are the same few hundred, map
    after map."""
    return csv_text((), [row]).removeprefix("\n")


SHORT_CELL = 64
"""Cells up to this long are defused once and kept: a wave's table repeats the same
names, regions, dates and labels wave after wave, and most hold a hyphen."""


def _cell(value: object) -> object:
    if isinstance(value, int | float):
        return value
    text = str(value)
    return _defused(text) if len(text) <= SHORT_CELL else defuse_formula(text)


_defused = functools.lru_cache(maxsize=16_384)(defuse_formula)


def share(answered: int, parties: int) -> float | None:
    return answered / parties if parties else None


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of `#RRGGBB`."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours, from 1 to 21."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def check_counts(where: str, parties: int, answered: int) -> None:
    """A count the picture would draw wrong is refused, naming the mark."""
    if parties < 0 or answered < 0:
        raise ValueError(f"{where}: counts cannot be negative ({answered} of {parties})")
    if answered > parties:
        raise ValueError(f"{where}: {answered} answered but only {parties} States Parties")
