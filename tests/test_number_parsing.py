"""Numbers as people type them: what the form, the admin, the API and the import read, and refuse."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.parsing import NumberField, input_number, parse_number


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
