"""Charts drawn as SVG on the server.

Portals like this one run on closed government networks, so no chart library
or CDN script is loaded: every chart is plain SVG markup. None relies on colour
alone: series differ by marker shape and dash pattern, statuses carry a glyph
and a word, map tiles print their figure. Each chart has a title and a
description for screen readers, and every page shows the same numbers in a
table next to it.

This module works out where everything goes; the markup is in the templates of
templates/dashboards/charts/, so Django escapes every text a chart shows.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from core.formatting import number, share
from core.quarters import Quarter
from progress.models import ProgressStatus

# One colour per status: the map, the bars and the cards say the same thing the same way.
STATUS_FILL = {
    ProgressStatus.ON_TRACK: "#cfe9d8",
    ProgressStatus.ACHIEVED: "#cfe9d8",
    ProgressStatus.AT_RISK: "#fde7c2",
    ProgressStatus.OFF_TRACK: "#f6cdca",
    ProgressStatus.NOT_ACHIEVED: "#f6cdca",
    ProgressStatus.NOT_REPORTING: "#e3dcef",
    ProgressStatus.NO_DATA: "#eef1f4",
    ProgressStatus.NO_TARGET: "#eef1f4",
}
STATUS_STROKE = {
    ProgressStatus.ON_TRACK: "#1b7f3b",
    ProgressStatus.ACHIEVED: "#1b7f3b",
    ProgressStatus.AT_RISK: "#a86400",
    ProgressStatus.OFF_TRACK: "#b3261e",
    ProgressStatus.NOT_ACHIEVED: "#b3261e",
    ProgressStatus.NOT_REPORTING: "#6a4c93",
    ProgressStatus.NO_DATA: "#8a94a0",
    ProgressStatus.NO_TARGET: "#8a94a0",
}
# The glyph says the status where colour cannot (print, colour blindness).
STATUS_GLYPH = {
    ProgressStatus.ON_TRACK: "✓",
    ProgressStatus.ACHIEVED: "✓",
    ProgressStatus.AT_RISK: "!",
    ProgressStatus.OFF_TRACK: "✗",
    ProgressStatus.NOT_ACHIEVED: "✗",
    # Not U+23F8 (⏸), which no installed font has: it drew an empty box, even in the packs.
    ProgressStatus.NOT_REPORTING: "‖",
    ProgressStatus.NO_DATA: "–",
    ProgressStatus.NO_TARGET: "○",
}
SERIES_STYLES = [
    ("circle", ""),
    ("square", "6 3"),
    ("triangle", "2 3"),
    ("diamond", "10 3 2 3"),
    ("cross", "1 2"),
]
SERIES_COLOURS = ["#0b5cab", "#7a3db8", "#0f7c74", "#a8431a", "#4d5b69"]
# After this many lines the shapes and colours come round again together.
STYLE_CYCLE = math.lcm(len(SERIES_STYLES), len(SERIES_COLOURS))


def _at(value) -> float:
    """A coordinate to a tenth of a unit: finer than a screen shows, and short markup."""
    return round(float(value), 1)


def marker(shape: str, x: float, y: float, colour: str, size: float = 4) -> dict:
    """A point's symbol, centred on (x, y): its shape, not only its colour, tells series apart.

    A dict, not an object: a template looks a name up as a key before an attribute, and
    on an object that failed key lookup costs more than drawing the symbol. Triangles and
    diamonds reach a unit further (`outer_*`), so they look as large as a square.
    """
    return {
        "shape": shape,
        "colour": colour,
        "cx": _at(x),
        "cy": _at(y),
        "r": _at(size),
        "side": _at(2 * size),
        "left": _at(x - size),
        "right": _at(x + size),
        "top": _at(y - size),
        "bottom": _at(y + size),
        "outer_left": _at(x - size - 1),
        "outer_right": _at(x + size + 1),
        "outer_top": _at(y - size - 1),
        "outer_bottom": _at(y + size + 1),
    }


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _scale_top(values: list[float], is_share: bool) -> float:
    # Four equal steps of a round size, so every tick reads as a round number.
    return 100.0 if is_share else 4 * _nice_ceiling(max(values or [1]) * 1.05 / 4)


def _tick_label(tick: float, is_share: bool) -> str:
    return share(Decimal(str(tick))) if is_share else number(Decimal(str(round(tick))))


def _format(value, is_share: bool) -> str:
    return share(value) if is_share else number(value)


# Names in the room a chart gives them --------------------------------------------------------

# Widths in em of DejaVu Sans, the packs' font, which Linux browsers fall back on and the
# widest a chart is read in: a name measured by it never runs past the room drawn for it
# in a narrower font. Letters go by groups of about one width; a letter with tone marks is
# as wide as its base letter.
_NARROW = frozenset("ijlI.,:;'|! ")
_SEMI_NARROW = frozenset("frt()[]/-")
_WIDE = frozenset("mwMW%…✓✗○")
BOLD = 1.12
ELLIPSIS = "…"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """About how many px `text` takes at `size` px: never much less than it draws."""
    em = 0.0
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            continue
        if char in _NARROW:
            em += 0.32
        elif char in _SEMI_NARROW:
            em += 0.41
        elif char in _WIDE:
            em += 0.97
        elif char.isupper():
            em += 0.77
        else:
            em += 0.63
    return em * size * (BOLD if bold else 1)


def fit(text: str, width: float, size: float, lines: int = 1, bold: bool = False) -> dict:
    """`text` on at most `lines` lines of `width` px at `size` px, broken between words; if
    it is longer still, cut after a word with "…", the whole of it in `full` for a <title>.

    The one way a chart shortens a name. Cut at a count of letters, "Villages and
    residential groups reached by fibre" read "Villages and residential groups reached":
    another indicator, and nothing said it was cut.
    """

    def too_wide(row: str) -> bool:
        return text_width(row, size, bold) > width

    rows: list[str] = []
    for word in text.split():
        joined = f"{rows[-1]} {word}" if rows else word
        if rows and not too_wide(joined):
            rows[-1] = joined
        else:
            rows.append(word)
    if len(rows) <= lines and not any(too_wide(row) for row in rows):
        if len(rows) == 2:
            rows = _balanced(text.split(), size, bold)
        return {"lines": rows, "full": text, "cut": False}
    kept = rows[:lines]
    # A word wider than a whole line ends the name there.
    last = next((index for index, row in enumerate(kept) if too_wide(row)), len(kept) - 1)
    kept = kept[: last + 1]
    words = kept[-1].split()
    while len(words) > 1 and too_wide(" ".join(words) + ELLIPSIS):
        words.pop()
    tail = " ".join(words)
    while len(tail) > 1 and too_wide(tail + ELLIPSIS):
        tail = tail[:-1]
    kept[-1] = tail.rstrip(" -–,;:") + ELLIPSIS
    return {"lines": kept, "full": text, "cut": True}


def _balanced(words: list[str], size: float, bold: bool) -> list[str]:
    """Two lines of about one length: "Villages and residential / groups with 4G", not
    "Villages and residential groups with / 4G"."""
    splits = [(" ".join(words[:index]), " ".join(words[index:])) for index in range(1, len(words))]
    return list(min(splits, key=lambda rows: max(text_width(row, size, bold) for row in rows)))


def _placed(fitted: dict, first_y: float, step: float) -> dict:
    """A fitted name with the baseline of each of its lines, as the templates draw it."""
    return {
        **fitted,
        "lines": [
            {"text": row, "y": _at(first_y + step * index)}
            for index, row in enumerate(fitted["lines"])
        ],
    }


# Quarterly values against the target --------------------------------------------------------


@dataclass
class Target:
    value: Decimal
    span: tuple[int, int]  # the quarter codes its line covers: its agreement's period


@dataclass
class Series:
    label: str
    points: list[tuple[int, Decimal]]  # (quarter code, value)
    targets: list[Target] = field(default_factory=list)
    projection: tuple[int, Decimal] | None = None  # (quarter code, projected value)


def line_chart(title: str, series: list[Series], is_share: bool = False, key: str = "") -> dict:
    """Quarterly values of one KPI, one line per series, each with its targets' lines.

    `key` tells this chart's marker symbols from another chart's on the same page. The
    legend and what the lines mean are the page's text under the chart, and on a phone the
    axis's figures are drawn again over the chart's left end (`axis_width` px), where they
    stay while the chart scrolls: opened at its newest quarter, it hid the axis, the legend
    and the start of the note.
    """
    width, height = 660, 210
    left, right, top, bottom = 78, 16, 16, 24
    codes = [code for s in series for code, _value in s.points]
    for s in series:
        for target in s.targets:
            codes.extend(target.span)
        if s.projection:
            codes.append(s.projection[0])
    if not codes:
        return {"title": title, "width": width, "height": 60, "empty": True}
    first, last = Quarter.from_code(min(codes)), Quarter.from_code(max(codes))
    span = max(1, last.index() - first.index())
    values = [float(v) for s in series for _c, v in s.points]
    values += [float(target.value) for s in series for target in s.targets]
    values += [float(s.projection[1]) for s in series if s.projection]
    ceiling = _scale_top(values, is_share)
    plot_w, plot_h = width - left - right, height - top - bottom

    # A chart's points fall on a few dozen quarters, each asked for by every line.
    @functools.cache
    def x_of(code: int) -> float:
        return _at(left + plot_w * (Quarter.from_code(code).index() - first.index()) / span)

    def y_of(value) -> float:
        return _at(top + plot_h * (1 - float(value) / ceiling))

    ticks = []
    for step in range(5):
        tick = ceiling * step / 4
        y = y_of(tick)
        ticks.append({"y": y, "label_y": _at(y + 4), "label": _tick_label(tick, is_share)})
    years = []
    for year in range(first.year, last.year + 1):
        code = Quarter(year, 1).code
        if first.code <= code <= last.code:
            x = x_of(code)
            years.append({"x": x, "label_x": _at(x + 3), "year": year})
    lines = []
    for index, s in enumerate(series):
        shape, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        line = {
            "colour": colour,
            "dash": dash,
            "targets": [],
            "points": "",
            # Drawn by the line itself at each of its points (SVG marker-start/mid/end),
            # so a long series costs one element, not one per quarter.
            "marker": marker(shape, 0, 0, colour),
            # Lines that share a shape and a colour share one definition of their symbol.
            "marker_id": f"mark-{key}-{index % STYLE_CYCLE}",
            "defines_marker": index < STYLE_CYCLE,
            "projection": None,
            # The legend's sample: a stretch of the line with its symbol.
            "sample": marker(shape, 14, 6, colour),
            "label": s.label,
        }
        for target in s.targets:
            x2, y = x_of(target.span[1]), y_of(target.value)
            line["targets"].append(
                {
                    "x1": x_of(target.span[0]),
                    "x2": x2,
                    "y": y,
                    "label_x": _at(x2 - 2),
                    "label_y": _at(y - 4),
                    "value": _format(target.value, is_share),
                }
            )
        ordered = sorted(s.points)
        if ordered:
            line["points"] = " ".join(f"{x_of(code)},{y_of(value)}" for code, value in ordered)
            if s.projection and s.projection[0] > ordered[-1][0]:
                code, value = ordered[-1]
                line["projection"] = {
                    "x1": x_of(code),
                    "y1": y_of(value),
                    "x2": x_of(s.projection[0]),
                    "y2": y_of(s.projection[1]),
                    "value": _format(s.projection[1], is_share),
                }
        lines.append(line)
    return {
        "title": title,
        "width": width,
        "height": height,
        # Up to the plot's edge, its first point's symbol not hidden under it.
        "axis_width": left - 5,
        "empty": False,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "tick_x": left - 6,
        "year_y": top + plot_h + 14,
        "ticks": ticks,
        "years": years,
        "lines": lines,
        # The note names only what the chart draws: a KPI without a target has no dashes.
        "draws_targets": any(line["targets"] for line in lines),
        "draws_projection": any(line["projection"] for line in lines),
    }


# Share of target reached -------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    attainment: Decimal | None
    status: str
    caption: str = ""


BAR_SCALE = 125.0  # per cent at the right end of a bar's room: past the target, not far past
BAR_TEXT, BAR_LINE = 12, 14  # a name's size, and the step from one of its lines to the next


def attainment_bars(title: str, bars: list[Bar]) -> dict:
    """Horizontal bars of the share of target reached, with the 100% line, laid out twice:
    names `beside` the bars for a screen wide enough, `above` them for a phone's.

    Drawn 720 px wide, a phone showed the names and none of the bars; shrunk to its width,
    the names were 5 px high. The page shows one layout or the other (dashboards.css).
    """
    return {"beside": _bars_beside(title, bars), "above": _bars_above(title, bars)}


def _bar(bar: Bar, x: float, room: float, top: float) -> dict:
    """One bar from `x`, `room` px for BAR_SCALE per cent, its top at `top`: its rectangle,
    and its share after it; or, without a share, nothing (its caption says why)."""
    if bar.attainment is None:
        return {"width": None, "glyph": STATUS_GLYPH[bar.status]}
    width = room * min(float(bar.attainment), BAR_SCALE) / BAR_SCALE
    return {
        "width": _at(width),
        "x": _at(x),
        "rect_y": _at(top),
        "value_x": _at(x + width + 6),
        "value_y": _at(top + 13),
        "fill": STATUS_FILL[bar.status],
        "stroke": STATUS_STROKE[bar.status],
        "glyph": STATUS_GLYPH[bar.status],
        "value": share(bar.attainment),
    }


def _bars_beside(title: str, bars: list[Bar]) -> dict:
    left, right, width = 250, 150, 720
    room = width - left - right
    drawn, y = [], 8
    for bar in bars:
        name = fit(bar.label, left - 12, BAR_TEXT, lines=2)
        # A bar faces the middle of its name, one line or two.
        middle = y + 11 + BAR_LINE * (len(name["lines"]) - 1) / 2
        drawn.append(
            {
                **_bar(bar, left, room, middle - 9),
                "name": _placed(name, y + 15, BAR_LINE),
                "caption": bar.caption,
                "caption_y": _at(middle + 4),
            }
        )
        y += 30 + BAR_LINE * (len(name["lines"]) - 1)
    height = y + 22
    target_x = _at(left + room * 100 / BAR_SCALE)
    return {
        "title": title,
        "width": width,
        "height": height,
        "label_x": left - 8,
        "caption_x": left + 4,
        "targets": [{"x": target_x, "y1": 4, "y2": height - 18}],
        "target_x": target_x,
        "target_label_y": height - 4,
        "bars": drawn,
    }


def _bars_above(title: str, bars: list[Bar]) -> dict:
    # As wide as a phone's column (the chart narrows with it below that), a share's text
    # kept to the right of its bar.
    width, pad, value_room = 320, 4, 72
    room = width - pad - value_room
    target_x = _at(pad + room * 100 / BAR_SCALE)
    drawn, targets, y = [], [], 4
    for bar in bars:
        name = fit(bar.label, width - 2 * pad, BAR_TEXT, lines=2)
        top = y + BAR_LINE * len(name["lines"]) + 2
        item = {**_bar(bar, pad, room, top), "name": _placed(name, y + 12, BAR_LINE)}
        if item["width"] is None:
            caption = fit(f"{item['glyph']} {bar.caption}", width - 2 * pad, BAR_TEXT, lines=2)
            item["caption"] = _placed(caption, top + 13, BAR_LINE)
            bottom = top + BAR_LINE * len(caption["lines"])
        else:
            targets.append({"x": target_x, "y1": _at(top - 3), "y2": _at(top + 21)})
            bottom = top + 18
        drawn.append(item)
        y = bottom + 12
    height = y + 14
    return {
        "title": title,
        "width": width,
        "height": height,
        "label_x": pad,
        "targets": targets,
        "target_x": target_x,
        "target_label_y": height - 4,
        "bars": drawn,
    }


# Tile map ------------------------------------------------------------------------------------


@dataclass
class Tile:
    province_id: int
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


# A tile's name: on one line at the first size, else on two at the next that fits them.
TILE_NAME_SIZES = ((10.5, 1), (10, 2), (9.5, 2))


def tile_name(name: str, y: float, room: float) -> tuple[dict, float]:
    """A province's name fitted to its tile, whose top is at `y`, and its figure's baseline.

    Cut to eleven letters, "Tuyên Quang" and "Hồ Chí Minh" still ran into the next tile:
    a long name takes two lines, and a smaller size if two do not hold it. Its link and
    title give the whole name to a screen reader or a pointer.
    """
    for size, lines in TILE_NAME_SIZES:
        fitted = fit(name, room, size, lines=lines, bold=True)
        if not fitted["cut"]:
            break
    if len(fitted["lines"]) == 1:
        return {**_placed(fitted, y + 15, 0), "size": size}, y + 31
    return {**_placed(fitted, y + 12, size + 0.5), "size": size}, y + 35


def tile_map(title: str, tiles: list[Tile], legend: list[tuple[str, str]]) -> dict:
    """Provinces as labelled tiles, filled by status, each a link to its dashboard."""
    size_w, size_h, gap = 66, 40, 4
    cols = max((tile.col for tile in tiles), default=0) + 1
    rows = max((tile.row for tile in tiles), default=0) + 1
    legend_h = 26 * len(legend) + 10
    drawn = []
    for tile in tiles:
        x = 5 + tile.col * (size_w + gap)
        y = 5 + tile.row * (size_h + gap)
        name, figure_y = tile_name(tile.name, y, size_w - 6)
        drawn.append(
            {
                "tile": tile,
                "x": x,
                "y": y,
                "middle": x + size_w / 2,
                "name": name,
                "figure_y": _at(figure_y),
                "no_data": tile.status == ProgressStatus.NO_DATA,
                "fill": STATUS_FILL[tile.status],
                "stroke": STATUS_STROKE[tile.status],
                "glyph": STATUS_GLYPH[tile.status],
            }
        )
    top = rows * (size_h + gap) + 14
    keys = [
        {
            "y": top + 26 * index,
            "text_y": top + 26 * index + 13,
            "label": label,
            "no_data": status == ProgressStatus.NO_DATA,
            "fill": STATUS_FILL[status],
            "stroke": STATUS_STROKE[status],
            "glyph": STATUS_GLYPH[status],
        }
        for index, (status, label) in enumerate(legend)
    ]
    return {
        "title": title,
        "width": cols * (size_w + gap) + 10,
        "height": rows * (size_h + gap) + legend_h + 10,
        "tile_width": size_w,
        "tile_height": size_h,
        "tiles": drawn,
        "legend": keys,
    }


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


def timeline(title: str, spans: list[Span], phases: list[tuple[str, int, int]]) -> dict:
    """Agreements as bars over the years, phases shaded behind them."""
    if not spans:
        return {"title": title, "width": 600, "height": 40, "empty": True}
    first = min([s.start_year for s in spans] + [p[1] for p in phases])
    last = max([s.end_year for s in spans] + [p[2] for p in phases]) + 1
    left, right, row = 16, 16, 34
    width = 760
    height = 40 + row * len(spans)
    plot_w = width - left - right

    def x_of(year: float) -> float:
        return left + plot_w * (year - first) / max(1, last - first)

    drawn = []
    for index, span in enumerate(spans):
        y = 22 + index * row
        x1, x2 = x_of(span.start_year), x_of(span.end_year + 1)
        item = {
            "span": span,
            # From inside its bar to the chart's right edge.
            "name": _placed(fit(span.label, width - right - x1 - 6, 11), y + 15, 0),
            "x": _at(x1),
            "y": y,
            "width": _at(x2 - x1),
            "text_x": _at(x1 + 6),
            "signed": None,
        }
        if span.signed_year is not None:
            sx = x_of(span.signed_year)
            item["signed"] = {
                "x": _at(sx),
                "left": _at(sx - 5),
                "right": _at(sx + 5),
                "tip": y - 3,
                "base": y - 9,
            }
        drawn.append(item)
    return {
        "title": title,
        "width": width,
        "height": height,
        "empty": False,
        "phases": [
            {
                "name": name,
                "x": _at(x_of(start)),
                "width": _at(x_of(end + 1) - x_of(start)),
                "label_x": _at(x_of(start) + 4),
                "shaded": index % 2 == 0,
            }
            for index, (name, start, end) in enumerate(phases)
        ],
        "shade_height": height - 20,
        "years": [{"x": _at(x_of(year)), "year": year} for year in range(first, last + 1)],
        "year_y": height - 6,
        "spans": drawn,
    }


# Two phases side by side ---------------------------------------------------------------------


@dataclass
class Pair:
    label: str
    first: Decimal | None
    second: Decimal | None
    href: str = ""


def dumbbell(
    title: str, pairs: list[Pair], first_label: str, second_label: str, is_share: bool
) -> dict:
    """What one phase reached against what the next has reached so far, per province."""
    row, left, right = 24, 170, 120
    width = 760
    height = 50 + row * len(pairs)
    values = [float(v) for p in pairs for v in (p.first, p.second) if v is not None]
    ceiling = _scale_top(values, is_share)
    plot_w = width - left - right

    def x_of(value) -> float:
        return _at(left + plot_w * float(value) / ceiling)

    ticks = [
        {"x": x_of(ceiling * step / 4), "label": _tick_label(ceiling * step / 4, is_share)}
        for step in range(5)
    ]
    drawn = []
    for index, pair in enumerate(pairs):
        y = 40 + index * row
        ends = [
            {
                "marker": marker(shape, x_of(value), y, colour, 5),
                "phase": name,
                "value": _format(value, is_share),
            }
            for value, shape, colour, name in (
                (pair.first, "circle", SERIES_COLOURS[0], first_label),
                (pair.second, "square", SERIES_COLOURS[1], second_label),
            )
            if value is not None
        ]
        drawn.append(
            {
                "pair": pair,
                "name": _placed(fit(pair.label, left - 12, 12), y + 4, 0),
                "y": y,
                "text_y": y + 4,
                "line": (x_of(pair.first), x_of(pair.second))
                if pair.first is not None and pair.second is not None
                else None,
                "ends": ends,
                "summary": " → ".join(end["value"] for end in ends),
            }
        )
    return {
        "title": title,
        "width": width,
        "height": height,
        "first_label": first_label,
        "second_label": second_label,
        "first_key": marker("circle", left, 12, SERIES_COLOURS[0]),
        "second_key": marker("square", left + 200, 12, SERIES_COLOURS[1]),
        "first_key_x": left + 10,
        "second_key_x": left + 210,
        "grid_bottom": height - 18,
        "tick_y": height - 4,
        "label_x": left - 8,
        "summary_x": width - right + 8,
        "ticks": ticks,
        "pairs": drawn,
        # Linked names make the chart a group of links for a screen reader, not an image.
        "links": any(pair.href for pair in pairs),
    }
