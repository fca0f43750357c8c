"""Charts drawn as SVG on the server.

Portals like this one run on closed government networks, so no chart library
or CDN script is loaded: every chart is plain SVG markup. None relies on colour
alone: series differ by marker shape and dash pattern, statuses carry a glyph
and a word, map tiles print their figure. Each chart has a title and a
description for screen readers, and every page shows the same numbers in a
table next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.formatting import number, share
from core.quarters import Quarter
from progress.models import ProgressStatus

INK = "#1d2733"
MUTED = "#5b6775"
GRID = "#d9e0e8"
BLUE = "#0b5cab"
STATUS_FILL = {
    ProgressStatus.ON_TRACK: "#cfe9d8",
    ProgressStatus.AT_RISK: "#fde7c2",
    ProgressStatus.OFF_TRACK: "#f6cdca",
    ProgressStatus.NO_DATA: "#eef1f4",
}
STATUS_STROKE = {
    ProgressStatus.ON_TRACK: "#1b7f3b",
    ProgressStatus.AT_RISK: "#a86400",
    ProgressStatus.OFF_TRACK: "#b3261e",
    ProgressStatus.NO_DATA: "#8a94a0",
}
# The glyph says the status where colour cannot (print, colour blindness).
STATUS_GLYPH = {
    ProgressStatus.ON_TRACK: "✓",
    ProgressStatus.AT_RISK: "!",
    ProgressStatus.OFF_TRACK: "✗",
    ProgressStatus.NO_DATA: "–",
}
SERIES_STYLES = [
    ("circle", ""),
    ("square", "6 3"),
    ("triangle", "2 3"),
    ("diamond", "10 3 2 3"),
    ("cross", "1 2"),
]
SERIES_COLOURS = ["#0b5cab", "#7a3db8", "#0f7c74", "#a8431a", "#4d5b69"]
MARKED_POINTS = 24


def _e(text) -> str:
    return escape(str(text), {'"': "&quot;"})


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> SafeString:
    # Every text and attribute value in `body` is escaped by _e.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart" preserveAspectRatio="xMinYMin meet" '
        f'style="max-width:{width}px">'
        f"<title>{_e(title)}</title><desc>{_e(description)}</desc>" + "".join(body) + "</svg>"
    )


def _marker(shape: str, x: float, y: float, colour: str, size: float = 4) -> str:
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - size - 1:.1f} {x - size - 1:.1f},{y + size:.1f} '
            f'{x + size + 1:.1f},{y + size:.1f}" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y:.1f} '
            f'{x:.1f},{y + size + 1:.1f} {x - size - 1:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - size:.1f},{y - size:.1f}L{x + size:.1f},{y + size:.1f}'
            f'M{x - size:.1f},{y + size:.1f}L{x + size:.1f},{y - size:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


# Quarterly values against the target --------------------------------------------------------


@dataclass
class Series:
    label: str
    points: list[tuple[int, Decimal]]  # (quarter code, value)
    target: Decimal | None = None
    target_span: tuple[int, int] | None = None  # quarter codes the target line covers
    projection: tuple[int, Decimal] | None = None  # (quarter code, projected value)


def line_chart(
    title: str, series: list[Series], is_share: bool = False, unit: str = ""
) -> SafeString:
    """Quarterly values of one KPI, one line per agreement, each with its target line."""
    target_label, projected_label = _e(_("Target")), _e(_("Projected"))
    legend_note = _e(_("Dashed line: target. Dotted line: projection to the end of the period."))
    width, height = 660, 250
    left, right, top, bottom = 78, 16, 16, 64
    codes = [code for s in series for code, _value in s.points]
    for s in series:
        if s.target_span:
            codes.extend(s.target_span)
        if s.projection:
            codes.append(s.projection[0])
    if not codes:
        return _svg(width, 60, title, _("No approved values yet."), [])
    first, last = Quarter.from_code(min(codes)), Quarter.from_code(max(codes))
    span = max(1, last.index() - first.index())
    values = [float(v) for s in series for _c, v in s.points]
    values += [float(s.target) for s in series if s.target is not None]
    values += [float(s.projection[1]) for s in series if s.projection]
    # Four equal steps of a round size, so every tick reads as a round number.
    ceiling = 100.0 if is_share else 4 * _nice_ceiling(max(values or [1]) * 1.05 / 4)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(code: int) -> float:
        return left + plot_w * (Quarter.from_code(code).index() - first.index()) / span

    def y_of(value) -> float:
        return top + plot_h * (1 - float(value) / ceiling)

    body = []
    for step in range(5):
        tick = ceiling * step / 4
        y = y_of(tick)
        label = share(Decimal(str(tick))) if is_share else number(Decimal(str(round(tick))))
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{_e(label)}</text>'
        )
    for year in range(first.year, last.year + 1):
        code = Quarter(year, 1).code
        if first.code <= code <= last.code:
            x = x_of(code)
            body.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
                f'stroke="{GRID}" stroke-dasharray="2 3"/>'
                f'<text x="{x + 3:.1f}" y="{top + plot_h + 14}" font-size="11" '
                f'fill="{MUTED}">{year}</text>'
            )
    legend_y = height - 24
    legend_x = left
    for index, s in enumerate(series):
        shape, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        if s.target is not None and s.target_span:
            x1, x2 = x_of(s.target_span[0]), x_of(s.target_span[1])
            y = y_of(s.target)
            body.append(
                f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="8 4" opacity="0.8">'
                f"<title>{target_label}: {_e(_format(s.target, is_share))}</title></line>"
                f'<text x="{x2 - 2:.1f}" y="{y - 4:.1f}" text-anchor="end" font-size="11" '
                f'fill="{colour}">{target_label} {_e(_format(s.target, is_share))}</text>'
            )
        ordered = sorted(s.points)
        if ordered:
            path = " ".join(f"{x_of(code):.1f},{y_of(value):.1f}" for code, value in ordered)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-dasharray="{dash}"/>'
            )
            # Markers on every point of a short series; a long one keeps its line and a
            # marker at its end (the table beside the chart has every figure).
            marked = ordered if len(ordered) <= MARKED_POINTS else ordered[-1:]
            for code, value in marked:
                body.append(
                    f"<g>{_marker(shape, x_of(code), y_of(value), colour)}"
                    f"<title>{_e(s.label)} — {_e(Quarter.from_code(code))}: "
                    f"{_e(_format(value, is_share))}</title></g>"
                )
            if s.projection and s.projection[0] > ordered[-1][0]:
                code, value = ordered[-1]
                body.append(
                    f'<line x1="{x_of(code):.1f}" y1="{y_of(value):.1f}" '
                    f'x2="{x_of(s.projection[0]):.1f}" y2="{y_of(s.projection[1]):.1f}" '
                    f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="1 4">'
                    f"<title>{projected_label}: {_e(_format(s.projection[1], is_share))}"
                    f"</title></line>"
                )
        body.append(
            _marker(shape, legend_x + 6, legend_y + 10, colour)
            + f'<text x="{legend_x + 16}" y="{legend_y + 14}" font-size="11" fill="{INK}">'
            f"{_e(s.label[:48])}</text>"
        )
        legend_x += 20 + min(len(s.label), 48) * 6.2
    body.append(
        f'<text x="{left}" y="{height - 30}" font-size="10" fill="{MUTED}">'
        f"{legend_note}"
        f"{_e(' ' + unit if unit else '')}</text>"
    )
    return _svg(width, height, title, _("Quarterly approved values against the target."), body)


def _format(value, is_share: bool) -> str:
    return share(value) if is_share else number(value)


# Share of target reached -------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    attainment: Decimal | None
    status: str
    caption: str = ""


def attainment_bars(title: str, bars: list[Bar]) -> SafeString:
    """Horizontal bars of the share of target reached, with the 100 % line."""
    target_label = _e(_("target"))
    row, left, right = 30, 250, 150
    width = 720
    height = 30 + row * len(bars)
    plot_w = width - left - right
    scale_max = 125.0

    def x_of(percent: float) -> float:
        return left + plot_w * min(percent, scale_max) / scale_max

    body = [
        f'<line x1="{x_of(100):.1f}" x2="{x_of(100):.1f}" y1="4" y2="{height - 18}" '
        f'stroke="{INK}" stroke-dasharray="4 3"/>'
        f'<text x="{x_of(100):.1f}" y="{height - 4}" text-anchor="middle" font-size="11" '
        f'fill="{MUTED}">{target_label} 100 %</text>'
    ]
    for index, bar in enumerate(bars):
        y = 8 + index * row
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{_e(bar.label[:40])}</text>'
        )
        glyph = STATUS_GLYPH[bar.status]
        if bar.attainment is None:
            caption = bar.caption or _("no target or no data")
            text = f"{glyph} {caption}"
            body.append(
                f'<text x="{left + 4}" y="{y + 15}" font-size="12" fill="{MUTED}">{_e(text)}</text>'
            )
            continue
        bar_w = x_of(float(bar.attainment)) - left
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{bar_w:.1f}" height="18" '
            f'fill="{STATUS_FILL[bar.status]}" stroke="{STATUS_STROKE[bar.status]}"/>'
            f'<text x="{left + bar_w + 6:.1f}" y="{y + 15}" font-size="12" fill="{INK}">'
            f"{_e(glyph)} {_e(share(bar.attainment))}</text>"
        )
    return _svg(width, height, title, _("Share of each target reached, in per cent."), body)


# Tile map ------------------------------------------------------------------------------------


@dataclass
class Tile:
    province_id: int
    label: str
    name: str
    row: int
    col: int
    status: str = ProgressStatus.NO_DATA
    figure: str = ""
    href: str = ""
    dimmed: bool = False


def tile_layout(points: list[tuple[int, float | None, float | None]]) -> dict[int, tuple[int, int]]:
    """Place provinces on a grid shaped like Vietnam, from their coordinates.

    Each province goes to the cell nearest its latitude and longitude; when the
    cell is taken it moves to the nearest free one, looking sideways before up
    or down so that the long coast keeps its order. Provinces without
    coordinates line up below the map.
    """
    located = [(pk, lat, lon) for pk, lat, lon in points if lat is not None and lon is not None]
    if not located:
        return {pk: (index // 8, index % 8) for index, (pk, _lat, _lon) in enumerate(points)}
    count = len(located)
    # Coarser cells for fewer provinces keep the map about the same size.
    cell = 0.62 if count <= 40 else 0.46
    lat_max = max(lat for _pk, lat, _lon in located)
    lon_min = min(lon for _pk, _lat, lon in located)
    taken: dict[tuple[int, int], int] = {}
    placed = {}
    # Denser north first, so its provinces get cells near their places.
    for pk, lat, lon in sorted(located, key=lambda item: (-item[1], item[2])):
        row = round((lat_max - lat) / cell)
        col = round((lon - lon_min) / (cell * 1.05))
        best = None
        for radius in range(0, 12):
            candidates = [
                (abs(dc) + 1.6 * abs(dr), row + dr, col + dc)
                for dr in range(-radius, radius + 1)
                for dc in range(-radius, radius + 1)
                if max(abs(dr), abs(dc)) == radius and row + dr >= 0 and col + dc >= 0
            ]
            free = sorted(c for c in candidates if (c[1], c[2]) not in taken)
            if free:
                best = free[0]
                break
        _cost, row, col = best
        taken[(row, col)] = pk
        placed[pk] = (row, col)
    # Rows left empty by the long, thin centre are dropped, so the map stays compact.
    used_rows = sorted({r for r, _c in placed.values()})
    compact = {row: index for index, row in enumerate(used_rows)}
    placed = {pk: (compact[r], c) for pk, (r, c) in placed.items()}
    last_row = len(used_rows) + 1
    missing = [pk for pk, lat, lon in points if lat is None or lon is None]
    for index, pk in enumerate(missing):
        placed[pk] = (last_row + index // 8, index % 8)
    return placed


def tile_map(title: str, tiles: list[Tile], legend: list[tuple[str, str]]) -> SafeString:
    """Provinces as labelled tiles, filled by status, each a link to its dashboard."""
    size_w, size_h, gap = 66, 40, 4
    cols = max((tile.col for tile in tiles), default=0) + 1
    rows = max((tile.row for tile in tiles), default=0) + 1
    width = cols * (size_w + gap) + 10
    legend_h = 26 * len(legend) + 10
    height = rows * (size_h + gap) + legend_h + 10
    body = [
        '<defs><pattern id="nodata" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f6f8"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#d3d9e0" stroke-width="2"/></pattern></defs>'
    ]
    for tile in tiles:
        x = 5 + tile.col * (size_w + gap)
        y = 5 + tile.row * (size_h + gap)
        fill = "url(#nodata)" if tile.status == ProgressStatus.NO_DATA else STATUS_FILL[tile.status]
        opacity = ' opacity="0.35"' if tile.dimmed else ""
        glyph = STATUS_GLYPH[tile.status]
        figure = tile.figure or _("no data")
        tooltip = f"{tile.name}: {figure}"
        inner = (
            f'<g class="tile" data-province="{tile.province_id}"{opacity}>'
            f"<title>{_e(tooltip)}</title>"
            f'<rect x="{x}" y="{y}" width="{size_w}" height="{size_h}" rx="4" fill="{fill}" '
            f'stroke="{STATUS_STROKE[tile.status]}"/>'
            f'<text x="{x + size_w / 2}" y="{y + 15}" text-anchor="middle" font-size="10.5" '
            f'font-weight="600" fill="{INK}">{_e(tile.label)}</text>'
            f'<text x="{x + size_w / 2}" y="{y + 31}" text-anchor="middle" font-size="10.5" '
            f'fill="{INK}">{_e(glyph)} {_e(tile.figure or "")}</text></g>'
        )
        if tile.href:
            inner = f'<a href="{_e(tile.href)}" aria-label="{_e(tooltip)}">{inner}</a>'
        body.append(inner)
    y = rows * (size_h + gap) + 14
    for status, label in legend:
        fill = "url(#nodata)" if status == ProgressStatus.NO_DATA else STATUS_FILL[status]
        body.append(
            f'<rect x="6" y="{y}" width="26" height="18" rx="3" fill="{fill}" '
            f'stroke="{STATUS_STROKE[status]}"/>'
            f'<text x="19" y="{y + 13}" text-anchor="middle" font-size="11">'
            f"{_e(STATUS_GLYPH[status])}</text>"
            f'<text x="40" y="{y + 13}" font-size="12" fill="{INK}">{_e(label)}</text>'
        )
        y += 26
    return _svg(
        width, height, title, _("Provinces placed roughly where they lie, by status."), body
    )


# Agreements on a timeline --------------------------------------------------------------------


@dataclass
class Span:
    label: str
    start_year: int
    end_year: int
    signed_year: float | None = None
    phase: str = ""
    href: str = ""
    former: bool = False


def timeline(title: str, spans: list[Span], phases: list[tuple[str, int, int]]) -> SafeString:
    """Agreements as bars over the years, phases shaded behind them."""
    phase_label, signed_label = _e(_("Phase")), _e(_("Signed"))
    if not spans:
        return _svg(600, 40, title, _("No agreements."), [])
    first = min([s.start_year for s in spans] + [p[1] for p in phases])
    last = max([s.end_year for s in spans] + [p[2] for p in phases]) + 1
    left, right, row = 16, 16, 34
    width = 760
    height = 40 + row * len(spans)
    plot_w = width - left - right

    def x_of(year: float) -> float:
        return left + plot_w * (year - first) / max(1, last - first)

    body = []
    for index, (name, start, end) in enumerate(phases):
        shade = "#eef3f9" if index % 2 == 0 else "#f7f9fb"
        body.append(
            f'<rect x="{x_of(start):.1f}" y="0" width="{x_of(end + 1) - x_of(start):.1f}" '
            f'height="{height - 20}" fill="{shade}"/>'
            f'<text x="{x_of(start) + 4:.1f}" y="12" font-size="11" fill="{MUTED}">'
            f"{phase_label} {_e(name)}</text>"
        )
    for year in range(first, last + 1):
        body.append(
            f'<text x="{x_of(year):.1f}" y="{height - 6}" font-size="10" text-anchor="middle" '
            f'fill="{MUTED}">{year}</text>'
        )
    for index, span in enumerate(spans):
        y = 22 + index * row
        x1, x2 = x_of(span.start_year), x_of(span.end_year + 1)
        dash = ' stroke-dasharray="4 3"' if span.former else ""
        bar = (
            f'<rect x="{x1:.1f}" y="{y}" width="{x2 - x1:.1f}" height="22" rx="3" '
            f'fill="#dbe8f6" stroke="{BLUE}"{dash}/>'
            f'<text x="{x1 + 6:.1f}" y="{y + 15}" font-size="11" fill="{INK}">'
            f"{_e(span.label[:90])}</text>"
        )
        if span.signed_year is not None:
            sx = x_of(span.signed_year)
            bar += (
                f'<polygon points="{sx:.1f},{y - 3} {sx - 5:.1f},{y - 9} {sx + 5:.1f},{y - 9}" '
                f'fill="{INK}"><title>{signed_label}</title></polygon>'
            )
        if span.href:
            bar = f'<a href="{_e(span.href)}">{bar}</a>'
        body.append(bar)
    return _svg(width, height, title, _("Each agreement's period, and when it was signed."), body)


# Two phases side by side ---------------------------------------------------------------------


@dataclass
class Pair:
    label: str
    first: Decimal | None
    second: Decimal | None
    href: str = ""
    marks: dict = field(default_factory=dict)


def dumbbell(
    title: str, pairs: list[Pair], first_label: str, second_label: str, is_share: bool
) -> SafeString:
    """What one phase reached against what the next has reached so far, per province."""
    no_data = _("no data")
    row, left, right = 24, 170, 120
    width = 760
    height = 50 + row * len(pairs)
    values = [float(v) for p in pairs for v in (p.first, p.second) if v is not None]
    ceiling = 100.0 if is_share else 4 * _nice_ceiling(max(values or [1]) * 1.05 / 4)
    plot_w = width - left - right

    def x_of(value) -> float:
        return left + plot_w * float(value) / ceiling

    body = [
        _marker("circle", left, 12, SERIES_COLOURS[0])
        + f'<text x="{left + 10}" y="16" font-size="12">{_e(first_label)}</text>'
        + _marker("square", left + 200, 12, SERIES_COLOURS[1])
        + f'<text x="{left + 210}" y="16" font-size="12">{_e(second_label)}</text>'
    ]
    for step in range(5):
        tick = ceiling * step / 4
        x = x_of(tick)
        label = share(Decimal(str(tick))) if is_share else number(Decimal(str(round(tick))))
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="28" y2="{height - 18}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 4}" font-size="10" text-anchor="middle" '
            f'fill="{MUTED}">{_e(label)}</text>'
        )
    for index, pair in enumerate(pairs):
        y = 40 + index * row
        label = (
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="12">'
            f"{_e(pair.label[:28])}</text>"
        )
        if pair.href:
            label = f'<a href="{_e(pair.href)}">{label}</a>'
        body.append(label)
        if pair.first is not None and pair.second is not None:
            body.append(
                f'<line x1="{x_of(pair.first):.1f}" x2="{x_of(pair.second):.1f}" y1="{y}" '
                f'y2="{y}" stroke="{MUTED}" stroke-width="2"/>'
            )
        texts = []
        for value, shape, colour, name in (
            (pair.first, "circle", SERIES_COLOURS[0], first_label),
            (pair.second, "square", SERIES_COLOURS[1], second_label),
        ):
            if value is None:
                continue
            body.append(
                f"<g>{_marker(shape, x_of(value), y, colour, 5)}"
                f"<title>{_e(pair.label)} — {_e(name)}: {_e(_format(value, is_share))}</title></g>"
            )
            texts.append(_format(value, is_share))
        body.append(
            f'<text x="{width - right + 8}" y="{y + 4}" font-size="11" fill="{MUTED}">'
            f"{_e(' → '.join(texts) or no_data)}</text>"
        )
    return _svg(width, height, title, _("Each province's figure in the two phases."), body)
