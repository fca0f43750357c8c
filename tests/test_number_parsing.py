"""Numbers as people type them: what the form, the admin, the API and the import read, and refuse."""

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.parsing import NumberField, input_number, parse_number
from milestones.models import KpiValue, QuarterlyReport

from .api import token_client, url
from .conftest import report_form_data
from .test_api_permissions import complete_report
from .test_import import good_rows, plan_of


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("vi", "79.500", Decimal("79500")),
        ("vi", "91,7", Decimal("91.7")),
        ("vi", "1.234,5", Decimal("1234.5")),
        ("vi", "-12", Decimal("-12")),
        ("en", "79,500", Decimal("79500")),
        ("en", "1,234.5", Decimal("1234.5")),
        ("en", ".5", Decimal("0.5")),
    ],
)
def test_it_reads_a_number_as_the_language_writes_it(language, typed, read):
    with translation.override(language):
        assert parse_number(typed) == read
        assert NumberField(required=False).clean(typed) == read


@pytest.mark.parametrize("typed", ["1_480", "1e3", "１４８０", "١٤٨٠", "Infinity", "12a", "--5"])
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Nhập một số, ví dụ 79500, 79.500 hoặc 91,7."),
        ("en", "Enter a number, such as 79500, 79,500 or 91.7."),
    ],
)
def test_it_refuses_what_python_would_read_but_nobody_types(typed, language, message):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            parse_number(typed)
        assert refused.value.messages == [message]
        with pytest.raises(ValidationError) as refused:
            NumberField(required=False).clean(typed)
        assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("stored", "vietnamese", "english"),
    [
        (Decimal("12.50"), "12,5", "12.5"),
        (Decimal("91.70"), "91,7", "91.7"),
        (Decimal("13.00"), "13", "13"),
        (Decimal("10.00"), "10", "10"),
        (Decimal("79500.00"), "79500", "79500"),
        (Decimal("1000000000.00"), "1000000000", "1000000000"),
        (Decimal("0.05"), "0,05", "0.05"),
        (Decimal("0.00"), "0", "0"),
        (Decimal("-12.50"), "-12,5", "-12.5"),
    ],
)
def test_a_stored_number_shows_as_it_would_be_typed_again(stored, vietnamese, english):
    for language, shown in (("vi", vietnamese), ("en", english)):
        with translation.override(language):
            assert input_number(stored) == shown
            # What the form shows, it reads back as the same number.
            assert parse_number(shown) == stored


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("en", "1.480", Decimal("1.48")),
        ("en", "0.500", Decimal("0.5")),
        ("en", "12.00", Decimal("12")),
        ("en", "1,480.50", Decimal("1480.5")),
        ("vi", "1.480", Decimal("1480")),
        ("vi", "2,500", Decimal("2.5")),
        ("vi", "-0,50", Decimal("-0.5")),
        ("vi", ",50", Decimal("0.5")),
    ],
)
def test_zeros_closing_a_fraction_are_no_decimal_places(language, typed, read):
    with translation.override(language):
        assert parse_number(typed) == read
        assert NumberField(max_digits=16, decimal_places=2, required=False).clean(typed) == read


def test_a_number_given_as_a_number_drops_its_closing_zeros_too():
    assert parse_number(Decimal("1.480")) == Decimal("1.48")
    assert parse_number(Decimal("1E+3")) == 1000


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        (
            "en",
            "1.485",
            "1.485 has more than 2 decimal places: in English, “.” is the decimal point; "
            "for 1\u00a0485, write 1,485 or 1485.",
        ),
        ("en", "1.4801", "1.4801 has more than 2 decimal places."),
        ("en", "0.125", "0.125 has more than 2 decimal places."),
        ("en", "1,234.567", "1,234.567 has more than 2 decimal places."),
        (
            "vi",
            "1,485",
            "1,485 có nhiều hơn 2 chữ số sau dấu phẩy: trong tiếng Việt, dấu phẩy là dấu thập "
            "phân; nếu là 1\u00a0485, viết 1.485 hoặc 1485.",
        ),
        (
            "vi",
            "-12,345",
            "-12,345 có nhiều hơn 2 chữ số sau dấu phẩy: trong tiếng Việt, dấu phẩy là dấu "
            "thập phân; nếu là -12\u00a0345, viết -12.345 hoặc -12345.",
        ),
        ("vi", "1,4801", "1,4801 có nhiều hơn 2 chữ số sau dấu phẩy."),
        ("vi", "1.234,567", "1.234,567 có nhiều hơn 2 chữ số sau dấu phẩy."),
    ],
)
def test_a_third_decimal_that_is_not_zero_is_refused_never_rounded(language, typed, message):
    """Quoted as typed, with the language's decimal point named where the text groups
    thousands as the other language does: 1.485 in English was perhaps meant as 1485."""
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            parse_number(typed)
        assert refused.value.messages == [message]
        with pytest.raises(ValidationError) as refused:
            NumberField(max_digits=16, decimal_places=2, required=False).clean(typed)
        assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "1.485 has more than 2 decimal places."),
        ("vi", "1,485 có nhiều hơn 2 chữ số sau dấu phẩy."),
    ],
)
def test_a_spreadsheet_number_with_a_third_decimal_is_quoted_as_the_language_writes_it(
    language, message
):
    """A number cell has no separator typed, so nothing is said of one."""
    with translation.override(language):
        for cell in (1.485, Decimal("1.485")):
            with pytest.raises(ValidationError) as refused:
                parse_number(cell)
            assert refused.value.messages == [message]


EITHER = {
    ("en", "133.000"): "133.000 could be 133 or 133\u00a0000: in English, “.” is the decimal "
    "point; for 133, write 133; for 133\u00a0000, write 133,000 or 133000.",
    ("en", "-1.000"): "-1.000 could be -1 or -1\u00a0000: in English, “.” is the decimal "
    "point; for -1, write -1; for -1\u00a0000, write -1,000 or -1000.",
    ("vi", "133,000"): "133,000 có thể là 133 hoặc 133\u00a0000: trong tiếng Việt, dấu phẩy là "
    "dấu thập phân; nếu là 133, viết 133; nếu là 133\u00a0000, viết 133.000 hoặc 133000.",
    ("vi", " 1,000 "): "1,000 có thể là 1 hoặc 1\u00a0000: trong tiếng Việt, dấu phẩy là "
    "dấu thập phân; nếu là 1, viết 1; nếu là 1\u00a0000, viết 1.000 hoặc 1000.",
}


@pytest.mark.parametrize(("language", "typed"), list(EITHER))
def test_three_zeros_after_the_decimal_point_are_refused_as_either_number(language, typed):
    """Read as 133, a 133,000 copied onto a Vietnamese page would silently be a thousandth of
    what was meant: it is refused, telling how to write each."""
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            parse_number(typed)
        assert refused.value.messages == [EITHER[language, typed]]
        with pytest.raises(ValidationError) as refused:
            NumberField(max_digits=16, decimal_places=2, required=False).clean(typed)
        assert refused.value.messages == [EITHER[language, typed]]


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("vi", "133.000", Decimal("133000")),
        ("en", "133,000", Decimal("133000")),
        ("vi", "1.000.000", Decimal("1000000")),
        ("en", "1,000,000", Decimal("1000000")),
        ("vi", "1.133,000", Decimal("1133")),
        ("en", "1,133.000", Decimal("1133")),
        ("vi", "1,5", Decimal("1.5")),
        ("vi", "0,000", Decimal("0")),
        ("en", "0.000", Decimal("0")),
        ("en", "133.0000", Decimal("133")),
        # A first group from 0 groups no thousands: a decimal, never 500.
        ("vi", "0.500", Decimal("0.5")),
        ("en", "0,500", Decimal("0.5")),
    ],
)
def test_what_can_be_only_one_number_is_read_as_that_number(language, typed, read):
    with translation.override(language):
        assert parse_number(typed) == read
        assert NumberField(max_digits=16, decimal_places=2, required=False).clean(typed) == read


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "kpi", "read"),
    [("en", "level4_services_pct", Decimal("1.48")), ("vi", "bts_total", Decimal("1480"))],
)
def test_the_api_reads_1_480_as_the_language_writes_it(staff_laocai, laocai, language, kpi, read):
    draft = complete_report(laocai)
    response = token_client(staff_laocai, language=language).patch(
        url("report-detail", draft.pk),
        {
            "version": draft.version,
            "values": [{"kpi": kpi, "value": "1.480"}],
            # The share falls from last quarter's 30: unusual, so it needs its reason.
            "warning_reason": "Đã rà soát lại cách tính.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert KpiValue.objects.get(report=draft, kpi__code=kpi).value == read


SPLIT_THOUSANDS = {
    ("en", "1.569"): "1.569 has more than 2 decimal places: in English, “.” is the decimal point; "
    "for 1\u00a0569, write 1,569 or 1569.",
    ("vi", "1,569"): "1,569 có nhiều hơn 2 chữ số sau dấu phẩy: trong tiếng Việt, dấu phẩy là "
    "dấu thập phân; nếu là 1\u00a0569, viết 1.569 hoặc 1569.",
    ("en", "12.345"): "12.345 has more than 2 decimal places: in English, “.” is the decimal "
    "point; for 12\u00a0345, write 12,345 or 12345.",
    ("vi", "12,345"): "12,345 có nhiều hơn 2 chữ số sau dấu phẩy: trong tiếng Việt, dấu phẩy là "
    "dấu thập phân; nếu là 12\u00a0345, viết 12.345 hoặc 12345.",
}


def post_report(client, scenario, language, **overrides):
    edit = reverse("milestones:report-edit", args=[scenario.agreement.pk, scenario.quarter])
    return client.post(edit, report_form_data(scenario, **overrides), HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "field", "typed", "message"),
    [
        ("en", "kpi-villages_fibre-denominator", "1.569", SPLIT_THOUSANDS["en", "1.569"]),
        ("vi", "kpi-villages_fibre-denominator", "1,569", SPLIT_THOUSANDS["vi", "1,569"]),
        ("en", "kpi-level4_services_pct-value", "12.345", SPLIT_THOUSANDS["en", "12.345"]),
        ("vi", "kpi-level4_services_pct-value", "12,345", SPLIT_THOUSANDS["vi", "12,345"]),
        ("en", "kpi-bts_total-value", "133.000", EITHER["en", "133.000"]),
        ("vi", "kpi-bts_total-value", "133,000", EITHER["vi", "133,000"]),
        ("vi", "kpi-villages_fibre-numerator", " 1,000 ", EITHER["vi", " 1,000 "]),
    ],
)
def test_the_report_form_refuses_it_quoting_what_was_typed(
    client, staff_laocai, laocai, language, field, typed, message
):
    client.force_login(staff_laocai)
    response = post_report(client, laocai, language, **{field: typed})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field] == [message]
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page, "what was typed stays in the form to be corrected"
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "kpi", "typed", "read"),
    [
        ("vi", "bts_total", "133.000", Decimal("133000")),
        ("en", "bts_total", "133,000", Decimal("133000")),
        ("vi", "level4_services_pct", "1,5", Decimal("1.5")),
        ("en", "level4_services_pct", "1.5", Decimal("1.5")),
    ],
)
def test_the_report_form_saves_what_can_be_only_one_number(
    client, staff_laocai, laocai, language, kpi, typed, read
):
    client.force_login(staff_laocai)
    # Far from last quarter's figure, so unusual: saved with a reason.
    reason = "Đã rà soát lại số liệu."
    overrides = {f"kpi-{kpi}-value": typed, "warning_reason": reason}
    response = post_report(client, laocai, language, **overrides)
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.values.get(kpi__code=kpi).value == read


@pytest.mark.django_db
def test_the_import_reads_and_refuses_as_the_form_does(staff_laocai, laocai):
    rows = good_rows()
    rows[0][4] = "133,000"
    rows[1][4] = "1.400"
    rows[2][6] = "1,569"
    with translation.override("vi"):
        plan = plan_of(staff_laocai, *rows)
        assert [(error.row, error.message) for error in plan.errors] == [
            (2, EITHER["vi", "133,000"]),
            (4, SPLIT_THOUSANDS["vi", "1,569"]),
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "values", "errors"),
    [
        (
            "vi",
            [
                {"kpi": "bts_total", "value": "133,000"},
                {"kpi": "villages_fibre", "numerator": "1100", "denominator": "1,569"},
            ],
            {
                "kpi-bts_total-value": [EITHER["vi", "133,000"]],
                "kpi-villages_fibre-denominator": [SPLIT_THOUSANDS["vi", "1,569"]],
            },
        ),
        (
            "en",
            # A JSON number has no separator typed, so nothing is said of one.
            [{"kpi": "bts_total", "value": "133.000"}, {"kpi": "bts_4g", "value": 400.125}],
            {
                "kpi-bts_total-value": [EITHER["en", "133.000"]],
                "kpi-bts_4g-value": ["400.125 has more than 2 decimal places."],
            },
        ),
    ],
)
def test_the_api_reads_and_refuses_a_string_as_the_form_does(
    staff_laocai, laocai, language, values, errors
):
    draft = complete_report(laocai)
    response = token_client(staff_laocai, language=language).patch(
        url("report-detail", draft.pk), {"version": draft.version, "values": values}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert KpiValue.objects.get(report=draft, kpi=laocai.bts_total).value == 1100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "typed", "told"),
    [
        (
            "en",
            "1.480",
            "BTS stations is a count of whole stations: 1.48 is not a whole number; in "
            "English, “.” is the decimal point; for 1\u00a0480, write 1,480 or 1480.",
        ),
        (
            "vi",
            "1,480",
            "Trạm BTS phải là số nguyên (đơn vị: trạm); 1,48 có phần thập phân: trong tiếng "
            "Việt, dấu phẩy là dấu thập phân; nếu là 1\u00a0480, viết 1.480 hoặc 1480.",
        ),
    ],
)
def test_a_count_typed_with_the_other_languages_grouping_is_told_how_to_write_it(
    client, staff_laocai, laocai, language, typed, told
):
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    response = client.post(
        edit,
        report_form_data(laocai, **{"kpi-bts_total-value": typed}),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert told in html.unescape(response.content.decode())
