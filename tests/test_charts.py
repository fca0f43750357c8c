"""The charts' text in the room drawn for it: names never cut mid-phrase, province names
inside their tiles, status glyphs that the packs' font can draw.

Widths are measured with the metrics of DejaVu Sans, the font the packs name and the one
Linux browsers fall back on, read from the installed font by fontTools.
"""

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from dashboards import charts
from progress.models import ProgressStatus

# The longest names of the 63 former and 34 current provinces, and a made-up longer one.
LONG_NAMES = [
    "Bà Rịa - Vũng Tàu",
    "Thừa Thiên Huế",
    "Tuyên Quang",
    "Thái Nguyên",
    "Hồ Chí Minh",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Nam",
    "Quảng Bình",
    "Bình Dương",
    "Ninh Thuận",
    "Bình Thuận",
    "Bình Phước",
    "Kiên Giang",
    "Khánh Hòa",
    "Đồng Tháp",
    "Thanh Hóa",
    "Tiền Giang",
    "Hải Dương",
    "Lai Châu",
    "Sơn La",
    "Thành phố Ước Ương Chuyển Đổi Số",
]


def font_file(family: str, style: str = "Book") -> Path:
    """The installed file of a font family, as fontconfig (and so WeasyPrint) finds it."""
    assert shutil.which("fc-match"), "fontconfig is needed (scripts/install-system-deps)"
    pattern = f"{family}:style={style}"
    found = subprocess.run(
        ["fc-match", "--format=%{family}|%{file}", pattern],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    families, path = found.split("|")
    # fc-match answers some other font for one that is not installed.
    assert family in families.split(","), f"{family} is not installed: {found}"
    return Path(path)


@pytest.fixture(scope="module")
def dejavu():
    fonts = {bold: TTFont(font_file("DejaVu Sans", "Bold" if bold else "Book")) for bold in (0, 1)}

    def width(text: str, size: float, bold: bool = False) -> float:
        font = fonts[bool(bold)]
        glyphs, metrics = font.getBestCmap(), font["hmtx"]
        units = sum(metrics[glyphs[ord(char)]][0] for char in text)
        return units * size / font["head"].unitsPerEm

    return width


def packs_font_family() -> str:
    """The first family the packs' stylesheet names for their text."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pack.css").read_text()
    body = re.search(r"body\.pack\s*\{[^}]*font-family:\s*\"([^\"]+)\"", css)
    return body.group(1)


def test_every_status_glyph_is_in_the_packs_font_and_not_reporting_has_its_own():
    family = packs_font_family()
    assert family == "DejaVu Sans"
    for style in ("Book", "Bold"):
        cmap = TTFont(font_file(family, style)).getBestCmap()
        for status, glyph in charts.STATUS_GLYPH.items():
            assert all(ord(char) in cmap for char in glyph), (status, glyph, style)
    # Each meaning its own mark: on track or achieved ✓, off track or not achieved ✗.
    others = {
        glyph
        for status, glyph in charts.STATUS_GLYPH.items()
        if status != ProgressStatus.NOT_REPORTING
    }
    assert charts.STATUS_GLYPH[ProgressStatus.NOT_REPORTING] not in others
    assert charts.STATUS_GLYPH[ProgressStatus.NOT_REPORTING] != "⏸"


def test_a_name_is_measured_no_narrower_than_dejavu_draws_it(dejavu):
    kpis = [
        "Villages and residential groups reached by fibre",
        "Thôn, bản, tổ dân phố có cáp quang",
        "Mobile broadband subscribers",
        "✗ 2 of 9 reached their target; range 75.1%–96.6%",
    ]
    for text in LONG_NAMES + kpis:
        for bold in (False, True):
            drawn = dejavu(text, 12, bold)
            assert drawn <= charts.text_width(text, 12, bold) <= drawn * 1.15, (text, bold)


def test_a_long_name_goes_onto_a_second_line_rather_than_lose_its_end():
    name = charts.fit("Villages and residential groups reached by fibre", 238, 12, lines=2)
    assert name == {
        "lines": ["Villages and residential", "groups reached by fibre"],
        "full": "Villages and residential groups reached by fibre",
        "cut": False,
    }


def test_a_name_too_long_for_its_lines_is_cut_after_a_word_and_says_so():
    text = "Villages and residential groups reached by fibre in the mountains of the north"
    name = charts.fit(text, 238, 12, lines=2)
    assert name["cut"] and name["full"] == text
    assert name["lines"][-1].endswith("…")
    shown = " ".join(name["lines"]).removesuffix("…").split()
    # Whole words only, the first ones of the name.
    assert shown == text.split()[: len(shown)]
    for line in name["lines"]:
        assert charts.text_width(line, 12) <= 238
    # One line of room: the same rule, not a count of letters.
    one = charts.fit("Villages and residential groups reached by fibre", 120, 12)
    assert one["lines"] == ["Villages and…"]


def test_the_headline_bars_keep_the_whole_name_of_each_kpi():
    bars = [
        charts.Bar(
            "Villages and residential groups reached by fibre", Decimal("95.7"), "off_track"
        ),
        charts.Bar("Villages and residential groups with 4G", Decimal("102.6"), "achieved"),
        charts.Bar("Public services offered at level 4", None, "off_track", "2 of 9 reached"),
    ]
    chart = charts.attainment_bars("Share of target reached", bars)
    for layout in ("beside", "above"):
        names = [
            " ".join(line["text"] for line in bar["name"]["lines"]) for bar in chart[layout]["bars"]
        ]
        assert names == [bar.label for bar in bars], layout
    # Beside its bar a name has 238 px; above it, the phone's whole width.
    wrapped = chart["beside"]["bars"][0]["name"]["lines"]
    assert [line["text"] for line in wrapped] == [
        "Villages and residential",
        "groups reached by fibre",
    ]
    assert chart["above"]["width"] <= 330


def test_each_province_name_fits_its_tile_on_the_map(dejavu):
    tiles = [
        charts.Tile(index, name, index // 8, index % 8) for index, name in enumerate(LONG_NAMES)
    ]
    chart = charts.tile_map("Status", tiles, [])
    for item in chart["tiles"]:
        name = item["name"]
        assert len(name["lines"]) <= 2
        for line in name["lines"]:
            # Within the tile, with a pixel to spare on each side.
            assert dejavu(line["text"], name["size"], bold=True) <= chart["tile_width"] - 2, line
            assert item["y"] < line["y"] < item["figure_y"] < item["y"] + chart["tile_height"]
        if not name["cut"]:
            assert " ".join(line["text"] for line in name["lines"]) == item["tile"].name
        # The smallest still reads at a phone's 10 px.
        assert name["size"] >= 9.5
    by_name = {item["tile"].name: item["name"] for item in chart["tiles"]}
    assert [line["text"] for line in by_name["Bà Rịa - Vũng Tàu"]["lines"]] == [
        "Bà Rịa -",
        "Vũng Tàu",
    ]
    assert [line["text"] for line in by_name["Sơn La"]["lines"]] == ["Sơn La"]
