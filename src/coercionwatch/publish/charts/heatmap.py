"""Regional groups against waves: each cell shaded by the share of the group's States
Parties that answered the wave, with the count written in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .chart import (
    INK,
    MUTED,
    Chart,
    chart_id,
    check_counts,
    contrast,
    csv_text,
    percent,
    share,
    svg_document,
    text,
    text_lines,
    text_width,
    wrap,
)

CELL_W, CELL_H = 76, 40
LABEL_SIZE = 13
HEADER_SIZE = 12
HEADER_CHARS = 28
LIGHT, DARK = (0xF2, 0xF6, 0xFA), (0x08, 0x3D, 0x77)  # one hue, light to dark: no red-green
EMPTY = "#FFFFFF"


@dataclass(frozen=True)
class RegionCell:
    """How many of a regional group's States Parties answered one wave."""

    wave_id: str
    wave_label: str
    group: str
    group_label: str
    parties: int
    answered: int


def shade(value: float) -> str:
    r, g, b = (round(lo + (hi - lo) * value) for lo, hi in zip(LIGHT, DARK, strict=True))
    return f"#{r:02X}{g:02X}{b:02X}"


def _ink(value: float) -> str:
    """Black or white, whichever stands out more from the cell: at least 4.5:1 either way."""
    shown = shade(value)
    return INK if contrast(INK, shown) >= contrast("#FFFFFF", shown) else "#FFFFFF"


def _describe(cell: RegionCell) -> str:
    return (
        f"{cell.group_label}: {cell.answered} of {cell.parties} "
        f"({percent(share(cell.answered, cell.parties))})"
    )


def region_heatmap(cells: Sequence[RegionCell], *, title: str) -> Chart:
    """Rows and columns in the order they first come in `cells`; a pair not given is blank."""
    grid: dict[tuple[str, str], RegionCell] = {}
    waves: dict[str, str] = {}
    groups: dict[str, str] = {}
    for n, cell in enumerate(cells, start=1):
        where = f"cell {n} ({cell.wave_id!r}, {cell.group!r})"
        check_counts(where, cell.parties, cell.answered)
        if (cell.wave_id, cell.group) in grid:
            raise ValueError(f"{where}: the wave and group are given twice")
        grid[cell.wave_id, cell.group] = cell
        waves.setdefault(cell.wave_id, cell.wave_label)
        groups.setdefault(cell.group, cell.group_label)
    ident = chart_id("heatmap", title, cells)
    table = csv_text(
        ["wave_id", "wave_label", "group", "group_label", "parties", "answered", "share"],
        [
            (
                c.wave_id,
                c.wave_label,
                c.group,
                c.group_label,
                c.parties,
                c.answered,
                "" if c.parties == 0 else round(c.answered / c.parties, 4),
            )
            for w in waves
            for g in groups
            if (c := grid.get((w, g)))
        ],
    )

    headers = {
        w: wrap(label, HEADER_SIZE, HEADER_CHARS * HEADER_SIZE * 0.56, 1)[0]
        for w, label in waves.items()
    }
    left = 16 + max([text_width(label, LABEL_SIZE) for label in groups.values()] or [0]) + 12
    top_band = 48
    header = max([text_width(h, HEADER_SIZE) for h in headers.values()] or [0]) * 0.71 + 16
    top = top_band + header
    reach = [  # the column headers slant up to the right, past the last column
        left + CELL_W * (c + 0.5) + text_width(h, HEADER_SIZE) * 0.71 + 8
        for c, h in enumerate(headers.values())
    ]
    width = max([left + CELL_W * len(waves) + 24, 420, *reach])
    legend_y = top + CELL_H * len(groups) + 24
    height = legend_y + 40

    body = [text_lines(wrap(title, 18, width - 32, 1), 16, 28, 18, font_weight="600")]
    if not cells:
        body.append(text_lines(["No waves to show."], 16, 70, 14, fill=MUTED))
        alt = f"{title}. No waves to show."
        return Chart(
            svg_document(ident, width, 100, title=title, alt=alt, body=body, kind="heatmap"),
            alt,
            table,
        )
    for c, label in enumerate(headers.values()):
        hx, hy = left + CELL_W * c + CELL_W / 2, top - 8
        body.append(
            text_lines([label], hx, hy, HEADER_SIZE, transform=f"rotate(-45 {hx:g} {hy:g})")
        )
    for r, label in enumerate(groups.values()):
        body.append(
            text_lines(
                [label],
                left - 12,
                top + CELL_H * r + CELL_H / 2 + 4.5,
                LABEL_SIZE,
                text_anchor="end",
            )
        )
    for c, wave in enumerate(waves):
        for r, group in enumerate(groups):
            cx, cy = left + CELL_W * c, top + CELL_H * r
            cell = grid.get((wave, group))
            if cell is None:
                body.append(
                    f'<rect x="{cx:g}" y="{cy:g}" width="{CELL_W}" height="{CELL_H}"'
                    f' fill="{EMPTY}" stroke="#D9D9D9"/>'
                )
                continue
            value = share(cell.answered, cell.parties)
            fill = EMPTY if value is None else shade(value)
            ink = INK if value is None else _ink(value)
            body.append(
                f'<g class="cell" data-wave="{text(wave)}" data-group="{text(group)}">'
                f"<title>{text(cell.wave_label)}, {text(_describe(cell))}</title>"
                f'<rect x="{cx:g}" y="{cy:g}" width="{CELL_W}" height="{CELL_H}" fill="{fill}"'
                ' stroke="#FFFFFF" stroke-width="2"/>'
                + text_lines(
                    [f"{cell.answered}/{cell.parties}"],
                    cx + CELL_W / 2,
                    cy + CELL_H / 2 + 4.5,
                    13,
                    text_anchor="middle",
                    fill=ink,
                    font_weight="600",
                )
                + "</g>"
            )
    steps = [0, 0.25, 0.5, 0.75, 1]  # the legend: the scale, in five steps
    body.append(text_lines(["Share answered:"], 16, legend_y + 15, 12, fill=MUTED))
    for i, value in enumerate(steps):
        lx = 120 + i * 56
        body.append(
            f'<rect x="{lx}" y="{legend_y}" width="52" height="22" fill="{shade(value)}"'
            ' stroke="#D9D9D9"/>'
            + text_lines(
                [percent(value)], lx + 26, legend_y + 15, 11, text_anchor="middle", fill=_ink(value)
            )
        )
    alt = (
        f"{title}. States Parties that answered, by regional group (rows) and wave "
        f"(columns): {len(groups)} groups, {len(waves)} wave{'' if len(waves) == 1 else 's'}. "
        + " ".join(
            f"{label}: " + "; ".join(_describe(grid[w, g]) for g in groups if (w, g) in grid) + "."
            for w, label in waves.items()
        )
    )
    svg = svg_document(
        ident, round(width), round(height), title=title, alt=alt, body=body, kind="heatmap"
    )
    return Chart(svg, alt, table)
