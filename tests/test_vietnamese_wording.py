"""Vietnamese an official would write: each wording the audit corrected, and its like.

The catalogue's entries are checked by msgid (and context), and the rendered
figures and dates through the one formatter each has (core.formatting).
"""

import datetime
import re
from decimal import Decimal

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from core.dates import DatePrecision, format_partial_date
from core.formatting import date_label, share

CATALOGUE = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# (context, msgid): the Vietnamese an official writes.
CORRECTED = {
    (None, "Source gives only the month"): "Nguồn chỉ nêu tháng",
    (None, "Source gives only the year"): "Nguồn chỉ nêu năm",
    (None, "precision of the signing date"): "độ chính xác của ngày ký",
    (None, "precision of the date"): "độ chính xác của ngày",
    (None, "%(share)s of the target reached"): "đạt %(share)s mục tiêu",
    (None, "%(name)s City"): "TP. %(name)s",
    (None, "Province"): "Tỉnh, thành phố",
    ("kind of provincial unit", "Province"): "Tỉnh",
    (None, "All provinces"): "Tất cả tỉnh, thành phố",
    (None, "All provinces and cities"): "Tất cả tỉnh, thành phố",
    (None, "Signers and participants"): "Người ký và thành phần tham dự",
    (None, "Province or agency"): "Phía tỉnh/cơ quan",
    (None, "Not reported"): "Chưa có thông tin",
    (None, "Signed"): "Ngày ký",
    ("part at an agreement", "Signed"): "Ký kết",
    (None, "Attended and spoke"): "Dự và phát biểu",
    (None, "Baseline"): "Giá trị ban đầu",
    # A unit may have merged into a city (TP. Hồ Chí Minh): neither page calls it a tỉnh.
    (None, "Including the former units merged into it"): (
        "Bao gồm các đơn vị cũ đã sáp nhập vào địa phương này"
    ),
    (None, "Figures add up the former units merged into this province or city."): (
        "Số liệu bao gồm cả các đơn vị cũ đã sáp nhập vào địa phương này."
    ),
    (None, "Enter a year, such as 2021."): "Nhập một năm, ví dụ 2021.",
    (None, "units merged into this province or city"): (
        "các đơn vị đã sáp nhập vào địa phương này"
    ),
    (
        None,
        "The agreements below include those signed by the units merged into this province or city.",
    ): (
        "Danh sách dưới đây bao gồm cả các thỏa thuận do những đơn vị đã sáp nhập vào địa "
        "phương này ký kết."
    ),
}


@pytest.fixture(scope="module")
def catalogue():
    return {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.pofile(CATALOGUE)}


@pytest.mark.parametrize(("key", "expected"), CORRECTED.items(), ids=lambda v: str(v)[:40])
def test_it_carries_each_corrected_wording(catalogue, key, expected):
    assert catalogue[key] == expected


def test_it_calls_a_stock_one_that_usually_does_not_fall(catalogue):
    msgid = (
        "%(kpi)s falls from %(old)s in %(quarter)s to %(new)s, although it is a stock "
        "that usually only grows."
    )
    assert catalogue[(None, msgid)].endswith("chỉ tiêu thời điểm, thường không giảm.")


# Phrases no entry may keep: the old wordings and their like.
FORBIDDEN = [
    (r"chỉ rõ (tháng|năm)|rõ đến", "a date's precision says what the source gives"),
    (r"\d %(?!\()", "no space before the per cent sign"),
    (r"\b0?1/7/2025", "dates as 01/07/2025"),
    (r"lũy kế thường chỉ tăng", "a stock is a chỉ tiêu thời điểm"),
    (r"Thành phần ký kết", "signers and attendees are told apart"),
    (r"Tất cả các tỉnh\b", "provinces and cities alike"),
    (r"sáp nhập vào Hồ Chí Minh", "TP. Hồ Chí Minh"),
    (r"chưa có thông tin", "one capital: Chưa có thông tin"),
    (r"hợp nhất", "the 2025 merger has one verb, sáp nhập, as the portal's pages use"),
    (r"sáp nhập\b[^.:;]*\bvào tỉnh\b(?!, thành phố)", "a unit may have merged into a city"),
]


@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN, ids=[why for _p, why in FORBIDDEN])
def test_no_entry_keeps_an_old_wording(catalogue, pattern, why):
    offending = [text for text in catalogue.values() if re.search(pattern, text)]
    assert offending == [], why


@pytest.mark.parametrize(
    ("language", "expected"), [("vi", ["97,7%", "đạt 97,7% mục tiêu"]), ("en", ["97.7%"])]
)
def test_it_writes_a_share_with_the_sign_close(language, expected):
    with translation.override(language):
        assert share(Decimal("97.66")) == expected[0]
        if language == "vi":
            assert (
                str(translation.gettext("%(share)s of the target reached"))
                % {"share": share(Decimal("97.66"))}
                == expected[1]
            )


@pytest.mark.parametrize(
    ("language", "day", "month", "moment"),
    [
        ("vi", "01/07/2025", "tháng 8/2014", "09:05 05/08/2021"),
        ("en", "1 Jul 2025", "August 2014", "5 Aug 2021, 09:05"),
    ],
)
def test_it_writes_dates_one_way_per_language(language, day, month, moment):
    with translation.override(language):
        assert date_label(datetime.date(2025, 7, 1)) == day
        assert format_partial_date(datetime.date(2014, 8, 1), DatePrecision.MONTH) == month
        assert date_format(datetime.datetime(2021, 8, 5, 9, 5), "SHORT_DATETIME_FORMAT") == moment


def test_an_english_date_is_never_month_first():
    with translation.override("en"):
        assert date_label(datetime.date(2021, 8, 5)) == "5 Aug 2021"
        assert "08/05/2021" not in date_label(datetime.date(2021, 8, 5))


def test_a_date_known_only_as_a_day_by_which_reads_so():
    with translation.override("vi"):
        label = format_partial_date(datetime.date(2020, 9, 24), DatePrecision.BY)
    assert label == "tính đến 24/09/2020"


def test_a_city_is_named_as_a_city_in_a_sentence(db):
    from .factories import ProvinceFactory

    city = ProvinceFactory(name="Hồ Chí Minh", kind="city")
    province = ProvinceFactory(name="Lào Cai")
    with translation.override("vi"):
        assert (city.proper_name, province.proper_name) == ("TP. Hồ Chí Minh", "tỉnh Lào Cai")


def test_a_figure_keeps_no_trailing_zero():
    from core.formatting import number

    with translation.override("vi"):
        assert [number(Decimal(v)) for v in ("95.50", "98.28", "1490.5", "46495.00")] == [
            "95,5",
            "98,28",
            "1.490,5",
            "46.495",
        ]
