"""Numbers as people type them: what the form, the admin, the API and the import read, and refuse."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.parsing import NumberField, parse_number


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
