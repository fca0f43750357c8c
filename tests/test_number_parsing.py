"""Numbers as people type them: what the form, the admin, the API and the import read, and refuse."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.parsing import NumberField, input_number, parse_number
from milestones.models import KpiValue

from .api import token_client, url
from .test_api_permissions import complete_report


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
        ("en", "12.000", Decimal("12")),
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
        ("en", "1.485", "Ensure that there are no more than 2 decimal places."),
        ("en", "1.4801", "Ensure that there are no more than 2 decimal places."),
        ("vi", "1,485", "Chỉ được nhập tối đa 2 chữ số sau dấu phẩy."),
    ],
)
def test_a_third_decimal_that_is_not_zero_is_refused_never_rounded(language, typed, message):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            parse_number(typed)
        assert refused.value.messages == [message]
        with pytest.raises(ValidationError):
            NumberField(max_digits=16, decimal_places=2, required=False).clean(typed)


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
